package service

import (
	"math"
	"testing"

	"github.com/dcsim/dcsim/sim"
)

func mustNew(t testing.TB, cfg Config) *Sim {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustRun(t testing.TB, s *Sim, until sim.Time) {
	t.Helper()
	if err := s.RunUntil(until); err != nil {
		t.Fatal(err)
	}
}

// meanLatency runs cfg with several seeds for about n requests in all and returns the mean
// latency (µs) over every completed request.
func meanLatency(t *testing.T, cfg Config, seeds int, n float64) float64 {
	t.Helper()
	var sum, count float64
	horizon := sim.FromSeconds(n / float64(seeds) / cfg.Arrivals.RatePerS)
	for seed := range seeds {
		cfg.Seed = uint64(seed) + 1
		s := mustNew(t, cfg)
		mustRun(t, s, horizon)
		tot := s.Totals()
		sum += tot.MeanLatencyUS * float64(tot.Completed)
		count += float64(tot.Completed)
	}
	return sum / count
}

// The M/M/1 queue at ρ = 0.8: mean sojourn 1/(μ − λ) = 5 ms (Kleinrock Vol. 1, §3.2). The
// sample mean of M/M/1 sojourns at ρ = 0.8 has a relative standard deviation of about
// sqrt(79/N) (Daley 1968 autocorrelations), 0.45% for N = 4·10^6, so 2% is a > 4σ bound.
func TestMM1MeanSojourn(t *testing.T) {
	cfg := Config{
		Replicas: 1,
		Service:  ServiceSpec{Dist: "exponential", MeanUS: 1000},
		Arrivals: ArrivalSpec{Process: "poisson", RatePerS: 800},
	}
	want, err := MMcMeanSojournUS(1, 800, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(want-5000) > 1e-9 {
		t.Fatalf("MMcMeanSojournUS(1, 800/s, 1 ms) = %v µs, want 5000", want)
	}
	got := meanLatency(t, cfg, 4, 4e6)
	rel := (got - want) / want
	t.Logf("M/M/1 ρ=0.8: mean sojourn %.1f µs, theory %.1f µs, error %+.2f%%", got, want, 100*rel)
	if math.Abs(rel) > 0.02 {
		t.Fatalf("M/M/1 mean sojourn %.1f µs, want %.1f µs ± 2%%", got, want)
	}
}

// One replica with c slots and a shared FCFS queue is exactly M/M/c (Erlang C).
func TestMMcSlotsErlangC(t *testing.T) {
	const c, rho = 4, 0.8
	cfg := Config{
		Replicas:    1,
		Concurrency: c,
		Service:     ServiceSpec{Dist: "exponential", MeanUS: 1000},
		Arrivals:    ArrivalSpec{Process: "poisson", RatePerS: rho * c * 1000},
	}
	want, err := MMcMeanSojournUS(c, cfg.Arrivals.RatePerS, 1000)
	if err != nil {
		t.Fatal(err)
	}
	got := meanLatency(t, cfg, 4, 4e6)
	rel := (got - want) / want
	t.Logf("M/M/%d ρ=%.1f (one replica, %d slots): mean sojourn %.1f µs, Erlang C %.1f µs, error %+.2f%%", c, rho, c, got, want, 100*rel)
	if math.Abs(rel) > 0.03 {
		t.Fatalf("M/M/%d mean sojourn %.1f µs, want %.1f µs ± 3%%", c, got, want)
	}
}

// c single-slot replicas behind least-outstanding (join the shortest queue, no jockeying) are
// not an M/M/c queue: a request can wait behind another while a different replica idles, so
// the mean sojourn is above Erlang C's, approaching it only in heavy traffic (Foschini & Salz,
// "A basic dynamic routing problem and diffusion", IEEE Trans. Commun. 26(3), 1978). At c = 4,
// ρ = 0.8 it is about 12% above (an independent float-time JSQ simulation gives 1.948 mean
// service times against Erlang C's 1.7455). The test checks that bracket; the implementation
// itself is checked exactly against a brute-force reference in TestMatchesReference.
func TestMMcLeastOutstanding(t *testing.T) {
	const c, rho = 4, 0.8
	cfg := Config{
		Replicas: c,
		Balancer: "least-outstanding",
		Service:  ServiceSpec{Dist: "exponential", MeanUS: 1000},
		Arrivals: ArrivalSpec{Process: "poisson", RatePerS: rho * c * 1000},
	}
	want, err := MMcMeanSojournUS(c, cfg.Arrivals.RatePerS, 1000)
	if err != nil {
		t.Fatal(err)
	}
	got := meanLatency(t, cfg, 4, 4e6)
	rel := (got - want) / want
	t.Logf("%d replicas, least-outstanding, ρ=%.1f: mean sojourn %.1f µs, M/M/%d %.1f µs, difference %+.2f%%", c, rho, got, c, want, 100*rel)
	if rel < -0.005 || rel > 0.15 {
		t.Fatalf("least-outstanding mean sojourn %.1f µs, want between M/M/%d's %.1f µs and 15%% above", got, c, want)
	}
	// The independent JSQ figure, 1.948 mean service times, within 2%.
	if jsq := 1948.0; math.Abs(got-jsq) > 0.02*jsq {
		t.Errorf("least-outstanding mean sojourn %.1f µs, want the independent JSQ estimate %.0f µs ± 2%%", got, jsq)
	}
}

// A loss system (no waiting room) blocks a fraction ErlangB(c, a) of the requests.
func TestErlangBLoss(t *testing.T) {
	const c, a = 5, 4.0
	cfg := Config{
		Replicas:    1,
		Concurrency: c,
		QueueCap:    QueueNone,
		Service:     ServiceSpec{Dist: "exponential", MeanUS: 1000},
		Arrivals:    ArrivalSpec{Process: "poisson", RatePerS: a * 1000},
		Seed:        7,
	}
	s := mustNew(t, cfg)
	mustRun(t, s, 250*sim.Second) // 10^6 requests
	tot := s.Totals()
	got := float64(tot.DroppedQueueFull) / float64(tot.Arrivals)
	want, err := ErlangB(c, a)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("M/M/%d/%d a=%v: blocking %.4f, Erlang B %.4f", c, c, a, got, want)
	if math.Abs(got-want) > 0.03*want {
		t.Fatalf("blocking %.4f, want Erlang B %.4f ± 3%%", got, want)
	}
}

// Power of two choices beats random assignment at high load (Mitzenmacher 2001), and with many
// replicas comes near the supermarket model's limit.
func TestPowerOfTwoBeatsRandom(t *testing.T) {
	const n, rho = 50, 0.9
	base := Config{
		Replicas: n,
		Service:  ServiceSpec{Dist: "exponential", MeanUS: 1000},
		Arrivals: ArrivalSpec{Process: "poisson", RatePerS: rho * n * 1000},
	}
	lat := map[string]float64{}
	for _, bal := range []string{"random", "power-of-two"} {
		cfg := base
		cfg.Balancer = bal
		lat[bal] = meanLatency(t, cfg, 2, 1.5e6) / 1000 // in mean service times
	}
	rnd, p2 := lat["random"], lat["power-of-two"]
	limit1, _ := PowerOfDMeanSojourn(1, rho)
	limit2, _ := PowerOfDMeanSojourn(2, rho)
	t.Logf("ρ=%.1f, %d replicas: random %.3f (M/M/1 %.3f), power-of-two %.3f (n→∞ limit %.3f) mean service times",
		rho, n, rnd, limit1, p2, limit2)
	if !(p2 < rnd/2) {
		t.Fatalf("power-of-two mean latency %.3f not well below random %.3f", p2, rnd)
	}
	if math.Abs(rnd-limit1) > 0.1*limit1 {
		t.Errorf("random assignment %.3f, want M/M/1 %.3f ± 10%%", rnd, limit1)
	}
	if p2 < limit2*0.97 || p2 > limit2*1.15 {
		t.Errorf("power-of-two %.3f, want near Mitzenmacher's limit %.3f (−3%%, +15%% for finite n)", p2, limit2)
	}
}

func TestAnalytic(t *testing.T) {
	// M/M/2 at ρ = 0.5 (a = 1): P(wait) = 1/3.
	if c, err := ErlangC(2, 1); err != nil || math.Abs(c-1.0/3) > 1e-12 {
		t.Errorf("ErlangC(2, 1) = %v, %v; want 1/3", c, err)
	}
	// Erlang B(1, a) = a/(1+a).
	if b, err := ErlangB(1, 3); err != nil || math.Abs(b-0.75) > 1e-12 {
		t.Errorf("ErlangB(1, 3) = %v, %v; want 0.75", b, err)
	}
	// Direct sum of the supermarket formula for d = 2: exponents 0, 2, 6, 14, 30, 62, …
	want := 0.0
	for i := 1; i < 20; i++ {
		want += math.Pow(0.9, math.Pow(2, float64(i))-2)
	}
	if got, err := PowerOfDMeanSojourn(2, 0.9); err != nil || math.Abs(got-want) > 1e-12 {
		t.Errorf("PowerOfDMeanSojourn(2, 0.9) = %v, %v; want %v", got, err, want)
	}
	if got, _ := PowerOfDMeanSojourn(1, 0.5); got != 2 {
		t.Errorf("PowerOfDMeanSojourn(1, 0.5) = %v, want 2", got)
	}
	for _, f := range []func() error{
		func() error { _, err := ErlangC(2, 2); return err },
		func() error { _, err := ErlangC(0, 0.5); return err },
		func() error { _, err := ErlangB(2, math.NaN()); return err },
		func() error { _, err := MMcMeanSojournUS(1, 1000, 1000); return err },
		func() error { _, err := MMcMeanSojournUS(1, 10, 0); return err },
		func() error { _, err := PowerOfDMeanSojourn(2, 1); return err },
		func() error { _, err := PowerOfDMeanSojourn(0, 0.5); return err },
	} {
		if f() == nil {
			t.Error("expected an error")
		}
	}
}
