package sweep

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/dcsim/dcsim/internal/atomicfile"
	"github.com/dcsim/dcsim/internal/runner"
	"github.com/dcsim/dcsim/internal/version"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
)

// Options control the execution of a sweep. None of them changes a result file.
type Options struct {
	Dir       string // the sweep folder
	Jobs      int    // runs at a time (< 1: the number of CPUs)
	Shard     int    // this process's shard index, 0 <= Shard < Shards
	Shards    int    // number of shards (<= 1: unsharded)
	FailFast  bool   // stop starting runs after the first failure
	Format    string // runner.Options.Format of every run
	AllowExec bool   // runner.Options.AllowExec of every run
	// Progress, when set, is called (serialized) whenever a run starts or ends.
	Progress func(Progress)
	// RunDone, when set, is called (serialized) after each run that was executed or skipped.
	RunDone func(RunStatus)

	inject func(Run) error // tests: fail a run before it starts
}

// Progress is the state of a sweep in execution.
type Progress struct {
	Total, Done, Skipped, Running, Failed int
	Elapsed, ETA                          time.Duration // ETA < 0: unknown
}

// RunStatus is what became of one run.
type RunStatus struct {
	Run    Run
	Status string  // "done" (ran now), "skipped" (complete from an earlier invocation), "failed", "not-run" (fail-fast)
	WallS  float64 // wall time of the run ("done" only)
	Err    string

	summary *results.Summary // the run's summary.arrow row, read back by the worker ("done", "skipped")
}

// Outcome is the result of Execute.
type Outcome struct {
	Runs    []RunStatus // this shard's runs, in expansion order
	WallS   float64
	Summary string // path of the summary written
}

// Failed returns the runs that failed.
func (o *Outcome) Failed() []RunStatus {
	var f []RunStatus
	for _, r := range o.Runs {
		if r.Status == "failed" {
			f = append(f, r)
		}
	}
	return f
}

// Count returns how many runs have status s.
func (o *Outcome) Count(s string) int {
	n := 0
	for _, r := range o.Runs {
		if r.Status == s {
			n++
		}
	}
	return n
}

// Manifest is sweep.json (or sweep.shard-I-of-N.json): the sweep's expansion and what became of
// this process's runs. It holds wall-clock figures, so it is not part of the deterministic output.
type Manifest struct {
	Version   string        `json:"dcsim_version"`
	Name      string        `json:"name"`
	Base      string        `json:"base"`
	RootSeed  uint64        `json:"root_seed"`
	Hash      string        `json:"sweep_hash"`
	Shard     string        `json:"shard,omitempty"` // "I/N"
	TotalRuns int           `json:"total_runs"`
	Params    []ParamJSON   `json:"params"`
	Runs      []RunManifest `json:"runs"`
	WallS     float64       `json:"wall_s"`
	Jobs      int           `json:"jobs"`
	Finished  bool          `json:"finished"`
}

// ParamJSON is a parameter column in the manifest.
type ParamJSON struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// RunManifest is one run in the manifest.
type RunManifest struct {
	Index     int               `json:"index"`
	ID        string            `json:"id"`
	Replicate int               `json:"replicate"`
	Seed      uint64            `json:"seed"`
	Params    map[string]string `json:"params"`
	Values    []string          `json:"values"` // the parameter values in column order
	Status    string            `json:"status"`
	WallS     float64           `json:"wall_s,omitempty"`
	Error     string            `json:"error,omitempty"`
}

// RunsDir is the sub-folder of a sweep folder that holds one folder per run.
const RunsDir = "runs"

// ShardSuffix names a shard's own files: "" unsharded, ".shard-I-of-N" otherwise.
func ShardSuffix(i, n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(".shard-%d-of-%d", i, n)
}

// RootSeed returns the sweep's root seed (the base scenario's unless the sweep file sets one).
func (p *Plan) RootSeed() uint64 { return p.Root }

// Validate resolves the scenario of every configuration (not every replicate), so that a bad
// axis value is reported before anything runs; it uses up to jobs goroutines and reports the
// first bad configuration in expansion order. Errors match scenarios.ErrInput.
func (p *Plan) Validate(jobs int) error {
	seen := map[string]bool{}
	var firsts []Run
	for _, r := range p.Runs {
		key := strings.Join(r.Params, "\x1f")
		if !seen[key] {
			seen[key] = true
			firsts = append(firsts, r)
		}
	}
	errs := make([]error, len(firsts))
	var g errgroup.Group
	g.SetLimit(max(jobs, 1))
	for i, r := range firsts {
		g.Go(func() error {
			if _, err := p.Scenario(r); err != nil {
				errs[i] = fmt.Errorf("run %s (%s): %w", r.ID, p.describe(r), err)
			}
			return nil
		})
	}
	g.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Scenario returns run r's scenario: its configuration's scenario, resolved once per
// configuration (the base with the sweep's and the configuration's overrides), with the run's
// seed. It is the scenario that resolving the base with r.Sets gives (the seed is the last
// override and changes nothing else; TestScenarioCacheMatchesResolve checks the YAML), at a
// fraction of the cost. The returned scenario is the caller's; the shared one is never modified.
func (p *Plan) Scenario(r Run) (*scenarios.Scenario, error) {
	key := strings.Join(r.Params, "\x1f")
	v, _ := p.configs.LoadOrStore(key, new(config))
	c := v.(*config)
	c.once.Do(func() {
		c.sc, c.err = scenarios.Resolve(p.Sweep.BasePath(), r.Sets[:len(r.Sets)-1]) // all but "seed=N"
	})
	if c.err != nil {
		// Resolve again with the seed, so that the error is exactly the one the run would give.
		_, err := scenarios.Resolve(p.Sweep.BasePath(), r.Sets)
		if err == nil {
			err = c.err
		}
		return nil, err
	}
	sc := *c.sc
	sc.Seed = r.Seed
	return &sc, nil
}

// describe renders a run's parameters as "k=v, k=v, seed=N".
func (p *Plan) describe(r Run) string {
	parts := make([]string, 0, len(r.Params)+1)
	for i, c := range p.Params {
		parts = append(parts, c.Name+"="+r.Params[i])
	}
	parts = append(parts, "seed="+strconv.FormatUint(r.Seed, 10))
	return strings.Join(parts, ", ")
}

// Describe renders a run's parameters and seed for people.
func (p *Plan) Describe(r Run) string { return p.describe(r) }

// Execute runs this shard's runs of plan p into opt.Dir, skipping those that an earlier
// invocation completed, and writes the shard's summary and manifest. A run is written into a
// temporary folder and renamed into runs/<id> only when complete, so an interrupted sweep (Ctrl-C,
// kill -9, a crash) leaves only complete runs behind, and running the same command again
// finishes the sweep with the same summary bytes as an uninterrupted one. A run that fails is
// reported and does not stop the others unless opt.FailFast.
func Execute(p *Plan, opt Options) (*Outcome, error) {
	start := time.Now()
	if opt.Shards <= 1 {
		opt.Shard, opt.Shards = 0, 1
	}
	if opt.Shard < 0 || opt.Shard >= opt.Shards {
		return nil, inputErr("--shard", "shard %d/%d: want 0 <= index < count", opt.Shard, opt.Shards)
	}
	if opt.Jobs < 1 {
		opt.Jobs = runtime.NumCPU()
	}
	runsDir := filepath.Join(opt.Dir, RunsDir)
	if err := os.MkdirAll(runsDir, 0o755); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(opt.Dir, "sweep.yaml"), p.Sweep.Source); err != nil {
		return nil, err
	}
	mine := p.Shard(opt.Shard, opt.Shards)
	suffix := ShardSuffix(opt.Shard, opt.Shards)
	out := &Outcome{Runs: make([]RunStatus, len(mine))}
	for i, r := range mine {
		out.Runs[i] = RunStatus{Run: r, Status: "not-run"}
		// Leftovers of a killed earlier invocation; only this shard's runs, since other shards
		// may be writing into the same folder right now.
		if old, _ := filepath.Glob(filepath.Join(runsDir, ".tmp-"+r.ID+"-*")); len(old) > 0 {
			for _, o := range old {
				os.RemoveAll(o)
			}
		}
	}
	manifestPath := filepath.Join(opt.Dir, "sweep"+suffix+".json")
	if err := writeManifest(manifestPath, p, opt, out, 0, false); err != nil {
		return nil, err
	}

	var mu sync.Mutex
	prog := Progress{Total: len(mine)}
	var ranWall float64 // summed wall time of the runs executed now
	var ranN int
	report := func() {
		if opt.Progress == nil {
			return
		}
		prog.Elapsed = time.Since(start)
		prog.ETA = -1
		if left := prog.Total - prog.Done - prog.Skipped - prog.Failed; ranN > 0 && left >= 0 {
			per := ranWall / float64(ranN)
			par := min(opt.Jobs, max(left, 1))
			prog.ETA = time.Duration(per * float64(left) / float64(par) * float64(time.Second))
		}
		opt.Progress(prog)
	}
	stop := false
	var g errgroup.Group
	g.SetLimit(opt.Jobs)
	for i := range mine {
		mu.Lock()
		halt := stop
		mu.Unlock()
		if halt {
			break
		}
		g.Go(func() error {
			r := mine[i]
			mu.Lock()
			if stop {
				mu.Unlock()
				return nil
			}
			prog.Running++
			report()
			mu.Unlock()
			st := runOne(p, r, runsDir, opt)
			mu.Lock()
			defer mu.Unlock()
			out.Runs[i] = st
			prog.Running--
			switch st.Status {
			case "done":
				prog.Done++
				ranWall += st.WallS
				ranN++
			case "skipped":
				prog.Skipped++
			case "failed":
				prog.Failed++
				if opt.FailFast {
					stop = true
				}
			}
			if opt.RunDone != nil {
				opt.RunDone(st)
			}
			report()
			return nil
		})
	}
	g.Wait()

	// The summary covers every complete run of this shard, in expansion order; the workers read
	// each run's row back from its summary.arrow, so the file is what the runs' files say.
	summaryPath := filepath.Join(opt.Dir, "summary"+suffix+".arrow")
	var rows []results.SweepRow
	for _, st := range out.Runs {
		if st.Status == "done" || st.Status == "skipped" {
			r := st.Run
			rows = append(rows, results.SweepRow{RunID: r.ID, Replicate: int64(r.Replicate), Params: r.Params, Summary: *st.summary})
		}
	}
	if err := writeSweepSummary(summaryPath, p, rows); err != nil {
		return nil, err
	}
	out.Summary = summaryPath
	if err := summaryFormat(summaryPath, opt.Format); err != nil {
		return nil, err
	}
	out.WallS = time.Since(start).Seconds()
	if err := writeManifest(manifestPath, p, opt, out, out.WallS, true); err != nil {
		return nil, err
	}
	return out, nil
}

// runOne executes run r unless a complete run of the same scenario is already in runsDir.
func runOne(p *Plan, r Run, runsDir string, opt Options) (st RunStatus) {
	st = RunStatus{Run: r}
	fail := func(err error) RunStatus {
		st.Status, st.Err = "failed", err.Error()
		return st
	}
	defer func() {
		if v := recover(); v != nil {
			st = fail(fmt.Errorf("internal error (please report): %v\n%s", v, debug.Stack()))
		}
	}()
	sc, err := p.Scenario(r)
	if err != nil {
		return fail(err)
	}
	final := filepath.Join(runsDir, r.ID)
	if sum, err := runner.Complete(final, sc); err != nil {
		return fail(err)
	} else if sum != nil {
		st.Status, st.summary = "skipped", sum
		return st
	}
	if opt.inject != nil {
		if err := opt.inject(r); err != nil {
			return fail(err)
		}
	}
	t0 := time.Now()
	ropt := runner.Options{Workers: 1, Format: opt.Format, AllowExec: opt.AllowExec,
		Sweep: &runner.SweepRun{RunID: r.ID, Replicate: r.Replicate, FinalDir: final}}
	sum, err := runner.RunInto(sc, final, ropt, nil)
	if err != nil {
		return fail(err)
	}
	st.Status, st.summary, st.WallS = "done", sum, time.Since(t0).Seconds()
	return st
}

// WriteSummary writes the summary of runs (in the order given) to path, reading each run's
// summary.arrow from the first of dirs that has it.
func WriteSummary(path string, p *Plan, dirs []string, runs []Run) error {
	rows := make([]results.SweepRow, 0, len(runs))
	for _, r := range runs {
		var sum results.Summary
		var err error
		for _, d := range dirs {
			sum, _, err = results.ReadSummary(filepath.Join(d, r.ID, "summary.arrow"))
			if err == nil {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("run %s: %w", r.ID, err)
		}
		rows = append(rows, results.SweepRow{RunID: r.ID, Replicate: int64(r.Replicate), Params: r.Params, Summary: sum})
	}
	return writeSweepSummary(path, p, rows)
}

func writeSweepSummary(path string, p *Plan, rows []results.SweepRow) error {
	meta := results.Meta{Version: version.Version, Scenario: p.Sweep.Base, Seed: p.RootSeed(), ScenarioYAML: string(p.Sweep.Source)}
	return results.WriteSweepSummary(path, meta, p.Params, rows)
}

// summaryFormat writes the sweep summary's Parquet twin when the runs are written in Parquet
// (summary.arrow always stays, as in each run's folder: dcsim's own tools read it).
func summaryFormat(summaryPath, format string) error {
	if format == runner.FormatParquet || format == runner.FormatBoth {
		return results.WriteParquet(summaryPath, results.ParquetPath(summaryPath))
	}
	return nil
}

func writeManifest(path string, p *Plan, opt Options, out *Outcome, wall float64, finished bool) error {
	m := Manifest{Version: version.Version, Name: p.Sweep.Name, Base: p.Sweep.Base, RootSeed: p.RootSeed(), Hash: p.Hash,
		TotalRuns: len(p.Runs), WallS: wall, Jobs: opt.Jobs, Finished: finished}
	if opt.Shards > 1 {
		m.Shard = fmt.Sprintf("%d/%d", opt.Shard, opt.Shards)
	}
	for _, c := range p.Params {
		m.Params = append(m.Params, ParamJSON{Name: c.Name, Type: c.Kind.String()})
	}
	for _, st := range out.Runs {
		r := st.Run
		rm := RunManifest{Index: r.Index, ID: r.ID, Replicate: r.Replicate, Seed: r.Seed, Values: r.Params,
			Params: map[string]string{}, Status: st.Status, WallS: st.WallS, Error: st.Err}
		for i, c := range p.Params {
			rm.Params[c.Name] = r.Params[i]
		}
		m.Runs = append(m.Runs, rm)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(path, append(data, '\n'))
}

func writeFile(path string, data []byte) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// ReadManifest reads a sweep.json or sweep.shard-I-of-N.json.
func ReadManifest(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}
