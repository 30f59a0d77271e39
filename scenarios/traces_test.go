package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/units"
)

// traceOnly is a scenario with one trace source and no synthetic one; tests edit single lines
// of it, so its line numbers matter. Its path is relative: tests run it in a folder that has
// k.swf (see inTraceDir).
const traceOnly = `name: t
cluster:
  host_groups:
    - count: 10
      cpu: 16
      memory: 64 GiB
workload:
  traces:
    - format: swf
      path: k.swf
`

// inTraceDir makes the current directory a temporary folder holding an empty k.swf.
func inTraceDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "k.swf"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return dir
}

func editTrace(old, new string) string {
	if !strings.Contains(traceOnly, old) {
		panic("test bug: " + old)
	}
	return strings.Replace(traceOnly, old, new, 1)
}

// haveKTH reports whether the KTH SP2 trace is where the kth-sp2 built-in looks for it;
// when not, it logs why the test of that built-in is skipped.
// haveTraces reports whether the shared traces folder is where built-ins look for it; when not,
// it logs why the built-ins that replay traces are skipped.
func haveTraces(t *testing.T) bool {
	t.Helper()
	p := resolveTracePath("$DCSIM_TRACES", "")
	if _, err := os.Stat(filepath.Join(p, "google-2011")); err != nil {
		t.Logf("skipping the trace built-ins: traces not found (%v); set DCSIM_TRACES to the traces folder", err)
		return false
	}
	return true
}

func haveKTH(t *testing.T) bool {
	t.Helper()
	p := resolveTracePath("$DCSIM_TRACES/swf/KTH-SP2-1996-2.1-cln.swf", "")
	if _, err := os.Stat(p); err != nil {
		t.Logf("skipping the kth-sp2 built-in: trace not found (%v); set DCSIM_TRACES to the traces folder", err)
		return false
	}
	return true
}

func TestTraceDefaults(t *testing.T) {
	inTraceDir(t)
	s, err := Parse("t.yaml", []byte(traceOnly+"    - {format: swf, path: k.swf, name: mine, cpu_per_unit: 500m, memory_per_unit: 2 GiB, jobs: 7, start: 1h, end: 2h, sample: 0.5, time_scale: 2, skip_bad: true}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Horizon != 0 || len(s.Workload.Synthetic) != 0 {
		t.Errorf("horizon %s, synthetic %v", s.Horizon, s.Workload.Synthetic)
	}
	want := []TraceSource{
		{Name: "trace0", Format: "swf", Path: "k.swf", CPUPerUnit: 1000, MemoryPerUnit: 0, Sample: 1, TimeScale: 1},
		{Name: "mine", Format: "swf", Path: "k.swf", CPUPerUnit: 500, MemoryPerUnit: 2 * units.GiB, Jobs: 7,
			Start: units.Duration(units.Hour), End: units.Duration(2 * units.Hour), Sample: 0.5, TimeScale: 2, SkipBad: true},
	}
	if len(s.Workload.Traces) != 2 || s.Workload.Traces[0] != want[0] || s.Workload.Traces[1] != want[1] {
		t.Errorf("traces = %+v, want %+v", s.Workload.Traces, want)
	}
	// A scenario built in Go: zero means absent.
	g := &Scenario{Workload: Workload{Traces: []TraceSource{{Path: "k.swf"}}}}
	g.ApplyDefaults()
	if tr := g.Workload.Traces[0]; tr.Name != "trace0" || tr.CPUPerUnit != 1000 || tr.Format != "swf" {
		t.Errorf("Go-built defaults: %+v", tr)
	}
	if got := g.TracePath(0); got != "k.swf" {
		t.Errorf("Go-built TracePath(0) = %q", got)
	}
	if got := g.TracePath(1); got != "" {
		t.Errorf("TracePath(1) = %q, want empty", got)
	}
}

func TestTraceErrors(t *testing.T) {
	inTraceDir(t)
	withSynthetic := valid + "  traces:\n    - {name: mm, format: swf, path: k.swf}\n"
	for _, tc := range []struct {
		name, yaml string
		sets       []string
		want       []string
	}{
		{"bad format", editTrace("format: swf", "format: csv"), nil,
			[]string{`t.yaml:9:15: workload.traces[0].format: unknown trace format "csv" (use swf, google2011`}},
		{"format not guessable", editTrace("format: swf\n      path: k.swf", "path: ."), nil,
			[]string{`t.yaml:9:7: workload.traces[0].format: required here: .: cannot guess the format from the name; give --format`}},
		{"request-level format", editTrace("format: swf", "format: azure-llm"), nil,
			[]string{`t.yaml:9:15: workload.traces[0].format: azure-llm is a request-level trace and replays no jobs`}},
		{"skip_bad unsupported", editTrace("format: swf", "format: azure-vm\n      skip_bad: true"), nil,
			[]string{`t.yaml:10:17: workload.traces[0].skip_bad: format azure-vm does not support skipping malformed lines`}},
		{"bad window", editTrace("path: k.swf", "path: k.swf\n      start: 2h\n      end: 1h"), nil,
			[]string{`t.yaml:12:12: workload.traces[0].end: must be after start (2h), got 1h`}},
		{"bad sample", editTrace("path: k.swf", "path: k.swf\n      sample: 1.5"), nil,
			[]string{`t.yaml:11:15: workload.traces[0].sample: must be in (0, 1]`}},
		{"bad time scale", editTrace("path: k.swf", "path: k.swf\n      time_scale: -1"), nil,
			[]string{`t.yaml:11:19: workload.traces[0].time_scale: must be > 0, got -1`}},
		{"empty path", editTrace("path: k.swf", `path: ""`), nil,
			[]string{`t.yaml:10:13: workload.traces[0].path: required: the trace file or folder`}},
		{"missing file", editTrace("path: k.swf", "path: nope.swf"), nil,
			[]string{`t.yaml:10:13: workload.traces[0].path: cannot read trace nope.swf: no such file or directory`}},
		{"missing file by --set", traceOnly, []string{"workload.traces.0.path=sub/none.swf"},
			[]string{`--set workload.traces.0.path=sub/none.swf: workload.traces[0].path: cannot read trace sub/none.swf: no such file or directory`}},
		{"zero cpu_per_unit", editTrace("path: k.swf", "path: k.swf\n      cpu_per_unit: 0"), nil,
			[]string{`t.yaml:11:21: workload.traces[0].cpu_per_unit: must be > 0, got 0`}},
		{"negative jobs", editTrace("path: k.swf", "path: k.swf\n      jobs: -2"), nil,
			[]string{`t.yaml:11:13: workload.traces[0].jobs: must be >= 0, got -2`}},
		{"empty name", editTrace("path: k.swf", "path: k.swf\n      name: \"\""), nil,
			[]string{`t.yaml:11:13: workload.traces[0].name: source name must not be empty`}},
		{"unknown key", editTrace("path: k.swf", "path: k.swf\n      cpu: 1"), nil,
			[]string{`t.yaml:11:7: unknown key "cpu" in workload.traces[0] (did you mean "cpu_per_unit"?)`}},
		{"duplicate name across kinds", strings.Replace(withSynthetic, "    - jobs: 100", "    - name: mm\n      jobs: 100", 1), nil,
			[]string{`t.yaml:16:14: workload.traces[0].name: duplicate source name "mm" (also used by workload.synthetic[0] at t.yaml:9:13)`}},
		{"duplicate default name between traces", traceOnly + "    - {format: swf, path: k.swf, name: trace0}\n", nil,
			[]string{`t.yaml:11:40: workload.traces[1].name: duplicate source name "trace0" (also used by workload.traces[0] at t.yaml:9:7)`}},
		{"no sources", strings.Replace(traceOnly, "  traces:\n    - format: swf\n      path: k.swf\n", "  traces: []\n", 1), nil,
			[]string{`t.yaml:8:3: workload: at least one workload source is required (workload.synthetic or workload.traces)`}},
		{"no workload", strings.Replace(traceOnly, "workload:\n  traces:\n    - format: swf\n      path: k.swf\n", "", 1), nil,
			[]string{`t.yaml: workload: at least one workload source is required`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(tc.yaml), tc.sets)
			if err == nil {
				t.Fatalf("no error; scenario %+v", s)
			}
			lines := strings.Split(err.Error(), "\n")
			for _, w := range tc.want {
				found := false
				for _, l := range lines {
					found = found || strings.HasPrefix(l, w)
				}
				if !found {
					t.Errorf("error\n%v\nhas no line starting with\n%s", err, w)
				}
			}
		})
	}
	// Both kinds of source together, with distinct names, need no horizon for the trace.
	if _, err := Parse("t.yaml", []byte(withSynthetic), nil); err != nil {
		t.Errorf("synthetic + trace: %v", err)
	}
}

func TestTracePaths(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"data/k.swf", "env/swf/k.swf", "scen/k.swf"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(TracesEnv, filepath.Join(dir, "env"))
	file := filepath.Join(dir, "scen", "s.yaml")
	text := strings.Replace(traceOnly, "      path: k.swf\n", "      path: ../data/k.swf\n", 1) +
		"    - {format: swf, path: k.swf}\n" +
		"    - {format: swf, path: $DCSIM_TRACES/swf/k.swf}\n" +
		"    - {format: swf, path: \"${DCSIM_TRACES}/swf/k.swf\"}\n" +
		"    - {format: swf, path: " + filepath.Join(dir, "data", "k.swf") + "}\n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // relative paths must not depend on the current directory
	want := []string{
		filepath.Join(dir, "data", "k.swf"), filepath.Join(dir, "scen", "k.swf"),
		filepath.Join(dir, "env", "swf", "k.swf"), filepath.Join(dir, "env", "swf", "k.swf"),
		filepath.Join(dir, "data", "k.swf"),
	}
	for _, load := range []func() (*Scenario, error){
		func() (*Scenario, error) { return Load(file) },
		func() (*Scenario, error) { return Resolve(file, []string{"seed=3"}) },
	} {
		s, err := load()
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range want {
			if got := s.TracePath(i); got != w {
				t.Errorf("TracePath(%d) = %q, want %q", i, got, w)
			}
		}
		// The paths stay as written, so YAML() does not depend on the machine.
		if s.Workload.Traces[0].Path != "../data/k.swf" || s.Workload.Traces[2].Path != "$DCSIM_TRACES/swf/k.swf" {
			t.Errorf("paths changed: %+v", s.Workload.Traces)
		}
	}

	// Parse with a name that is not a file resolves against the current directory.
	cwd := t.TempDir()
	t.Chdir(cwd)
	if _, err := Parse("embedded", []byte(text), nil); err == nil || !strings.Contains(err.Error(), "cannot read trace ../data/k.swf") {
		t.Errorf("Parse against the current directory: %v", err)
	}

	// Expansion: both spellings, unset or empty variable, and names that only start alike.
	t.Setenv(TracesEnv, "/tr")
	for in, w := range map[string]string{
		"$DCSIM_TRACES/swf/a.swf":   "/tr/swf/a.swf",
		"${DCSIM_TRACES}/swf/a.swf": "/tr/swf/a.swf",
		"$DCSIM_TRACES":             "/tr",
		"$DCSIM_TRACESX/a.swf":      "base/$DCSIM_TRACESX/a.swf",
		"a/$DCSIM_TRACES/b":         "base/a/$DCSIM_TRACES/b",
		"/abs/a.swf":                "/abs/a.swf",
		"./a.swf":                   "base/a.swf",
	} {
		if got := resolveTracePath(in, "base"); got != w {
			t.Errorf("resolveTracePath(%q) = %q, want %q", in, got, w)
		}
	}
	t.Setenv(TracesEnv, "")
	if got, w := resolveTracePath("$DCSIM_TRACES/swf/a.swf", "base"), filepath.Join(DefaultTracesDir, "swf", "a.swf"); got != w {
		t.Errorf("unset %s: %q, want %q", TracesEnv, got, w)
	}
}

func TestTraceRoundTrip(t *testing.T) {
	dir := inTraceDir(t)
	if err := os.MkdirAll(filepath.Join(dir, "swf"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "swf", "k.swf"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(TracesEnv, dir)
	for _, tc := range []struct {
		name, yaml string
		sets       []string
	}{
		{"defaults only", traceOnly, nil},
		{"everything", traceOnly + "    - {name: x, format: swf, path: \"${DCSIM_TRACES}/swf/k.swf\", cpu_per_unit: 1500m, memory_per_unit: 0, start: 1m, end: 1h, sample: 0.25, time_scale: 3, skip_bad: true, jobs: 10}\n", nil},
		{"with synthetic", valid + "  traces: [{format: swf, path: $DCSIM_TRACES/swf/k.swf, memory_per_unit: 1.5 GiB}]\n", nil},
		{"set", traceOnly, []string{"workload.traces.0.jobs=5", "workload.traces.0.cpu_per_unit=2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(tc.yaml), tc.sets)
			if err != nil {
				t.Fatal(err)
			}
			out, err := s.YAML()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(out, []byte("\n  traces:\n")) || bytes.Contains(out, []byte(dir)) {
				t.Errorf("YAML() has no traces section or a resolved path:\n%s", out)
			}
			back, err := Parse("embedded", out, nil)
			if err != nil {
				t.Fatalf("parse of YAML(): %v\n%s", err, out)
			}
			if !equal(s, back) {
				t.Errorf("round trip differs:\n%+v\n%+v\n%s", s.Workload.Traces, back.Workload.Traces, out)
			}
			for i := range s.Workload.Traces {
				if s.TracePath(i) != back.TracePath(i) {
					t.Errorf("TracePath(%d): %q, after round trip %q", i, s.TracePath(i), back.TracePath(i))
				}
			}
			if out2, _ := back.YAML(); !bytes.Equal(out, out2) {
				t.Errorf("YAML() not stable:\n%s\n---\n%s", out, out2)
			}
		})
	}
}

// TestKTHBuiltin checks the kth-sp2 built-in against the machine it replays.
func TestKTHBuiltin(t *testing.T) {
	if !haveKTH(t) {
		t.Skip("KTH SP2 trace not found under $DCSIM_TRACES (default " + DefaultTracesDir + ")")
	}
	s, err := Builtin("kth-sp2")
	if err != nil {
		t.Fatal(err)
	}
	hosts, cores := 0, units.CPU(0)
	for _, g := range s.Cluster.HostGroups {
		hosts += g.Count
		cores += units.CPU(g.Count) * g.CPU
	}
	if hosts != 100 || cores != 100*1000 || s.Horizon != 0 || len(s.Workload.Synthetic) != 0 || len(s.Workload.Traces) != 1 {
		t.Fatalf("kth-sp2: %d hosts, %s cores, horizon %s, %d synthetic, %d traces", hosts, cores, s.Horizon,
			len(s.Workload.Synthetic), len(s.Workload.Traces))
	}
	tr := s.Workload.Traces[0]
	if tr.Format != "swf" || tr.CPUPerUnit != 1000 || tr.Jobs != 0 || tr.Path != "$DCSIM_TRACES/swf/KTH-SP2-1996-2.1-cln.swf" {
		t.Errorf("kth-sp2 trace source: %+v", tr)
	}
	if want := resolveTracePath(tr.Path, ""); s.TracePath(0) != want || !strings.HasSuffix(want, "KTH-SP2-1996-2.1-cln.swf") {
		t.Errorf("TracePath(0) = %q, want %q", s.TracePath(0), want)
	}
	if s.Scheduler.Queue != "fcfs" || s.Scheduler.Placement != "first-fit" || s.SLO.MaxWait != units.Hour ||
		*s.Output.Hosts || s.Description == "" {
		t.Errorf("kth-sp2: scheduler %+v, slo %+v, hosts %v, description %q", s.Scheduler, s.SLO, *s.Output.Hosts, s.Description)
	}
}

func TestBuiltinDescription(t *testing.T) {
	t.Setenv(TracesEnv, t.TempDir()) // no traces: kth-sp2 does not validate, but lists
	if _, err := Builtin("kth-sp2"); err == nil || !strings.Contains(err.Error(), "workload.traces[0].path: cannot read trace") {
		t.Errorf("Builtin(kth-sp2) without the trace = %v", err)
	}
	for _, name := range BuiltinNames() {
		if d, err := BuiltinDescription(name); err != nil || d == "" {
			t.Errorf("BuiltinDescription(%s) = %q, %v", name, d, err)
		}
	}
	if _, err := BuiltinDescription("nope"); err == nil {
		t.Error("BuiltinDescription(nope): no error")
	}
}
