package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dcsim/dcsim/internal/version"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
)

// RunInto writes a run as one step and Complete recognizes it — only for the same scenario and
// dcsim version.
func TestRunIntoAndComplete(t *testing.T) {
	sc, err := scenarios.Resolve("mmc", []string{"workload.synthetic.0.jobs=200"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	if s, err := Complete(dir, sc); s != nil || err != nil {
		t.Fatalf("empty folder: %v %v", s, err)
	}
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "stale"), []byte("x"), 0o644)
	trimmed := false
	sum, err := RunInto(sc, dir, Options{Workers: 1}, func(tmp string) error {
		trimmed = tmp == TempDir(dir)
		return os.Remove(filepath.Join(tmp, "jobs.arrow"))
	})
	if err != nil || sum.JobsSubmitted != 200 || !trimmed {
		t.Fatalf("RunInto: %v, %+v, trimmed %v", err, sum, trimmed)
	}
	for f, want := range map[string]bool{"summary.arrow": true, "run.json": true, "jobs.arrow": false, "stale": false} {
		if _, err := os.Stat(filepath.Join(dir, f)); (err == nil) != want {
			t.Errorf("%s present = %v, want %v", f, err == nil, want)
		}
	}
	if _, err := os.Stat(TempDir(dir)); !os.IsNotExist(err) {
		t.Error("temporary folder left")
	}
	if s, err := Complete(dir, sc); err != nil || s == nil || *s != *sum {
		t.Errorf("Complete of the same scenario: %v %v", s, err)
	}
	other := *sc
	other.Seed++
	if s, _ := Complete(dir, &other); s != nil {
		t.Error("Complete accepted another seed")
	}
	// The same run written by another dcsim version is not reused.
	y, _ := sc.YAML()
	old := results.Meta{Version: version.Version + "-other", Scenario: sc.Name, ScenarioYAML: string(y), Seed: sc.Seed}
	if err := results.WriteSummary(filepath.Join(dir, "summary.arrow"), old, sum); err != nil {
		t.Fatal(err)
	}
	if s, _ := Complete(dir, sc); s != nil {
		t.Error("Complete accepted a run of another dcsim version")
	}
}
