package sim

import (
	"math/rand/v2"
	"testing"
)

// phold runs the classic PHOLD hold model (Fujimoto 1990): lps logical processes, each starting
// with one pending event; handling an event at LP i schedules one event at a uniformly random
// LP after an exponential(mean 1 s) increment. The queue size stays at lps.
func phold(b *testing.B, lps int) {
	rng := rand.New(rand.NewPCG(1, 2))
	eng := NewEngine()
	for i := 0; i < lps; i++ {
		eng.Schedule(Time(rng.ExpFloat64()*1e6), 0, int32(i), 0)
	}
	// Warm up so the queue reaches its steady-state time distribution.
	for i := 0; i < lps; i++ {
		eng.Next()
		eng.After(Time(rng.ExpFloat64()*1e6)+1, 0, int32(rng.IntN(lps)), 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev, ok := eng.Next()
		if !ok {
			b.Fatal("queue ran dry")
		}
		_ = ev
		eng.After(Time(rng.ExpFloat64()*1e6)+1, 0, int32(rng.IntN(lps)), 0)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mevents/s")
}

func BenchmarkPHOLD10k(b *testing.B)  { phold(b, 10_000) }
func BenchmarkPHOLD100k(b *testing.B) { phold(b, 100_000) }
func BenchmarkPHOLD1M(b *testing.B)   { phold(b, 1_000_000) }
