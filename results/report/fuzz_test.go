package report

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/dcsim/dcsim/results"
)

// FuzzFolder feeds arbitrary bytes to the report as summary.arrow and jobs.arrow of a run
// folder: it must return a report or an ErrInput, never panic, and a page it returns must be
// safe.
func FuzzFolder(f *testing.F) {
	run, sw := fixtures(f)
	summary, _ := os.ReadFile(filepath.Join(run, "summary.arrow"))
	jobs, _ := os.ReadFile(filepath.Join(run, "jobs.arrow"))
	sweepSummary, _ := os.ReadFile(filepath.Join(sw, "summary.arrow"))
	f.Add(summary, jobs[:min(len(jobs), 4096)])
	f.Add(sweepSummary, []byte{})
	f.Add(summary, []byte("ARROW1\x00\x00garbage"))
	f.Add([]byte("ARROW1"), []byte{})
	f.Fuzz(func(t *testing.T, sum, jobs []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "summary.arrow"), sum, 0o644)
		if len(jobs) > 0 {
			os.WriteFile(filepath.Join(dir, "jobs.arrow"), jobs, 0o644)
		}
		var b bytes.Buffer
		err := Render(dir, Options{}, &b)
		if err != nil && !errors.Is(err, ErrInput) {
			t.Fatalf("error %v is not an input error", err)
		}
		if err == nil {
			if bad := unsafeParts(b.String()); len(bad) > 0 {
				t.Fatalf("unsafe page: %v", bad)
			}
		}
	})
}

// FuzzSweepStrings: any scenario name, parameter name and values reach the page escaped.
func FuzzSweepStrings(f *testing.F) {
	f.Add("<script>alert(1)</script>", "scheduler.placement", "first-fit", "</pre><img src=x onerror=alert(1)>")
	f.Add("", "", "", "")
	f.Add("a\x00b", "x\"y", "\xff\xfe", "'><svg onload=alert(1)>")
	f.Fuzz(func(t *testing.T, name, param, v1, v2 string) {
		dir := t.TempDir()
		params := []results.ParamColumn{{Name: param, Kind: results.ParamString}}
		s := results.Summary{Scenario: name, GPUUtilization: -1, ForecastMAPE: -1, CostUSD: 1}
		rows := []results.SweepRow{{RunID: "r1", Params: []string{v1}, Summary: s}, {RunID: "r2", Params: []string{v2}, Summary: s}}
		meta := results.Meta{Scenario: name, ScenarioYAML: v2}
		if err := results.WriteSweepSummary(filepath.Join(dir, "summary.arrow"), meta, params, rows); err != nil {
			return // the writer refused it (e.g. a duplicate column name)
		}
		var b bytes.Buffer
		if err := Render(dir, Options{}, &b); err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("error %v is not an input error", err)
			}
			return
		}
		if bad := unsafeParts(b.String()); len(bad) > 0 {
			t.Fatalf("unsafe page: %v", bad)
		}
	})
}

// FuzzCharts: any values (NaN, infinities, huge, tiny) give charts without panics and with
// finite coordinates.
func FuzzCharts(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64})
	f.Add(bytes.Repeat([]byte{0xff}, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v []float64
		for len(data) >= 8 {
			v = append(v, math.Float64frombits(binary.LittleEndian.Uint64(data)))
			data = data[8:]
		}
		if len(v) == 0 {
			return
		}
		groups := []string{"a", "b"}
		vals := [][]float64{v[:len(v)/2], v[len(v)/2:]}
		pts := make([]point, len(v))
		for i := range v {
			pts[i] = point{X: v[i], Y: v[len(v)-1-i], Group: i % 2}
		}
		xs, ys := make([]float64, len(v)), make([]float64, len(v))
		for i, p := range pts {
			xs[i], ys[i] = p.X, p.Y
		}
		h := newWaitHist()
		t0, t1 := make([]float64, len(v)), make([]float64, len(v))
		for i, x := range v {
			h.add(x)
			t0[i], t1[i] = float64(i), float64(i+1)
		}
		charts := []*chart{
			boxChart("b", "b", "y", groups, "k", vals),
			scatterChart(pts, paretoFront(xs, ys), groups, "k"),
			histChart(h),
			stepChart("s", "s", "", "y", float64(len(v)), 0, []lineSeries{{"v", series{t0, t1, v}}}),
		}
		for _, c := range charts {
			for _, tk := range append(append(c.XTicks, c.YTicks...), c.YTicksR...) {
				if !ok(tk.Pos) {
					t.Fatalf("%s: tick %+v not finite", c.ID, tk)
				}
			}
			for _, r := range c.Rects {
				if !ok(r.X) || !ok(r.Y) || !ok(r.W) || !ok(r.H) {
					t.Fatalf("%s: rect %+v not finite", c.ID, r)
				}
			}
			for _, ci := range c.Circles {
				if !ok(ci.X) || !ok(ci.Y) {
					t.Fatalf("%s: circle %+v not finite", c.ID, ci)
				}
			}
		}
		var b bytes.Buffer
		if err := pageTmpl.ExecuteTemplate(&b, "chart", charts[0]); err != nil {
			t.Fatal(err)
		}
	})
}
