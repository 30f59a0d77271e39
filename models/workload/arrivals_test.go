package workload

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/units"
)

func mustArrivals(t testing.TB, spec ArrivalSpec, seed uint64) *Arrivals {
	t.Helper()
	a, err := NewArrivals(spec, rand.NewPCG(seed, 0x243f6a8885a308d3))
	if err != nil {
		t.Fatalf("NewArrivals(%+v): %v", spec, err)
	}
	return a
}

func TestPoissonCount(t *testing.T) {
	const rate = 100.0
	const horizonS = 10_000
	a := mustArrivals(t, ArrivalSpec{Process: "poisson", Rate: rate}, 1)
	end := int64(horizonS * units.Second)
	count, prev := 0, int64(0)
	var sumGap, sumGap2 float64
	for now := a.Next(0); now < end; now = a.Next(now) {
		if now < prev {
			t.Fatalf("arrival %d at %d µs before previous %d µs", count, now, prev)
		}
		g := float64(now-prev) / 1e6
		if count > 0 {
			sumGap += g
			sumGap2 += g * g
		}
		prev = now
		count++
	}
	want := rate * horizonS // 1e6, sd 1000
	if math.Abs(float64(count)-want) > 0.01*want {
		t.Errorf("count %d, want %v ± 1%%", count, want)
	}
	// Exponential gaps: mean 1/rate, CV 1.
	n := float64(count - 1)
	mean := sumGap / n
	cv := math.Sqrt(sumGap2/n-mean*mean) / mean
	if math.Abs(mean*rate-1) > 0.01 || math.Abs(cv-1) > 0.01 {
		t.Errorf("gap mean %v s (want %v), cv %v (want 1)", mean, 1/rate, cv)
	}
}

func TestPoissonHighRateNoDrift(t *testing.T) {
	// 2e5/s gives a mean gap of 5 µs, so rounding to the µs is a large relative effect; the
	// internal fractional clock must keep the count unbiased.
	const rate = 200_000.0
	a := mustArrivals(t, ArrivalSpec{Rate: rate}, 2)
	end := int64(10 * units.Second)
	count := 0
	for now := a.Next(0); now < end; now = a.Next(now) {
		count++
	}
	want := rate * 10 // 2e6, sd 1414
	if math.Abs(float64(count)-want) > 0.005*want {
		t.Errorf("count %d, want %v ± 0.5%%", count, want)
	}
}

// expectedDiurnal is ∫_{t0}^{t1} λ(t) dt for λ(t) = rate·(1 + A·cos(2π(t − peak)/P)), t in s.
func expectedDiurnal(rate, amp, periodS, peakS, t0, t1 float64) float64 {
	w := 2 * math.Pi / periodS
	return rate * ((t1 - t0) + amp/w*(math.Sin(w*(t1-peakS))-math.Sin(w*(t0-peakS))))
}

func TestDiurnalHourlyCounts(t *testing.T) {
	const rate, amp, days = 5.0, 0.8, 30
	a := mustArrivals(t, ArrivalSpec{Process: "diurnal", Rate: rate, Amplitude: amp}, 3) // default 24 h, peak 14 h
	end := int64(days * units.Day)
	var perHour [24]float64
	total := 0
	for now := a.Next(0); now < end; now = a.Next(now) {
		perHour[(now/int64(units.Hour))%24]++
		total++
	}
	for h := range 24 {
		want := days * expectedDiurnal(rate, amp, 86400, 14*3600, float64(h)*3600, float64(h+1)*3600)
		// want ≥ 30·5·3600·0.2 = 108 000 at the trough, sd ≤ 0.3 %.
		if math.Abs(perHour[h]-want) > 0.015*want {
			t.Errorf("hour %2d: %v arrivals, want %.0f ± 1.5%%", h, perHour[h], want)
		}
	}
	if want := rate * days * 86400; math.Abs(float64(total)-want) > 0.005*want {
		t.Errorf("total %d, want %v ± 0.5%%", total, want)
	}
	// The peak hour is 14:00–15:00 side of the cosine: 13–14 and 14–15 beat everything else.
	if perHour[14] < perHour[10] || perHour[2] > perHour[8] {
		t.Errorf("diurnal shape wrong: %v", perHour)
	}
}

func TestDiurnalCustomPeriodAndPeak(t *testing.T) {
	// A 1-hour period peaking at 0 (written as peak = period), amplitude 1: λ(t) vanishes at
	// t = 30 min; counts per 6-minute bucket follow the integral.
	const rate, amp = 20.0, 1.0
	spec := ArrivalSpec{Process: "diurnal", Rate: rate, Amplitude: amp, Period: units.Hour, Peak: units.Hour}
	a := mustArrivals(t, spec, 4)
	const hours = 200
	end := int64(hours * units.Hour)
	var buckets [10]float64
	bucket := int64(6 * units.Minute)
	for now := a.Next(0); now < end; now = a.Next(now) {
		buckets[(now/bucket)%10]++
	}
	for b := range 10 {
		want := hours * expectedDiurnal(rate, amp, 3600, 0, float64(b)*360, float64(b+1)*360)
		if math.Abs(buckets[b]-want) > 0.03*want {
			t.Errorf("bucket %d: %v arrivals, want %.0f ± 3%%", b, buckets[b], want)
		}
	}
	if got := a.Rate(0); math.Abs(got-2*rate) > 1e-9 {
		t.Errorf("Rate(0) = %v, want %v", got, 2*rate)
	}
	if got := a.Rate(int64(30 * units.Minute)); math.Abs(got) > 1e-9 {
		t.Errorf("Rate(30 min) = %v, want 0", got)
	}
}

func TestArrivalsDeterminism(t *testing.T) {
	for _, spec := range []ArrivalSpec{
		{Process: "poisson", Rate: 50},
		{Process: "diurnal", Rate: 50, Amplitude: 0.5, Period: units.Minute, Peak: 10 * units.Second},
	} {
		a := mustArrivals(t, spec, 11)
		b := mustArrivals(t, spec, 11)
		c := mustArrivals(t, spec, 12)
		var ta, tb, tc int64
		same := true
		for i := range 10_000 {
			ta, tb, tc = a.Next(ta), b.Next(tb), c.Next(tc)
			if ta != tb {
				t.Fatalf("%s: arrival %d differs for equal seeds: %d vs %d", spec.Process, i, ta, tb)
			}
			same = same && ta == tc
		}
		if same {
			t.Errorf("%s: different seeds give the same arrivals", spec.Process)
		}
	}
}

func TestArrivalsRestartAndMonotone(t *testing.T) {
	a := mustArrivals(t, ArrivalSpec{Rate: 1}, 5)
	// Start late: every arrival is at or after the start.
	start := int64(1000 * units.Second)
	t1 := a.Next(start)
	if t1 < start {
		t.Fatalf("Next(%d) = %d", start, t1)
	}
	// Calling with an earlier now never goes backwards.
	t2 := a.Next(0)
	if t2 < t1 {
		t.Fatalf("Next(0) = %d before previous %d", t2, t1)
	}
}

func TestArrivalsSaturate(t *testing.T) {
	a := mustArrivals(t, ArrivalSpec{Rate: 1e-18}, 6) // mean gap 1e18 s ≫ MaxInt64 µs
	var now int64
	for range 5 {
		now = a.Next(now)
		if now == math.MaxInt64 {
			break
		}
	}
	if now != math.MaxInt64 || a.Next(now) != math.MaxInt64 {
		t.Errorf("tiny rate: got %d, want MaxInt64", now)
	}
}

func TestNewArrivalsErrors(t *testing.T) {
	tests := []struct {
		name string
		spec ArrivalSpec
		want string
	}{
		{"zero rate", ArrivalSpec{}, "rate must be"},
		{"negative rate", ArrivalSpec{Rate: -1}, "rate must be"},
		{"infinite rate", ArrivalSpec{Rate: units.Rate(math.Inf(1))}, "rate must be"},
		{"unknown process", ArrivalSpec{Process: "hawkes", Rate: 1}, "unknown arrival process"},
		{"poisson with amplitude", ArrivalSpec{Rate: 1, Amplitude: 0.5}, "take no amplitude"},
		{"amplitude > 1", ArrivalSpec{Process: "diurnal", Rate: 1, Amplitude: 1.5}, "amplitude"},
		{"negative amplitude", ArrivalSpec{Process: "diurnal", Rate: 1, Amplitude: -0.1}, "amplitude"},
		{"NaN amplitude", ArrivalSpec{Process: "diurnal", Rate: 1, Amplitude: math.NaN()}, "amplitude"},
		{"negative period", ArrivalSpec{Process: "diurnal", Rate: 1, Period: -units.Hour}, "period"},
	}
	for _, tt := range tests {
		_, err := NewArrivals(tt.spec, rand.NewPCG(1, 2))
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.want)
		}
	}
}

func TestArrivalsNoAllocs(t *testing.T) {
	for _, spec := range []ArrivalSpec{
		{Rate: 10},
		{Process: "diurnal", Rate: 10, Amplitude: 0.6},
	} {
		a := mustArrivals(t, spec, 1)
		var now int64
		if n := testing.AllocsPerRun(1000, func() { now = a.Next(now) }); n != 0 {
			t.Errorf("%s: %v allocs per arrival", spec.Process, n)
		}
	}
}

func BenchmarkNextPoisson(b *testing.B) {
	a := mustArrivals(b, ArrivalSpec{Rate: 10}, 1)
	var now int64
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		now = a.Next(now)
	}
}

func BenchmarkNextDiurnal(b *testing.B) {
	a := mustArrivals(b, ArrivalSpec{Process: "diurnal", Rate: 10, Amplitude: 0.6}, 1)
	var now int64
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		now = a.Next(now)
	}
}
