package service

import (
	"testing"

	"github.com/dcsim/dcsim/sim"
)

// benchPoisson runs n single-slot replicas at ρ = 0.8 (Poisson arrivals at 800·n per second,
// exponential service of mean 1 ms) for about b.N requests, with windows of the given length
// (exact percentiles included), stepping RunUntil a window at a time, and reports requests
// per second of wall time.
func benchPoisson(b *testing.B, n int, balancer string, window sim.Time) {
	rate := 800.0 * float64(n)
	s, err := New(Config{
		Replicas: n,
		Balancer: balancer,
		Service:  ServiceSpec{Dist: "exponential", MeanUS: 1000},
		Arrivals: ArrivalSpec{Process: "poisson", RatePerS: rate},
		SLOP99US: 20 * sim.Millisecond,
		Window:   window,
		Seed:     1,
	})
	if err != nil {
		b.Fatal(err)
	}
	horizon := sim.FromSeconds(float64(b.N) / rate)
	b.ReportAllocs()
	b.ResetTimer()
	// Step a minute at a time, as a cluster simulator would, draining the windows.
	for t := window; ; t += window {
		t = min(t, horizon)
		if err := s.RunUntil(t); err != nil {
			b.Fatal(err)
		}
		s.Windows()
		if t == horizon {
			break
		}
	}
	b.StopTimer()
	reqs := s.Totals().Arrivals
	b.ReportMetric(float64(reqs)/b.Elapsed().Seconds(), "requests/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(reqs, 1)), "ns/request")
}

// Ten replicas, one-minute windows (480,000 latencies per window).
func BenchmarkPoisson10Replicas(b *testing.B) { benchPoisson(b, 10, "round-robin", sim.Minute) }
func BenchmarkPoisson10ReplicasPowerOfTwo(b *testing.B) {
	benchPoisson(b, 10, "power-of-two", sim.Minute)
}
func BenchmarkPoisson10ReplicasLeastOutstanding(b *testing.B) {
	benchPoisson(b, 10, "least-outstanding", sim.Minute)
}
func BenchmarkPoisson10ReplicasRandom(b *testing.B) { benchPoisson(b, 10, "random", sim.Minute) }

// A thousand replicas, one-second windows (800,000 latencies per window).
func BenchmarkPoisson1000ReplicasPowerOfTwo(b *testing.B) {
	benchPoisson(b, 1000, "power-of-two", sim.Second)
}
func BenchmarkPoisson1000ReplicasLeastOutstanding(b *testing.B) {
	benchPoisson(b, 1000, "least-outstanding", sim.Second)
}
