package scenarios

import (
	"bytes"
	"errors"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/units"
)

func TestFleetErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		sets       []string
		want       []string // each must appear as a line of the error
	}{
		{"cells missing", valid + "fleet: {}\n", nil,
			[]string{`t.yaml:14:8: fleet.cells: required: the number of cells (copies of cluster), 1 to 100000`}},
		{"cells zero", valid + "fleet:\n  cells: 0\n", nil,
			[]string{`t.yaml:15:10: fleet.cells: must be in [1, 100000], got 0`}},
		{"cells too many", valid + "fleet:\n  cells: 100001\n", nil,
			[]string{`t.yaml:15:10: fleet.cells: must be in [1, 100000], got 100001`}},
		{"cells not an integer", valid + "fleet:\n  cells: 2.5\n", nil,
			[]string{`t.yaml:15:10: fleet.cells: expected an integer, got "2.5"`}},
		{"unknown router", valid + "fleet:\n  cells: 2\n  router: cheapest\n", nil,
			[]string{`t.yaml:16:11: fleet.router: unknown router "cheapest" (use round-robin, least-loaded, cost-aware)`}},
		{"empty router", valid + "fleet:\n  cells: 2\n  router: ''\n", nil,
			[]string{`t.yaml:16:11: fleet.router: missing router (use round-robin, least-loaded, cost-aware)`}},
		{"zero dispatch delay", valid + "fleet:\n  cells: 2\n  dispatch_delay: 0s\n", nil,
			[]string{`t.yaml:16:19: fleet.dispatch_delay: must be > 0 (it is also the parallel engine's lookahead), got 0`}},
		{"bad dispatch delay unit", valid + "fleet:\n  cells: 2\n  dispatch_delay: 5 msec\n", nil,
			[]string{`t.yaml:16:19: fleet.dispatch_delay: unknown duration unit`}},
		{"negative price", valid + "fleet:\n  cells: 2\n  energy_usd_per_kwh: [0.1, -0.02]\n", nil,
			[]string{`t.yaml:16:29: fleet.energy_usd_per_kwh[1]: must be a finite number >= 0, got -0.02`}},
		{"infinite price", valid + "fleet:\n  cells: 2\n  energy_usd_per_kwh: [.inf]\n", nil,
			[]string{`t.yaml:16:24: fleet.energy_usd_per_kwh[0]: expected a finite number, got ".inf"`}},
		{"empty price list", valid + "fleet:\n  cells: 2\n  energy_usd_per_kwh: []\n", nil,
			[]string{`t.yaml:16:23: fleet.energy_usd_per_kwh: needs at least one price`}},
		{"price not a list", valid + "fleet:\n  cells: 2\n  energy_usd_per_kwh: 0.1\n", nil,
			[]string{`t.yaml:16:23: fleet.energy_usd_per_kwh: expected a sequence`}},
		{"max_load zero", valid + "fleet:\n  cells: 2\n  max_load: 0\n", nil,
			[]string{`t.yaml:16:13: fleet.max_load: must be in (0, 1] (a fraction of a cell's CPU capacity), got 0`}},
		{"max_load above one", valid + "fleet:\n  cells: 2\n  max_load: 1.2\n", nil,
			[]string{`t.yaml:16:13: fleet.max_load: must be in (0, 1] (a fraction of a cell's CPU capacity), got 1.2`}},
		{"unknown fleet key", valid + "fleet:\n  cels: 2\n", nil,
			[]string{`t.yaml:15:3: unknown key "cels" in fleet (did you mean "cells"?)`}},
		{"fleet not a mapping", valid + "fleet: 4\n", nil,
			[]string{`t.yaml:14:8: fleet: expected a mapping`}},
		{"several fleet problems", valid + "fleet:\n  cells: -1\n  router: rr\n  max_load: 2\n", nil,
			[]string{`t.yaml:15:10: fleet.cells: must be in [1, 100000], got -1`,
				`t.yaml:16:11: fleet.router: unknown router "rr"`,
				`t.yaml:17:13: fleet.max_load: must be in (0, 1]`}},
		{"set router", valid + "fleet:\n  cells: 2\n", []string{"fleet.router=rr"},
			[]string{`--set fleet.router=rr: fleet.router: unknown router "rr" (use round-robin, least-loaded, cost-aware)`}},
		{"set creates an invalid fleet", valid, []string{"fleet.cells=0"},
			[]string{`--set fleet.cells=0: fleet.cells: must be in [1, 100000], got 0`}},
		{"set creates a fleet without cells", valid, []string{"fleet.router=round-robin"},
			[]string{`--set fleet.router=round-robin: fleet.cells: required`}},
		{"set unknown fleet key", valid, []string{"fleet.cell=4"},
			[]string{`--set fleet.cell=4: unknown key "cell" in fleet (did you mean "cells"?)`}},
		{"set price index out of range", valid + "fleet:\n  cells: 2\n  energy_usd_per_kwh: [0.1]\n",
			[]string{"fleet.energy_usd_per_kwh.1=0.2"},
			[]string{`--set fleet.energy_usd_per_kwh.1=0.2: index 1 out of range in fleet.energy_usd_per_kwh (1 elements)`}},
		// A fleet does not lift the rule that sources must stop.
		{"fleet source never stops", edit("    - jobs: 100\n      arrivals", "    - arrivals") + "fleet: {cells: 4}\n", nil,
			[]string{`t.yaml:9:7: workload.synthetic[0]: never stops: set jobs or until, or a scenario horizon`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(tc.yaml), tc.sets)
			if err == nil {
				t.Fatalf("no error; scenario %+v", s)
			}
			var ie *InputError
			if !errors.Is(err, ErrInput) || !errors.As(err, &ie) {
				t.Errorf("error is not an input error: %v", err)
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

func TestFleetDefaults(t *testing.T) {
	// No fleet section: no fleet, nothing filled in.
	s, err := Parse("t.yaml", []byte(valid), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Fleet != nil {
		t.Errorf("fleet %+v without a fleet section", s.Fleet)
	}
	if got := s.CellEnergyUSDPerKWh(3); got != DefaultEnergyUSDPerKWh {
		t.Errorf("CellEnergyUSDPerKWh without a fleet = %g", got)
	}
	// A null fleet is absent, like any other key.
	if s, err := Parse("t.yaml", []byte(valid+"fleet:\n"), nil); err != nil || s.Fleet != nil {
		t.Errorf("fleet: null gave %+v, %v", s, err)
	}

	// Only cells given: every other key gets its default; no prices.
	s, err = Parse("t.yaml", []byte(valid+"fleet:\n  cells: 4\ncost: {energy_usd_per_kwh: 0.2}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Fleet{Cells: 4, Router: "least-loaded", DispatchDelay: 500 * units.Millisecond, MaxLoad: 0.85}
	if s.Fleet == nil || !reflect.DeepEqual(*s.Fleet, want) {
		t.Fatalf("fleet = %+v, want %+v", s.Fleet, want)
	}
	for i := range 4 {
		if got := s.CellEnergyUSDPerKWh(i); got != 0.2 {
			t.Errorf("cell %d price %g, want cost.energy_usd_per_kwh 0.2", i, got)
		}
	}
	if got := s.Pos("fleet.router"); got != "t.yaml:15:3" {
		t.Errorf("Pos of a defaulted fleet key = %q, want the fleet section's position", got)
	}

	// Everything given explicitly is kept; prices cycle over the cells; a free cell is allowed.
	s, err = Parse("t.yaml", []byte(valid+`fleet:
  cells: 5
  router: cost-aware
  dispatch_delay: 2s
  energy_usd_per_kwh: [0, 0.25]
  max_load: 1
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	want = Fleet{Cells: 5, Router: "cost-aware", DispatchDelay: 2 * units.Second, EnergyUSDPerKWh: []float64{0, 0.25}, MaxLoad: 1}
	if !reflect.DeepEqual(*s.Fleet, want) {
		t.Errorf("fleet = %+v, want %+v", *s.Fleet, want)
	}
	var prices []float64
	for i := range 5 {
		prices = append(prices, s.CellEnergyUSDPerKWh(i))
	}
	if !reflect.DeepEqual(prices, []float64{0, 0.25, 0, 0.25, 0}) {
		t.Errorf("cell prices %v", prices)
	}

	// A Scenario built in Go: zero means absent; an empty price list means no prices.
	z := Scenario{Fleet: &Fleet{Cells: 2, EnergyUSDPerKWh: []float64{}}}
	z.ApplyDefaults()
	if f := *z.Fleet; f.Router != DefaultRouter || f.DispatchDelay != DefaultDispatchDelay || f.MaxLoad != DefaultMaxLoad || f.EnergyUSDPerKWh != nil {
		t.Errorf("Go-built fleet defaults: %+v", f)
	}
	z.ApplyDefaults() // idempotent
	if f := *z.Fleet; f.Router != DefaultRouter || f.MaxLoad != DefaultMaxLoad {
		t.Errorf("second ApplyDefaults: %+v", f)
	}
	var n Scenario
	n.ApplyDefaults()
	if n.Fleet != nil {
		t.Errorf("ApplyDefaults created a fleet: %+v", n.Fleet)
	}
}

func TestFleetSet(t *testing.T) {
	// --set creates the fleet section on a scenario without one; defaults fill in the rest.
	s, err := Parse("t.yaml", []byte(valid), []string{"fleet.cells=8"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Fleet == nil || s.Fleet.Cells != 8 || s.Fleet.Router != DefaultRouter || s.Fleet.DispatchDelay != DefaultDispatchDelay {
		t.Fatalf("fleet = %+v", s.Fleet)
	}
	if got := s.Pos("fleet.cells"); got != "--set fleet.cells=8" {
		t.Errorf("Pos(fleet.cells) = %q", got)
	}

	// On the built-in fleet: change keys, one price, or the whole list.
	s, err = Resolve("fleet", []string{"fleet.cells=4", "fleet.router=round-robin", "fleet.dispatch_delay=50ms",
		"fleet.energy_usd_per_kwh.1=0.5", "fleet.max_load=0.9"})
	if err != nil {
		t.Fatal(err)
	}
	want := Fleet{Cells: 4, Router: "round-robin", DispatchDelay: 50 * units.Millisecond,
		EnergyUSDPerKWh: []float64{0.06, 0.5, 0.10, 0.12}, MaxLoad: 0.9}
	if !reflect.DeepEqual(*s.Fleet, want) {
		t.Errorf("fleet = %+v, want %+v", *s.Fleet, want)
	}
	s, err = Resolve("fleet", []string{"fleet.energy_usd_per_kwh=[0.05]", "fleet.router=cost-aware"})
	if err != nil || !reflect.DeepEqual(s.Fleet.EnergyUSDPerKWh, []float64{0.05}) || s.Fleet.Router != "cost-aware" {
		t.Errorf("set price list: %+v, %v", s, err)
	}
	// An empty value is null: the prices go back to cost.energy_usd_per_kwh ...
	s, err = Resolve("fleet", []string{"fleet.energy_usd_per_kwh="})
	if err != nil || s.Fleet.EnergyUSDPerKWh != nil || s.CellEnergyUSDPerKWh(1) != s.Cost.EnergyUSDPerKWh {
		t.Errorf("cleared prices: %+v, %v", s, err)
	}
	// ... and "fleet=" removes the section: a single cluster.
	s, err = Resolve("fleet", []string{"fleet="})
	if err != nil || s.Fleet != nil {
		t.Errorf("fleet= gave %+v, %v", s, err)
	}
	// A whole section as a flow mapping.
	s, err = Parse("t.yaml", []byte(valid), []string{"fleet={cells: 3, router: cost-aware, energy_usd_per_kwh: [0.1, 0.2]}"})
	if err != nil || s.Fleet.Cells != 3 || s.Fleet.Router != "cost-aware" || s.CellEnergyUSDPerKWh(2) != 0.1 {
		t.Errorf("set fleet mapping: %+v, %v", s, err)
	}
}

func TestFleetRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		sets       []string
	}{
		{"defaults only", valid + "fleet: {cells: 1}\n", nil},
		{"everything", valid + "fleet:\n  cells: 7\n  router: cost-aware\n  dispatch_delay: 1.5ms\n  energy_usd_per_kwh: [0, 0.07, 1e-7, 0.3]\n  max_load: 0.5\n", nil},
		{"set on a plain scenario", valid, []string{"fleet.cells=8", "fleet.router=round-robin"}},
		{"no fleet", valid, nil},
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
			if got := bytes.Contains(out, []byte("\nfleet:\n")); got != (s.Fleet != nil) {
				t.Errorf("fleet section in YAML() = %v, want %v:\n%s", got, s.Fleet != nil, out)
			}
			back, err := Parse("t.yaml", out, nil)
			if err != nil {
				t.Fatalf("parse of YAML(): %v\n%s", err, out)
			}
			if !equal(s, back) {
				t.Errorf("round trip differs:\n%+v\n%+v\n%s", s.Fleet, back.Fleet, out)
			}
			if out2, _ := back.YAML(); !bytes.Equal(out, out2) {
				t.Errorf("YAML() not stable:\n%s\n---\n%s", out, out2)
			}
		})
	}
}

// TestFleetBuiltin checks the arithmetic promised in the comments of builtin/fleet.yaml.
func TestFleetBuiltin(t *testing.T) {
	f, err := Builtin("fleet")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Builtin("default")
	if err != nil {
		t.Fatal(err)
	}
	if f.Fleet == nil {
		t.Fatal("no fleet section")
	}
	want := Fleet{Cells: 32, Router: "least-loaded", DispatchDelay: 500 * units.Millisecond,
		EnergyUSDPerKWh: []float64{0.06, 0.08, 0.10, 0.12}, MaxLoad: 0.85}
	if !reflect.DeepEqual(*f.Fleet, want) {
		t.Errorf("fleet = %+v, want %+v", *f.Fleet, want)
	}
	if !reflect.DeepEqual(f.Cluster, d.Cluster) {
		t.Errorf("a cell is not the default cluster")
	}
	hosts := 0
	for _, g := range f.Cluster.HostGroups {
		hosts += g.Count
	}
	if hosts != 1000 || f.Horizon != 24*units.Hour || !*f.Output.Hosts || f.Output.HostInterval != 15*units.Minute {
		t.Errorf("%d hosts per cell, horizon %s, hosts %v every %s", hosts, f.Horizon, *f.Output.Hosts, f.Output.HostInterval)
	}
	if rows := f.Fleet.Cells * hosts * int(f.Horizon/f.Output.HostInterval); rows != 3_072_000 {
		t.Errorf("hosts.arrow rows = %d", rows)
	}
	// Every source is default's, at 32 × the rate (exactly: 32 is a power of two).
	if len(f.Workload.Synthetic) != len(d.Workload.Synthetic) {
		t.Fatalf("%d sources, default has %d", len(f.Workload.Synthetic), len(d.Workload.Synthetic))
	}
	jobsPerDay := 0.0
	for i, fs := range f.Workload.Synthetic {
		ds := d.Workload.Synthetic[i]
		if fs.Arrivals.Rate != 32*ds.Arrivals.Rate {
			t.Errorf("%s: rate %s, want 32 × %s", fs.Name, fs.Arrivals.Rate, ds.Arrivals.Rate)
		}
		fs.Arrivals.Rate = ds.Arrivals.Rate
		if !reflect.DeepEqual(fs, ds) {
			t.Errorf("%s differs from default's source beyond its rate:\n%+v\n%+v", fs.Name, fs, ds)
		}
		jobsPerDay += float64(f.Workload.Synthetic[i].Arrivals.Rate) * 86400
	}
	if math.Abs(jobsPerDay-8_421_120) > 1 {
		t.Errorf("%.0f jobs/day, want 8,421,120", jobsPerDay)
	}
	if !strings.Contains(strings.ToLower(f.Description), "parallel") {
		t.Errorf("description %q", f.Description)
	}
	var prices []float64
	for i := range f.Fleet.Cells {
		prices = append(prices, f.CellEnergyUSDPerKWh(i))
	}
	if prices[0] != 0.06 || prices[5] != 0.08 || prices[30] != 0.10 || prices[31] != 0.12 {
		t.Errorf("cell prices %v", prices)
	}
}

// TestFleetDocsExample keeps the fleet example in docs/scenarios.md valid.
func TestFleetDocsExample(t *testing.T) {
	doc, err := os.ReadFile("../docs/scenarios.md")
	if err != nil {
		t.Skip("docs/scenarios.md not found:", err)
	}
	_, after, ok := strings.Cut(string(doc), "```yaml\nfleet:\n")
	example, _, ok2 := strings.Cut(after, "```")
	if !ok || !ok2 {
		t.Fatal("no fleet example in docs/scenarios.md")
	}
	s, err := Parse("scenarios.md", []byte(valid+"fleet:\n"+example), nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := s.Fleet; f.Cells != 16 || f.Router != "cost-aware" || s.CellEnergyUSDPerKWh(3) != 0.06 {
		t.Errorf("example decoded as %+v", f)
	}
}
