package compare

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/results/compare/comparetest"
)

var (
	placementCount = []results.ParamColumn{{Name: "scheduler.placement"}, {Name: "cluster.host_groups.0.count", Kind: results.ParamInt}}
)

// sweep writes a sweep folder with placement fixed and, per host count, the cost_usd values of
// its replicates; every run has slo_violations = slo.
func sweep(t *testing.T, placement string, costs map[string][]float64, slo float64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), placement)
	var runs []comparetest.Run
	for _, count := range []string{"400", "600", "800"} {
		if xs, ok := costs[count]; ok {
			runs = append(runs, comparetest.Replicates([]string{placement, count}, "cost_usd", xs,
				map[string]float64{"slo_violations": slo, "jobs_submitted": 1000, "energy_kwh": 50})...)
		}
	}
	if err := comparetest.WriteSweep(dir, "default", placementCount, runs); err != nil {
		t.Fatal(err)
	}
	return dir
}

func load(t *testing.T, dir string) *Side {
	t.Helper()
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func bounds(t *testing.T, specs ...string) []Bound {
	t.Helper()
	var bs []Bound
	for _, s := range specs {
		b, err := ParseBound(s)
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	return bs
}

func result(t *testing.T, g Group, metric string) Result {
	t.Helper()
	for _, r := range g.Results {
		if r.Metric == metric {
			return r
		}
	}
	t.Fatalf("group %s has no %s", g.Label, metric)
	return Result{}
}

func TestLoadSweepAndRun(t *testing.T) {
	dir := sweep(t, "best-fit", map[string][]float64{"400": {100, 101}}, 3)
	s := load(t, dir)
	if s.Kind != KindSweep || s.Scenario != "default" || !slices.Equal(s.Params, []string{"scheduler.placement", "cluster.host_groups.0.count"}) || len(s.Rows) != 2 {
		t.Fatalf("sweep side: %+v", s)
	}
	for _, id := range []string{"seed", "replicate", "run_id", "scenario", "scheduler.placement", "cluster.host_groups.0.count"} {
		if slices.Contains(s.Metrics, id) {
			t.Errorf("identifier %s taken as a metric", id)
		}
	}
	if s.Units["cost_usd"] != "USD" || s.Units["energy_kwh"] != "kWh" {
		t.Errorf("units: %v", s.Units)
	}
	if g := s.Rows[0].Values[slices.Index(s.Metrics, "gpu_utilization")]; !math.IsNaN(g) {
		t.Errorf("null gpu_utilization read as %g", g)
	}
	if v := s.Rows[1].Params[1]; v.Text != "400" || v.JSON != int64(400) {
		t.Errorf("param value %+v", v)
	}
	run := filepath.Join(t.TempDir(), "run")
	if err := comparetest.WriteRun(run, "mmc", 7, map[string]float64{"cost_usd": 5}); err != nil {
		t.Fatal(err)
	}
	r := load(t, filepath.Join(run, "summary.arrow")) // the file itself works too
	if r.Kind != KindRun || len(r.Params) != 0 || len(r.Rows) != 1 || r.Scenario != "mmc" {
		t.Fatalf("run side: %+v", r)
	}
	for _, bad := range []string{filepath.Join(t.TempDir(), "nope"), t.TempDir()} {
		if _, err := Load(bad); !errors.Is(err, ErrInput) {
			t.Errorf("Load(%s): %v, want ErrInput", bad, err)
		}
	}
}

// TestCompareDecisions checks the gate's decisions on constructed sweeps with known answers.
func TestCompareDecisions(t *testing.T) {
	// Base: best-fit; candidate: worst-fit (the compared difference); matched on the host count.
	// count=400: cost 100, 101, 99 → 110, 111, 109: +10%, Welch t = 10/√(1/3+1/3) = 12.247,
	// df = 4, p = 2.5e-4 (significant). count=600: identical values, change 0, p = 1.
	// count=800: cost 100, 120, 80 → 105, 125, 85: +5% but noisy, t = 5/√(400/3+400/3) = 0.306,
	// p = 0.77 (not significant).
	base := load(t, sweep(t, "best-fit", map[string][]float64{"400": {100, 101, 99}, "600": {100, 101, 99}, "800": {100, 120, 80}}, 3))
	cand := load(t, sweep(t, "worst-fit", map[string][]float64{"400": {110, 111, 109}, "600": {100, 101, 99}, "800": {105, 125, 85}}, 3))
	cases := []struct {
		name    string
		failOn  []string
		test    string
		regress []string // "group metric bound"
	}{
		{"rise beyond 2% in one group", []string{"cost_usd:+2%"}, "", []string{"cluster.host_groups.0.count=400 cost_usd cost_usd:+2%"}},
		{"rise within 15%", []string{"cost_usd:+15%"}, "", nil},
		{"falls only", []string{"cost_usd:-1%"}, "", nil},
		{"absolute +5 USD", []string{"cost_usd:+5"}, "", []string{"cluster.host_groups.0.count=400 cost_usd cost_usd:+5"}},
		{"absolute +10 USD: exactly at the bound", []string{"cost_usd:+10"}, "", nil},
		{"unchanged metric", []string{"slo_violations:+0", "energy_kwh:+0%"}, "", nil},
		{"two bounds", []string{"cost_usd:+2%", "cost_usd:+1"}, "", []string{
			"cluster.host_groups.0.count=400 cost_usd cost_usd:+2%", "cluster.host_groups.0.count=400 cost_usd cost_usd:+1"}},
		// Mann-Whitney with 3 + 3 runs cannot go below p = 0.1: nothing fails (and a warning says so).
		{"mann-whitney 3+3", []string{"cost_usd:+2%"}, TestMannWhitney, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Compare(base, cand, Options{FailOn: bounds(t, c.failOn...), Test: c.test})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range r.Regressions {
				got = append(got, g.Group+" "+g.Metric+" "+g.Bound)
			}
			if !slices.Equal(got, c.regress) || r.Failed() != (len(c.regress) > 0) {
				t.Errorf("regressions %q, want %q", got, c.regress)
			}
			if c.test == TestMannWhitney && !strings.Contains(strings.Join(r.Warnings, "\n"), "cannot reach p < 0.05") {
				t.Errorf("no warning about the Mann-Whitney floor: %q", r.Warnings)
			}
		})
	}
	r, err := Compare(base, cand, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.MatchedOn, []string{"cluster.host_groups.0.count"}) ||
		len(r.Differences) != 1 || r.Differences[0] != (Difference{"scheduler.placement", "best-fit", "worst-fit"}) {
		t.Fatalf("matched %q, differences %+v", r.MatchedOn, r.Differences)
	}
	if len(r.Groups) != 3 || len(r.Warnings) != 0 {
		t.Fatalf("%d groups, warnings %q", len(r.Groups), r.Warnings)
	}
	c400 := result(t, r.Groups[0], "cost_usd")
	wantP := Welch([]float64{100, 101, 99}, []float64{110, 111, 109}).P
	if c400.Method != MethodWelch || c400.Base.Mean != 100 || c400.Cand.Mean != 110 || c400.ChangePct != 10 ||
		c400.Delta != 10 || c400.P != wantP || !(c400.P < 3e-4 && c400.P > 2e-4) || !c400.Significant {
		t.Errorf("count=400 cost: %+v", c400)
	}
	if c600 := result(t, r.Groups[1], "cost_usd"); c600.P != 1 || c600.ChangePct != 0 || c600.Significant {
		t.Errorf("count=600 cost: %+v", c600)
	}
	if c800 := result(t, r.Groups[2], "cost_usd"); c800.ChangePct != 5 || c800.Significant || !near(c800.P, 2*tTail(5/math.Sqrt(800.0/3), 4), 1e-6) {
		t.Errorf("count=800 cost: %+v", c800)
	}
	// Default metrics present in both: those of DefaultMetrics, in that order.
	if !slices.Equal(r.Metrics, DefaultMetrics) {
		t.Errorf("metrics %q", r.Metrics)
	}
}

// TestCompareSingleRuns: with one run per side there is no test; a difference beyond the bound
// is a regression because the simulation is deterministic.
func TestCompareSingleRuns(t *testing.T) {
	write := func(vals map[string]float64) *Side {
		dir := filepath.Join(t.TempDir(), "run")
		if err := comparetest.WriteRun(dir, "default", 1, vals); err != nil {
			t.Fatal(err)
		}
		return load(t, dir)
	}
	base := write(map[string]float64{"cost_usd": 100, "slo_violations": 10, "jobs_submitted": 100, "power_ons": 0})
	cases := []struct {
		name    string
		cand    map[string]float64
		failOn  []string
		regress []string
	}{
		{"+3% beyond +2%", map[string]float64{"cost_usd": 103, "slo_violations": 10, "jobs_submitted": 100}, []string{"cost_usd:+2%"}, []string{"cost_usd"}},
		{"+3% within +5%", map[string]float64{"cost_usd": 103, "slo_violations": 10, "jobs_submitted": 100}, []string{"cost_usd:+5%"}, nil},
		{"-3% against a '+' bound", map[string]float64{"cost_usd": 97, "slo_violations": 10, "jobs_submitted": 100}, []string{"cost_usd:+2%"}, nil},
		{"one more SLO violation", map[string]float64{"cost_usd": 100, "slo_violations": 11, "jobs_submitted": 100}, []string{"slo_violations:+0"}, []string{"slo_violations"}},
		{"same SLO violations", map[string]float64{"cost_usd": 100, "slo_violations": 10, "jobs_submitted": 100}, []string{"slo_violations:+0", "slo_violation_rate:+0"}, nil},
		{"rate up", map[string]float64{"cost_usd": 100, "slo_violations": 12, "jobs_submitted": 100}, []string{"slo_violation_rate:+0.01"}, []string{"slo_violation_rate"}},
		{"from zero: +inf beyond any percentage", map[string]float64{"power_ons": 1}, []string{"power_ons:+50%"}, []string{"power_ons"}},
		{"from zero: absolute bound", map[string]float64{"power_ons": 1}, []string{"power_ons:+1"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Compare(base, write(c.cand), Options{FailOn: bounds(t, c.failOn...)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range r.Regressions {
				got = append(got, g.Metric)
				if g.Result.Method != MethodN1 || !math.IsNaN(g.Result.P) {
					t.Errorf("single runs: method %s p %g", g.Result.Method, g.Result.P)
				}
			}
			if !slices.Equal(got, c.regress) {
				t.Errorf("regressions %q, want %q", got, c.regress)
			}
			if len(r.Groups) != 1 || r.Groups[0].Label != "all runs" {
				t.Errorf("groups %+v", r.Groups)
			}
		})
	}
}

func TestCompareMatching(t *testing.T) {
	bf := sweep(t, "best-fit", map[string][]float64{"400": {1, 2}, "600": {1, 2}}, 0)
	wf := sweep(t, "worst-fit", map[string][]float64{"600": {1, 2}, "800": {1, 2}}, 0)
	r, err := Compare(load(t, bf), load(t, wf), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Groups) != 1 || r.Groups[0].Label != "cluster.host_groups.0.count=600" ||
		!slices.Equal(r.UnmatchedBase, []string{"cluster.host_groups.0.count=400"}) ||
		!slices.Equal(r.UnmatchedCand, []string{"cluster.host_groups.0.count=800"}) || len(r.Warnings) != 2 {
		t.Errorf("groups %+v unmatched %q %q warnings %q", r.Groups, r.UnmatchedBase, r.UnmatchedCand, r.Warnings)
	}

	// Nothing in common: bad input.
	only800 := sweep(t, "worst-fit", map[string][]float64{"800": {1, 2}}, 0)
	if _, err := Compare(load(t, bf), load(t, only800), Options{}); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "--ignore") {
		t.Errorf("no match: %v", err)
	}
	// ... unless the count is ignored: all runs of each side pooled into one group.
	r, err = Compare(load(t, bf), load(t, only800), Options{Ignore: []string{"cluster.host_groups.0.count"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Groups) != 1 || r.Groups[0].BaseRuns != 4 || r.Groups[0].CandRuns != 2 || !slices.Equal(r.Pooled, []string{"cluster.host_groups.0.count"}) {
		t.Errorf("ignored: %+v pooled %q", r.Groups, r.Pooled)
	}
	if _, err := Compare(load(t, bf), load(t, wf), Options{Ignore: []string{"no.such.key"}}); !errors.Is(err, ErrInput) {
		t.Errorf("--ignore of an unknown key: %v", err)
	}

	// Same placement on both sides (both vary it): matched on both keys, no difference found.
	both := func() string {
		dir := filepath.Join(t.TempDir(), "both")
		var runs []comparetest.Run
		for _, p := range []string{"best-fit", "worst-fit"} {
			runs = append(runs, comparetest.Replicates([]string{p, "400"}, "cost_usd", []float64{1, 2}, nil)...)
		}
		if err := comparetest.WriteSweep(dir, "default", placementCount, runs); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	r, err = Compare(load(t, both()), load(t, both()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.MatchedOn, []string{"scheduler.placement", "cluster.host_groups.0.count"}) || len(r.Groups) != 2 ||
		r.Groups[0].Label != "scheduler.placement=best-fit" || len(r.Differences) != 0 {
		t.Errorf("matched %q groups %d label %q differences %+v", r.MatchedOn, len(r.Groups), r.Groups[0].Label, r.Differences)
	}

	// A run folder against a sweep: every configuration of the sweep is compared with the run.
	run := filepath.Join(t.TempDir(), "run")
	if err := comparetest.WriteRun(run, "default", 1, map[string]float64{"cost_usd": 1}); err != nil {
		t.Fatal(err)
	}
	r, err = Compare(load(t, run), load(t, bf), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Groups) != 2 || r.Groups[0].Label != "candidate cluster.host_groups.0.count=400" ||
		len(r.Differences) != 1 || r.Differences[0] != (Difference{Key: "scheduler.placement", Candidate: "best-fit"}) {
		t.Errorf("run vs sweep: groups %+v differences %+v", r.Groups, r.Differences)
	}
}

func TestCompareMetricsAndBadInput(t *testing.T) {
	base := load(t, sweep(t, "best-fit", map[string][]float64{"400": {1, 2}}, 0))
	cand := load(t, sweep(t, "worst-fit", map[string][]float64{"400": {1, 2}}, 0))
	r, err := Compare(base, cand, Options{Metrics: []string{"all"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Metrics) != len(base.Metrics) || slices.Contains(r.Metrics, "seed") || !slices.Contains(r.Metrics, "gpu_utilization") {
		t.Errorf("all: %q", r.Metrics)
	}
	gpu := result(t, r.Groups[0], "gpu_utilization")
	if gpu.Method != MethodNoData || gpu.Base.N != 0 {
		t.Errorf("null metric: %+v", gpu)
	}
	r, err = Compare(base, cand, Options{Metrics: []string{"energy_kwh"}, FailOn: bounds(t, "cost_usd:+1%", "gpu_utilization:+0")})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Metrics, []string{"energy_kwh", "cost_usd", "gpu_utilization"}) || !strings.Contains(strings.Join(r.Warnings, ""), "not checked") {
		t.Errorf("metrics %q warnings %q", r.Metrics, r.Warnings)
	}
	bad := []Options{
		{Metrics: []string{"nope"}},
		{FailOn: bounds(t, "nope:+1%")},
		{FailOn: bounds(t, "scenario:+1%")},
		{Test: "t-test"},
		{Alpha: 1.5},
		{Alpha: -0.1},
	}
	for _, o := range bad {
		if _, err := Compare(base, cand, o); !errors.Is(err, ErrInput) {
			t.Errorf("Compare(%+v): %v, want ErrInput", o, err)
		}
	}
}

func TestOutputFormats(t *testing.T) {
	base := load(t, sweep(t, "best-fit", map[string][]float64{"400": {100, 101, 99}, "600": {100, 101, 99}}, 3))
	cand := load(t, sweep(t, "worst-fit", map[string][]float64{"400": {110, 111, 109}, "600": {100, 101, 99}}, 3))
	r, err := Compare(base, cand, Options{FailOn: bounds(t, "cost_usd:+2%", "slo_violations:+0")})
	if err != nil {
		t.Fatal(err)
	}
	render := func(format string) string {
		var b bytes.Buffer
		if err := r.Write(&b, format); err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		r.Write(&again, format)
		if !bytes.Equal(b.Bytes(), again.Bytes()) {
			t.Errorf("%s output not deterministic", format)
		}
		return b.String()
	}
	text := render(FormatText)
	for _, want := range []string{
		"compared    scheduler.placement: best-fit → worst-fit",
		"matched on  cluster.host_groups.0.count",
		"cluster.host_groups.0.count=400 (runs: base 3, candidate 3)",
		"metric                 unit",
		"cost_usd               USD      100 ±1.0%  110 ±0.9%  +10.0%  <0.001  FAIL +2%",
		"slo_violations         1            3 ±0%      3 ±0%       0   1.000\n",
		"1 regression:\n  cost_usd +10.0% (100 → 110) beyond --fail-on cost_usd:+2% in cluster.host_groups.0.count=400 (p<0.001)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
	md := render(FormatMarkdown)
	for _, want := range []string{
		"### dcsim compare: ❌ 1 regression",
		"| metric | unit | base | candidate | change | p |",
		"| cost\\_usd | USD | 100 ±1.0% | 110 ±0.9% | ❌ **+10.0%** (bound +2%) | <0.001 |",
		"#### cluster.host\\_groups.0.count=600",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	var j map[string]any
	if err := json.Unmarshal([]byte(render(FormatJSON)), &j); err != nil {
		t.Fatal(err)
	}
	if j["format_version"] != 1.0 || j["failed"] != true || j["test"] != "welch" {
		t.Errorf("json header: %v", j)
	}
	g0 := j["groups"].([]any)[0].(map[string]any)
	if g0["base_params"].(map[string]any)["cluster.host_groups.0.count"] != 400.0 {
		t.Errorf("json params: %v", g0["base_params"])
	}
	m0 := g0["metrics"].([]any)[0].(map[string]any)
	if m0["metric"] != "cost_usd" || m0["change_pct"] != 10.0 || m0["regression"] != true || m0["method"] != "welch" ||
		m0["base"].(map[string]any)["mean"] != 100.0 || len(m0["base"].(map[string]any)["values"].([]any)) != 3 {
		t.Errorf("json metric: %v", m0)
	}
	regs := j["regressions"].([]any)
	if len(regs) != 1 || regs[0].(map[string]any)["bound"] != "cost_usd:+2%" {
		t.Errorf("json regressions: %v", regs)
	}
	if err := r.Write(&bytes.Buffer{}, "html"); !errors.Is(err, ErrInput) {
		t.Errorf("bad format: %v", err)
	}
}

func TestFormatting(t *testing.T) {
	nums := []struct {
		x    float64
		want string
	}{{14384.37, "14384.4"}, {0.537, "0.537"}, {1.056, "1.056"}, {365, "365"}, {0, "0"}, {-2.5, "-2.5"},
		{1234567, "1234567"}, {0.00001234, "1.234e-05"}, {math.NaN(), "-"}, {0.1 + 0.2, "0.3"}}
	for _, c := range nums {
		if got := fmtNum(c.x); got != c.want {
			t.Errorf("fmtNum(%g) = %q, want %q", c.x, got, c.want)
		}
	}
	changes := []struct {
		pct  float64
		want string
	}{{0.8213, "+0.82%"}, {-12.34, "-12.3%"}, {0, "0"}, {math.Inf(1), "+inf"}, {math.Inf(-1), "-inf"}, {250, "+250%"}, {0.0012, "+0.0012%"}, {math.NaN(), "-"}}
	for _, c := range changes {
		if got := fmtChange(Result{ChangePct: c.pct}); got != c.want {
			t.Errorf("fmtChange(%g) = %q, want %q", c.pct, got, c.want)
		}
	}
}

func TestScenarioDiff(t *testing.T) {
	base := "name: x\nseed: 1\nscheduler:\n  placement: best-fit\n  queue: fcfs\ncluster:\n  host_groups:\n    - count: 400\n      cpu: 32\n"
	cases := []struct {
		name, cand string
		want       []Difference
	}{
		{"same", base, nil},
		{"placement", strings.Replace(base, "best-fit", "worst-fit", 1), []Difference{{"scheduler.placement", "best-fit", "worst-fit"}}},
		{"count and seed", strings.Replace(strings.Replace(base, "400", "600", 1), "seed: 1", "seed: 2", 1),
			[]Difference{{"cluster.host_groups.0.count", "400", "600"}, {"seed", "1", "2"}}},
		{"key added", base + "horizon: 2h\n", []Difference{{"horizon", "", "2h"}}},
		{"not YAML", "{[", nil},
		{"skipped key", strings.Replace(base, "name: x", "name: y", 1), nil},
	}
	for _, c := range cases {
		got, more := scenarioDiff(base, c.cand, func(k string) bool { return k == "name" })
		if !slices.Equal(got, c.want) || more {
			t.Errorf("%s: %+v (more %v), want %+v", c.name, got, more, c.want)
		}
	}
	var many strings.Builder
	for i := range 20 {
		fmt.Fprintf(&many, "k%02d: %d\n", i, i)
	}
	if got, more := scenarioDiff("a: 1\n", many.String(), nil); len(got) != maxYAMLDiffs || !more {
		t.Errorf("many differences: %d, more %v", len(got), more)
	}
}

func TestComparePaired(t *testing.T) {
	// Seeds 1, 2, 3 on both sides (replicates 0..2): a +1% cost change under ±20% seed noise.
	base := load(t, sweep(t, "best-fit", map[string][]float64{"400": {100, 120, 80}}, 0))
	cand := load(t, sweep(t, "worst-fit", map[string][]float64{"400": {101, 121.2, 80.8}}, 0))
	for _, c := range []struct {
		test string
		fail bool
	}{{TestWelch, false}, {TestPaired, true}} {
		r, err := Compare(base, cand, Options{Test: c.test, FailOn: bounds(t, "cost_usd:+0.5%")})
		if err != nil {
			t.Fatal(err)
		}
		if r.Failed() != c.fail {
			t.Errorf("%s: failed %v, want %v (%+v)", c.test, r.Failed(), c.fail, result(t, r.Groups[0], "cost_usd"))
		}
	}
	// Other seeds on the candidate side: pairing is impossible.
	shifted := filepath.Join(t.TempDir(), "shifted")
	runs := comparetest.Replicates([]string{"worst-fit", "400"}, "cost_usd", []float64{1, 2, 3}, nil)
	for i := range runs {
		runs[i].Replicate += 3
	}
	if err := comparetest.WriteSweep(shifted, "default", placementCount, runs); err != nil {
		t.Fatal(err)
	}
	if _, err := Compare(base, load(t, shifted), Options{Test: TestPaired}); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "seeds differ") {
		t.Errorf("unpaired seeds: %v", err)
	}
	// Pooling by --ignore repeats seeds.
	two := load(t, sweep(t, "best-fit", map[string][]float64{"400": {1, 2}, "600": {1, 2}}, 0))
	two2 := load(t, sweep(t, "worst-fit", map[string][]float64{"400": {1, 2}, "600": {1, 2}}, 0))
	if _, err := Compare(two, two2, Options{Test: TestPaired, Ignore: []string{"cluster.host_groups.0.count"}}); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "two runs with seed") {
		t.Errorf("pooled seeds: %v", err)
	}
}
