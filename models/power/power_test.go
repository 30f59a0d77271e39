package power

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/units"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func mustCurve(t testing.TB, s Spec) Curve {
	t.Helper()
	c, err := NewCurve(s)
	if err != nil {
		t.Fatalf("NewCurve(%+v): %v", s, err)
	}
	return c
}

func TestLinearCurve(t *testing.T) {
	for _, model := range []string{"", "linear", "Linear"} {
		c := mustCurve(t, Spec{Model: model, Idle: 100, Max: 300, Off: 5})
		tests := []struct{ u, want float64 }{
			{0, 100}, {0.25, 150}, {0.5, 200}, {0.75, 250}, {1, 300},
			{-0.5, 100}, {1.5, 300}, {math.NaN(), 100}, {math.Inf(1), 300}, {math.Inf(-1), 100},
		}
		for _, tt := range tests {
			if got := c.Watts(tt.u); !near(got, tt.want, 1e-9) {
				t.Errorf("model %q: Watts(%v) = %v, want %v", model, tt.u, got, tt.want)
			}
		}
		if c.Idle() != 100 || c.Max() != 300 || c.Off() != 5 || c.Points() != 2 {
			t.Errorf("Idle/Max/Off/Points = %v/%v/%v/%v", c.Idle(), c.Max(), c.Off(), c.Points())
		}
	}
}

func TestLinearMatchesFormula(t *testing.T) {
	c := mustCurve(t, Spec{Idle: 87.5, Max: 412.25})
	for i := 0; i <= 1000; i++ {
		u := float64(i) / 1000
		want := 87.5 + (412.25-87.5)*u
		if got := c.Watts(u); !near(got, want, 1e-9) {
			t.Fatalf("Watts(%v) = %v, want %v", u, got, want)
		}
	}
}

func TestSpecpowerTablePointsAndMidpoints(t *testing.T) {
	for _, name := range Tables() {
		tab, ok := Table(name)
		if !ok || len(tab) != SPECpowerPoints {
			t.Fatalf("Table(%q) = %v, %v", name, tab, ok)
		}
		c := mustCurve(t, Spec{Model: "specpower", Table: name})
		for i, w := range tab {
			u := float64(i) / 10
			if got := c.Watts(u); !near(got, w, 1e-9) {
				t.Errorf("%s: Watts(%v) = %v, want %v", name, u, got, w)
			}
			if i > 0 {
				mid := (float64(i) - 0.5) / 10
				want := (tab[i-1] + w) / 2
				if got := c.Watts(mid); !near(got, want, 1e-9) {
					t.Errorf("%s: Watts(%v) = %v, want %v", name, mid, got, want)
				}
				if w < tab[i-1] {
					t.Errorf("%s: table decreases at %d%%", name, 10*i)
				}
			}
		}
		if c.Idle() != tab[0] || c.Max() != tab[10] {
			t.Errorf("%s: Idle/Max = %v/%v", name, c.Idle(), c.Max())
		}
		if c.Watts(-1) != tab[0] || c.Watts(2) != tab[10] {
			t.Errorf("%s: clamping failed", name)
		}
	}
}

func TestSpecificTableValues(t *testing.T) {
	// Hand-checked against the published values quoted in tables.go.
	c := mustCurve(t, Spec{Model: "specpower", Table: "ibm-x3550-xeon-x5675"})
	tests := []struct{ u, want float64 }{
		{0, 58.4}, {0.05, (58.4 + 98) / 2}, {0.1, 98}, {0.33, 118 + (128-118)*0.3}, {0.5, 140}, {1, 222},
	}
	for _, tt := range tests {
		if got := c.Watts(tt.u); !near(got, tt.want, 1e-9) {
			t.Errorf("Watts(%v) = %v, want %v", tt.u, got, tt.want)
		}
	}
}

func TestCustomPoints(t *testing.T) {
	pts := []units.Power{60, 80, 100, 120, 140, 160, 180, 200, 220, 260, 300}
	c := mustCurve(t, Spec{Model: "specpower", Points: pts, Off: 8})
	if got := c.Watts(0.95); !near(got, 280, 1e-9) {
		t.Errorf("Watts(0.95) = %v, want 280", got)
	}
	if c.Off() != 8 {
		t.Errorf("Off = %v", c.Off())
	}
}

func TestTablesAPI(t *testing.T) {
	names := Tables()
	if len(names) < 3 {
		t.Fatalf("only %d tables", len(names))
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("Tables not sorted: %v", names)
	}
	for _, n := range names {
		if !HasTable(n) {
			t.Errorf("HasTable(%q) = false", n)
		}
		if n != strings.ToLower(n) || strings.ContainsAny(n, " _") {
			t.Errorf("table name %q is not lowercase-dash", n)
		}
	}
	if HasTable("no-such-server") {
		t.Error("HasTable(no-such-server) = true")
	}
	if _, ok := Table("no-such-server"); ok {
		t.Error("Table(no-such-server) ok")
	}
	// Returned slices are copies.
	names[0] = "x"
	tab, _ := Table(Tables()[0])
	tab[0] = -1
	again, _ := Table(Tables()[0])
	if Tables()[0] == "x" || again[0] == -1 {
		t.Error("Tables/Table expose internal state")
	}
}

func TestNewCurveErrors(t *testing.T) {
	eleven := func(ws ...float64) []units.Power {
		p := make([]units.Power, len(ws))
		for i, w := range ws {
			p[i] = units.Power(w)
		}
		return p
	}
	good := eleven(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"unknown model", Spec{Model: "cubic", Idle: 1, Max: 2}, "unknown model"},
		{"unknown table", Spec{Model: "specpower", Table: "dell-poweredge-r9999"}, "unknown table"},
		{"too few points", Spec{Model: "specpower", Points: eleven(1, 2, 3)}, "11 values"},
		{"too many points", Spec{Model: "specpower", Points: eleven(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)}, "11 values"},
		{"no table nor points", Spec{Model: "specpower"}, "11 values"},
		{"table and points", Spec{Model: "specpower", Table: "hp-proliant-ml110-g5", Points: good}, "not both"},
		{"decreasing points", Spec{Model: "specpower", Points: eleven(1, 2, 3, 4, 5, 4, 7, 8, 9, 10, 11)}, "must not decrease"},
		{"negative point", Spec{Model: "specpower", Points: eleven(-1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)}, "≥ 0"},
		{"NaN point", Spec{Model: "specpower", Points: eleven(math.NaN(), 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)}, "≥ 0"},
		{"specpower with idle", Spec{Model: "specpower", Table: "hp-proliant-ml110-g5", Idle: 3}, "not idle and max"},
		{"idle > max", Spec{Idle: 300, Max: 100}, "must not exceed"},
		{"negative idle", Spec{Idle: -1, Max: 100}, "idle must be"},
		{"negative max", Spec{Idle: 0, Max: -100}, "max must be"},
		{"zero max", Spec{}, "max must be"},
		{"infinite max", Spec{Max: units.Power(math.Inf(1))}, "max must be"},
		{"linear with table", Spec{Idle: 1, Max: 2, Table: "hp-proliant-ml110-g5"}, "not table or points"},
		{"negative off", Spec{Idle: 1, Max: 2, Off: -1}, "off must be"},
	}
	for _, tt := range tests {
		_, err := NewCurve(tt.spec)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.want)
		}
	}
}

func TestZeroCurve(t *testing.T) {
	var c Curve
	if c.Watts(0.5) != 0 || c.Idle() != 0 || c.Max() != 0 || c.Off() != 0 {
		t.Error("zero Curve draws power")
	}
}

func TestMeterPiecewiseProfile(t *testing.T) {
	// Hand-computed profile:
	//   0 s – 10 s     0 W (zero meter)     →    0 J
	//   10 s – 12.5 s  200 W                →  500 J
	//   12.5 s – 13 s  100 W                →   50 J
	//   13 s – 13 s    999 W (zero length)  →    0 J
	//   13 s – 73 s    50.5 W               → 3030 J
	var m Meter
	m.Set(10_000_000, 200)
	if got := m.EnergyJ(11_000_000); !near(got, 200, 1e-9) {
		t.Errorf("EnergyJ(11 s) = %v, want 200", got)
	}
	m.Set(12_500_000, 100)
	m.Set(13_000_000, 999)
	m.Set(13_000_000, 50.5)
	if got := m.EnergyJ(13_000_000); !near(got, 550, 1e-9) {
		t.Errorf("EnergyJ(13 s) = %v, want 550", got)
	}
	// EnergyJ does not mutate.
	if got := m.EnergyJ(73_000_000); !near(got, 3580, 1e-9) {
		t.Errorf("EnergyJ(73 s) = %v, want 3580", got)
	}
	if got := m.EnergyJ(73_000_000); !near(got, 3580, 1e-9) {
		t.Errorf("EnergyJ(73 s) again = %v, want 3580", got)
	}
	m.Set(73_000_000, 0)
	if got := m.EnergyJ(1_000_000_000); !near(got, 3580, 1e-9) {
		t.Errorf("EnergyJ after 0 W = %v, want 3580", got)
	}
	if m.Watts() != 0 || m.LastUS() != 73_000_000 {
		t.Errorf("Watts/LastUS = %v/%v", m.Watts(), m.LastUS())
	}
	// Time going backwards adds nothing and keeps the clock.
	m.Set(5, 1000)
	if got := m.EnergyJ(73_000_000); !near(got, 3580, 1e-9) || m.LastUS() != 73_000_000 {
		t.Errorf("backwards Set changed energy/clock: %v J, %v µs", got, m.LastUS())
	}
}

func TestMeterWithCurveOneMicrosecondSteps(t *testing.T) {
	// Many tiny intervals must sum to the same energy as one long one.
	c := mustCurve(t, Spec{Model: "specpower", Table: "ibm-x3250-xeon-x3470"})
	var a, b Meter
	a.Set(0, c.Watts(0.37))
	b.Set(0, c.Watts(0.37))
	for us := int64(1); us <= 1_000_000; us++ {
		a.Set(us, c.Watts(0.37))
	}
	want := c.Watts(0.37) * 1 // 1 s
	if got := a.EnergyJ(1_000_000); !near(got, want, 1e-9*want) {
		t.Errorf("stepwise energy %v, want %v", got, want)
	}
	if got := b.EnergyJ(1_000_000); !near(got, want, 1e-12*want) {
		t.Errorf("single-interval energy %v, want %v", got, want)
	}
}

func TestMeterLongRunPrecision(t *testing.T) {
	// 4 years at 300 W in hourly steps: 300 W × 4 × 365 × 86400 s.
	var m Meter
	hour := int64(units.Hour)
	n := int64(4 * 365 * 24)
	for i := int64(0); i < n; i++ {
		m.Set(i*hour, 300)
	}
	want := 300.0 * 4 * 365 * 86400
	if got := m.EnergyJ(n * hour); !near(got, want, 1e-12*want) {
		t.Errorf("energy %v J, want %v J", got, want)
	}
}

func TestCostFormulas(t *testing.T) {
	year := int64(units.Year)
	tests := []struct {
		name      string
		got, want float64
	}{
		// 10 hosts × 1 year out of a 4-year life of a 10 000 USD host → 10 × 2500 USD.
		{"capex", CapexUSD(10000, 4*year, 10*year), 25000},
		{"capex zero", CapexUSD(10000, 4*year, 0), 0},
		{"capex one day", CapexUSD(3650, year, int64(units.Day)), 10},
		{"J to kWh", JToKWh(3.6e6), 1},
		{"J to kWh 2", JToKWh(7.2e9), 2000},
		{"facility", FacilityEnergyKWh(1000, 1.4), 1400},
		{"energy USD", EnergyUSD(1000, 1.4, 0.10), 140},
		{"energy USD pue 1", EnergyUSD(250, 1, 0.2), 50},
		{"carbon", CarbonKg(1000, 1.4, 400), 560},
		{"carbon zero", CarbonKg(1000, 1.4, 0), 0},
	}
	for _, tt := range tests {
		if !near(tt.got, tt.want, 1e-9*math.Max(1, math.Abs(tt.want))) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	// End to end: a 300 W host for one day, defaults.
	var m Meter
	m.Set(0, 300)
	kwh := JToKWh(m.EnergyJ(int64(units.Day))) // 7.2 kWh
	if !near(kwh, 7.2, 1e-12) {
		t.Fatalf("kWh = %v", kwh)
	}
	if got := EnergyUSD(kwh, DefaultPUE, DefaultUSDPerKWh); !near(got, 7.2*1.4*0.10, 1e-12) {
		t.Errorf("EnergyUSD = %v", got)
	}
	if got := CarbonKg(kwh, DefaultPUE, DefaultGCO2PerKWh); !near(got, 7.2*1.4*0.4, 1e-12) {
		t.Errorf("CarbonKg = %v", got)
	}
	if got := CapexUSD(DefaultCapexUSDPerHost, int64(DefaultLifetime), int64(units.Day)); !near(got, 10000.0/(4*365), 1e-9) {
		t.Errorf("CapexUSD = %v", got)
	}
}

func TestNoAllocs(t *testing.T) {
	c := mustCurve(t, Spec{Model: "specpower", Table: "hp-proliant-ml110-g4"})
	var m Meter
	var sink float64
	n := testing.AllocsPerRun(100, func() {
		w := c.Watts(0.42)
		m.Set(m.LastUS()+10, w)
		sink += m.EnergyJ(m.LastUS() + 5)
	})
	if n != 0 {
		t.Errorf("%v allocs per run", n)
	}
	_ = sink
}

var sinkW float64

func BenchmarkWattsSpecpower(b *testing.B) {
	c := mustCurve(b, Spec{Model: "specpower", Table: "ibm-x3550-xeon-x5675"})
	b.ReportAllocs()
	u := 0.0
	for i := 0; i < b.N; i++ {
		sinkW += c.Watts(u)
		u += 0.0137
		if u > 1 {
			u -= 1
		}
	}
}

func BenchmarkWattsLinear(b *testing.B) {
	c := mustCurve(b, Spec{Idle: 100, Max: 300})
	b.ReportAllocs()
	u := 0.0
	for i := 0; i < b.N; i++ {
		sinkW += c.Watts(u)
		u += 0.0137
		if u > 1 {
			u -= 1
		}
	}
}

func BenchmarkMeterSet(b *testing.B) {
	var m Meter
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m.Set(int64(i), float64(i&255))
	}
	sinkW = m.EnergyJ(int64(b.N))
}
