package main

// Tests of the analysis examples (examples/analysis/analyze.py, the notebook
// examples/notebooks/sweep-analysis.ipynb) and of their stand-in for CI,
// internal/interop/examples.mjs: a small sweep folder is made with `dcsim sweep`, the Node script
// does the example's loading and aggregation steps with nodejs-polars, and every number is
// checked against the same steps computed here in Go from dcsim's own reader. When pandas,
// pyarrow and matplotlib are importable, analyze.py itself runs and is checked the same way.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/dcsim/dcsim/internal/interop"
	"github.com/dcsim/dcsim/internal/runner"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
)

// exBaseYAML is the sweep's base scenario: 6 or 8 eight-core hosts, two hours of Poisson
// arrivals (0.02 jobs/s × 1.3 tasks × 2.6 cores × 600 s ≈ 41 cores busy: 85% of 48 cores,
// 64% of 64), ten-minute host intervals. With worst-fit, SJF is both cheaper and better on SLO
// than FCFS at either size, so the Pareto front holds two of the four configurations.
const exBaseYAML = `name: examples-tiny
seed: 1
horizon: 2h
cluster:
  host_groups:
    - name: small
      count: 8
      cpu: 8
      memory: 32 GiB
workload:
  synthetic:
    - name: batch
      arrivals: {process: poisson, rate: 0.02/s}
      tasks_per_job: {dist: empirical, values: [1, 2], weights: [70, 30]}
      cpu_cores: {dist: empirical, values: [1, 2, 4, 8], weights: [40, 30, 20, 10]}
      memory_gib: {dist: constant, value: 2}
      runtime_s: {dist: exponential, mean: 600}
scheduler:
  queue: fcfs
  placement: worst-fit
slo:
  max_wait: 5m
output:
  host_interval: 10m
`

// exBuildSweep runs the sweep scheduler.queue × cluster.host_groups.0.count × 2 seeds over
// exBaseYAML with `dcsim sweep` into dir and returns the run ids in summary.arrow's row order.
func exBuildSweep(t *testing.T, dir string, flags ...string) []string {
	t.Helper()
	base := filepath.Join(t.TempDir(), "examples-tiny.yaml")
	if err := os.WriteFile(base, []byte(exBaseYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	args := []string{"sweep", base, "--axis", "scheduler.queue=fcfs,sjf", "--axis", "cluster.host_groups.0.count=6,8",
		"--seeds", "2", "-j", "1", "-q", "-o", dir}
	args = append(args, flags...)
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("dcsim %s: exit %d: %s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	return exStrings(t, exRead(t, filepath.Join(dir, "summary.arrow")), "run_id")
}

// exResult is the JSON that examples.mjs and `analyze.py --json` print.
type exResult struct {
	Params      []string     `json:"params"`
	Metrics     []string     `json:"metrics"`
	Runs        int64        `json:"runs"`
	Groups      []exGroup    `json:"groups"`
	FrontRuns   []string     `json:"front_runs"`
	RunID       string       `json:"run_id"`
	IntervalS   float64      `json:"interval_s"`
	HostsSeries []exInterval `json:"hosts_series"`
	Queue       []exQueued   `json:"queue"`
	Wait        exWait       `json:"wait"`
}

type exGroup struct {
	Params map[string]any       `json:"params"` // JSON values: string, float64, bool
	Runs   int64                `json:"runs"`
	Mean   map[string]*float64  `json:"mean"`
	Std    map[string]*float64  `json:"std"`
	Pareto bool                 `json:"pareto"`
	values map[string][]float64 // Go side only: the replicates' values per metric
}

type exInterval struct {
	TimeS              float64 `json:"time_s"`
	Hosts              int64   `json:"hosts"`
	MeanCPUUtilization float64 `json:"mean_cpu_utilization"`
	TotalPowerW        float64 `json:"total_power_w"`
}

type exQueued struct {
	TimeS  float64 `json:"time_s"`
	Queued int64   `json:"queued"`
}

type exWait struct {
	Started int64    `json:"started"`
	P50     *float64 `json:"p50"`
	P90     *float64 `json:"p90"`
	P99     *float64 `json:"p99"`
	Max     *float64 `json:"max"`
}

var exMetrics = []string{"cost_usd", "slo_violation_rate", "mean_wait_s"}

// exMeanStd is the mean and the sample standard deviation (n − 1 in the denominator, the
// pandas and polars default) of xs; ok is false for the deviation of fewer than two values.
func exMeanStd(xs []float64) (mean, std float64, ok bool) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN(), false
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, math.NaN(), false
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1)), true
}

// exPareto reports which points (cost[i], rate[i]), both minimized, no other point dominates:
// at most as large in both and smaller in one. NaN points are never on the front.
func exPareto(cost, rate []float64) []bool {
	front := make([]bool, len(cost))
	bad := func(i int) bool { return math.IsNaN(cost[i]) || math.IsNaN(rate[i]) }
	for i := range cost {
		if bad(i) {
			continue
		}
		front[i] = true
		for j := range cost {
			if j != i && !bad(j) && cost[j] <= cost[i] && rate[j] <= rate[i] && (cost[j] < cost[i] || rate[j] < rate[i]) {
				front[i] = false
				break
			}
		}
	}
	return front
}

// exQuantile is the q-quantile of sorted xs by linear interpolation between order statistics
// (Hyndman & Fan 1996, definition 7; numpy's and polars' "linear", pandas' default):
// h = q·(n − 1), x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
func exQuantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := q * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// exQueue is the queue length at the end of each of k intervals of length dt, at (i + 1)·dt:
// jobs submitted before it minus jobs started before it; rejected jobs never queue. Jobs that
// never started have start NaN. An event at x counts in interval ⌊x/dt⌋, as in examples.mjs.
func exQueue(submit, start []float64, status []string, dt float64, k int) []int64 {
	arrived, started := make([]int64, k), make([]int64, k)
	for i := range submit {
		if status[i] == "rejected" {
			continue
		}
		if b := int(math.Floor(submit[i] / dt)); b >= 0 && b < k {
			arrived[b]++
		}
		if !math.IsNaN(start[i]) {
			if b := int(math.Floor(start[i] / dt)); b >= 0 && b < k {
				started[b]++
			}
		}
	}
	q := make([]int64, k)
	var n int64
	for i := range q {
		n += arrived[i] - started[i]
		q[i] = n
	}
	return q
}

// exFloats returns a numeric column of tbl as float64s (nulls as NaN).
func exFloats(t *testing.T, tbl arrow.Table, name string) []float64 {
	t.Helper()
	var out []float64
	for _, c := range exChunks(t, tbl, name) {
		for i := 0; i < c.Len(); i++ {
			switch a := c.(type) {
			case *array.Float64:
				if a.IsNull(i) {
					out = append(out, math.NaN())
				} else {
					out = append(out, a.Value(i))
				}
			case *array.Int64:
				out = append(out, float64(a.Value(i)))
			case *array.Int32:
				out = append(out, float64(a.Value(i)))
			default:
				t.Fatalf("column %s: type %s is not numeric", name, c.DataType())
			}
		}
	}
	return out
}

// exStrings returns a utf8 column of tbl.
func exStrings(t *testing.T, tbl arrow.Table, name string) []string {
	t.Helper()
	var out []string
	for _, c := range exChunks(t, tbl, name) {
		a, ok := c.(*array.String)
		if !ok {
			t.Fatalf("column %s: type %s, want utf8", name, c.DataType())
		}
		for i := 0; i < a.Len(); i++ {
			out = append(out, a.Value(i))
		}
	}
	return out
}

// exValues returns a parameter column as the values JSON decoding gives (string, float64, bool).
func exValues(t *testing.T, tbl arrow.Table, name string) []any {
	t.Helper()
	var out []any
	for _, c := range exChunks(t, tbl, name) {
		for i := 0; i < c.Len(); i++ {
			switch a := c.(type) {
			case *array.String:
				out = append(out, a.Value(i))
			case *array.Int64:
				out = append(out, float64(a.Value(i)))
			case *array.Float64:
				out = append(out, a.Value(i))
			case *array.Boolean:
				out = append(out, a.Value(i))
			default:
				t.Fatalf("parameter column %s: unexpected type %s", name, c.DataType())
			}
		}
	}
	return out
}

func exChunks(t *testing.T, tbl arrow.Table, name string) []arrow.Array {
	t.Helper()
	idx := tbl.Schema().FieldIndices(name)
	if len(idx) != 1 {
		t.Fatalf("table %s has no column %s", tbl.Schema().Metadata().Values(), name)
	}
	return tbl.Column(idx[0]).Data().Chunks()
}

func exRead(t *testing.T, path string) arrow.Table {
	t.Helper()
	tbl, err := results.ReadTable(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tbl.Release)
	return tbl
}

// exAnalyze does the examples' six steps in Go, from dcsim's own reader.
func exAnalyze(t *testing.T, dir, runID string) exResult {
	t.Helper()
	// Step 1.
	sum := exRead(t, filepath.Join(dir, "summary.arrow"))
	md := sum.Schema().Metadata()
	var params []string
	if i := md.FindKey("dcsim.params"); i < 0 || json.Unmarshal([]byte(md.Values()[i]), &params) != nil {
		t.Fatal("summary.arrow: dcsim.params missing or not a JSON array")
	}
	res := exResult{Params: params, Metrics: exMetrics, Runs: sum.NumRows(), RunID: runID}

	// Step 2: groups in order of first appearance.
	pvals := make([][]any, len(params))
	for i, p := range params {
		pvals[i] = exValues(t, sum, p)
	}
	mvals := map[string][]float64{}
	for _, m := range exMetrics {
		mvals[m] = exFloats(t, sum, m)
	}
	index := map[string]int{}
	for r := 0; r < int(sum.NumRows()); r++ {
		key := make([]any, len(params))
		for i := range params {
			key[i] = pvals[i][r]
		}
		k := fmt.Sprintf("%#v", key)
		g, ok := index[k]
		if !ok {
			g = len(res.Groups)
			index[k] = g
			gp := map[string]any{}
			for i, p := range params {
				gp[p] = key[i]
			}
			res.Groups = append(res.Groups, exGroup{Params: gp, values: map[string][]float64{}})
		}
		res.Groups[g].Runs++
		for _, m := range exMetrics {
			if v := mvals[m][r]; !math.IsNaN(v) {
				res.Groups[g].values[m] = append(res.Groups[g].values[m], v)
			}
		}
	}
	var cost, rate []float64
	for gi := range res.Groups {
		g := &res.Groups[gi]
		g.Mean, g.Std = map[string]*float64{}, map[string]*float64{}
		for _, m := range exMetrics {
			mean, std, ok := exMeanStd(g.values[m])
			if !math.IsNaN(mean) {
				g.Mean[m] = &mean
			}
			if ok {
				g.Std[m] = &std
			}
		}
		cost, rate = append(cost, *g.Mean["cost_usd"]), append(rate, *g.Mean["slo_violation_rate"])
	}

	// Step 3: the runs' front, and the group means' front.
	ids := exStrings(t, sum, "run_id")
	for i, on := range exPareto(mvals["cost_usd"], mvals["slo_violation_rate"]) {
		if on {
			res.FrontRuns = append(res.FrontRuns, ids[i])
		}
	}
	for i, on := range exPareto(cost, rate) {
		res.Groups[i].Pareto = on
	}

	// Step 4.
	hosts := exRead(t, filepath.Join(dir, "runs", runID, "hosts.arrow"))
	times, util, power := exFloats(t, hosts, "time_s"), exFloats(t, hosts, "cpu_utilization"), exFloats(t, hosts, "power_w")
	res.IntervalS = exFloats(t, hosts, "interval_s")[0]
	at := map[float64]int{}
	for i, ts := range times {
		j, ok := at[ts]
		if !ok {
			j = len(res.HostsSeries)
			at[ts] = j
			res.HostsSeries = append(res.HostsSeries, exInterval{TimeS: ts})
		}
		iv := &res.HostsSeries[j]
		iv.Hosts++
		iv.MeanCPUUtilization += util[i]
		iv.TotalPowerW += power[i]
	}
	for i := range res.HostsSeries {
		res.HostsSeries[i].MeanCPUUtilization /= float64(res.HostsSeries[i].Hosts)
	}
	slices.SortFunc(res.HostsSeries, func(a, b exInterval) int { return cmp.Compare(a.TimeS, b.TimeS) })

	// Step 5.
	jobs := exRead(t, filepath.Join(dir, "runs", runID, "jobs.arrow"))
	var waits []float64
	for _, w := range exFloats(t, jobs, "wait_s") {
		if !math.IsNaN(w) {
			waits = append(waits, w)
		}
	}
	slices.Sort(waits)
	res.Wait.Started = int64(len(waits))
	if len(waits) > 0 {
		p50, p90, p99, mx := exQuantile(waits, 0.5), exQuantile(waits, 0.9), exQuantile(waits, 0.99), waits[len(waits)-1]
		res.Wait.P50, res.Wait.P90, res.Wait.P99, res.Wait.Max = &p50, &p90, &p99, &mx
	}

	// Step 6.
	k := len(res.HostsSeries)
	q := exQueue(exFloats(t, jobs, "submit_s"), exFloats(t, jobs, "start_s"), exStrings(t, jobs, "status"), res.IntervalS, k)
	for i, n := range q {
		res.Queue = append(res.Queue, exQueued{TimeS: float64(i+1) * res.IntervalS, Queued: n})
	}
	return res
}

// exClose reports whether a and b agree to 1e-9 relative (1e-12 absolute near 0): the readers
// sum in different orders.
func exClose(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) || math.Abs(a-b) <= 1e-12
}

func exClosePtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return exClose(*a, *b)
}

func exFmt(p *float64) string {
	if p == nil {
		return "null"
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

// exCompare checks what a reader computed (got) against the Go reference (want).
func exCompare(t *testing.T, who string, got, want exResult) {
	t.Helper()
	if !slices.Equal(got.Params, want.Params) || !slices.Equal(got.Metrics, want.Metrics) || got.Runs != want.Runs || got.RunID != want.RunID {
		t.Errorf("%s: params %v metrics %v runs %d run %s, want %v %v %d %s", who, got.Params, got.Metrics, got.Runs, got.RunID,
			want.Params, want.Metrics, want.Runs, want.RunID)
	}
	if len(got.Groups) != len(want.Groups) {
		t.Fatalf("%s: %d groups, want %d", who, len(got.Groups), len(want.Groups))
	}
	for i, w := range want.Groups {
		g := got.Groups[i]
		if fmt.Sprint(g.Params) != fmt.Sprint(w.Params) || g.Runs != w.Runs || g.Pareto != w.Pareto {
			t.Errorf("%s: group %d = %v runs %d pareto %v, want %v runs %d pareto %v", who, i, g.Params, g.Runs, g.Pareto,
				w.Params, w.Runs, w.Pareto)
		}
		for _, m := range exMetrics {
			if !exClosePtr(g.Mean[m], w.Mean[m]) || !exClosePtr(g.Std[m], w.Std[m]) {
				t.Errorf("%s: group %v %s mean %s std %s, want %s %s", who, w.Params, m,
					exFmt(g.Mean[m]), exFmt(g.Std[m]), exFmt(w.Mean[m]), exFmt(w.Std[m]))
			}
		}
	}
	if !slices.Equal(got.FrontRuns, want.FrontRuns) {
		t.Errorf("%s: runs on the Pareto front %v, want %v", who, got.FrontRuns, want.FrontRuns)
	}
	if got.IntervalS != want.IntervalS || len(got.HostsSeries) != len(want.HostsSeries) {
		t.Fatalf("%s: interval %v s, %d intervals; want %v s, %d", who, got.IntervalS, len(got.HostsSeries), want.IntervalS, len(want.HostsSeries))
	}
	for i, w := range want.HostsSeries {
		g := got.HostsSeries[i]
		if g.TimeS != w.TimeS || g.Hosts != w.Hosts || !exClose(g.MeanCPUUtilization, w.MeanCPUUtilization) || !exClose(g.TotalPowerW, w.TotalPowerW) {
			t.Errorf("%s: interval %d = %+v, want %+v", who, i, g, w)
		}
	}
	if !slices.Equal(got.Queue, want.Queue) {
		t.Errorf("%s: queue %v, want %v", who, got.Queue, want.Queue)
	}
	gw, ww := got.Wait, want.Wait
	if gw.Started != ww.Started || !exClosePtr(gw.P50, ww.P50) || !exClosePtr(gw.P90, ww.P90) || !exClosePtr(gw.P99, ww.P99) || !exClosePtr(gw.Max, ww.Max) {
		t.Errorf("%s: wait started %d p50 %s p90 %s p99 %s max %s, want %d %s %s %s %s", who, gw.Started, exFmt(gw.P50), exFmt(gw.P90),
			exFmt(gw.P99), exFmt(gw.Max), ww.Started, exFmt(ww.P50), exFmt(ww.P90), exFmt(ww.P99), exFmt(ww.Max))
	}
}

// exRunNode runs examples.mjs with args and returns its stdout, stderr and exit code.
func exRunNode(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command("node", append([]string{filepath.Join(interop.Dir(), "examples.mjs")}, args...)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func exDecode(t *testing.T, who, out string) exResult {
	t.Helper()
	var r exResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%s: bad JSON: %v\n%s", who, err, out)
	}
	return r
}

// TestExamplesAnalysis: examples.mjs (nodejs-polars) and, where available, analyze.py (pandas)
// compute the same numbers as Go on a real sweep folder, for the default run and another one.
// DCSIM_EXAMPLES_SWEEP=DIR builds the sweep folder in DIR (an empty or new folder) and keeps it.
func TestExamplesAnalysis(t *testing.T) {
	interop.Require(t)
	dir := t.TempDir()
	if keep := os.Getenv("DCSIM_EXAMPLES_SWEEP"); keep != "" {
		dir = keep // to look at the folder, or to try the notebook on it
	}
	ids := exBuildSweep(t, dir)
	want := exAnalyze(t, dir, ids[0])

	// The sweep is built so that every step has something to check.
	var front []string
	for _, g := range want.Groups {
		if g.Pareto {
			front = append(front, fmt.Sprint(g.Params))
		}
	}
	if len(want.Groups) != 4 || len(front) != 2 || len(want.FrontRuns) < 2 || len(want.FrontRuns) == len(ids) ||
		want.Wait.Started == 0 || slices.Max(exQueueLens(want.Queue)) == 0 {
		t.Fatalf("sweep does not exercise the steps: %d groups, front %v, runs on the front %v, %d started, queue %v",
			len(want.Groups), front, want.FrontRuns, want.Wait.Started, want.Queue)
	}

	out, errOut, code := exRunNode(t, dir)
	if code != 0 {
		t.Fatalf("examples.mjs: exit %d: %s", code, errOut)
	}
	exCompare(t, "examples.mjs", exDecode(t, "examples.mjs", out), want)

	last := ids[len(ids)-1]
	out, errOut, code = exRunNode(t, dir, last)
	if code != 0 {
		t.Fatalf("examples.mjs %s: exit %d: %s", last, code, errOut)
	}
	exCompare(t, "examples.mjs (last run)", exDecode(t, "examples.mjs", out), exAnalyze(t, dir, last))

	// The same sweep with --format parquet: the runs hold jobs.parquet and hosts.parquet only,
	// and the numbers are the same.
	pdir := t.TempDir()
	if pids := exBuildSweep(t, pdir, "--format", "parquet"); !slices.Equal(pids, ids) {
		t.Fatalf("parquet sweep has runs %v, arrow sweep %v", pids, ids)
	}
	if _, err := os.Stat(filepath.Join(pdir, "runs", ids[0], "hosts.arrow")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("--format parquet left hosts.arrow (%v): the Parquet path would go unchecked", err)
	}
	out, errOut, code = exRunNode(t, pdir)
	if code != 0 {
		t.Fatalf("examples.mjs (parquet): exit %d: %s", code, errOut)
	}
	exCompare(t, "examples.mjs (parquet)", exDecode(t, "examples.mjs", out), want)

	if err := exec.Command("python3", "-c", "import pandas, pyarrow, matplotlib").Run(); err != nil {
		t.Log("pandas, pyarrow or matplotlib not importable: analyze.py itself not run (examples.mjs stands in for it)")
		return
	}
	for _, d := range []string{dir, pdir} {
		cmd := exec.Command("python3", filepath.Join("..", "..", "examples", "analysis", "analyze.py"), d, "--out", t.TempDir(), "--json")
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		if err := cmd.Run(); err != nil {
			t.Fatalf("analyze.py %s: %v\n%s", d, err, e.String())
		}
		exCompare(t, "analyze.py", exDecode(t, "analyze.py", o.String()), want)
	}
}

func exQueueLens(q []exQueued) []int64 {
	n := []int64{0}
	for _, x := range q {
		n = append(n, x.Queued)
	}
	return n
}

// TestExamplesBadInput: examples.mjs rejects folders that are not sweeps with exit 2 and a
// message naming the file.
func TestExamplesBadInput(t *testing.T) {
	interop.Require(t)
	dir := t.TempDir()
	sc, err := scenarios.Parse("tiny.yaml", []byte(exBaseYAML), []string{"horizon=10m"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runner.Run(sc, runner.Options{OutDir: dir, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"run folder", []string{dir}, `dcsim.table is "summary", want "sweep_summary"`},
		{"missing folder", []string{filepath.Join(dir, "nope")}, "summary.arrow: no such file"},
		{"no args", nil, "usage"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := exRunNode(t, c.args...)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errOut, c.want)
			}
		})
	}
}

func TestExamplesHelpers(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name       string
		cost, rate []float64
		want       []bool
	}{
		{"empty", nil, nil, []bool{}},
		{"one", []float64{1}, []float64{1}, []bool{true}},
		{"dominated", []float64{1, 2}, []float64{1, 2}, []bool{true, false}},
		{"trade-off", []float64{1, 2, 3}, []float64{3, 2, 1}, []bool{true, true, true}},
		{"equal cost, worse rate", []float64{1, 1}, []float64{0.1, 0.2}, []bool{true, false}},
		{"ties stay", []float64{1, 1}, []float64{0.5, 0.5}, []bool{true, true}},
		{"NaN never", []float64{nan, 2}, []float64{0, 1}, []bool{false, true}},
		{"mixed", []float64{5, 4, 6, 3}, []float64{0.1, 0.3, 0.05, 0.35}, []bool{true, true, true, true}},
		{"mixed dominated", []float64{5, 4, 6, 7}, []float64{0.1, 0.3, 0.05, 0.2}, []bool{true, true, true, false}},
	} {
		if got := exPareto(c.cost, c.rate); !slices.Equal(got, c.want) {
			t.Errorf("pareto %s: %v, want %v", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		xs   []float64
		q    float64
		want float64
	}{
		{[]float64{7}, 0.5, 7},
		{[]float64{1, 2, 3, 4}, 0.5, 2.5},
		{[]float64{1, 2, 3, 4}, 0, 1},
		{[]float64{1, 2, 3, 4}, 1, 4},
		{[]float64{0, 10}, 0.9, 9},
		{[]float64{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 0.99, 99}, // h = 9.9
	} {
		if got := exQuantile(c.xs, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("quantile(%v, %v) = %v, want %v", c.xs, c.q, got, c.want)
		}
	}
	if m, s, ok := exMeanStd([]float64{2, 4, 4, 4, 5, 5, 7, 9}); m != 5 || math.Abs(s-math.Sqrt(32.0/7)) > 1e-12 || !ok {
		t.Errorf("mean/std = %v %v %v", m, s, ok)
	}
	if _, _, ok := exMeanStd([]float64{3}); ok {
		t.Error("std of one value should be undefined")
	}
	// Queue: intervals of 10 s. Job a arrives at 0 and starts at 15; b arrives at 5 and never
	// starts; c is rejected at 12; d arrives at 19.999 and starts at 20 (the next interval).
	q := exQueue([]float64{0, 5, 12, 19.999}, []float64{15, nan, nan, 20}, []string{"finished", "unfinished", "rejected", "finished"}, 10, 3)
	if want := []int64{2, 2, 1}; !slices.Equal(q, want) {
		t.Errorf("queue = %v, want %v", q, want)
	}
}

// TestExamplesFiles: the notebook is nbformat 4 with no stored outputs, the script and the
// notebook parse as Python (where python3 is installed), and the script, the notebook and
// examples.mjs name the same six steps.
func TestExamplesFiles(t *testing.T) {
	root := filepath.Join("..", "..")
	script, err := os.ReadFile(filepath.Join(root, "examples", "analysis", "analyze.py"))
	if err != nil {
		t.Fatal(err)
	}
	mjs, err := os.ReadFile(filepath.Join(interop.Dir(), "examples.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	nbPath := filepath.Join(root, "examples", "notebooks", "sweep-analysis.ipynb")
	raw, err := os.ReadFile(nbPath)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		NBFormat      *int           `json:"nbformat"`
		NBFormatMinor *int           `json:"nbformat_minor"`
		Metadata      map[string]any `json:"metadata"`
		Cells         []struct {
			CellType       string          `json:"cell_type"`
			Source         json.RawMessage `json:"source"`
			Metadata       map[string]any  `json:"metadata"`
			Outputs        *[]any          `json:"outputs"`
			ExecutionCount *int            `json:"execution_count"`
		} `json:"cells"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&nb); err != nil {
		t.Fatalf("%s: %v", nbPath, err)
	}
	if nb.NBFormat == nil || *nb.NBFormat != 4 || nb.NBFormatMinor == nil || nb.Metadata == nil || len(nb.Cells) == 0 {
		t.Fatalf("%s: not an nbformat 4 notebook", nbPath)
	}
	var code []string
	var text strings.Builder
	for i, c := range nb.Cells {
		var lines []string
		if err := json.Unmarshal(c.Source, &lines); err != nil {
			t.Fatalf("cell %d: source is not a list of strings: %v", i, err)
		}
		src := strings.Join(lines, "")
		text.WriteString(src + "\n")
		if c.Metadata == nil {
			t.Errorf("cell %d: no metadata", i)
		}
		switch c.CellType {
		case "markdown":
			if c.Outputs != nil || c.ExecutionCount != nil {
				t.Errorf("cell %d: markdown cell with outputs or execution_count", i)
			}
		case "code":
			if c.Outputs == nil || len(*c.Outputs) != 0 || c.ExecutionCount != nil {
				t.Errorf("cell %d: code cells must store no outputs (outputs: [], execution_count: null)", i)
			}
			code = append(code, src)
		default:
			t.Errorf("cell %d: cell_type %q", i, c.CellType)
		}
	}
	for step := 1; step <= 6; step++ {
		s := fmt.Sprintf("Step %d", step)
		for name, body := range map[string]string{"analyze.py": string(script), "notebook": text.String(), "examples.mjs": string(mjs)} {
			if !strings.Contains(body, s) {
				t.Errorf("%s does not describe %s", name, s)
			}
		}
	}
	// docs/notebooks.md has a section for every table.
	doc, err := os.ReadFile(filepath.Join(root, "docs", "notebooks.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"jobs", "hosts", "summary", "sweep/summary", "services", "links", "storage", "provisioning"} {
		if !strings.Contains(string(doc), "### `"+table+".arrow`") {
			t.Errorf("docs/notebooks.md has no section for %s.arrow", table)
		}
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Log("python3 not on PATH: the Python syntax check is skipped")
		return
	}
	for name, src := range map[string]string{"analyze.py": string(script), "notebook": strings.Join(code, "\n")} {
		cmd := exec.Command("python3", "-c", "import ast, sys; ast.parse(sys.stdin.read())")
		cmd.Stdin = strings.NewReader(src)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s does not parse as Python: %v\n%s", name, err, out)
		}
	}
}

// exAllYAML is a scenario that writes all seven tables: services, a leaf-spine network, a
// storage pool and power-off-idle provisioning around exBaseYAML's cluster and batch jobs.
const exAllYAML = `name: examples-all
seed: 1
horizon: 2h
cluster:
  host_groups:
    - {name: small, count: 8, cpu: 8, memory: 32 GiB}
network: {topology: leaf-spine, leaves: 2, spines: 1, hosts_per_leaf: 8, host_bandwidth: 10 Gb/s, uplink_bandwidth: 40 Gb/s}
storage:
  - {name: hot, capacity: 2 TiB, bandwidth: 1 GB/s}
services:
  - name: api
    replicas: 2
    cpu: 1
    memory: 2 GiB
    service_time: {dist: exponential, mean: 20ms}
    arrivals: {process: poisson, rate: 20/s}
    slo_p99: 200ms
    window: 10m
workload:
  synthetic:
    - name: batch
      arrivals: {process: poisson, rate: 0.02/s}
      tasks_per_job: {dist: empirical, values: [1, 2], weights: [70, 30]}
      cpu_cores: {dist: empirical, values: [1, 2, 4], weights: [40, 30, 30]}
      memory_gib: {dist: constant, value: 2}
      runtime_s: {dist: exponential, mean: 600}
      input_gib: {dist: constant, value: 1}
      output_gib: {dist: constant, value: 0.5}
provisioning: {policy: power-off-idle, interval: 10m}
slo:
  max_wait: 5m
output:
  host_interval: 10m
`

// exSQLBlocks returns the statements of the ```sql blocks of a Markdown document, in order.
func exSQLBlocks(doc string) []string {
	var stmts []string
	for _, part := range strings.Split(doc, "```sql\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		for _, s := range strings.Split(block, ";\n") {
			if s = strings.TrimSpace(s); s != "" {
				stmts = append(stmts, strings.TrimSuffix(s, ";"))
			}
		}
	}
	return stmts
}

// TestExamplesDocsSQL runs every DuckDB statement of docs/notebooks.md on a run folder with all
// seven tables and on a sweep folder, reading the Parquet twins of the .arrow files (DuckDB
// reads Parquet without an extension; the nanoarrow extension cannot be downloaded here).
// Every statement must succeed and return rows.
func TestExamplesDocsSQL(t *testing.T) {
	interop.Require(t)
	if _, err := os.Stat(filepath.Join(interop.Dir(), "node_modules", "@duckdb", "node-api", "package.json")); err != nil {
		if os.Getenv(interop.RequireEnv) == "1" {
			t.Fatalf("@duckdb/node-api missing: %v", err)
		}
		t.Skipf("@duckdb/node-api missing (run `make interop-deps`): %v", err)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "notebooks.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	sc, err := scenarios.Parse("examples-all.yaml", []byte(exAllYAML), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runner.Run(sc, runner.Options{OutDir: out, Workers: 1, Format: "both"}); err != nil {
		t.Fatal(err)
	}
	sweepDir := t.TempDir()
	exBuildSweep(t, sweepDir, "--format", "both")
	if err := results.WriteParquet(filepath.Join(sweepDir, "summary.arrow"), filepath.Join(sweepDir, "summary.parquet")); err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	n := 0
	for _, s := range exSQLBlocks(string(doc)) {
		if u := strings.ToUpper(s); strings.HasPrefix(u, "INSTALL ") || strings.HasPrefix(u, "LOAD ") {
			continue
		}
		s = strings.NewReplacer("'out/", "'"+out+"/", "'sweep/", "'"+sweepDir+"/", ".arrow'", ".parquet'").Replace(s)
		script.WriteString(s + ";\n")
		n++
	}
	if n < 9 {
		t.Fatalf("docs/notebooks.md has %d SQL statements, want one per table and more", n)
	}
	file := filepath.Join(t.TempDir(), "docs.sql")
	if err := os.WriteFile(file, []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d statements", n)
	stdout, stderr, code := exRunNode(t, "--sql", file)
	if code != 0 {
		t.Fatalf("examples.mjs --sql: exit %d: %s", code, stderr)
	}
	var res []struct {
		SQL  string `json:"sql"`
		Rows int    `json:"rows"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || len(res) != n {
		t.Fatalf("examples.mjs --sql: %d results for %d statements (%v)", len(res), n, err)
	}
	for _, r := range res {
		if r.Rows == 0 {
			t.Errorf("no rows from\n%s", r.SQL)
		}
	}
}
