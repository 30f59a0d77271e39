package compare

import (
	"math"
	"strings"
	"testing"
)

func TestParseBound(t *testing.T) {
	cases := []struct {
		in      string
		want    Bound
		wantErr string
	}{
		{in: "cost_usd:+2%", want: Bound{Metric: "cost_usd", Up: true, Limit: 2, Relative: true}},
		{in: "mean_wait_s:-5%", want: Bound{Metric: "mean_wait_s", Up: false, Limit: 5, Relative: true}},
		{in: "slo_violations:+0", want: Bound{Metric: "slo_violations", Up: true, Limit: 0}},
		{in: "cpu_utilization:-0.01", want: Bound{Metric: "cpu_utilization", Limit: 0.01}},
		{in: "p99_wait_s:+10", want: Bound{Metric: "p99_wait_s", Up: true, Limit: 10}},
		{in: " cost_usd : +2.5% ", want: Bound{Metric: "cost_usd", Up: true, Limit: 2.5, Relative: true}},
		{in: "energy_kwh:+.5%", want: Bound{Metric: "energy_kwh", Up: true, Limit: 0.5, Relative: true}},
		{in: "cost_usd:+1e3", want: Bound{Metric: "cost_usd", Up: true, Limit: 1000}},
		{in: "cost_usd", wantErr: "no ':'"},
		{in: ":+2%", wantErr: "no metric"},
		{in: "cost_usd:", wantErr: "no bound"},
		{in: "cost_usd:2%", wantErr: "must start with '+'"},
		{in: "cost_usd:+", wantErr: "not a non-negative number"},
		{in: "cost_usd:+%", wantErr: "not a non-negative number"},
		{in: "cost_usd:+-2%", wantErr: "not a non-negative number"},
		{in: "cost_usd:++2", wantErr: "not a non-negative number"},
		{in: "cost_usd:+two%", wantErr: "not a non-negative number"},
		{in: "cost_usd:+inf", wantErr: "not a non-negative number"},
		{in: "cost_usd:+NaN", wantErr: "not a non-negative number"},
		{in: "cost_usd:+1e999", wantErr: "not a non-negative number"},
		{in: "cost_usd:+2%%", wantErr: "not a non-negative number"},
		{in: "cost usd:+2%", wantErr: "character ' '"},
	}
	for _, c := range cases {
		b, err := ParseBound(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), c.in) {
				t.Errorf("ParseBound(%q) = %+v, %v; want an error naming the value and containing %q", c.in, b, err, c.wantErr)
			}
			continue
		}
		c.want.Text = c.in
		if err != nil || b != c.want {
			t.Errorf("ParseBound(%q) = %+v, %v; want %+v", c.in, b, err, c.want)
		}
	}
}

func TestBoundBeyond(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		bound      string
		base, cand float64
		want       bool
	}{
		{"m:+2%", 100, 102, false}, // exactly at the bound
		{"m:+2%", 100, 102.01, true},
		{"m:+2%", 100, 90, false},  // a fall never breaks a '+' bound
		{"m:+2%", -100, -97, true}, // relative to |base|: +3%
		{"m:-5%", 100, 94, true},
		{"m:-5%", 100, 95, false},
		{"m:-5%", 100, 200, false},
		{"m:+0", 10, 10, false},
		{"m:+0", 10, 11, true},
		{"m:+0", 10, 9, false},
		{"m:+10", 100, 110, false},
		{"m:+10", 100, 110.5, true},
		{"m:-0.01", 0.5, 0.49, false},
		{"m:-0.01", 0.5, 0.489, true},
		{"m:+5%", 0, 1, true},  // from 0: +inf
		{"m:+5%", 0, 0, false}, // 0 → 0: no change
		{"m:-5%", 0, -1, true}, // from 0 down: -inf
		{"m:+1", 0, 1, false},  // absolute: exactly at the bound
		{"m:+0%", 1, 1, false}, // no change
		{"m:+0%", 1, 1 + 1e-9, true},
		{"m:+0%", 1, 1 + 1e-13, false}, // rounding
		{"m:+1%", 3, 3.03, false},      // 3.03 - 3 = 0.0299999…98 or …02: at the bound either way
		{"m:+1%", 3, 3.0301, true},
		{"m:+0", 1e6, 1e6 + 1, true}, // one more is beyond the rounding margin (1e-6)
	}
	for _, c := range cases {
		b, err := ParseBound(c.bound)
		if err != nil {
			t.Fatal(err)
		}
		if got := b.Beyond(c.base, c.cand); got != c.want {
			t.Errorf("%s: Beyond(%g, %g) = %v, want %v (change %g%%)", c.bound, c.base, c.cand, got, c.want, ChangePct(c.base, c.cand))
		}
	}
	for _, c := range []struct{ base, cand, want float64 }{{100, 102, 2}, {-100, -97, 3}, {0, 0, 0}, {0, 5, inf}, {0, -5, -inf}, {4, 3, -25}} {
		if got := ChangePct(c.base, c.cand); got != c.want {
			t.Errorf("ChangePct(%g, %g) = %g, want %g", c.base, c.cand, got, c.want)
		}
	}
}

// FuzzParseBound: no panic; an accepted bound has a metric, a finite non-negative limit, and
// its String form parses back to the same bound.
func FuzzParseBound(f *testing.F) {
	for _, s := range []string{"cost_usd:+2%", "slo_violations:+0", "x:-0.01", "a:b:+1", "cost_usd:2%", ":", "", "m:+1e308%", "m:-.0%", "é:+1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBound(s)
		if err != nil {
			return
		}
		if b.Metric == "" || b.Limit < 0 || math.IsInf(b.Limit, 0) || math.IsNaN(b.Limit) {
			t.Fatalf("ParseBound(%q) accepted %+v", s, b)
		}
		b2, err := ParseBound(b.Metric + ":" + b.String())
		if err != nil || b2.Metric != b.Metric || b2.Up != b.Up || b2.Limit != b.Limit || b2.Relative != b.Relative {
			t.Fatalf("round trip of %q: %+v, %v", s, b2, err)
		}
		_ = b.Beyond(1, 2)
	})
}

// FuzzParseParams: the dcsim.params metadata parser never panics and accepts only distinct,
// non-empty names.
func FuzzParseParams(f *testing.F) {
	for _, s := range []string{`["scheduler.placement","cluster.host_groups.0.count"]`, `[]`, `["a","a"]`, `[""]`, `{"a":1}`, `["seed"]`, `null`, `[1]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names, err := parseParams(s)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" || seen[n] || identifiers[n] {
				t.Fatalf("parseParams(%q) accepted %q", s, names)
			}
			seen[n] = true
		}
	})
}
