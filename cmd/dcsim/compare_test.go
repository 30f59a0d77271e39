package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/results/compare/comparetest"
)

// compareFolders writes a base sweep (best-fit) and two candidate sweeps (worst-fit) over host
// counts 400 and 600 with three seeds each. In "worse", cost at 400 hosts rises by 10%
// (100, 101, 99 → 110, 111, 109: Welch p = 2.5e-4) and SLO violations at 600 hosts rise from
// 3 to 4 in every seed (constant samples: p = 0); in "same", every value equals the base's.
func compareFolders(t *testing.T) (base, worse, same string) {
	t.Helper()
	root := t.TempDir()
	params := []results.ParamColumn{{Name: "scheduler.placement"}, {Name: "cluster.host_groups.0.count", Kind: results.ParamInt}}
	write := func(name, placement string, cost400 []float64, slo600 float64) string {
		dir := filepath.Join(root, name)
		fixed := map[string]float64{"jobs_submitted": 1000, "energy_kwh": 50, "slo_violations": 3}
		runs := comparetest.Replicates([]string{placement, "400"}, "cost_usd", cost400, fixed)
		runs = append(runs, comparetest.Replicates([]string{placement, "600"}, "slo_violations", []float64{slo600, slo600, slo600},
			map[string]float64{"jobs_submitted": 1000, "energy_kwh": 50, "cost_usd": 100})...)
		if err := comparetest.WriteSweep(dir, "default", params, runs); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	base = write("base", "best-fit", []float64{100, 101, 99}, 3)
	worse = write("worse", "worst-fit", []float64{110, 111, 109}, 4)
	same = write("same", "worst-fit", []float64{100, 101, 99}, 3)
	return base, worse, same
}

func TestCompareCommand(t *testing.T) {
	base, worse, same := compareFolders(t)
	other := filepath.Join(t.TempDir(), "other")
	if err := comparetest.WriteSweep(other, "default", []results.ParamColumn{{Name: "cluster.host_groups.0.count", Kind: results.ParamInt}},
		comparetest.Replicates([]string{"999"}, "cost_usd", []float64{1, 2}, nil)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want []string // substrings of stdout+stderr
	}{
		{"help", []string{"--help"}, 0, []string{"Usage: dcsim compare", "Examples:", "--fail-on"}},
		{"no gate", []string{base, worse}, 0, []string{"compared    scheduler.placement: best-fit → worst-fit", "matched on  cluster.host_groups.0.count", "+10.0%"}},
		{"cost regression", []string{base, worse, "--fail-on", "cost_usd:+2%"}, 1, []string{
			"FAIL +2%", "1 regression:", "cost_usd +10.0% (100 → 110) beyond --fail-on cost_usd:+2% in cluster.host_groups.0.count=400 (p<0.001)",
			"dcsim: 1 regression beyond --fail-on bounds"}},
		{"two regressions", []string{base, worse, "--fail-on", "cost_usd:+2%", "--fail-on", "slo_violations:+0"}, 1, []string{
			"2 regressions:", "slo_violations +33.3% (3 → 4) beyond --fail-on slo_violations:+0 in cluster.host_groups.0.count=600 (p=0)"}},
		{"within bounds", []string{base, worse, "--fail-on", "cost_usd:+15%", "--fail-on", "slo_violations:+1"}, 0, []string{"no regressions: 2 bounds checked in 2 groups"}},
		{"improvement only", []string{worse, base, "--fail-on", "cost_usd:+2%", "--fail-on", "slo_violations:+0"}, 0, []string{"-9.09%"}},
		{"lower bound", []string{worse, base, "--fail-on", "cost_usd:-5%"}, 1, []string{"cost_usd -9.09%"}},
		{"unchanged", []string{base, same, "--fail-on", "cost_usd:+0%", "--fail-on", "slo_violations:+0"}, 0, []string{"no regressions"}},
		{"mann-whitney 3+3 cannot fail", []string{base, worse, "--test", "mann-whitney", "--fail-on", "cost_usd:+2%"}, 0, []string{"cannot reach p < 0.05", "0.100"}},
		{"alpha 0.2 lets mann-whitney fail", []string{base, worse, "--test", "mann-whitney", "--alpha", "0.2", "--fail-on", "cost_usd:+2%"}, 1, []string{"p=0.100"}},
		{"paired by seed", []string{base, worse, "--test", "paired", "--fail-on", "cost_usd:+2%"}, 1, []string{"paired t-test", "(p=0)"}},
		{"markdown", []string{base, worse, "--format", "markdown", "--fail-on", "cost_usd:+2%"}, 1, []string{"### dcsim compare: ❌ 1 regression", "| cost\\_usd | USD |"}},
		{"metrics", []string{base, worse, "--metrics", "energy_kwh,host_hours"}, 0, []string{"energy_kwh", "host_hours"}},
		{"bad bound", []string{base, worse, "--fail-on", "cost_usd:2%"}, 2, []string{`--fail-on "cost_usd:2%"`}},
		{"unknown metric", []string{base, worse, "--fail-on", "cost_eur:+2%"}, 2, []string{`no metric "cost_eur"`}},
		{"unknown --metrics", []string{base, worse, "--metrics", "nope"}, 2, []string{`no metric "nope"`}},
		{"all plus more", []string{base, worse, "--metrics", "all,cost_usd"}, 2, []string{"stands alone"}},
		{"bad test", []string{base, worse, "--test", "t"}, 2, []string{`--test "t"`}},
		{"bad alpha", []string{base, worse, "--alpha", "1"}, 2, []string{"--alpha"}},
		{"bad format", []string{base, worse, "--format", "html"}, 2, []string{`--format "html"`}},
		{"one folder", []string{base}, 2, []string{"two folders"}},
		{"missing folder", []string{base, filepath.Join(t.TempDir(), "nope")}, 2, []string{"nope"}},
		{"empty folder", []string{base, t.TempDir()}, 2, []string{"no summary.arrow"}},
		{"not a summary", []string{base, filepath.Join(t.TempDir())}, 2, []string{"no summary.arrow"}},
		{"nothing matches", []string{base, other}, 2, []string{"no configuration", "--ignore"}},
		{"ignored key", []string{base, other, "--ignore", "cluster.host_groups.0.count"}, 0, []string{"ignored    cluster.host_groups.0.count", "all runs"}},
		{"unknown ignore", []string{base, worse, "--ignore", "x.y"}, 2, []string{`--ignore "x.y"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"compare"}, c.args...), &out, &errb)
			all := out.String() + errb.String()
			if code != c.code {
				t.Errorf("exit %d, want %d:\n%s", code, c.code, all)
			}
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
		})
	}
}

func TestCompareJSON(t *testing.T) {
	base, worse, _ := compareFolders(t)
	var out, errb bytes.Buffer
	code := run([]string{"compare", base, worse, "--format", "json", "--fail-on", "cost_usd:+2%"}, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep struct {
		FormatVersion int      `json:"format_version"`
		MatchedOn     []string `json:"matched_on"`
		Differences   []struct {
			Key, Base, Candidate string
		} `json:"differences"`
		Groups []struct {
			Label   string `json:"label"`
			Metrics []struct {
				Metric    string   `json:"metric"`
				ChangePct *float64 `json:"change_pct"`
				P         *float64 `json:"p"`
				Method    string   `json:"method"`
				Violated  []string `json:"violated"`
			} `json:"metrics"`
		} `json:"groups"`
		Regressions []struct{ Group, Metric, Bound string } `json:"regressions"`
		Failed      bool                                    `json:"failed"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	m := rep.Groups[0].Metrics[0]
	if rep.FormatVersion != 1 || !rep.Failed || len(rep.Regressions) != 1 || rep.Regressions[0].Bound != "cost_usd:+2%" ||
		rep.Differences[0].Key != "scheduler.placement" || rep.Differences[0].Candidate != "worst-fit" ||
		m.Metric != "cost_usd" || *m.ChangePct != 10 || *m.P > 3e-4 || m.Method != "welch" || len(m.Violated) != 1 {
		t.Errorf("unexpected report: %+v", rep)
	}
	// Byte-identical on a second run.
	var again bytes.Buffer
	run([]string{"compare", base, worse, "--format", "json", "--fail-on", "cost_usd:+2%"}, &again, &errb)
	if !bytes.Equal(out.Bytes(), again.Bytes()) {
		t.Error("JSON output differs between two runs")
	}
}

// TestCompareRealRuns compares run folders written by 'dcsim run': a run with itself (exit 0,
// no change) and with a different placement (the scenario difference is named).
func TestCompareRealRuns(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	var out, errb bytes.Buffer
	for _, args := range [][]string{
		{"run", "mmc", "-q", "-o", a, "--set", "workload.synthetic.0.jobs=300"},
		{"run", "mmc", "-q", "-o", b, "--set", "workload.synthetic.0.jobs=300", "--set", "scheduler.placement=worst-fit"},
	} {
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
	}
	out.Reset()
	if code := run([]string{"compare", a, a, "--fail-on", "mean_wait_s:+0", "--fail-on", "cost_usd:+0%"}, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "no regressions") || !strings.Contains(out.String(), "n=1") {
		t.Errorf("self-comparison: exit %d:\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run([]string{"compare", a, b}, &out, &errb); code != 0 || !strings.Contains(out.String(), "compared   scheduler.placement: ") {
		t.Errorf("placement comparison: exit %d:\n%s%s", code, out.String(), errb.String())
	}
}

// TestCompareRealSweeps runs two small sweeps with 'dcsim sweep' — the same grid, the candidate
// with worst-fit placement set for every run — and compares them as the CI example does.
func TestCompareRealSweeps(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sweep.yaml")
	if err := os.WriteFile(file, []byte("name: ci\nbase: default\nseeds: 3\nset:\n  horizon: 2h\naxes:\n  cluster.host_groups.0.count: [700, 800]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base, cand := filepath.Join(dir, "base"), filepath.Join(dir, "cand")
	var out, errb bytes.Buffer
	for _, args := range [][]string{
		{"sweep", file, "-o", base, "-q", "-j", "2"},
		{"sweep", file, "-o", cand, "-q", "-j", "2", "--set", "scheduler.placement=worst-fit"},
	} {
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
	}
	// The placement is no sweep parameter: compare finds it in the runs' resolved scenarios.
	out.Reset()
	code := run([]string{"compare", base, cand, "--fail-on", "cost_usd:+1%", "--fail-on", "slo_violations:+0"}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "compared    scheduler.placement: best-fit → worst-fit") ||
		!strings.Contains(out.String(), "cluster.host_groups.0.count=700 (runs: base 3, candidate 3)") {
		t.Errorf("exit %d:\n%s%s", code, out.String(), errb.String())
	}
	// Worst-fit uses less energy in every seed: a paired test sees it, the unpaired one does not.
	out.Reset()
	if code := run([]string{"compare", base, cand, "--test", "paired", "--fail-on", "energy_kwh:-0.5%"}, &out, &errb); code != 1 {
		t.Errorf("paired: exit %d, want 1:\n%s", code, out.String())
	}
	if code := run([]string{"compare", base, cand, "--fail-on", "energy_kwh:-0.5%"}, &out, &errb); code != 0 {
		t.Errorf("welch: exit %d, want 0", code)
	}
}

// TestCIWorkflowCommands checks docs/ci/dcsim-compare.yml: it is valid YAML with the two jobs,
// and every dcsim command in its steps is accepted — the sweeps with --dry-run on the real
// docs/ci/sweep.yaml, the comparisons on stand-in sweep folders of the same shape (identical
// sides, so each must exit 0: a typo in a --fail-on metric would exit 2).
func TestCIWorkflowCommands(t *testing.T) {
	raw, err := os.ReadFile("../../docs/ci/dcsim-compare.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatal(err)
	}
	if len(wf.Jobs["base-vs-pr"].Steps) == 0 || len(wf.Jobs["policies"].Steps) == 0 {
		t.Fatalf("jobs: %v", wf.Jobs)
	}
	sweepFile, err := filepath.Abs("../../docs/ci/sweep.yaml")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	var compares, sweeps int
	for _, job := range []string{"base-vs-pr", "policies"} {
		for _, st := range wf.Jobs[job].Steps {
			script := strings.ReplaceAll(st.Run, "\\\n", " ")
			for _, line := range strings.Split(script, "\n") {
				f := strings.Fields(line)
				if len(f) < 2 || !strings.HasPrefix(f[0], `"$RUNNER_TEMP/dcsim`) || f[1] == "build" {
					continue
				}
				var args []string
				for _, a := range f[1:] {
					if strings.HasPrefix(a, ">") {
						break
					}
					switch {
					case strings.HasSuffix(a, "docs/ci/sweep.yaml"):
						a = sweepFile
					case strings.HasPrefix(a, "out/"):
						a = filepath.Join(root, a)
					}
					args = append(args, a)
				}
				switch args[0] {
				case "sweep":
					sweeps++
					args = append(args, "--dry-run")
					// Stand-in output of this sweep: 2 sizes × 5 seeds, like docs/ci/sweep.yaml.
					dir := args[slices.Index(args, "-o")+1]
					params := []results.ParamColumn{{Name: "cluster.host_groups.0.count", Kind: results.ParamInt}}
					var runs []comparetest.Run
					for _, n := range []string{"700", "800"} {
						runs = append(runs, comparetest.Replicates([]string{n}, "cost_usd", []float64{1, 2, 3, 4, 5},
							map[string]float64{"jobs_submitted": 100, "p99_wait_s": 3, "mean_wait_s": 1, "energy_kwh": 2})...)
					}
					if err := comparetest.WriteSweep(dir, "default", params, runs); err != nil {
						t.Fatal(err)
					}
				case "compare":
					compares++
				default:
					t.Errorf("unexpected dcsim command in step %q: %v", st.Name, args)
					continue
				}
				var out, errb bytes.Buffer
				if code := run(args, &out, &errb); code != 0 {
					t.Errorf("step %q: dcsim %v: exit %d:\n%s%s", st.Name, args, code, out.String(), errb.String())
				}
			}
		}
	}
	if sweeps != 4 || compares != 3 {
		t.Errorf("found %d sweep and %d compare commands, want 4 and 3", sweeps, compares)
	}
}
