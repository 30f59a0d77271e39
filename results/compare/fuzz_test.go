package compare

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/results/compare/comparetest"
)

// FuzzLoad: Load interprets any file without panicking; what it accepts compares with itself
// without error and renders in every format.
func FuzzLoad(f *testing.F) {
	dir := f.TempDir()
	run := filepath.Join(dir, "run")
	if err := comparetest.WriteRun(run, "x", 1, map[string]float64{"cost_usd": 3}); err != nil {
		f.Fatal(err)
	}
	sw := filepath.Join(dir, "sweep")
	params := []results.ParamColumn{{Name: "a"}, {Name: "b", Kind: results.ParamFloat}, {Name: "c", Kind: results.ParamBool}}
	if err := comparetest.WriteSweep(sw, "x", params, comparetest.Replicates([]string{"v", "1.5", "true"}, "cost_usd", []float64{1, 2}, nil)); err != nil {
		f.Fatal(err)
	}
	for _, p := range []string{run, sw} {
		b, err := os.ReadFile(filepath.Join(p, "summary.arrow"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "summary.arrow")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Load(p)
		if err != nil {
			return
		}
		r, err := Compare(s, s, Options{Metrics: []string{"all"}})
		if err != nil {
			return // e.g. no numeric metric
		}
		for _, format := range []string{FormatText, FormatMarkdown, FormatJSON} {
			if err := r.Write(&bytes.Buffer{}, format); err != nil {
				t.Fatal(err)
			}
		}
		if r.Failed() {
			t.Fatal("a side compared with itself regressed")
		}
	})
}
