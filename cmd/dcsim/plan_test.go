package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/results"
)

// planArgs is a small plan on the M/M/c scenario: 2,000 jobs per run (about 10 ms), the
// number of one-core servers from 4 to 16, mean wait at most 0.5 s.
func planArgs(dir string, extra ...string) []string {
	return append([]string{"plan", "mmc", "-o", dir, "--set", "workload.synthetic.0.jobs=2000",
		"--vary", "cluster.host_groups.0.count=4:16", "--subject-to", "mean_wait_s<=0.5", "--seeds", "3"}, extra...)
}

func runPlan(t *testing.T, args []string, wantCode int) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != wantCode {
		t.Fatalf("dcsim %v: exit %d, want %d\n%s%s", args, code, wantCode, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func readPlanJSON(t *testing.T, dir string) planJSON {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pj planJSON
	if err := json.Unmarshal(data, &pj); err != nil {
		t.Fatal(err)
	}
	return pj
}

// TestPlanBisectMatchesBruteForce: bisection's answer is the smallest server count whose mean
// wait over the three seeds is at most 0.5 s, as a scan of every count computes it, with the
// means recomputed here from each run's own summary.arrow.
func TestPlanBisectMatchesBruteForce(t *testing.T) {
	base := t.TempDir()
	scanDir, bisDir := filepath.Join(base, "scan"), filepath.Join(base, "bisect")
	runPlan(t, planArgs(scanDir, "--method", "scan", "-q"), 0)

	_, _, keys, rows, err := results.ReadPlan(filepath.Join(scanDir, "plan.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 13 || len(keys) != 1 || keys[0].Name != "cluster.host_groups.0.count" || !keys[0].Integer || keys[0].Unit != "1" {
		t.Fatalf("scan: %d rows, keys %+v", len(rows), keys)
	}
	want := -1.0
	for _, r := range rows {
		var sum float64
		for k := range 3 {
			s, meta, err := results.ReadSummary(filepath.Join(scanDir, "candidates", r.ID, "seed-"+string(rune('0'+k)), "summary.arrow"))
			if err != nil {
				t.Fatal(err)
			}
			if meta.Seed != uint64(1+k) || s.Seed != uint64(1+k) {
				t.Errorf("candidate %s seed-%d ran with seed %d", r.ID, k, s.Seed)
			}
			sum += s.MeanWaitS
		}
		if _, err := os.Stat(filepath.Join(scanDir, "candidates", r.ID, "seed-0", "jobs.arrow")); !os.IsNotExist(err) {
			t.Errorf("jobs.arrow kept without --keep-jobs (%v)", err)
		}
		feasible := sum/3 <= 0.5
		if feasible && want < 0 {
			want = r.Values[0]
		}
		if feasible != r.Feasible {
			t.Errorf("count %v: mean wait %v, feasible %v in plan.arrow", r.Values[0], sum/3, r.Feasible)
		}
	}
	if want < 5 || want > 15 {
		t.Fatalf("brute force: smallest feasible count %v; the test needs an answer inside the range", want)
	}

	out, _ := runPlan(t, planArgs(bisDir), 0)
	_, _, _, brows, err := results.ReadPlan(filepath.Join(bisDir, "plan.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	var chosen []results.PlanRow
	for _, r := range brows {
		if r.Chosen {
			chosen = append(chosen, r)
		}
	}
	if len(chosen) != 1 || chosen[0].Values[0] != want {
		t.Fatalf("bisection chose %+v, brute force %v\n%s", chosen, want, out)
	}
	if len(brows) > 7 { // ⌈log2 12⌉ + 3
		t.Errorf("bisection evaluated %d candidates", len(brows))
	}
	pj := readPlanJSON(t, bisDir)
	wantSet := "cluster.host_groups.0.count=" + strconv.FormatFloat(want, 'f', -1, 64)
	if pj.Answer == nil || len(pj.Answer.Set) != 1 || pj.Answer.Set[0] != wantSet || pj.Question.Method != "bisect" ||
		pj.Stop != "converged" || len(pj.Notes) == 0 || pj.Candidates != len(brows) || pj.Runs != 3*len(brows) {
		t.Errorf("plan.json %+v", pj)
	}
	for _, w := range []string{"chosen: candidate", wantSet, "reproduce: dcsim run mmc --set workload.synthetic.0.jobs=2000 --set " + wantSet + " --seed 1",
		"mean_wait_s<=0.5", "cost_usd", "note: bisection assumes"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	// The search path: a header and one line per candidate.
	if n := strings.Count(out, " yes\n") + strings.Count(out, " no\n"); n != len(brows) {
		t.Errorf("%d path lines for %d candidates:\n%s", n, len(brows), out)
	}

	// Into the scan's folder, every bisection run is found complete and reused, and the files
	// are the same as from fresh runs.
	out2, _ := runPlan(t, planArgs(scanDir), 0)
	if !strings.Contains(out2, "(0 run now, ") {
		t.Errorf("rerun did not reuse the runs:\n%s", out2)
	}
	for _, f := range []string{"plan.arrow", "plan.json"} {
		a, _ := os.ReadFile(filepath.Join(bisDir, f))
		b, _ := os.ReadFile(filepath.Join(scanDir, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s from reused runs differs from the fresh one", f)
		}
	}
}

// TestPlanDeterministicAcrossJobs: the files do not depend on the number of parallel runs.
func TestPlanDeterministicAcrossJobs(t *testing.T) {
	base := t.TempDir()
	a, b := filepath.Join(base, "a"), filepath.Join(base, "b")
	runPlan(t, planArgs(a, "-j", "1", "-q", "--aggregate", "max"), 0)
	runPlan(t, planArgs(b, "-j", "4", "-q", "--aggregate", "max"), 0)
	for _, f := range []string{"plan.arrow", "plan.json"} {
		x, err1 := os.ReadFile(filepath.Join(a, f))
		y, err2 := os.ReadFile(filepath.Join(b, f))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between -j 1 and -j 4 (%v, %v)", f, err1, err2)
		}
	}
}

// twoGroups is a small scenario with two host types of different price per core, for the
// two-key search.
const twoGroups = `name: two-groups
seed: 1
cluster:
  host_groups:
    - name: small
      count: 4
      cpu: 2
      memory: 8 GiB
      capex_usd: 3000
      power: {model: linear, idle: 60 W, max: 150 W}
    - name: big
      count: 2
      cpu: 8
      memory: 32 GiB
      capex_usd: 10000
      power: {model: linear, idle: 120 W, max: 400 W}
workload:
  synthetic:
    - name: w
      jobs: 1500
      arrivals: {process: poisson, rate: 10/s}
      cpu_cores: {dist: empirical, values: [1, 2], weights: [70, 30]}
      memory_gib: {dist: constant, value: 1}
      runtime_s: {dist: exponential, mean: 1}
scheduler: {queue: fcfs, placement: best-fit}
output: {hosts: false}
`

// TestPlanPatternMatchesScan: two keys (small and big host counts); the pattern search finds the
// cheapest configuration meeting the wait bound that the scan of all 12 × 6 points finds, in
// fewer candidates.
func TestPlanPatternMatchesScan(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "two.yaml")
	if err := os.WriteFile(file, []byte(twoGroups), 0o644); err != nil {
		t.Fatal(err)
	}
	args := func(dir string, extra ...string) []string {
		return append([]string{"plan", file, "-o", dir, "-q", "--seeds", "1", "--budget", "100",
			"--vary", "cluster.host_groups.0.count=1:12", "--vary", "cluster.host_groups.1.count=1:6",
			"--subject-to", "mean_wait_s<=0.05"}, extra...)
	}
	runPlan(t, args(filepath.Join(base, "scan"), "--method", "scan"), 0)
	out, _ := runPlan(t, args(filepath.Join(base, "pattern")), 0)
	s, p := readPlanJSON(t, filepath.Join(base, "scan")), readPlanJSON(t, filepath.Join(base, "pattern"))
	if s.Candidates != 72 || p.Question.Method != "pattern" || p.Answer == nil || s.Answer == nil {
		t.Fatalf("scan %d candidates; pattern %+v", s.Candidates, p)
	}
	if strings.Join(p.Answer.Set, " ") != strings.Join(s.Answer.Set, " ") {
		t.Errorf("pattern chose %v, scan %v\n%s", p.Answer.Set, s.Answer.Set, out)
	}
	if p.Candidates >= s.Candidates/2 {
		t.Errorf("pattern evaluated %d of %d points", p.Candidates, s.Candidates)
	}
}

func TestPlanInfeasible(t *testing.T) {
	dir := t.TempDir()
	out, errs := runPlan(t, append(planArgs(dir, "--seeds", "1"), "--subject-to", "mean_wait_s<0"), 1)
	if !strings.Contains(out, "no candidate meets the constraints; closest") || !strings.Contains(errs, "none of the") {
		t.Errorf("output:\n%s\n%s", out, errs)
	}
	pj := readPlanJSON(t, dir)
	if pj.Answer != nil || pj.Closest == nil || pj.Closest.Set[0] != "cluster.host_groups.0.count=16" {
		t.Errorf("plan.json answer %+v closest %+v", pj.Answer, pj.Closest)
	}
}

func TestPlanBadInput(t *testing.T) {
	dir := t.TempDir()
	o := filepath.Join(dir, "o")
	base := []string{"plan", "mmc", "-o", o, "--set", "workload.synthetic.0.jobs=100"}
	vary := []string{"--vary", "cluster.host_groups.0.count=4:16"}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"plan", "--help"}, 0, "Examples:"},
		{[]string{"plan"}, 2, "one scenario"},
		{base, 2, "at least one --vary"},
		{append(base, "--vary", "cluster.host_groups.0.count"), 2, "--vary"},
		{append(base, "--vary", "cluster.host_groups.0.count=9:4"), 2, "above high bound"},
		{append(base, "--vary", "seed=1:4"), 2, "seed cannot be varied"},
		{append(base, "--vary", "cluster.host_groups.0.countz=4:16"), 2, "did you mean"},
		{append(base, "--vary", "cluster.host_groups.0.count=0:16"), 2, "count"},
		{append(append(base, vary...), vary...), 2, "varied twice"},
		{append(append(base, vary...), "--set", "cluster.host_groups.0.count=3"), 2, "also given with --set"},
		{append(append(base, vary...), "--minimize", "costs"), 2, `--minimize: unknown metric "costs"`},
		{append(append(base, vary...), "--subject-to", "slo<=1"), 2, `--subject-to "slo<=1": unknown metric "slo"`},
		{append(append(base, vary...), "--subject-to", "slo_violation_rate=1"), 2, "--subject-to"},
		{append(append(base, vary...), "--subject-to", "slo_violation_rate<=x"), 2, "not a finite number"},
		{append(append(base, vary...), "--seeds", "0"), 2, "--seeds"},
		{append(append(base, vary...), "--budget", "0"), 2, "--budget"},
		{append(append(base, vary...), "-j", "0"), 2, "--jobs"},
		{append(append(base, vary...), "--aggregate", "median"), 2, "--aggregate"},
		{append(append(base, vary...), "--method", "simplex"), 2, "--method"},
		{append(append(base, vary...), "--direction", "left"), 2, "--direction"},
		{append(append(base, vary...), "--seed", "-1"), 2, "--seed"},
		{append(append(base, vary...), "--set", "scheduler.placment=x"), 2, "did you mean"},
		{append(append(base, vary...), "--vary", "scheduler.max_retries=0:3", "--method", "bisect"), 2, "--method bisect varies one key"},
		{[]string{"plan", "no-such-scenario", "--vary", "a=1:2"}, 2, "no-such-scenario"},
	} {
		var out, errb bytes.Buffer
		code := run(c.args, &out, &errb)
		if all := out.String() + errb.String(); code != c.code || !strings.Contains(all, c.want) {
			t.Errorf("dcsim %v: exit %d, want %d; output must contain %q:\n%s", c.args, code, c.code, c.want, all)
		}
	}
	if _, err := os.Stat(o); !os.IsNotExist(err) {
		t.Errorf("bad input created the output folder (%v)", err)
	}
}
