package scenarios

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/units"
	"github.com/dcsim/dcsim/models/workload"
)

// valid is a small complete scenario; tests edit single lines of it, so its line numbers matter.
const valid = `name: t
cluster:
  host_groups:
    - count: 10
      cpu: 16
      memory: 64 GiB
workload:
  synthetic:
    - jobs: 100
      arrivals: {rate: 1/s}
      cpu_cores: {dist: constant, value: 1}
      memory_gib: {dist: constant, value: 2}
      runtime_s: {dist: exponential, mean: 60}
`

func edit(old, new string) string {
	if !strings.Contains(valid, old) {
		panic("test bug: " + old)
	}
	return strings.Replace(valid, old, new, 1)
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		sets       []string
		want       []string // each must appear as a line of the error
	}{
		{"unknown key with suggestion", edit("      cpu: 16", "      cpu_corez: 16"), nil,
			[]string{`t.yaml:5:7: unknown key "cpu_corez" in cluster.host_groups[0] (did you mean "cpu"?)`}},
		{"misspelled key", edit("      memory: 64 GiB", "      memroy: 64 GiB"), nil,
			[]string{`t.yaml:6:7: unknown key "memroy" in cluster.host_groups[0] (did you mean "memory"?)`}},
		{"unknown top-level key", valid + "sed: 3\n", nil,
			[]string{`t.yaml:14:1: unknown key "sed" at the top level (did you mean "seed"?)`}},
		{"unknown key without suggestion", valid + "zzzzzzzz: 3\n", nil,
			[]string{`t.yaml:14:1: unknown key "zzzzzzzz" at the top level (known keys: name, description, seed, horizon, cluster, workload, scheduler, slo, cost, output, fleet, services, network, storage, provisioning)`}},
		{"bad unit", edit("64 GiB", "64 Gb"), nil,
			[]string{`t.yaml:6:15: cluster.host_groups[0].memory: unknown byte unit "Gb" in "64 Gb" (use B, kB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB)`}},
		{"bad duration unit", valid + "horizon: 3hrs\n", nil,
			[]string{`t.yaml:14:10: horizon: unknown duration unit "hrs" in "3hrs" (use us, ms, s, m, h, d, w, y)`}},
		{"bad rate", edit("rate: 1/s", "rate: 1/sec"), nil,
			[]string{`t.yaml:10:24: workload.synthetic[0].arrivals.rate: unknown rate unit "/sec" in "1/sec" (use /s, /min, /h, /d)`}},
		{"negative count", edit("count: 10", "count: -3"), nil,
			[]string{`t.yaml:4:14: cluster.host_groups[0].count: must be > 0, got -3`}},
		{"wrong type", edit("count: 10", "count: ten"), nil,
			[]string{`t.yaml:4:14: cluster.host_groups[0].count: expected an integer, got "ten"`}},
		{"float for int", edit("count: 10", "count: 1.5"), nil,
			[]string{`t.yaml:4:14: cluster.host_groups[0].count: expected an integer, got "1.5"`}},
		{"mapping for scalar", edit("count: 10", "count: {a: 1}"), nil,
			[]string{`t.yaml:4:14: cluster.host_groups[0].count: expected an integer, got a mapping`}},
		{"scalar for sequence", edit("  host_groups:\n    - count: 10\n      cpu: 16\n      memory: 64 GiB", "  host_groups: 3"), nil,
			[]string{`t.yaml:3:16: cluster.host_groups: expected a sequence ([a, b, ...] or lines starting with "- "), got "3"`}},
		{"negative seed", valid + "seed: -1\n", nil,
			[]string{`t.yaml:14:7: seed: expected a non-negative integer, got "-1"`}},
		{"nan", valid + "cost: {pue: .nan}\n", nil,
			[]string{`t.yaml:14:13: cost.pue: expected a finite number, got ".nan"`}},
		{"duplicate key", edit("      cpu: 16", "      cpu: 16\n      cpu: 8"), nil,
			[]string{`t.yaml:6:7: duplicate key "cpu" in cluster.host_groups[0] (first given at t.yaml:5:7)`}},
		{"several problems at once", strings.Replace(edit("count: 10", "count: 0"), "value: 1}", "value: -1}", 1), nil,
			[]string{`t.yaml:4:14: cluster.host_groups[0].count: must be > 0, got 0`,
				`t.yaml:11:42: workload.synthetic[0].cpu_cores.value: must be > 0, got -1`}},
		{"missing required dist", edit("      cpu_cores: {dist: constant, value: 1}\n", ""), nil,
			[]string{`t.yaml:9:7: workload.synthetic[0].cpu_cores: required, e.g. {dist: constant, value: 1}`}},
		{"unknown dist", edit("dist: exponential", "dist: expo"), nil,
			[]string{`t.yaml:13:25: workload.synthetic[0].runtime_s.dist: unknown distribution "expo" (use constant, exponential, lognormal, pareto, uniform, empirical)`}},
		{"unused parameter", edit("mean: 60}", "mean: 60, value: 3}"), nil,
			[]string{`t.yaml:13:55: workload.synthetic[0].runtime_s.value: is not a parameter of dist exponential (it uses mean; min and max clamp)`}},
		{"source never stops", edit("    - jobs: 100\n      arrivals", "    - arrivals"), nil,
			[]string{`t.yaml:9:7: workload.synthetic[0]: never stops: set jobs or until, or a scenario horizon`}},
		{"bad power", edit("      memory: 64 GiB", "      memory: 64 GiB\n      power: {idle: 300 W, max: 200 W}"), nil,
			[]string{`t.yaml:7:14: cluster.host_groups[0].power: linear model needs 0 <= idle <= max and max > 0, got idle 300 W, max 200 W`}},
		{"specpower points", edit("      memory: 64 GiB", "      memory: 64 GiB\n      power: {points: [1, 2, 3]}"), nil,
			[]string{`t.yaml:7:23: cluster.host_groups[0].power.points: needs exactly 11 values (0%, 10%, ..., 100% utilization), got 3`}},
		{"empty file", "", nil, []string{`t.yaml: empty scenario`}},
		{"comments only", "# nothing\n", nil, []string{`t.yaml: empty scenario`}},
		{"non-mapping root", "- a\n- b\n", nil, []string{`t.yaml:1:1: the top level must be a mapping (name: ..., cluster: ..., workload: ...), got a sequence`}},
		{"syntax error", "a: [1, 2\n", nil, []string{`t.yaml:1: invalid YAML`}},
		{"two documents", valid + "---\nname: u\n", nil, []string{`t.yaml:14:1: more than one YAML document`}},
		{"set unknown key", valid, []string{"scheduler.placment=worst-fit"},
			[]string{`--set scheduler.placment=worst-fit: unknown key "placment" in scheduler (did you mean "placement"?)`}},
		{"set bad value", valid, []string{"seed=abc"},
			[]string{`--set seed=abc: seed: expected a non-negative integer, got "abc"`}},
		{"set bad unit", valid, []string{"workload.synthetic.0.arrivals.rate=20/week"},
			[]string{`--set workload.synthetic.0.arrivals.rate=20/week: workload.synthetic[0].arrivals.rate: unknown rate unit "/week" in "20/week" (use /s, /min, /h, /d)`}},
		{"set validation error", valid, []string{"cluster.host_groups.0.count=-1"},
			[]string{`--set cluster.host_groups.0.count=-1: cluster.host_groups[0].count: must be > 0, got -1`}},
		{"set creates a mapping that a later set copies", valid,
			[]string{"cluster.host_groups.0.power.model=specpower", "cluster.host_groups.0.power.off=3 W"},
			[]string{`--set cluster.host_groups.0.power.model=specpower: cluster.host_groups[0].power: model specpower needs exactly one of table`}},
		{"set no equals", valid, []string{"seed"}, []string{`--set seed: expected key.path=value`}},
		{"set empty path", valid, []string{"=3"}, []string{`--set =3: empty key path before '='`}},
		{"set empty segment", valid, []string{"cluster..count=3"}, []string{`--set cluster..count=3: empty segment in key path "cluster..count"`}},
		{"set index out of range", valid, []string{"cluster.host_groups.1.count=3"},
			[]string{`--set cluster.host_groups.1.count=3: index 1 out of range in cluster.host_groups (1 elements)`}},
		{"set non-index", valid, []string{"cluster.host_groups.x.count=3"},
			[]string{`--set cluster.host_groups.x.count=3: cluster.host_groups is a sequence; expected an index 0..0, got "x"`}},
		{"set through scalar", valid, []string{"name.x=3"},
			[]string{`--set name.x=3: name is the value "t", not a mapping or sequence, so it has no "x"`}},
		{"set bad yaml", valid, []string{"seed=[1"}, []string{`--set seed=[1: invalid value "[1"`}},
		{"set unknown section", valid, []string{"schedular.queue=fcfs"},
			[]string{`--set schedular.queue=fcfs: unknown key "schedular" at the top level (did you mean "scheduler"?)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(tc.yaml), tc.sets)
			if err == nil {
				t.Fatalf("no error; scenario %+v", s)
			}
			if !errors.Is(err, ErrInput) {
				t.Errorf("error does not match ErrInput: %v", err)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Errorf("error is not an *InputError: %v", err)
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
}

func TestDefaults(t *testing.T) {
	s, err := Parse("dir/t.yaml", []byte(strings.Replace(valid, "name: t\n", "", 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	g, src := s.Cluster.HostGroups[0], s.Workload.Synthetic[0]
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"name", s.Name, "t"},
		{"seed", s.Seed, uint64(1)},
		{"hosts_per_rack", s.Cluster.HostsPerRack, 40},
		{"group name", g.Name, "group0"},
		{"power model", g.Power.Model, "linear"},
		{"idle", g.Power.Idle, units.Power(100)},
		{"max", g.Power.Max, units.Power(350)},
		{"capex", g.CapexUSD, 10000.0},
		{"lifetime", g.Lifetime, 4 * units.Year},
		{"boot", g.BootTime, 2 * units.Minute},
		{"state", g.InitialState, "on"},
		{"source name", src.Name, "source0"},
		{"process", src.Arrivals.Process, "poisson"},
		{"tasks", src.TasksPerJob, workload.DistSpec{Dist: "constant", Value: 1}},
		{"gpus", src.GPUs, workload.DistSpec{Dist: "constant"}},
		{"priority", src.Priority, workload.DistSpec{Dist: "constant"}},
		{"tenants", src.Tenants, []string{"default"}},
		{"queue", s.Scheduler.Queue, "fcfs"},
		{"placement", s.Scheduler.Placement, "best-fit"},
		{"max_wait", s.SLO.MaxWait, units.Hour},
		{"pue", s.Cost.PUE, 1.4},
		{"price", s.Cost.EnergyUSDPerKWh, 0.10},
		{"carbon", s.Cost.CarbonGPerKWh, 400.0},
		{"host_interval", s.Output.HostInterval, 5 * units.Minute},
		{"hosts", *s.Output.Hosts, true},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}

	// Diurnal period and peak; an explicit zero is kept; model inferred from table.
	s, err = Parse("t.yaml", []byte(valid), []string{
		"workload.synthetic.0.arrivals={process: diurnal, rate: 2/s, amplitude: 0.5}",
		"cost.carbon_g_per_kwh=0", "seed=0", "cluster.host_groups.0.power={table: some-table}"})
	if err != nil {
		t.Fatal(err)
	}
	a := s.Workload.Synthetic[0].Arrivals
	if a.Period != 24*units.Hour || a.Peak != 14*units.Hour || a.Rate != 2 {
		t.Errorf("diurnal defaults: %+v", a)
	}
	if s.Cost.CarbonGPerKWh != 0 || s.Seed != 0 {
		t.Errorf("explicit zeros replaced: carbon %g, seed %d", s.Cost.CarbonGPerKWh, s.Seed)
	}
	if p := s.Cluster.HostGroups[0].Power; p.Model != "specpower" || p.Idle != 0 {
		t.Errorf("power %+v, want specpower without linear defaults", p)
	}
	// A Scenario built in Go: zero means absent.
	var z Scenario
	z.ApplyDefaults()
	if z.Seed != 1 || z.Cost.PUE != 1.4 || z.Pos("seed") != "" {
		t.Errorf("zero Scenario defaults: %+v", z)
	}
}

func TestSet(t *testing.T) {
	const anchored = `name: a
cluster:
  host_groups:
    - &g
      count: 10
      cpu: 16
      memory: 64 GiB
      power: &p {model: linear, idle: 50 W, max: 200 W}
    - *g
    - <<: *g
      name: third
workload:
  synthetic:
    - jobs: 100
      arrivals: {rate: 1/s}
      cpu_cores: {dist: constant, value: 1}
      memory_gib: {dist: constant, value: 2}
      runtime_s: {dist: exponential, mean: 60}
`
	s, err := Parse("a.yaml", []byte(anchored), []string{
		"scheduler.placement=worst-fit",
		"cluster.host_groups.0.count=100",
		"cluster.host_groups[1].name=second",
		"cluster.host_groups.2.power.max=1 kW",
		"seed=7",
		"workload.synthetic.0.arrivals.rate=20/s",
		"cluster.host_groups.1.power.points=[1,2,3,4,5,6,7,8,9,10,11]",
		"cluster.host_groups.1.power.model=specpower",
		"cluster.host_groups.1.power.idle=",
		"cluster.host_groups.1.power.max=",
		"output.hosts=false",
	})
	if err != nil {
		t.Fatal(err)
	}
	gs := s.Cluster.HostGroups
	if s.Scheduler.Placement != "worst-fit" || s.Seed != 7 || s.Workload.Synthetic[0].Arrivals.Rate != 20 || *s.Output.Hosts {
		t.Errorf("top-level sets not applied: %+v", s)
	}
	if gs[0].Count != 100 || gs[1].Count != 10 || gs[2].Count != 10 {
		t.Errorf("counts %d %d %d, want 100 10 10 (the anchor must not change)", gs[0].Count, gs[1].Count, gs[2].Count)
	}
	if gs[0].Name != "group0" || gs[1].Name != "second" || gs[2].Name != "third" {
		t.Errorf("names %q %q %q", gs[0].Name, gs[1].Name, gs[2].Name)
	}
	if gs[0].Power.Max != 200 || gs[2].Power.Max != 1000 || gs[2].Power.Idle != 50 {
		t.Errorf("power max %v %v, idle %v", gs[0].Power.Max, gs[2].Power.Max, gs[2].Power.Idle)
	}
	if len(gs[1].Power.Points) != 11 || gs[1].Power.Points[10] != 11 {
		t.Errorf("points %v", gs[1].Power.Points)
	}
	if got := s.Pos("cluster.host_groups[0].count"); got != "--set cluster.host_groups.0.count=100" {
		t.Errorf("Pos of a set key = %q", got)
	}
	if got := s.Pos("cluster.host_groups[0].cpu"); got != "a.yaml:6:12" {
		t.Errorf("Pos of a file key = %q", got)
	}
	if got := s.Pos("cluster.host_groups[0].capex_usd"); got != "a.yaml:4:7" {
		t.Errorf("Pos of a defaulted key = %q, want its group's position", got)
	}
	// The output of YAML() does not depend on anchors or the order of sets.
	if _, err := s.YAML(); err != nil {
		t.Fatal(err)
	}
}

func TestMergeAndAliasErrors(t *testing.T) {
	// Nested merge keys expand exponentially: i merges h ten times, h merges g ten times, ...
	bomb := "a: &a {count: 1}\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += n + ": &" + n + " {<<: [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]}\n"
		prev = n
	}
	for _, tc := range []struct{ name, yaml, want string }{
		{"alias bomb", bomb + "cluster: {host_groups: [*i, *i]}\n", "too large"},
		{"merge of a scalar", "x: &x 3\ncluster: {<<: *x}\n", "merge key"},
		{"unknown key through an alias", "cluster: {host_groups: [&g {count: 1, cpux: 2}, *g]}\n", `unknown key "cpux"`},
	} {
		_, err := Parse("m.yaml", []byte(tc.yaml), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestBuiltins(t *testing.T) {
	names := BuiltinNames()
	// Every built-in documented in the README and the scenario library is present, in order.
	want := []string{"alibaba-dag", "autoscale-diurnal", "capacity-quarter", "default", "fleet", "google-2011", "hpc-backfill", "kth-sp2", "mmc", "services", "traffic-spike"}
	if !sort.StringsAreSorted(names) {
		t.Errorf("BuiltinNames() not sorted: %v", names)
	}
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
	}
	for _, n := range want {
		if !have[n] {
			t.Errorf("built-in %q missing from %v", n, names)
		}
	}
	for _, name := range names {
		if name == "kth-sp2" && !haveKTH(t) {
			continue // skipped with a message by haveKTH
		}
		if (name == "google-2011" || name == "alibaba-dag" || name == "hpc-backfill") && !haveTraces(t) {
			continue
		}
		s, err := Builtin(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.Name != name {
			t.Errorf("%s: name %q", name, s.Name)
		}
		out, err := s.YAML()
		if err != nil {
			t.Fatalf("%s: YAML: %v", name, err)
		}
		back, err := Parse(name+".yaml", out, nil)
		if err != nil {
			t.Fatalf("%s: parse of YAML(): %v\n%s", name, err, out)
		}
		if !equal(s, back) {
			t.Errorf("%s: round trip differs:\n%+v\n%+v", name, s, back)
		}
		out2, _ := back.YAML()
		again, _ := s.YAML()
		if !bytes.Equal(out, out2) || !bytes.Equal(out, again) {
			t.Errorf("%s: YAML() not stable:\n%s\n---\n%s", name, out, out2)
		}
	}
	s, _ := Builtin("default")
	hosts, cores := 0, units.CPU(0)
	for _, g := range s.Cluster.HostGroups {
		hosts += g.Count
		cores += units.CPU(g.Count) * g.CPU
	}
	if hosts != 1000 || cores != 69120*1000 || s.Horizon != 24*units.Hour {
		t.Errorf("default: %d hosts, %s cores, horizon %s", hosts, cores, s.Horizon)
	}
	if _, err := Builtin("nope"); err == nil || !strings.Contains(err.Error(), "(built-ins: "+strings.Join(BuiltinNames(), ", ")+")") {
		t.Errorf("Builtin(nope) = %v", err)
	}
}

// equal compares scenarios, ignoring where they were read from.
func equal(a, b *Scenario) bool {
	x, y := *a, *b
	x.src, y.src = nil, nil
	return reflect.DeepEqual(x, y)
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(file, []byte(valid), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Resolve(file, []string{"seed=9"})
	if err != nil || s.Seed != 9 || s.Name != "t" {
		t.Fatalf("Resolve(file) = %+v, %v", s, err)
	}
	if s, err := Load(file); err != nil || s.Seed != 1 {
		t.Fatalf("Load = %+v, %v", s, err)
	}
	if s, err := Resolve("mmc", []string{"workload.synthetic.0.jobs=10"}); err != nil || s.Workload.Synthetic[0].Jobs != 10 {
		t.Fatalf("Resolve(mmc) = %+v, %v", s, err)
	}
	for arg, want := range map[string]string{
		"nope":                     `unknown scenario "nope": not a file and not a built-in (built-ins: ` + strings.Join(BuiltinNames(), ", ") + ")",
		"nope.yaml":                `nope.yaml: cannot read scenario`,
		filepath.Join(dir, "none"): "cannot read scenario",
	} {
		_, err := Resolve(arg, nil)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrInput) {
			t.Errorf("Resolve(%q) = %v, want %q", arg, err, want)
		}
	}
}

func TestHooks(t *testing.T) {
	KnownPolicy = func(kind, name string) bool { return name == "fcfs" || name == "best-fit" }
	KnownPowerTable = func(name string) bool { return name == "known" }
	defer func() { KnownPolicy, KnownPowerTable = nil, nil }()
	_, err := Parse("t.yaml", []byte(valid), []string{"scheduler.placement=worst", "cluster.host_groups.0.power.table=unknown"})
	for _, want := range []string{`--set scheduler.placement=worst: scheduler.placement: unknown placement policy "worst"`,
		`--set cluster.host_groups.0.power.table=unknown: cluster.host_groups[0].power.table: unknown specpower table "unknown"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"name", "count", "cpu", "memory", "gpus", "power", "capex_usd", "lifetime", "boot_time", "initial_state"}
	for key, want := range map[string]string{"cpu_corez": "cpu", "Count": "count", "gpu": "gpus", "capex": "capex_usd",
		"lifetme": "lifetime", "initialstate": "initial_state", "xyzzy": ""} {
		if got := suggest(key, known); got != want {
			t.Errorf("suggest(%q) = %q, want %q", key, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid), "seed=3")
	for _, name := range BuiltinNames() {
		b, _ := BuiltinYAML(name)
		f.Add(b, "cluster.host_groups.0.count=2")
	}
	f.Add([]byte("a: &a [*a]\n"), "")
	f.Add([]byte("cluster: {<<: [*x]}\n"), "x=[")
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		s, err := Parse("f.yaml", data, []string{set})
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("error not marked as input error: %v", err)
			}
			return
		}
		out, err := s.YAML()
		if err != nil {
			t.Fatalf("YAML of a valid scenario: %v", err)
		}
		back, err := Parse("f.yaml", out, nil)
		if err != nil || !equal(s, back) {
			t.Fatalf("round trip: %v\n%s", err, out)
		}
	})
}

// TestDocsExample keeps the complete example in docs/scenarios.md valid.
func TestDocsExample(t *testing.T) {
	doc, err := os.ReadFile("../docs/scenarios.md")
	if err != nil {
		t.Skip("docs/scenarios.md not found:", err)
	}
	_, after, ok := strings.Cut(string(doc), "## A complete example\n\n```yaml\n")
	example, _, ok2 := strings.Cut(after, "```")
	if !ok || !ok2 {
		t.Fatal("no example in docs/scenarios.md")
	}
	s, err := Parse("scenarios.md", []byte(example), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Cluster.HostGroups[1].Power.Model != "specpower" || s.Workload.Synthetic[0].Arrivals.Peak != 15*units.Hour {
		t.Errorf("example decoded as %+v", s)
	}
}
