package forecast

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Forecaster predicts a regularly sampled series one value per step.
//
// Observe is called once per step with the value of the step that just ended; Forecast(h)
// returns the mean forecast for the step h steps after the last observed one (h = 1 is the
// step now starting) and the standard deviation of its forecast error. With no observation
// yet, Forecast returns (NaN, NaN). Forecast panics if h < 1. Forecast does not change the
// forecaster's state. Implementations are deterministic and not safe for concurrent use.
type Forecaster interface {
	Observe(y float64)
	Forecast(h int) (mean, sd float64)
}

// Quantile returns the q-quantile of a normal forecast distribution N(mean, sd²), floored at
// 0 because demand is non-negative: max(0, mean + sd·Φ⁻¹(q)), with Φ⁻¹ the standard normal
// quantile function. Provisioning at q = 0.95 covers the demand of a step with probability
// about 0.95 when forecast errors are normal (the assumption behind the prediction intervals
// of Hyndman & Athanasopoulos, FPP3 §5.5 and §8.7). The floor is a clamp, not a quantile of a
// truncated normal. sd = 0 gives max(0, mean) for every q; a NaN mean or sd gives NaN.
// Quantile panics unless 0 < q < 1 and sd ≥ 0 (or NaN).
func Quantile(mean, sd, q float64) float64 {
	if !(q > 0 && q < 1) {
		panic(fmt.Sprintf("forecast: quantile level %v is not in (0, 1)", q))
	}
	if sd < 0 {
		panic(fmt.Sprintf("forecast: negative standard deviation %v", sd))
	}
	v := mean
	if sd != 0 {
		v += sd * distuv.UnitNormal.Quantile(q)
	}
	return max(v, 0)
}

// checkH panics when a forecast horizon is not at least one step.
func checkH(h int) {
	if h < 1 {
		panic(fmt.Sprintf("forecast: horizon %d is not ≥ 1", h))
	}
}

// checkY panics on a non-finite observation.
func checkY(y float64) {
	if math.IsNaN(y) || math.IsInf(y, 0) {
		panic(fmt.Sprintf("forecast: observation %v is not finite", y))
	}
}

// window holds the last len(sq) squared errors and their sum. The running sum is recomputed
// from the stored values each time the ring wraps, so rounding cannot accumulate (O(1)
// amortised per push) and the result depends only on the pushed values.
type window struct {
	sq   []float64
	n    int // number held, ≤ len(sq)
	next int // slot of the next push
	sum  float64
}

func newWindow(capacity int) window { return window{sq: make([]float64, capacity)} }

func (w *window) reset() { w.n, w.next, w.sum = 0, 0, 0 }

func (w *window) push(e float64) {
	e2 := e * e
	if w.n == len(w.sq) {
		w.sum -= w.sq[w.next]
	} else {
		w.n++
	}
	w.sq[w.next] = e2
	w.sum += e2
	w.next++
	if w.next == len(w.sq) {
		w.next = 0
		s := 0.0
		for _, v := range w.sq[:w.n] {
			s += v
		}
		w.sum = s
	}
}

// meanSquare is the mean of the held squared errors (0 when none).
func (w *window) meanSquare() float64 {
	if w.n == 0 {
		return 0
	}
	return max(w.sum, 0) / float64(w.n)
}
