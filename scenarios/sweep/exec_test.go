package sweep

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
)

const execSweep = `name: exec
base: default
seeds: 2
set:
  horizon: 20m
axes:
  scheduler.placement: [first-fit, best-fit, worst-fit]
`

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func execute(t *testing.T, p *Plan, opt Options) *Outcome {
	t.Helper()
	o, err := Execute(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestExecuteResumeAndDeterminism(t *testing.T) {
	p := mustExpand(t, execSweep)
	a, b := t.TempDir(), t.TempDir()
	o := execute(t, p, Options{Dir: a, Jobs: 2})
	if o.Count("done") != 6 || len(o.Failed()) != 0 {
		t.Fatalf("outcome %+v", o.Runs)
	}
	ref := readBytes(t, filepath.Join(a, "summary.arrow"))
	_, params, rows, err := results.ReadSweepSummary(filepath.Join(a, "summary.arrow"))
	if err != nil || len(rows) != 6 || len(params) != 1 {
		t.Fatalf("summary: %v %d rows", err, len(rows))
	}
	for i, r := range rows {
		if r.RunID != p.Runs[i].ID || r.Params[0] != p.Runs[i].Params[0] || r.Summary.Seed != p.Runs[i].Seed {
			t.Errorf("row %d: %+v", i, r)
		}
	}
	// Run again: everything is complete already, and the summary is byte-identical; with
	// --format both the summary gets its Parquet twin.
	o = execute(t, p, Options{Dir: a, Jobs: 1, Format: "both"})
	if o.Count("skipped") != 6 {
		t.Errorf("second invocation: %+v", o.Runs)
	}
	if !bytes.Equal(ref, readBytes(t, filepath.Join(a, "summary.arrow"))) {
		t.Error("summary changed on a no-op resume")
	}
	if _, err := os.Stat(filepath.Join(a, "summary.parquet")); err != nil {
		t.Errorf("--format both: %v", err)
	}
	// Simulate a sweep killed mid-way in b: only some runs complete, a half-written run folder
	// left under its temporary name, no summary.
	first := execute(t, p, Options{Dir: b, Jobs: 1, Shard: 0, Shards: 2})
	if first.Count("done") != 3 {
		t.Fatalf("%+v", first.Runs)
	}
	os.Remove(filepath.Join(b, "summary.shard-0-of-2.arrow"))
	junk := filepath.Join(b, RunsDir, ".tmp-"+p.Runs[1].ID+"-999999")
	os.MkdirAll(junk, 0o755)
	os.WriteFile(filepath.Join(junk, "jobs.arrow"), []byte("partial"), 0o644)
	o = execute(t, p, Options{Dir: b, Jobs: 2})
	if o.Count("skipped") != 3 || o.Count("done") != 3 {
		t.Errorf("resume: %d skipped, %d done", o.Count("skipped"), o.Count("done"))
	}
	if _, err := os.Stat(junk); !os.IsNotExist(err) {
		t.Error("leftover temporary run folder not removed")
	}
	if !bytes.Equal(ref, readBytes(t, filepath.Join(b, "summary.arrow"))) {
		t.Error("resumed sweep's summary differs from the uninterrupted one")
	}
	// Every run file is byte-identical too.
	for _, r := range p.Runs {
		for _, f := range []string{"jobs.arrow", "hosts.arrow", "summary.arrow"} {
			if !bytes.Equal(readBytes(t, filepath.Join(a, RunsDir, r.ID, f)), readBytes(t, filepath.Join(b, RunsDir, r.ID, f))) {
				t.Errorf("run %s %s differs", r.ID, f)
			}
		}
	}
}

// A run whose scenario changed since it was written (same id, other base or fixed overrides)
// is run again rather than reused.
func TestExecuteStaleRunRerun(t *testing.T) {
	dir := t.TempDir()
	execute(t, mustExpand(t, execSweep), Options{Dir: dir, Jobs: 2})
	changed := strings.Replace(execSweep, "horizon: 20m", "horizon: 25m", 1)
	o := execute(t, mustExpand(t, changed), Options{Dir: dir, Jobs: 2})
	if o.Count("done") != 6 {
		t.Errorf("changed scenario: %d runs rerun, want 6", o.Count("done"))
	}
}

func TestShardMergeEqualsUnsharded(t *testing.T) {
	p := mustExpand(t, execSweep)
	whole := t.TempDir()
	execute(t, p, Options{Dir: whole, Jobs: 2})
	var dirs []string
	for i := 0; i < 4; i++ {
		d := t.TempDir()
		execute(t, p, Options{Dir: d, Jobs: 1, Shard: i, Shards: 4})
		dirs = append(dirs, d)
	}
	out := t.TempDir()
	// Missing a shard: an error naming the missing runs.
	if _, err := Merge(dirs[:3], MergeOptions{Out: out}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("merge without shard 3: %v", err)
	}
	res, err := Merge(dirs, MergeOptions{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Merged != 6 {
		t.Errorf("merged %d", res.Merged)
	}
	if !bytes.Equal(readBytes(t, filepath.Join(whole, "summary.arrow")), readBytes(t, filepath.Join(out, "summary.arrow"))) {
		t.Error("merged summary differs from the unsharded one")
	}
	// Shards writing into one shared folder, merged in place.
	shared := t.TempDir()
	for i := 0; i < 3; i++ {
		execute(t, p, Options{Dir: shared, Jobs: 1, Shard: i, Shards: 3})
	}
	if _, err := Merge([]string{shared}, MergeOptions{Out: shared}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readBytes(t, filepath.Join(whole, "summary.arrow")), readBytes(t, filepath.Join(shared, "summary.arrow"))) {
		t.Error("in-place merged summary differs from the unsharded one")
	}
	// Shards of another sweep are refused.
	other := t.TempDir()
	execute(t, mustExpand(t, strings.Replace(execSweep, "seeds: 2", "seeds: 1", 1)), Options{Dir: other, Jobs: 2})
	if _, err := Merge([]string{dirs[0], other}, MergeOptions{Out: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "another sweep") {
		t.Errorf("merging two sweeps: %v", err)
	}
}

// A failing run is reported with its error; the others still run and are summarized.
func TestExecuteFailureIsolated(t *testing.T) {
	p := mustExpand(t, execSweep)
	dir := t.TempDir()
	bad := p.Runs[2].ID
	failOne := func(r Run) error {
		if r.ID == bad {
			return errors.New("injected failure")
		}
		return nil
	}
	o := execute(t, p, Options{Dir: dir, Jobs: 2, inject: failOne})
	if f := o.Failed(); len(f) != 1 || f[0].Run.ID != bad || f[0].Err != "injected failure" {
		t.Fatalf("failed runs: %+v", f)
	}
	if o.Count("done") != 5 {
		t.Errorf("%d done, want 5", o.Count("done"))
	}
	_, _, rows, err := results.ReadSweepSummary(filepath.Join(dir, "summary.arrow"))
	if err != nil || len(rows) != 5 {
		t.Errorf("summary of the others: %v, %d rows", err, len(rows))
	}
	m, err := ReadManifest(filepath.Join(dir, "sweep.json"))
	if err != nil || !m.Finished || m.Runs[2].Status != "failed" || m.Runs[2].Error != "injected failure" {
		t.Errorf("manifest: %v %+v", err, m)
	}
	// Fixed, the same command finishes the sweep.
	o = execute(t, p, Options{Dir: dir, Jobs: 2})
	if o.Count("done") != 1 || o.Count("skipped") != 5 {
		t.Errorf("rerun: %d done %d skipped", o.Count("done"), o.Count("skipped"))
	}
	// A panicking run is a failure too, not a crash of the sweep.
	o = execute(t, p, Options{Dir: t.TempDir(), Jobs: 2, inject: func(r Run) error {
		if r.Index == 0 {
			panic("boom")
		}
		return nil
	}})
	if f := o.Failed(); len(f) != 1 || !strings.Contains(f[0].Err, "boom") {
		t.Errorf("panic: %+v", f)
	}
	// Fail-fast stops starting runs after the first failure.
	o = execute(t, p, Options{Dir: t.TempDir(), Jobs: 1, FailFast: true, inject: func(r Run) error {
		if r.Index == 0 {
			return errors.New("first fails")
		}
		return nil
	}})
	if len(o.Failed()) != 1 || o.Count("not-run") != 5 {
		t.Errorf("fail-fast: %d failed, %d not run", len(o.Failed()), o.Count("not-run"))
	}
}

// A run's cached scenario (its configuration's, with the run's seed) is exactly the scenario
// that resolving the base with all the run's overrides gives.
func TestScenarioCacheMatchesResolve(t *testing.T) {
	for _, src := range []string{
		small,
		"base: mmc\nseeds: [0, 5, 18446744073709551615]\naxes:\n  scheduler.placement: [first-fit, worst-fit]\n",
		"base: services\nseeds: 2\nset: {horizon: 1h}\naxes:\n  services.0.replicas: [10, 12]\n",
		"base: autoscale-diurnal\nseed: 9\nseeds: 2\nzip:\n  - provisioning.policy: [static, predictive]\n    provisioning.headroom: [0.1, 0.2]\n",
	} {
		p := mustExpand(t, src)
		for _, r := range p.Runs {
			got, err := p.Scenario(r)
			if err != nil {
				t.Fatal(err)
			}
			want, err := scenarios.Resolve(p.Sweep.BasePath(), r.Sets)
			if err != nil {
				t.Fatal(err)
			}
			gy, _ := got.YAML()
			wy, _ := want.YAML()
			if !bytes.Equal(gy, wy) {
				t.Fatalf("run %s: cached scenario differs from a fresh resolve:\n%s\n---\n%s", r.ID, gy, wy)
			}
		}
	}
}
