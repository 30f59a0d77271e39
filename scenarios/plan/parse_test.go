package plan

import (
	"math"
	"strings"
	"testing"
)

func TestParseKey(t *testing.T) {
	for _, tc := range []struct {
		in      string
		integer bool
		lo, hi  float64
		step    float64
		n       int
		last    float64 // Value(n-1)
		err     string  // substring of the error, "" for none
	}{
		{in: "cluster.host_groups.0.count=100:2000", integer: true, lo: 100, hi: 2000, step: 1, n: 1901, last: 2000},
		{in: "cluster.host_groups.0.count=100:2000:100", integer: true, lo: 100, hi: 2000, step: 100, n: 20, last: 2000},
		{in: "cluster.host_groups.0.count=100:2050:100", integer: true, lo: 100, hi: 2050, step: 100, n: 20, last: 2000},
		{in: " x = 3:3 ", integer: true, lo: 3, hi: 3, step: 1, n: 1, last: 3},
		{in: "provisioning.headroom=0:0.5", lo: 0, hi: 0.5, step: 0.0001, n: 5001, last: 0.5},
		{in: "provisioning.headroom=0:1:float", lo: 0, hi: 1, step: 0.001, n: 1001, last: 1},
		{in: "provisioning.headroom=0.1:0.3:0.05", lo: 0.1, hi: 0.3, step: 0.05, n: 5, last: 0.3},
		{in: "a.b=1e2:1e3", lo: 100, hi: 1000, step: 0.1, n: 9001, last: 1000},
		{in: "a.b=0:10:2:int", integer: true, lo: 0, hi: 10, step: 2, n: 6, last: 10},
		{in: "a.b=-5:5", integer: true, lo: -5, hi: 5, step: 1, n: 11, last: 5},
		{in: "a.b", err: "want KEY=LO:HI"},
		{in: "=1:2", err: "want KEY=LO:HI"},
		{in: "a..b=1:2", err: "empty segment"},
		{in: "a b=1:2", err: "space"},
		{in: "seed=1:9", err: "seed cannot be varied"},
		{in: "a=1", err: "want LO:HI"},
		{in: "a=1:2:3:4", err: "want LO:HI"},
		{in: "a=x:2", err: "not a finite number"},
		{in: "a=1:NaN", err: "not a finite number"},
		{in: "a=1:Inf", err: "not a finite number"},
		{in: "a=5:1", err: "above high bound"},
		{in: "a=1:5:0", err: "must be > 0"},
		{in: "a=1:5:-1", err: "must be > 0"},
		{in: "a=1.5:5:int", err: "not a whole number"},
		{in: "a=1:5:0.5:int", err: "not a whole number"},
		{in: "a=0:1:1e-12:float", err: "more than"},
		{in: "a=0:1e12:1", err: "more than"},
	} {
		k, err := ParseKey(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseKey(%q) error %v, want one containing %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseKey(%q): %v", tc.in, err)
			continue
		}
		if k.Integer != tc.integer || k.Lo != tc.lo || k.Hi != tc.hi || k.Step != tc.step || k.N() != tc.n || k.Value(k.N()-1) != tc.last {
			t.Errorf("ParseKey(%q) = %+v (N %d, last %v), want integer %v lo %v hi %v step %v N %d last %v",
				tc.in, k, k.N(), k.Value(k.N()-1), tc.integer, tc.lo, tc.hi, tc.step, tc.n, tc.last)
		}
		// The canonical form parses back to the same lattice.
		k2, err := ParseKey(k.String())
		if err != nil || k2.N() != k.N() || k2.Value(k2.N()-1) != k.Value(k.N()-1) || k2.Integer != k.Integer {
			t.Errorf("ParseKey(%q).String() = %q does not parse back (%v)", tc.in, k.String(), err)
		}
	}
}

func TestKeyValuesAreShortDecimals(t *testing.T) {
	k, err := ParseKey("h=0.1:0.9:0.1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := range k.N() {
		got = append(got, k.Format(k.Value(i)))
	}
	if s := strings.Join(got, " "); s != "0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9" {
		t.Errorf("values %s", s)
	}
	if k.Set(k.Value(2)) != "h=0.3" {
		t.Errorf("Set = %q", k.Set(k.Value(2)))
	}
}

func TestKeyUnit(t *testing.T) {
	for path, want := range map[string]string{
		"cluster.host_groups.0.count":         "1",
		"cluster.host_groups.1.capex_usd":     "USD",
		"cluster.host_groups.0.cpu":           "cores",
		"cluster.host_groups.0.memory":        "B",
		"cluster.host_groups.0.power.idle":    "W",
		"cluster.host_groups.0.lifetime":      "s",
		"horizon":                             "s",
		"workload.synthetic.0.arrivals.rate":  "1/s",
		"workload.synthetic.0.runtime_s.mean": "s",
		"workload.synthetic.0.memory_gib.max": "GiB",
		"provisioning.headroom":               "1",
		"cost.energy_usd_per_kwh":             "USD/kWh",
		"cost.carbon_g_per_kwh":               "g/kWh",
		"cost.pue":                            "1",
		"no.such.key":                         "1",
		"cluster.host_groups.x.count":         "1",
	} {
		if got := KeyUnit(path); got != want {
			t.Errorf("KeyUnit(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestParseConstraint(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  Constraint
		canon string
		err   string
	}{
		{in: "slo_violation_rate<=0.001", want: Constraint{"slo_violation_rate", LE, 0.001}, canon: "slo_violation_rate<=0.001"},
		{in: " p99_wait_s <= 60 ", want: Constraint{"p99_wait_s", LE, 60}, canon: "p99_wait_s<=60"},
		{in: "cpu_utilization>=0.5", want: Constraint{"cpu_utilization", GE, 0.5}, canon: "cpu_utilization>=0.5"},
		{in: "mean_wait_s<1e-3", want: Constraint{"mean_wait_s", LT, 0.001}, canon: "mean_wait_s<0.001"},
		{in: "jobs_finished>100", want: Constraint{"jobs_finished", GT, 100}, canon: "jobs_finished>100"},
		{in: "x>-2", want: Constraint{"x", GT, -2}, canon: "x>-2"},
		{in: "slo_violation_rate", err: "want METRIC<=X"},
		{in: "slo_violation_rate=0.1", err: "want METRIC<=X"},
		{in: "<=5", err: "no metric"},
		{in: "Cost_USD<=5", err: "summary column name"},
		{in: "cost-usd<=5", err: "summary column name"},
		{in: "cost_usd<=", err: "not a finite number"},
		{in: "cost_usd<=abc", err: "not a finite number"},
		{in: "cost_usd<=NaN", err: "not a finite number"},
		{in: "cost_usd<=inf", err: "not a finite number"},
		{in: "cost_usd<=<5", err: "not a finite number"},
		{in: "cost_usd=<5", err: "summary column name"},
	} {
		c, err := ParseConstraint(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseConstraint(%q) error %v, want one containing %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || c != tc.want || c.String() != tc.canon {
			t.Errorf("ParseConstraint(%q) = %+v (%q), %v; want %+v (%q)", tc.in, c, c.String(), err, tc.want, tc.canon)
		}
	}
}

func TestConstraintHoldsAndViolation(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		c     string
		v     float64
		holds bool
		viol  float64
	}{
		{"a<=10", 10, true, 0},
		{"a<=10", 12, false, 0.2},
		{"a<10", 10, false, math.SmallestNonzeroFloat64},
		{"a<10", 9, true, 0},
		{"a>=0.5", 0.25, false, 0.5},
		{"a>=0.5", 0.5, true, 0},
		{"a>0.5", 0.5, false, math.SmallestNonzeroFloat64},
		{"a<=0", 0.3, false, 0.3}, // a zero bound: absolute violation
		{"a>=-2", -3, false, 0.5},
		{"a<=10", nan, false, math.Inf(1)},
		{"a>=10", nan, false, math.Inf(1)},
	} {
		c, err := ParseConstraint(tc.c)
		if err != nil {
			t.Fatal(err)
		}
		if h, v := c.Holds(tc.v), c.Violation(tc.v); h != tc.holds || math.Abs(v-tc.viol) > 1e-15 || (v == 0) != (tc.viol == 0) {
			t.Errorf("%s at %v: holds %v violation %v, want %v %v", tc.c, tc.v, h, v, tc.holds, tc.viol)
		}
	}
}

func FuzzParseConstraint(f *testing.F) {
	for _, s := range []string{"slo_violation_rate<=0.001", "p99_wait_s < 60", "x>=-1e3", "a>b", "<=", "a<=<=1", "a\x00<1", "é<=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConstraint(s)
		if err != nil {
			return
		}
		c2, err := ParseConstraint(c.String())
		if err != nil || c2 != c {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, c, c.String(), c2, err)
		}
		if v := c.Violation(c.Bound + 1); v < 0 || math.IsNaN(v) {
			t.Fatalf("%q: violation %v", s, v)
		}
	})
}

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"cluster.host_groups.0.count=100:2000", "h=0:0.5:float", "h=0.1:0.3:0.05", "a=1:5:2:int", "a=1e2:1e300", "=:", "a=::", "a=1:2:int:float"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err != nil {
			return
		}
		if k.N() < 1 || k.N() > MaxPoints {
			t.Fatalf("%q: N = %d", s, k.N())
		}
		for _, i := range []int{0, k.N() / 2, k.N() - 1} {
			v := k.Value(i)
			if math.IsNaN(v) || math.IsInf(v, 0) || v < k.Lo-k.Step || v > k.Hi+k.Step {
				t.Fatalf("%q: value %d = %v outside [%v, %v]", s, i, v, k.Lo, k.Hi)
			}
		}
		if _, err := ParseKey(k.String()); err != nil {
			t.Fatalf("%q: canonical form %q: %v", s, k.String(), err)
		}
	})
}
