// Command dcsim is the command-line interface of the dcsim datacenter simulator.
//
//	dcsim run [NAME|FILE] [-o DIR] [--seed N] [--set key=value]... [--quiet]
//	dcsim sweep SWEEP.yaml|SCENARIO [-o DIR] [-j N] [--axis key=v1,v2]... [--seeds N] [--shard I/N]
//	dcsim merge DIR... -o OUT
//	dcsim compare BASE CANDIDATE [--fail-on METRIC:BOUND]... [--format text|markdown|json]
//	dcsim plan SCENARIO --vary KEY=LO:HI --minimize METRIC --subject-to 'METRIC<=X' [-o DIR]
//	dcsim report DIR [-o report.html]
//	dcsim scenarios list
//	dcsim scenarios show NAME
//	dcsim version
//
// Exit codes: 0 success, 1 internal error, 2 bad input (scenario, flags, arguments).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/dcsim/dcsim/internal/runner"
	"github.com/dcsim/dcsim/internal/version"
	"github.com/dcsim/dcsim/models/dc"
	"github.com/dcsim/dcsim/models/policy"
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/scenarios"
	"github.com/dcsim/dcsim/sim"
)

const (
	exitOK       = 0
	exitInternal = 1
	exitInput    = 2
)

// usageError marks a bad command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func init() {
	scenarios.KnownPolicy = policy.Known
	scenarios.KnownPowerTable = power.HasTable
}

const mainUsage = `dcsim — a fast, deterministic discrete-event datacenter simulator

Usage:
  dcsim <command> [flags]

Commands:
  run        simulate a scenario and write Arrow result files
  scenarios  list or show the built-in scenarios
  trace      inspect a trace, or convert it to dcsim's Arrow workload form
  sweep      run a grid of scenario variants × seeds in parallel (resumable, shardable)
  merge      combine the outputs of a sharded sweep
  compare    compare two run or sweep folders metric by metric; gate CI on regressions
  plan       search for the cheapest configuration that meets constraints
  report     turn a run or sweep folder into a self-contained HTML report
  version    print the version

Examples:
  dcsim run                          # the built-in 'default' scenario into out/
  dcsim run mmc -o out/mmc --quiet   # the M/M/c validation scenario
  dcsim run my.yaml --set scheduler.placement=worst-fit --seed 7
  dcsim scenarios show default > my.yaml
  dcsim trace inspect $DCSIM_TRACES/google-2011

Run 'dcsim <command> --help' for a command's flags.
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{"run"}
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(args[1:], stdout, stderr)
	case "scenarios", "scenario":
		err = cmdScenarios(args[1:], stdout, stderr)
	case "trace", "traces":
		err = cmdTrace(args[1:], stdout, stderr)
	case "sweep":
		err = cmdSweep(args[1:], stdout, stderr)
	case "merge":
		err = cmdMerge(args[1:], stdout, stderr)
	case "compare":
		err = cmdCompare(args[1:], stdout, stderr)
	case "plan":
		err = cmdPlan(args[1:], stdout, stderr)
	case "report":
		err = cmdReport(args[1:], stdout, stderr)
	case "version", "--version":
		if len(args) > 1 && (args[1] == "-h" || args[1] == "--help") {
			fmt.Fprint(stdout, "Usage: dcsim version\n\nPrints dcsim's version, the Go version and the platform.\n\nExample:\n  dcsim version\n")
			break
		}
		fmt.Fprintf(stdout, "dcsim %s (%s %s/%s)\n", version.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, mainUsage)
	default:
		err = usageError{fmt.Sprintf("unknown command %q\n\n%s", args[0], mainUsage)}
	}
	if err == nil || errors.Is(err, pflag.ErrHelp) {
		return exitOK
	}
	fmt.Fprintln(stderr, "dcsim:", err)
	var ue usageError
	var ie *scenarios.InputError
	if errors.As(err, &ue) || errors.As(err, &ie) || errors.Is(err, runner.ErrInput) || errors.Is(err, dc.ErrInput) ||
		errors.Is(err, trace.ErrBadInput) {
		return exitInput
	}
	return exitInternal
}

func newFlags(name, usage string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fmt.Fprintln(stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

func parseFlags(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

const runUsage = `Usage: dcsim run [NAME|FILE] [flags]

Simulates a built-in scenario (see 'dcsim scenarios list') or a scenario file, prints a summary
and writes jobs.arrow, hosts.arrow, summary.arrow and run.json into the output directory.

Examples:
  dcsim run                                    # built-in 'default' into out/
  dcsim run mmc -o out/mmc
  dcsim run cluster.yaml --seed 3 --set scheduler.placement=worst-fit
  dcsim run default --set cluster.host_groups.0.count=600 --set horizon=12h
  dcsim run fleet --workers 2                  # 32 cells on the parallel engine
`

func cmdRun(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", runUsage, stderr)
	out := fs.StringP("output", "o", "out", "output directory")
	seed := fs.String("seed", "", "master random seed (overrides the scenario's seed)")
	sets := fs.StringArray("set", nil, "override a scenario key, e.g. --set scheduler.placement=best-fit (repeatable)")
	quiet := fs.BoolP("quiet", "q", false, "print no progress bar and no summary")
	workers := fs.IntP("workers", "j", runtime.NumCPU(), "goroutines for a fleet's cells (results are identical for any value)")
	cpuprofile := fs.String("cpuprofile", "", "write a Go CPU profile of the run to this file")
	format := fs.String("format", "arrow", "result file format: arrow, parquet or both")
	allowExec := fs.Bool("allow-exec", false, "allow the scenario to start the external policy program it names")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return usageError{err.Error()}
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if fs.NArg() > 1 {
		return usageError{fmt.Sprintf("run takes at most one scenario, got %d: %v", fs.NArg(), fs.Args())}
	}
	name := "default"
	if fs.NArg() == 1 {
		name = fs.Arg(0)
	}
	all := append([]string(nil), *sets...)
	if *seed != "" {
		if _, err := strconv.ParseUint(*seed, 10, 64); err != nil {
			return usageError{fmt.Sprintf("--seed %q: want a non-negative integer", *seed)}
		}
		all = append(all, "seed="+*seed)
	}
	sc, err := scenarios.Resolve(name, all)
	if err != nil {
		return err
	}
	if *workers < 1 {
		return usageError{fmt.Sprintf("--workers %d: want at least 1", *workers)}
	}
	cleanupOnInterrupt(*out, stderr)
	if err := runner.CheckFormat(*format); err != nil {
		return usageError{err.Error()}
	}
	opt := runner.Options{OutDir: *out, Workers: *workers, Format: *format, AllowExec: *allowExec}
	var bar *progressBar
	if !*quiet && isTerminal(os.Stderr) {
		bar = &progressBar{w: stderr, start: time.Now()}
		opt.Progress = bar.update
	}
	o, err := runner.Run(sc, opt)
	if bar != nil {
		bar.done()
	}
	if err != nil {
		return err
	}
	if !*quiet {
		printSummary(stdout, o)
	}
	return nil
}

func printSummary(w io.Writer, o *runner.Output) {
	s := &o.Result.Summary
	i := &o.Info
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "  %s\t%s\n", k, v) }
	fmt.Fprintf(tw, "scenario %s, seed %d: %s simulated in %.2f s wall\n", s.Scenario, s.Seed,
		fmtSim(sim.Time(s.SimTimeS*1e6)), i.WallS)
	row("jobs submitted", fmt.Sprintf("%d", s.JobsSubmitted))
	row("  finished / rejected / unfinished", fmt.Sprintf("%d / %d / %d", s.JobsFinished, s.JobsRejected, s.JobsUnfinished))
	row("wait mean / p50 / p99", fmt.Sprintf("%.1f s / %.1f s / %.1f s", s.MeanWaitS, s.P50WaitS, s.P99WaitS))
	row("mean bounded slowdown", fmt.Sprintf("%.3f", s.MeanBoundedSlowdown))
	row("SLO violations", fmt.Sprintf("%d (%.2f%% of jobs)", s.SLOViolations, pct(s.SLOViolations, s.JobsSubmitted)))
	if s.GPUUtilization >= 0 {
		row("CPU / memory / GPU utilization", fmt.Sprintf("%.1f%% / %.1f%% / %.1f%%", 100*s.CPUUtilization, 100*s.MemUtilization, 100*s.GPUUtilization))
	} else {
		row("CPU / memory utilization", fmt.Sprintf("%.1f%% / %.1f%%", 100*s.CPUUtilization, 100*s.MemUtilization))
	}
	if s.ServiceRequests > 0 {
		row("service requests / dropped", fmt.Sprintf("%d / %d (%.0f SLO-violation minutes)", s.ServiceRequests, s.ServiceDropped, s.ServiceSLOViolationMinutes))
	}
	if s.PowerOns+s.PowerOffs > 0 || s.ForecastMAPE >= 0 {
		mape := "-"
		if s.ForecastMAPE >= 0 {
			mape = fmt.Sprintf("%.1f%%", 100*s.ForecastMAPE)
		}
		row("power ons / offs", fmt.Sprintf("%d / %d (forecast MAPE %s, under-provisioned %.1f host-h)", s.PowerOns, s.PowerOffs, mape, s.UnderprovisionedHostHours))
	}
	if s.HostFailures > 0 {
		row("host failures / task retries", fmt.Sprintf("%d / %d (%d jobs failed, %.1f core-h lost, unavailability %.2f%%)",
			s.HostFailures, s.TaskRetries, s.JobsFailed, s.LostCoreHours, 100*s.Unavailability))
	}
	row("IT energy", fmt.Sprintf("%.1f kWh (facility %.1f kWh)", s.EnergyKWh, s.FacilityEnergyKWh))
	row("cost", fmt.Sprintf("%.2f USD (capex %.2f, energy %.2f)", s.CostUSD, s.CapexUSD, s.EnergyUSD))
	row("carbon", fmt.Sprintf("%.1f kg CO2e", s.CarbonKg))
	row("host-hours", fmt.Sprintf("%.1f", s.HostHours))
	if i.ServiceRequests > 0 {
		row("events", fmt.Sprintf("%d, plus %d service requests (%.1f M/s)", s.Events, i.ServiceRequests, i.RequestsPerS/1e6))
	} else {
		row("events", fmt.Sprintf("%d (%.2f M/s)", s.Events, i.EventsPerS/1e6))
	}
	if i.Windows > 0 {
		row("parallel engine", fmt.Sprintf("%d workers, %d windows, %d messages, %.0f%% of worker time at barriers",
			i.Workers, i.Windows, i.Messages, 100*i.BarrierWaitFrac))
	}
	row("peak memory", fmt.Sprintf("%.0f MiB", float64(i.PeakRSSBytes)/(1<<20)))
	files := []string{"jobs"}
	if i.WroteHostsArr {
		files = append(files, "hosts")
	}
	if i.ServicesRows > 0 {
		files = append(files, "services")
	}
	dir := strings.TrimRight(i.OutputDir, "/")
	switch i.Format {
	case runner.FormatParquet:
		row("output", fmt.Sprintf("%s/{%s}.parquet, summary.arrow, run.json", dir, strings.Join(files, ",")))
	case runner.FormatBoth:
		files = append(files, "summary")
		row("output", fmt.Sprintf("%s/{%s}.{arrow,parquet}, run.json", dir, strings.Join(files, ",")))
	default:
		files = append(files, "summary")
		row("output", fmt.Sprintf("%s/{%s}.arrow, run.json", dir, strings.Join(files, ",")))
	}
	tw.Flush()
}

func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

const scenariosUsage = `Usage: dcsim scenarios list
       dcsim scenarios show NAME

'list' prints the built-in scenarios; 'show' prints one as YAML, ready to copy and edit.

Examples:
  dcsim scenarios list
  dcsim scenarios show mmc > mmc.yaml
`

func cmdScenarios(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("scenarios", scenariosUsage, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() == 1 && fs.Arg(0) == "list":
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		for _, n := range scenarios.BuiltinNames() {
			desc, err := scenarios.BuiltinDescription(n)
			if err != nil {
				return err
			}
			fmt.Fprintf(tw, "%s\t%s\n", n, firstLine(desc))
		}
		return tw.Flush()
	case fs.NArg() == 2 && fs.Arg(0) == "show":
		b, err := scenarios.BuiltinYAML(fs.Arg(1))
		if err != nil {
			return usageError{err.Error()}
		}
		_, err = stdout.Write(b)
		return err
	}
	return usageError{"usage: dcsim scenarios list | dcsim scenarios show NAME"}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// cleanupOnInterrupt makes Ctrl-C (SIGINT) or SIGTERM remove this process's temporary output
// files before exiting with 130, so an interrupted run leaves the output directory as it was:
// finished files from earlier runs stay, and nothing half-written appears.
func cleanupOnInterrupt(dir string, stderr io.Writer) {
	onInterrupt(stderr, "interrupted; temporary files removed (result files from earlier runs are unchanged)",
		filepath.Join(dir, fmt.Sprintf(".*.tmp-%d-*", os.Getpid())))
}

// onInterrupt makes Ctrl-C (SIGINT) or SIGTERM remove the files and folders matching the glob
// patterns (this process's temporary output), print msg and exit with 130.
func onInterrupt(stderr io.Writer, msg string, patterns ...string) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		for _, p := range patterns {
			tmps, _ := filepath.Glob(p)
			for _, t := range tmps {
				os.RemoveAll(t)
			}
		}
		fmt.Fprintln(stderr, "\ndcsim: "+msg)
		os.Exit(130)
	}()
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws simulated-time progress, event rate and ETA on one terminal line.
type progressBar struct {
	w     io.Writer
	start time.Time
	last  time.Time
	drawn bool
}

func (b *progressBar) update(p dc.Progress) {
	now := time.Now()
	if now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	frac := -1.0
	if p.Horizon != sim.MaxTime && p.Horizon > 0 {
		frac = float64(p.Now) / float64(p.Horizon)
	} else if p.ExpectedJobs > 0 {
		frac = float64(p.Submitted) / float64(p.ExpectedJobs)
	}
	el := now.Sub(b.start).Seconds()
	rate := float64(p.Events) / el
	const width = 30
	line := ""
	if frac >= 0 {
		frac = min(frac, 1)
		n := int(frac * width)
		eta := "?"
		if frac > 0 {
			eta = fmt.Sprintf("%.0fs", el/frac-el)
		}
		line = fmt.Sprintf("[%s%s] %5.1f%%  sim %s  %.1f M ev/s  queue %d  ETA %s", strings.Repeat("#", n),
			strings.Repeat("-", width-n), 100*frac, fmtSim(p.Now), rate/1e6, p.QueueLen, eta)
	} else {
		line = fmt.Sprintf("sim %s  %.1f M ev/s  queue %d", fmtSim(p.Now), rate/1e6, p.QueueLen)
	}
	fmt.Fprintf(b.w, "\r\033[K%s", line)
	b.drawn = true
}

func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
	}
}

func fmtSim(t sim.Time) string {
	d := time.Duration(t) * time.Microsecond
	return d.Truncate(time.Second).String()
}
