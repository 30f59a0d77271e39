package service

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/sim"
)

// arrivalRows runs an arrival process through one replica with zero service time and returns
// the window rows.
func arrivalRows(t *testing.T, a ArrivalSpec, window, until sim.Time) []WindowRow {
	t.Helper()
	s := mustNew(t, Config{Replicas: 1, Service: ServiceSpec{Dist: "constant"}, Arrivals: a, Window: window, Seed: 11})
	mustRun(t, s, until)
	return s.Windows()
}

// Per-minute counts (Azure Functions 2019) are reproduced exactly, minute by minute.
func TestCountsPerMinuteExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	counts := make([]int32, 1440)
	for i := range counts {
		counts[i] = int32(rng.IntN(100))
		if i%97 == 0 {
			counts[i] = 0
		}
	}
	var total int64
	counts[700] = 50_000 // a burst: many arrivals share a µs
	total = 0
	for _, c := range counts {
		total += int64(c)
	}
	rows := arrivalRows(t, ArrivalSpec{Process: "counts", CountsPerBin: counts}, sim.Minute, sim.Day)
	if len(rows) != 1440 {
		t.Fatalf("%d rows, want 1440", len(rows))
	}
	for m, row := range rows {
		if row.Arrivals != int64(counts[m]) || row.Completed != int64(counts[m]) {
			t.Fatalf("minute %d: %d arrivals, %d completed, want %d", m, row.Arrivals, row.Completed, counts[m])
		}
	}
	// Within a minute the instants are uniform: each 10-second sixth gets about a sixth.
	rows = arrivalRows(t, ArrivalSpec{Process: "counts", CountsPerBin: counts}, 10*sim.Second, sim.Day)
	var sixth [6]int64
	for i, row := range rows {
		if i/6 != 700 {
			sixth[i%6] += row.Arrivals
		}
	}
	rest := total - 50_000
	for k, n := range sixth {
		if math.Abs(float64(n)-float64(rest)/6) > 0.04*float64(rest)/6 {
			t.Errorf("sixth %d of the minutes holds %d arrivals, want about %d", k, n, rest/6)
		}
	}
}

// The generator directly: sorted, inside each bin, exact counts, also for a large bin.
func TestCountsGenerator(t *testing.T) {
	counts := []int32{3, 0, 1_000_000, 1, 0}
	a := newArrivals(ArrivalSpec{Process: "counts", CountsPerBin: counts, Bin: sim.Minute}, 1, "x")
	got := make([]int32, len(counts))
	prev := int64(-1)
	for {
		ts := a.next()
		if ts == math.MaxInt64 {
			break
		}
		if ts < prev {
			t.Fatalf("arrival at %d before %d", ts, prev)
		}
		prev = ts
		got[ts/int64(sim.Minute)]++
	}
	for i := range counts {
		if got[i] != counts[i] {
			t.Fatalf("bin counts %v, want %v", got, counts)
		}
	}
}

// Diurnal: the count in each window matches the integral of λ(t) = r·(1 + A·cos(2π(t − peak)/P)).
func TestDiurnalProfile(t *testing.T) {
	const rate, amp = 200.0, 0.8
	period := sim.Hour
	for _, peak := range []sim.Time{period, 15 * sim.Minute} { // peak at t = 0 (written as Period), then at 15 min
		rows := arrivalRows(t, ArrivalSpec{Process: "diurnal", RatePerS: rate, Amplitude: amp, Period: period, Peak: peak},
			6*sim.Minute, period)
		ph := float64(peak%period) / 1e6
		ps := period.Seconds()
		for _, row := range rows {
			a, b := row.StartUS.Seconds(), row.EndUS.Seconds()
			want := rate*(b-a) + rate*amp*ps/(2*math.Pi)*(math.Sin(2*math.Pi*(b-ph)/ps)-math.Sin(2*math.Pi*(a-ph)/ps))
			if math.Abs(float64(row.Arrivals)-want) > 5*math.Sqrt(want)+1 {
				t.Errorf("peak %v, window [%v, %v): %d arrivals, want %.0f ± 5σ", peak, row.StartUS, row.EndUS, row.Arrivals, want)
			}
		}
	}
}

// MMPP-2: mean rate (λ0·m0 + λ1·m1)/(m0 + m1), and counts far more dispersed than Poisson.
func TestMMPP(t *testing.T) {
	spec := ArrivalSpec{Process: "mmpp", RatesPerS: [2]float64{1000, 4000},
		MeanSojourn: [2]sim.Time{200 * sim.Millisecond, 50 * sim.Millisecond}}
	const T = 300
	rows := arrivalRows(t, spec, sim.Second, T*sim.Second)
	var sum, sum2 float64
	for _, r := range rows {
		x := float64(r.Arrivals)
		sum += x
		sum2 += x * x
	}
	mean := sum / T
	varc := sum2/T - mean*mean
	want := (1000*0.2 + 4000*0.05) / 0.25 // 1,600/s
	t.Logf("MMPP: mean rate %.1f/s (want %.0f), index of dispersion of 1 s counts %.1f", mean, want, varc/mean)
	if math.Abs(mean-want) > 0.05*want {
		t.Fatalf("MMPP mean rate %.1f/s, want %.0f ± 5%%", mean, want)
	}
	if varc/mean < 10 {
		t.Fatalf("MMPP index of dispersion %.1f, want ≫ 1 (bursty)", varc/mean)
	}
	// An on-off source (rate 0 in one state) works too.
	spec.RatesPerS = [2]float64{0, 2000}
	rows = arrivalRows(t, spec, 10*sim.Second, 100*sim.Second)
	var n int64
	for _, r := range rows {
		n += r.Arrivals
	}
	if onOff := float64(n) / 100; math.Abs(onOff-400) > 0.1*400 {
		t.Fatalf("on-off MMPP mean rate %.1f/s, want 400 ± 10%%", onOff)
	}
}

// Poisson: the count over a long run is within 5σ of λT, and the constant process is exact.
func TestPoissonAndConstantCounts(t *testing.T) {
	rows := arrivalRows(t, ArrivalSpec{RatePerS: 50_000}, 10*sim.Second, 10*sim.Second)
	if n := float64(rows[0].Arrivals); math.Abs(n-500_000) > 5*math.Sqrt(500_000) {
		t.Fatalf("Poisson count %v, want 500000 ± 5σ", n)
	}
	rows = arrivalRows(t, ArrivalSpec{Process: "constant", RatePerS: 3}, 10*sim.Second, 10*sim.Second)
	if rows[0].Arrivals != 29 { // at 1/3 s, 2/3 s, …, 29/3 s
		t.Fatalf("constant arrivals %d, want 29", rows[0].Arrivals)
	}
}
