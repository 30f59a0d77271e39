package timeseries

import (
	"fmt"
	"math"
	"time"

	"github.com/dcsim/dcsim/sim"
)

// WattMicrosecondsPerKWh is the number of W·µs in one kWh: 1 kWh = 1000 W × 3600 s × 10⁶ µs/s.
const WattMicrosecondsPerKWh = 3.6e12

// Series is a piecewise-constant function of simulated time: value i holds on
// [times[i], times[i+1]); the last value holds for ever after the last timestamp, and the first
// value also holds before the first timestamp. A Series is immutable and safe for concurrent
// reads; each reader that advances monotonically should use its own Cursor.
type Series struct {
	times    []sim.Time // strictly increasing step starts
	values   []float64  // finite, ≥ 0
	relative bool
	start    time.Time // wall-clock instant of simulated time 0 (absolute series)
}

// New returns a series with value values[i] from times[i] on. times must be strictly increasing
// and non-empty, values finite and ≥ 0, of the same length. The slices are copied.
func New(times []sim.Time, values []float64) (*Series, error) {
	if len(times) == 0 || len(times) != len(values) {
		return nil, fmt.Errorf("timeseries: need as many values as times, at least one; got %d times and %d values", len(times), len(values))
	}
	for i := range times {
		if i > 0 && times[i] <= times[i-1] {
			return nil, fmt.Errorf("timeseries: time %d (%d µs) is not after time %d (%d µs)", i, int64(times[i]), i-1, int64(times[i-1]))
		}
		if v := values[i]; math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, fmt.Errorf("timeseries: value %d is %v; values must be finite and ≥ 0", i, v)
		}
	}
	s := &Series{times: append([]sim.Time(nil), times...), values: make([]float64, len(values)), relative: true}
	for i, v := range values {
		s.values[i] = v + 0 // −0 → +0
	}
	return s, nil
}

// Len returns the number of steps.
func (s *Series) Len() int { return len(s.times) }

// Step returns the start time and value of step i, 0 ≤ i < Len().
func (s *Series) Step(i int) (sim.Time, float64) { return s.times[i], s.values[i] }

// Relative reports whether the series' timestamps were seconds from offset 0 (or the series
// was built by New) rather than wall-clock times.
func (s *Series) Relative() bool { return s.relative }

// Start returns the wall-clock instant mapped to simulated time 0, in UTC, for a series parsed
// from absolute timestamps; the zero Time for a relative series.
func (s *Series) Start() time.Time { return s.start }

// step returns the index of the step holding t: the largest i with times[i] ≤ t, or 0 when t
// is before the first timestamp. O(log n).
func (s *Series) step(t sim.Time) int {
	lo, hi := 0, len(s.times) // times[lo−1] ≤ t < times[hi] invariant, with times[−1] = −∞
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.times[m] <= t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return max(lo-1, 0)
}

// At returns the value at t. O(log n).
func (s *Series) At(t sim.Time) float64 { return s.values[s.step(t)] }

// span returns hi − lo as float64 for lo ≤ hi, without overflow even when the difference
// exceeds MaxInt64 (exact below 2⁵³ µs, about 285 years).
func span(lo, hi sim.Time) float64 { return float64(uint64(hi) - uint64(lo)) }

// integrate returns ∫_{t0}^{t1} v(t) dt in value·µs for t0 ≤ t1, starting from i = step(t0),
// and the index of the last step it visited. It sums v_i × |[t0, t1) ∩ step i| over the
// steps overlapping [t0, t1): O(steps).
func (s *Series) integrate(i int, t0, t1 sim.Time) (float64, int) {
	sum, lo := 0.0, t0
	for i+1 < len(s.times) && s.times[i+1] < t1 {
		sum += s.values[i] * span(lo, s.times[i+1])
		lo = s.times[i+1]
		i++
	}
	return sum + s.values[i]*span(lo, t1), i
}

// Integrate returns the exact integral ∫_{t0}^{t1} v(t) dt in value·µs: the sum over the steps
// overlapping [t0, t1) of value × overlap. Only float64 rounding of the products and the sum
// remains. For t1 < t0 it is −Integrate(t1, t0). O(log n + steps overlapped).
func (s *Series) Integrate(t0, t1 sim.Time) float64 {
	if t1 < t0 {
		return -s.Integrate(t1, t0)
	}
	v, _ := s.integrate(s.step(t0), t0, t1)
	return v
}

// WeightedEnergy returns ∫_{t0}^{t1} P·v(t) dt for a constant power of watts over [t0, t1), in
// kWh × (value unit):
//
//	E_v = watts × Integrate(t0, t1) / 3.6·10¹²   (W·µs per kWh)
//
// For a carbon-intensity series in gCO2/kWh the result is grams of CO2; for a price series in
// USD/kWh it is USD. Facility overhead (PUE) is the caller's to apply. A caller with
// piecewise-constant power sums WeightedEnergy over the pieces; it is exact for each piece.
func (s *Series) WeightedEnergy(t0, t1 sim.Time, watts float64) float64 {
	return watts * s.Integrate(t0, t1) / WattMicrosecondsPerKWh
}

// Mean returns the time-weighted mean value over [t0, t1), Integrate(t0, t1) / (t1 − t0), or
// At(t0) when t1 == t0.
func (s *Series) Mean(t0, t1 sim.Time) float64 {
	if t1 == t0 {
		return s.At(t0)
	}
	if t1 < t0 {
		t0, t1 = t1, t0
	}
	return s.Integrate(t0, t1) / span(t0, t1)
}

// Cursor answers queries on a Series whose times mostly advance, as the simulator's per-host
// accounting does, without a binary search each time: a query at or after the previous one
// costs O(1 + log(steps skipped)) (galloping search from the cursor's step), one that goes back
// costs a binary search. Its answers are identical to the Series' methods. The zero Cursor is
// not usable; get one from Series.Cursor. A Cursor is a small value: embed it per host.
type Cursor struct {
	s *Series
	i int // a step index; queries at or after times[i] search forward from it
}

// Cursor returns a cursor positioned at the first step.
func (s *Series) Cursor() Cursor { return Cursor{s: s} }

// seek moves the cursor to step(t) and returns it.
func (c *Cursor) seek(t sim.Time) int {
	s, i := c.s, c.i
	n := len(s.times)
	if t < s.times[i] {
		if i > 0 {
			c.i = s.step(t)
		}
		return c.i
	}
	if i+1 >= n || s.times[i+1] > t {
		return i
	}
	// Gallop: times[lo] ≤ t; double the stride until times[hi] > t or hi ≥ n.
	lo, stride := i+1, 1
	hi := lo + stride
	for hi < n && s.times[hi] <= t {
		lo = hi
		stride *= 2
		hi = lo + stride
	}
	hi = min(hi, n)
	// Largest j in [lo, hi) with times[j] ≤ t.
	for lo+1 < hi {
		m := int(uint(lo+hi) >> 1)
		if s.times[m] <= t {
			lo = m
		} else {
			hi = m
		}
	}
	c.i = lo
	return lo
}

// At returns the value at t, as Series.At.
func (c *Cursor) At(t sim.Time) float64 { return c.s.values[c.seek(t)] }

// Integrate returns ∫_{t0}^{t1} v(t) dt in value·µs, as Series.Integrate, and leaves the
// cursor at the step holding t1 (or just before it), ready for a query starting at t1.
func (c *Cursor) Integrate(t0, t1 sim.Time) float64 {
	if t1 < t0 {
		return -c.Integrate(t1, t0)
	}
	v, i := c.s.integrate(c.seek(t0), t0, t1)
	c.i = i
	return v
}

// WeightedEnergy returns ∫_{t0}^{t1} P·v(t) dt in kWh × (value unit), as Series.WeightedEnergy.
func (c *Cursor) WeightedEnergy(t0, t1 sim.Time, watts float64) float64 {
	return watts * c.Integrate(t0, t1) / WattMicrosecondsPerKWh
}
