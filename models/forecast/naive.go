package forecast

import (
	"fmt"
	"math"
)

// DefaultSeasons is the history kept, in seasons, when a forecaster's Seasons is 0: the
// window of errors behind SeasonalNaive's standard deviation, and the window HoltWinters
// fits its parameters on.
const DefaultSeasons = 4

// SeasonalNaive forecasts each step by the value observed one season earlier (FPP3 §5.2):
//
//	ŷ_{t+h|t} = y_{t+h−m(k+1)},  k = ⌊(h−1)/m⌋,
//
// that is the last observed value at the same position in the season. Its standard deviation
// is σ_h = σ̂·√(k+1) (FPP3 §5.5, Table 5.2), with σ̂ the root mean square of the seasonal
// differences e_t = y_t − y_{t−m} over the last Seasons·m steps.
//
// Until one full season has been observed it falls back to the naive forecast ŷ = y_t (the
// last value), and until the first seasonal difference exists (observation m+1) the standard
// deviation is that of the naive method, σ̂_naive·√h, with σ̂_naive the root mean square of the
// one-step differences y_t − y_{t−1} seen so far. With one observation the standard deviation
// is 0 (no error seen yet); with none, Forecast returns (NaN, NaN).
//
// Set Period (m ≥ 1; m = 1 is the naive method) and optionally Seasons before the first
// Observe and do not change them afterwards. Memory O((Seasons+1)·m); Observe and Forecast
// are O(1) (amortised). The zero Seasons means DefaultSeasons.
type SeasonalNaive struct {
	Period  int // season length m in steps, ≥ 1
	Seasons int // error window in seasons; 0 means DefaultSeasons

	last    []float64 // last[i mod m] = y_i for the last m observations (0-based i)
	n       int       // observations so far
	errs    window    // seasonal differences y_t − y_{t−m}
	naiveSS float64   // sum of squared one-step differences, used while errs is empty
	naiveN  int
}

var _ Forecaster = (*SeasonalNaive)(nil)

func (s *SeasonalNaive) setup() {
	if s.Period < 1 {
		panic(fmt.Sprintf("forecast: SeasonalNaive.Period %d is not ≥ 1", s.Period))
	}
	if s.Seasons < 0 {
		panic(fmt.Sprintf("forecast: SeasonalNaive.Seasons %d is negative", s.Seasons))
	}
	k := s.Seasons
	if k == 0 {
		k = DefaultSeasons
	}
	s.last = make([]float64, s.Period)
	s.errs = newWindow(k * s.Period)
}

// Observe records the value of the step that just ended. It panics if y is not finite.
func (s *SeasonalNaive) Observe(y float64) {
	checkY(y)
	if s.last == nil {
		s.setup()
	}
	m := s.Period
	slot := s.n % m
	if s.n >= m {
		s.errs.push(y - s.last[slot]) // last[slot] holds y_{n−m}
	} else if s.n > 0 {
		d := y - s.last[(s.n-1)%m]
		s.naiveSS += d * d
		s.naiveN++
	}
	s.last[slot] = y
	s.n++
}

// Forecast returns the forecast h ≥ 1 steps ahead and its standard deviation.
func (s *SeasonalNaive) Forecast(h int) (mean, sd float64) {
	checkH(h)
	if s.n == 0 {
		return math.NaN(), math.NaN()
	}
	m := s.Period
	t := s.n - 1 // index of the last observation
	if s.n < m {
		mean = s.last[t%m]
	} else {
		// t+h−m(k+1) lies in (t−m, t], so its slot holds the latest value at that position.
		mean = s.last[(t+h)%m]
	}
	switch {
	case s.errs.n > 0:
		k := (h - 1) / m
		sd = math.Sqrt(s.errs.meanSquare() * float64(k+1))
	case s.naiveN > 0:
		sd = math.Sqrt(s.naiveSS / float64(s.naiveN) * float64(h))
	}
	return mean, sd
}
