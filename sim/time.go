// Package sim is dcsim's discrete-event engine: integer simulated time, small value-struct
// events in a hand-written 4-ary min-heap, deterministic tie-breaking, cheap cancellation and
// per-component random streams. It holds no global state: every Engine is independent, so one
// simulation can be split into partitions that each own an Engine (see docs/architecture.md).
package sim

import (
	"fmt"
	"math"
)

// Time is simulated time in integer microseconds since the start of the run. Time never
// accumulates floating-point error: every event time is an exact integer.
type Time int64

// Durations in simulated time.
const (
	Microsecond Time = 1
	Millisecond      = 1000 * Microsecond
	Second           = 1000 * Millisecond
	Minute           = 60 * Second
	Hour             = 60 * Minute
	Day              = 24 * Hour

	// MaxTime is the largest representable time; it is the horizon of an engine without one.
	MaxTime Time = math.MaxInt64
)

// Seconds returns t in seconds as float64 (exact for |t| < 2^53 µs, about 285 years).
func (t Time) Seconds() float64 { return float64(t) / 1e6 }

// FromSeconds converts seconds to the nearest microsecond.
func FromSeconds(s float64) Time { return Time(math.Round(s * 1e6)) }

func (t Time) String() string {
	if t == MaxTime {
		return "∞"
	}
	return fmt.Sprintf("%.6fs", t.Seconds())
}
