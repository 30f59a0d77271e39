package dc

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/dcsim/dcsim/models/timeseries"
	"github.com/dcsim/dcsim/sim"
)

// Carbon-aware temporal shifting of deferrable batch work (docs/carbon-shifting.md).
//
// A deferrable job may wait up to its source's max delay D after its submission. Under the
// carbon-aware policy a deferrable job arriving at t is held and released to the queue at the
// start s ∈ [t, t + D] that minimizes the mean carbon intensity over [s, s + r), r its run-time
// estimate — the "Let's Wait Awhile" approach (Wiesner, Behnke, Scheinert, Gontarska & Thamsen,
// "Let's Wait Awhile: How Temporal Workload Shifting Can Reduce Carbon Emissions in the Cloud",
// Middleware 2021), with the intensity profile taken as a perfect forecast.

// Shifting policies (Config.Shifting; "" is ShiftNone).
const (
	ShiftNone        = "none"
	ShiftCarbonAware = "carbon-aware"
)

// Deferrable marks a fraction of a source's jobs as deferrable for up to MaxDelay.
type Deferrable struct {
	Fraction float64  // share of the source's jobs, in [0, 1]
	MaxDelay sim.Time // > 0; the zero Deferrable means none
}

// maxShiftEstimate caps a run-time estimate used for shifting (ten years), so that
// submit + max delay + estimate never overflows sim.Time.
const maxShiftEstimate = 10 * 365 * 24 * sim.Hour

// shiftTieTol is the relative tolerance under which two candidate windows count as equally
// clean; the earlier start wins a tie.
const shiftTieTol = 1e-12

// DailySeries returns the carbon-intensity series of a daily profile (cost.carbon_daily): the 24
// hourly values daily[h], value h over hour h of every day, repeated. tod is the time of day of
// simulated time 0 (0 ≤ tod < 24 h: hour 0 begins at time 0 when tod is 0). The series has a
// step at time 0 and at every hour boundary before until; after its last step the last value
// holds (Series' rule), so until should cover the run and the furthest window a shifting
// decision looks at.
func DailySeries(daily []float64, tod time.Duration, until sim.Time) (*timeseries.Series, error) {
	if len(daily) != 24 {
		return nil, fmt.Errorf("a daily profile needs 24 hourly values, got %d", len(daily))
	}
	off := sim.Time(tod / time.Microsecond)
	if off < 0 || off >= 24*sim.Hour {
		return nil, fmt.Errorf("time of day %v is not in [0, 24h)", tod)
	}
	until = max(until, 24*sim.Hour)
	n := int(until/sim.Hour) + 2
	times := make([]sim.Time, 0, n)
	values := make([]float64, 0, n)
	// Hour index of simulated time t: ⌊(off + t) / 1 h⌋ mod 24; the steps after the first start
	// where off + t is a whole hour.
	h := off / sim.Hour
	times, values = append(times, 0), append(values, daily[h])
	for t := (h+1)*sim.Hour - off; t < until+sim.Hour; t += sim.Hour {
		h = (h + 1) % 24
		times, values = append(times, t), append(values, daily[h])
	}
	return timeseries.New(times, values)
}

// firstAfter is the index of the first step of ser that starts after x (Len() if none).
func firstAfter(ser *timeseries.Series, x sim.Time) int {
	lo, hi := 0, ser.Len()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t, _ := ser.Step(m); t <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// bestStart returns the start s ∈ [lo, hi] that minimizes the mean of the piecewise-constant
// intensity v over [s, s + r), r > 0 — the earliest such s (ties within a relative 1e-12).
//
// Why only a few candidates: F(s) = ∫_s^{s+r} v(t) dt has the right derivative
// F'(s) = v(s + r) − v(s), which is constant while neither s nor s + r crosses a change point τ_i
// of v. F is therefore continuous and piecewise linear with kinks only at s = τ_i and
// s = τ_i − r, and on a closed interval it attains its minimum at an end point or a kink; the
// earliest minimizer is the left end of the first interval of minimizers, so also an end point
// or a kink. The candidates are lo, hi and every τ_i and τ_i − r inside (lo, hi), visited in
// increasing order; the mean is F(s)/r with r fixed, so comparing F suffices. Cost:
// O((k + 1)·(log n + steps per window)) for k change points in [lo, hi + r].
func bestStart(ser *timeseries.Series, lo, hi, r sim.Time) sim.Time {
	if hi <= lo {
		return lo
	}
	r = max(r, 1)
	best, bestF := lo, ser.Integrate(lo, lo+r)
	n := ser.Len()
	i, j := firstAfter(ser, lo), firstAfter(ser, lo+r) // next τ > s and next τ − r > s
	for bestF > 0 {
		s := hi
		if i < n {
			if t, _ := ser.Step(i); t < s {
				s = t
			}
		}
		if j < n {
			if t, _ := ser.Step(j); t-r < s {
				s = t - r
			}
		}
		if f := ser.Integrate(s, s+r); f < bestF-bestF*shiftTieTol {
			best, bestF = s, f
		}
		if s >= hi {
			break
		}
		for i < n {
			if t, _ := ser.Step(i); t > s {
				break
			}
			i++
		}
		for j < n {
			if t, _ := ser.Step(j); t-r > s {
				break
			}
			j++
		}
	}
	return best
}

// deferSource marks a fraction of its source's jobs deferrable. Each job draws one uniform
// number from the source's own stream "source/<name>/deferrable" (whether or not it is
// deferrable), so the other quantities' streams are untouched and, for the same seed, the
// deferrable jobs at a smaller fraction are a subset of those at a larger one.
type deferSource struct {
	jobSource
	frac     float64
	maxDelay sim.Time
	meanRT   sim.Time // synthetic sources: the mean of runtime_s, the run-time estimate; 0: per job
	rng      *rand.Rand
}

func newDeferSource(inner jobSource, seed uint64, name string, d Deferrable) *deferSource {
	ds := &deferSource{jobSource: inner, frac: d.Fraction, maxDelay: d.MaxDelay,
		rng: rand.New(sim.NewStream(seed, "source/"+name+"/deferrable"))}
	if s, ok := inner.(*source); ok {
		if m := s.runtime.Mean() * 1e6; m >= 1 && m < float64(maxShiftEstimate) {
			ds.meanRT = sim.Time(math.Round(m))
		}
	}
	return ds
}

func (d *deferSource) draw(now sim.Time, id int64, scratch *[]sim.Time, own bool) jobSpec {
	js := d.jobSource.draw(now, id, scratch, own)
	if d.rng.Float64() < d.frac {
		js.maxDelay = d.maxDelay
		// The run-time estimate: a synthetic source's mean run time (what a user knows in
		// advance); a trace job's requested time (its run time when none is logged); a DAG's
		// critical path.
		est := d.meanRT
		if est <= 0 {
			est = js.estimate
		}
		if est <= 0 {
			est = js.maxRuntime
		}
		js.shiftEst = min(max(est, 1), maxShiftEstimate)
	}
	return js
}

// maxDeferral bounds a source's max delay (a year, as scenarios.MaxDeferral).
const maxDeferral = 365 * 24 * sim.Hour

// wrapDeferrable checks the shifting policy and wraps the sources with deferrable jobs (sources:
// the synthetic sources, then the traces).
func (s *Sim) wrapDeferrable(sources []jobSource) error {
	switch s.cfg.Shifting {
	case "", ShiftNone:
	case ShiftCarbonAware:
		if s.cfg.CarbonSeries == nil {
			return errors.New("carbon-aware shifting needs a carbon-intensity series (cost.carbon_daily or cost.carbon_series)")
		}
	default:
		return fmt.Errorf("unknown shifting policy %q (known: %s, %s)", s.cfg.Shifting, ShiftNone, ShiftCarbonAware)
	}
	nsyn := len(s.cfg.Sources)
	for i := range sources {
		var d Deferrable
		var name string
		if i < nsyn {
			d, name = s.cfg.Sources[i].Deferrable, s.cfg.Sources[i].Name
		} else if k := i - nsyn; k < len(s.cfg.TraceDeferrable) {
			d, name = s.cfg.TraceDeferrable[k], s.cfg.Traces[k].Name
		}
		if d == (Deferrable{}) {
			continue
		}
		if !(d.Fraction >= 0 && d.Fraction <= 1) || d.MaxDelay <= 0 || d.MaxDelay > maxDeferral {
			return fmt.Errorf("source %q: deferrable: need a fraction in [0, 1] and a max delay in (0, 1 year], got %g and %v", name, d.Fraction, d.MaxDelay)
		}
		if d.Fraction == 0 {
			continue
		}
		if s.deferDelay == nil {
			s.deferDelay = make([]sim.Time, len(sources))
		}
		s.deferDelay[i] = d.MaxDelay
		sources[i] = newDeferSource(sources[i], s.cfg.Seed, name, d)
	}
	return nil
}

// shifter holds the deferrable jobs a cell keeps back until their release (carbon-aware
// shifting). Held jobs live in a slab with a free list; each slot keeps its own buffer for the
// run times of multi-task jobs, so holding allocates nothing in the steady state.
type shifter struct {
	ser      *timeseries.Series
	held     []jobSpec // id 0: free slot
	heldMore [][]sim.Time
	free     []int32
}

// arrive takes job js arriving at the cell now: a deferrable job under a shifting policy may be
// held for later; every other job is submitted at once.
func (c *cell) arrive(js *jobSpec, now sim.Time) {
	if js.maxDelay > 0 && c.shift != nil && c.hold(js, now) {
		return
	}
	c.submit(js, now)
}

// hold keeps deferrable job js back until the best start in [now, submit + max delay] and
// reports whether it did (false: the best start is now, or the job can never run and is left
// to submit to reject).
func (c *cell) hold(js *jobSpec, now sim.Time) bool {
	if !c.admits(js) {
		return false
	}
	sh := c.shift
	s := bestStart(sh.ser, now, js.submit+js.maxDelay, js.shiftEst)
	if s <= now {
		return false
	}
	var slot int32
	if n := len(sh.free); n > 0 {
		slot = sh.free[n-1]
		sh.free = sh.free[:n-1]
	} else {
		sh.held = append(sh.held, jobSpec{})
		sh.heldMore = append(sh.heldMore, nil)
		slot = int32(len(sh.held) - 1)
	}
	sh.held[slot] = *js
	if js.more != nil { // the caller's scratch buffer: keep a copy in the slot's own buffer
		sh.heldMore[slot] = append(sh.heldMore[slot][:0], js.more...)
		sh.held[slot].more = sh.heldMore[slot]
	}
	c.eng.Schedule(s, evRelease, 0, int64(slot))
	c.st.shifted++
	c.st.shiftUS += int64(s - now)
	return true
}

// releaseHeld submits the held job in slot at its release time.
func (c *cell) releaseHeld(slot int32, now sim.Time) {
	sh := c.shift
	c.submit(&sh.held[slot], now)
	sh.held[slot] = jobSpec{}
	sh.free = append(sh.free, slot)
}

// finishHeld makes the jobs still held at the run's end jobs of the cell, so that finish writes
// them as unfinished.
func (c *cell) finishHeld() {
	if c.shift == nil {
		return
	}
	for slot := range c.shift.held {
		if js := &c.shift.held[slot]; js.id != 0 {
			c.allocJob(js)
		}
	}
}
