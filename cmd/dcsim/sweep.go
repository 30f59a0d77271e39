package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/dcsim/dcsim/internal/runner"
	"github.com/dcsim/dcsim/scenarios/sweep"
)

const sweepUsage = `Usage: dcsim sweep SWEEP.yaml|SCENARIO [flags]

Runs every combination of a sweep's axes × seeds, in parallel, each run into DIR/runs/<id>/,
and gathers one row per run, with the run's parameters as columns, in DIR/summary.arrow.

SWEEP.yaml names a base scenario and axes (see docs/sweeps.md); or give a scenario (built-in
name or file) and the axes with --axis. Interrupted (Ctrl-C, kill -9, a crash), the same command
run again skips the complete runs and ends with the same summary.arrow as an uninterrupted sweep.
--shard I/N runs a deterministic slice, for N machines; 'dcsim merge' combines the slices.

Exit codes: 0 every run succeeded, 1 some run failed (the others still ran), 2 bad input.

Examples:
  dcsim sweep docs/examples/placement-sweep.yaml -o out/placement
  dcsim sweep default --axis scheduler.placement=first-fit,best-fit,worst-fit --seeds 3 -o out/p
  dcsim sweep big.yaml -o /shared/big --shard $JOB_COMPLETION_INDEX/8
  dcsim sweep big.yaml -o /shared/big --shard auto/8     # index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID
`

func cmdSweep(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sweep", sweepUsage, stderr)
	out := fs.StringP("output", "o", "", "sweep folder (default out/<sweep name>)")
	jobs := fs.IntP("jobs", "j", runtime.NumCPU(), "runs at a time")
	axes := fs.StringArray("axis", nil, "vary a scenario key: key.path=v1,v2,... (repeatable; adds to the sweep file's axes)")
	sets := fs.StringArray("set", nil, "override a scenario key in every run: key.path=value (repeatable)")
	seeds := fs.Int("seeds", 0, "replicates (seeds) per configuration; overrides the sweep file's 'seeds'")
	shard := fs.String("shard", "", "run only slice I of N: I/N, or auto/N to read JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID")
	failFast := fs.Bool("fail-fast", false, "stop starting runs after the first failure")
	dry := fs.Bool("dry-run", false, "list the runs (id, parameters, seed) and exit")
	format := fs.String("format", "arrow", "result file format of each run: arrow, parquet or both")
	allowExec := fs.Bool("allow-exec", false, "allow the scenario to start the external policy program it names")
	quiet := fs.BoolP("quiet", "q", false, "print only failures and the final line")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"sweep takes one sweep file or scenario; see 'dcsim sweep --help'"}
	}
	if *jobs < 1 {
		return usageError{fmt.Sprintf("--jobs %d: want at least 1", *jobs)}
	}
	if err := runner.CheckFormat(*format); err != nil {
		return usageError{err.Error()}
	}
	si, sn, err := parseShard(*shard)
	if err != nil {
		return err
	}
	sw, err := loadSweep(fs.Arg(0), *axes, *sets, *seeds)
	if err != nil {
		return err
	}
	plan, err := sw.Expand()
	if err != nil {
		return err
	}
	if *dry {
		return listRuns(stdout, plan, si, sn)
	}
	if err := plan.Validate(*jobs); err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("out", sw.Name)
	}
	isTTY := !*quiet && isTerminal(os.Stderr)
	var mu sync.Mutex
	var lastLine time.Time
	drawn := false
	opt := sweep.Options{Dir: dir, Jobs: *jobs, Shard: si, Shards: sn, FailFast: *failFast, Format: *format, AllowExec: *allowExec}
	total := len(plan.Shard(si, sn))
	finished := 0
	opt.RunDone = func(st sweep.RunStatus) {
		mu.Lock()
		defer mu.Unlock()
		finished++
		if drawn {
			fmt.Fprint(stderr, "\r\033[K")
			drawn = false
		}
		switch {
		case st.Status == "failed":
			fmt.Fprintf(stderr, "run %s failed (%s): %s\n", st.Run.ID, plan.Describe(st.Run), st.Err)
		case *quiet || isTTY:
		case st.Status == "done":
			fmt.Fprintf(stderr, "[%d/%d] %s done in %.2f s (%s)\n", finished, total, st.Run.ID, st.WallS, plan.Describe(st.Run))
		case st.Status == "skipped":
			fmt.Fprintf(stderr, "[%d/%d] %s complete already (%s)\n", finished, total, st.Run.ID, plan.Describe(st.Run))
		}
	}
	if isTTY {
		opt.Progress = func(p sweep.Progress) {
			mu.Lock()
			defer mu.Unlock()
			if time.Since(lastLine) < 100*time.Millisecond && p.Done+p.Skipped+p.Failed < p.Total {
				return
			}
			lastLine = time.Now()
			fmt.Fprintf(stderr, "\r\033[K%s", progressLine(p))
			drawn = true
		}
	}
	interruptSweep(dir, stderr)
	tuneGCForBatch()
	o, err := sweep.Execute(plan, opt)
	if drawn {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	failed := o.Failed()
	shardNote := ""
	if sn > 1 {
		shardNote = fmt.Sprintf(" (shard %d/%d of %d runs)", si, sn, len(plan.Runs))
	}
	fmt.Fprintf(stdout, "%d runs%s: %d ran, %d complete already, %d failed, %d not run in %.2f s; summary %s\n",
		len(o.Runs), shardNote, o.Count("done"), o.Count("skipped"), len(failed), o.Count("not-run"), o.WallS, o.Summary)
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d runs failed (first: %s: %s); the others' results are in %s — fix the cause and run the same command again to finish the sweep",
			len(failed), len(o.Runs), failed[0].Run.ID, firstLine(failed[0].Err), dir)
	}
	return nil
}

func progressLine(p sweep.Progress) string {
	const width = 24
	frac := 0.0
	if p.Total > 0 {
		frac = float64(p.Done+p.Skipped+p.Failed) / float64(p.Total)
	}
	n := int(frac * width)
	eta := "?"
	if p.ETA >= 0 {
		eta = p.ETA.Truncate(time.Second).String()
	}
	return fmt.Sprintf("[%s%s] %d/%d  %d done, %d skipped, %d running, %d failed  elapsed %s  ETA %s",
		strings.Repeat("#", n), strings.Repeat("-", width-n), p.Done+p.Skipped+p.Failed, p.Total,
		p.Done, p.Skipped, p.Running, p.Failed, p.Elapsed.Truncate(time.Second), eta)
}

// loadSweep reads a sweep file, or builds a sweep over a scenario from the flags.
func loadSweep(arg string, axes, sets []string, seeds int) (*sweep.Sweep, error) {
	if data, err := os.ReadFile(arg); err == nil && sweep.IsSweepFile(data) {
		sw, err := sweep.Parse(arg, data)
		if err != nil {
			return nil, err
		}
		return sw, sw.AddFlags(axes, sets, seeds)
	}
	if len(axes) == 0 && seeds <= 0 {
		return nil, usageError{fmt.Sprintf("%s is not a sweep file (no top-level 'base:'); to sweep a scenario, give --axis key=v1,v2 and/or --seeds N", arg)}
	}
	return sweep.FromFlags(arg, axes, sets, seeds)
}

// parseShard parses --shard I/N; I may be "auto", read from JOB_COMPLETION_INDEX (Kubernetes
// Indexed Jobs) or SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN, if set).
func parseShard(s string) (int, int, error) {
	if s == "" {
		return 0, 1, nil
	}
	bad := func(msg string) error { return usageError{fmt.Sprintf("--shard %q: %s", s, msg)} }
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, bad("want I/N, e.g. 0/4, or auto/N")
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n < 1 {
		return 0, 0, bad("N must be a positive integer")
	}
	if is == "auto" {
		if v := os.Getenv("JOB_COMPLETION_INDEX"); v != "" {
			is = v
		} else if v := os.Getenv("SLURM_ARRAY_TASK_ID"); v != "" {
			id, err := strconv.Atoi(v)
			if err != nil {
				return 0, 0, bad(fmt.Sprintf("SLURM_ARRAY_TASK_ID=%q is not an integer", v))
			}
			if m := os.Getenv("SLURM_ARRAY_TASK_MIN"); m != "" {
				mn, err := strconv.Atoi(m)
				if err != nil {
					return 0, 0, bad(fmt.Sprintf("SLURM_ARRAY_TASK_MIN=%q is not an integer", m))
				}
				id -= mn
			}
			is = strconv.Itoa(id)
		} else {
			return 0, 0, bad("auto needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID in the environment")
		}
	}
	i, err := strconv.Atoi(is)
	if err != nil || i < 0 || i >= n {
		return 0, 0, bad(fmt.Sprintf("index %q must be an integer in 0..%d", is, n-1))
	}
	return i, n, nil
}

func listRuns(w io.Writer, p *sweep.Plan, si, sn int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "index\tid\treplicate\tseed")
	for _, c := range p.Params {
		fmt.Fprintf(tw, "\t%s", c.Name)
	}
	fmt.Fprintln(tw)
	for _, r := range p.Shard(si, sn) {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d", r.Index, r.ID, r.Replicate, r.Seed)
		for _, v := range r.Params {
			fmt.Fprintf(tw, "\t%s", v)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// interruptSweep makes Ctrl-C or SIGTERM remove this process's temporary run folders and say how
// to resume.
func interruptSweep(dir string, stderr io.Writer) {
	onInterrupt(stderr, "sweep interrupted; complete runs are kept — run the same command again to resume",
		filepath.Join(dir, sweep.RunsDir, fmt.Sprintf(".tmp-*-%d", os.Getpid())))
}

const mergeUsage = `Usage: dcsim merge DIR... -o OUT

Combines the folders of a sharded sweep ('dcsim sweep --shard I/N', one folder per shard or one
shared folder) into OUT: OUT/summary.arrow is byte-identical to the summary of the same sweep
run on one machine, and OUT/runs/ holds every run (hard-linked where possible). OUT may be one
of the input folders.

Exit codes: 0 merged, 1 runs missing (a shard has not finished), 2 bad input.

Examples:
  dcsim merge shard-0 shard-1 shard-2 shard-3 -o merged
  dcsim merge /shared/big -o /shared/big          # shards that wrote into one shared folder
`

func cmdMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("merge", mergeUsage, stderr)
	out := fs.StringP("output", "o", "", "merged sweep folder (required)")
	partial := fs.Bool("allow-partial", false, "write a summary of the complete runs even if some are missing")
	format := fs.String("format", "arrow", "also write summary.parquet with parquet or both")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 || *out == "" {
		return usageError{"merge needs one or more sweep folders and -o OUT; see 'dcsim merge --help'"}
	}
	if err := runner.CheckFormat(*format); err != nil {
		return usageError{err.Error()}
	}
	res, err := sweep.Merge(fs.Args(), sweep.MergeOptions{Out: *out, AllowPartial: *partial, Format: *format})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "merged %d of %d runs (%d copied) into %s\n", res.Merged, res.Runs, res.Copied, filepath.Join(*out, "summary.arrow"))
	if len(res.Missing) > 0 {
		fmt.Fprintf(stderr, "dcsim: %d runs missing (e.g. %s); the summary covers the others\n", len(res.Missing), res.Missing[0])
	}
	return nil
}
