package forecast

import (
	"math"
	"math/rand/v2"
	"testing"
)

// benchSeries is a demand with a daily season of m steps, a slow trend and noise; it is
// computed on the fly so that the benchmark never wraps into a discontinuity.
type benchSeries struct {
	pattern []float64
	noise   []float64
}

func newBenchSeries(m int) *benchSeries {
	r := rand.New(rand.NewPCG(1, 1))
	s := &benchSeries{pattern: make([]float64, m), noise: make([]float64, 4096)}
	for i := range s.pattern {
		s.pattern[i] = 30 * math.Sin(2*math.Pi*float64(i)/float64(m))
	}
	for i := range s.noise {
		s.noise[i] = 2 * r.NormFloat64()
	}
	return s
}

func (s *benchSeries) at(i int) float64 {
	return 200 + 0.001*float64(i) + s.pattern[i%len(s.pattern)] + s.noise[i%len(s.noise)]
}

// benchForecaster times one step — Observe then Forecast(12) — after a warm-up of warm steps;
// ns/op is ns per step, refits amortised.
func benchForecaster(b *testing.B, f Forecaster, m, warm int) {
	s := newBenchSeries(m)
	for i := 0; i < warm; i++ {
		f.Observe(s.at(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	sink := 0.0
	for i := 0; i < b.N; i++ {
		f.Observe(s.at(warm + i))
		mu, sd := f.Forecast(12)
		sink += mu + sd
	}
	b.StopTimer()
	if math.IsNaN(sink) {
		b.Fatal("NaN forecast")
	}
	if hw, ok := f.(*HoltWinters); ok {
		b.ReportMetric(float64(hw.Fits())/float64(warm+b.N)*float64(m), "fits/season")
	}
}

func BenchmarkSeasonalNaive288(b *testing.B) {
	benchForecaster(b, &SeasonalNaive{Period: 288}, 288, 4*288)
}

func BenchmarkHoltWintersFixed288(b *testing.B) {
	benchForecaster(b, &HoltWinters{Period: 288, Alpha: 0.2, Beta: 0.05, Gamma: 0.1}, 288, 4*288)
}

func BenchmarkHoltWintersFitted24(b *testing.B) {
	benchForecaster(b, &HoltWinters{Period: 24}, 24, 4*24)
}

func BenchmarkHoltWintersFitted288(b *testing.B) {
	benchForecaster(b, &HoltWinters{Period: 288}, 288, 4*288)
}

// Fitting on a day (RefitEvery 288) with a 2-season window, the cheapest fitted setting.
func BenchmarkHoltWintersFitted288Window2(b *testing.B) {
	benchForecaster(b, &HoltWinters{Period: 288, Seasons: 2}, 288, 4*288)
}
