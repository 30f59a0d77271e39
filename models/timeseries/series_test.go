package timeseries

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dcsim/dcsim/sim"
)

func mustNew(t testing.TB, times []sim.Time, values []float64) *Series {
	t.Helper()
	s, err := New(times, values)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The hand-worked series: value 1 from 10 µs (and before), 3 from 20 µs, 2 from 40 µs on.
//
//	value  1 ······|  1  |    3    |  2 ·····
//	time          10    20        40
func handSeries(t testing.TB) *Series {
	return mustNew(t, []sim.Time{10, 20, 40}, []float64{1, 3, 2})
}

func TestAtHandWorked(t *testing.T) {
	s := handSeries(t)
	c := s.Cursor()
	for _, tt := range []struct {
		t    sim.Time
		want float64
	}{{-1 << 40, 1}, {5, 1}, {10, 1}, {19, 1}, {20, 3}, {39, 3}, {40, 2}, {1 << 50, 2}, {sim.MaxTime, 2}} {
		if got := s.At(tt.t); got != tt.want {
			t.Errorf("At(%d) = %v, want %v", tt.t, got, tt.want)
		}
		if got := c.At(tt.t); got != tt.want {
			t.Errorf("Cursor.At(%d) = %v, want %v", tt.t, got, tt.want)
		}
	}
}

func TestIntegrateHandWorked(t *testing.T) {
	s := handSeries(t)
	tests := []struct {
		name   string
		t0, t1 sim.Time
		want   float64 // value·µs
	}{
		{"inside one step", 12, 18, 1 * 6},
		{"inside the middle step", 25, 35, 3 * 10},
		{"before the first timestamp", 0, 5, 1 * 5},
		{"from before the first into it", 0, 15, 1 * 15},
		{"across all steps", 15, 45, 1*5 + 3*20 + 2*5},
		{"exactly the steps", 10, 40, 1*10 + 3*20},
		{"after the last timestamp", 50, 60, 2 * 10},
		{"from before to after", -100, 100, 1*120 + 3*20 + 2*60},
		{"empty", 20, 20, 0},
		{"reversed", 45, 15, -(1*5 + 3*20 + 2*5)},
		{"ending on a step boundary", 12, 20, 1 * 8},
		{"starting on a step boundary", 20, 22, 3 * 2},
	}
	for _, tt := range tests {
		if got := s.Integrate(tt.t0, tt.t1); got != tt.want {
			t.Errorf("%s: Integrate(%d, %d) = %v, want %v", tt.name, tt.t0, tt.t1, got, tt.want)
		}
		c := s.Cursor()
		if got := c.Integrate(tt.t0, tt.t1); got != tt.want {
			t.Errorf("%s: Cursor.Integrate(%d, %d) = %v, want %v", tt.name, tt.t0, tt.t1, got, tt.want)
		}
	}
	if got := s.Mean(15, 45); got != 75.0/30 {
		t.Errorf("Mean(15, 45) = %v, want 2.5", got)
	}
	if got := s.Mean(30, 30); got != 3 {
		t.Errorf("Mean(30, 30) = %v, want 3", got)
	}
	// The whole int64 range: no overflow in the overlap lengths.
	if got := s.Integrate(math.MinInt64, math.MaxInt64); !(got > 1e19) || math.IsInf(got, 0) {
		t.Errorf("Integrate(MinInt64, MaxInt64) = %v", got)
	}
}

// TestIntegrateManySteps: 1000 one-second steps of value i: ∫ = Σ i × 10⁶ = 499 500 × 10⁶ and
// the tail past the last step holds 999.
func TestIntegrateManySteps(t *testing.T) {
	const n = 1000
	times := make([]sim.Time, n)
	values := make([]float64, n)
	for i := range n {
		times[i], values[i] = sim.Time(i)*sim.Second, float64(i)
	}
	s := mustNew(t, times, values)
	if got, want := s.Integrate(0, n*sim.Second), 499_500e6; got != want {
		t.Errorf("Integrate(0, 1000 s) = %v, want %v", got, want)
	}
	// [500.5 s, 1010 s): 0.5 s of 500, steps 501…998 whole (Σ i = 498 501 − 125 250 = 373 251),
	// then 11 s of 999 (the last value holds past the last step): 250 + 373 251 + 10 989.
	if got, want := s.Integrate(500*sim.Second+500_000, (n+10)*sim.Second), 384_490e6; got != want {
		t.Errorf("Integrate(500.5 s, 1010 s) = %v, want %v", got, want)
	}
}

// TestWeightedEnergy: a 1000 W host over [30 min, 90 min) on an hourly carbon series of
// 400 then 200 gCO2/kWh uses 0.5 kWh at each: 0.5 × 400 + 0.5 × 200 = 300 g.
func TestWeightedEnergy(t *testing.T) {
	s := mustNew(t, []sim.Time{0, sim.Hour}, []float64{400, 200})
	if got := s.WeightedEnergy(30*sim.Minute, 90*sim.Minute, 1000); got != 300 {
		t.Errorf("WeightedEnergy = %v g, want 300 g", got)
	}
	c := s.Cursor()
	if got := c.WeightedEnergy(30*sim.Minute, 90*sim.Minute, 1000); got != 300 {
		t.Errorf("Cursor.WeightedEnergy = %v g, want 300 g", got)
	}
	// A price series at 0.10 USD/kWh: 250 W for 4 h = 1 kWh = 0.10 USD.
	p := mustNew(t, []sim.Time{0}, []float64{0.10})
	if got := p.WeightedEnergy(0, 4*sim.Hour, 250); math.Abs(got-0.10) > 1e-17 {
		t.Errorf("price: %v USD, want 0.10", got)
	}
}

// TestCursorMatchesSeries: a cursor's answers equal the binary-search answers bit for bit, for
// mostly increasing query times with occasional jumps back.
func TestCursorMatchesSeries(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		n := 1 + r.IntN(300)
		times := make([]sim.Time, n)
		values := make([]float64, n)
		tm := sim.Time(r.Int64N(1000)) - 500
		for i := range n {
			times[i] = tm
			values[i] = math.Round(r.Float64()*1000) / 4
			tm += 1 + sim.Time(r.Int64N(100))
		}
		s := mustNew(t, times, values)
		c := s.Cursor()
		q := times[0] - 200
		for k := range 2000 {
			switch r.IntN(10) {
			case 0: // jump back
				q -= sim.Time(r.Int64N(int64(tm-times[0]) + 400))
			case 1: // jump far ahead
				q += sim.Time(r.Int64N(int64(tm-times[0]) + 400))
			default:
				q += sim.Time(r.Int64N(50))
			}
			d := sim.Time(r.Int64N(300))
			if got, want := c.At(q), s.At(q); got != want {
				t.Fatalf("trial %d query %d: Cursor.At(%d) = %v, Series.At = %v", trial, k, q, got, want)
			}
			if got, want := c.Integrate(q, q+d), s.Integrate(q, q+d); got != want {
				t.Fatalf("trial %d query %d: Cursor.Integrate(%d, %d) = %v, Series = %v", trial, k, q, q+d, got, want)
			}
			// Brute force over the µs grid for short intervals.
			if d <= 40 {
				bf := 0.0
				for u := q; u < q+d; u++ {
					bf += s.At(u)
				}
				if got := s.Integrate(q, q+d); got != bf {
					t.Fatalf("Integrate(%d, %d) = %v, brute force %v", q, q+d, got, bf)
				}
			}
			q += d
		}
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		times  []sim.Time
		values []float64
		want   string
	}{
		{nil, nil, "timeseries: need as many values as times, at least one; got 0 times and 0 values"},
		{[]sim.Time{0}, []float64{1, 2}, "timeseries: need as many values as times, at least one; got 1 times and 2 values"},
		{[]sim.Time{0, 0}, []float64{1, 2}, "timeseries: time 1 (0 µs) is not after time 0 (0 µs)"},
		{[]sim.Time{0, 1}, []float64{1, -2}, "timeseries: value 1 is -2; values must be finite and ≥ 0"},
		{[]sim.Time{0}, []float64{math.NaN()}, "timeseries: value 0 is NaN; values must be finite and ≥ 0"},
	}
	for _, tt := range tests {
		if _, err := New(tt.times, tt.values); err == nil || err.Error() != tt.want {
			t.Errorf("New(%v, %v): %v, want %q", tt.times, tt.values, err, tt.want)
		}
	}
}

// TestEmbodiedKg: 1500 kg over a 5-year life; 10 hosts for 73 days = 730 host-days = 2
// host-years → 1500 × 2 / 5 = 600 kg.
func TestEmbodiedKg(t *testing.T) {
	year := int64(365 * 24 * time.Hour / time.Microsecond)
	day := year / 365
	if got := EmbodiedKg(1500, 5*year, 10*73*day); math.Abs(got-600) > 1e-12 {
		t.Errorf("EmbodiedKg = %v, want 600", got)
	}
	if got := EmbodiedKg(1500, 5*year, 0); got != 0 {
		t.Errorf("no provisioned time: %v", got)
	}
	if got := EmbodiedKg(1500, 0, 10); !math.IsNaN(got) {
		t.Errorf("zero lifetime: %v, want NaN", got)
	}
}

func BenchmarkCursorIntegrate(b *testing.B) {
	n := 8760 // a year of hourly values
	times := make([]sim.Time, n)
	values := make([]float64, n)
	for i := range n {
		times[i], values[i] = sim.Time(i)*sim.Hour, float64(100+i%300)
	}
	s := mustNew(b, times, values)
	c := s.Cursor()
	t := sim.Time(0)
	b.ReportAllocs()
	for b.Loop() {
		c.WeightedEnergy(t, t+17*sim.Minute, 350)
		t += 17 * sim.Minute
		if t > sim.Time(n)*sim.Hour {
			t = 0
		}
	}
}
