package failure

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/dcsim/dcsim/sim"
)

// Uptime accounts each host's down time exactly, in integer microseconds, from a stream of
// Events. Every host is up at Start. Down time is counted only at or after Start: a down period
// [a, b) contributes max(0, min(b, end) − max(a, start)) µs to a window [start, end).
type Uptime struct {
	start  sim.Time
	last   sim.Time
	since  []sim.Time // when the host went down; valid while down
	down   []bool
	downUS []int64 // completed down time inside the window start, per host
	ndown  int32   // hosts down now
}

// NewUptime returns an accumulator for hosts hosts, all up, over a window starting at start.
func NewUptime(hosts int32, start sim.Time) (*Uptime, error) {
	if hosts <= 0 {
		return nil, fmt.Errorf("failure: uptime: hosts must be > 0, got %d", hosts)
	}
	return &Uptime{start: start, last: math.MinInt64, since: make([]sim.Time, hosts), down: make([]bool, hosts), downUS: make([]int64, hosts)}, nil
}

// Observe applies e. Events must come in non-decreasing time, and each host's events must
// alternate down, up, down, … starting with down (as a Process emits them); anything else is
// an error and leaves the accumulator unchanged. Events before the window's start are allowed.
func (u *Uptime) Observe(e Event) error {
	if e.Host < 0 || int(e.Host) >= len(u.down) {
		return fmt.Errorf("failure: uptime: host %d out of range [0, %d)", e.Host, len(u.down))
	}
	if e.Time < u.last {
		return fmt.Errorf("failure: uptime: event at %d µs is before the previous one at %d µs", int64(e.Time), int64(u.last))
	}
	if e.Up != u.down[e.Host] {
		state := "up"
		if u.down[e.Host] {
			state = "down"
		}
		return fmt.Errorf("failure: uptime: host %d is already %s at %d µs", e.Host, state, int64(e.Time))
	}
	if e.Up {
		a := max(u.since[e.Host], u.start)
		if e.Time > a {
			u.downUS[e.Host] += int64(e.Time - a)
		}
		u.down[e.Host] = false
		u.ndown--
	} else {
		u.since[e.Host] = e.Time
		u.down[e.Host] = true
		u.ndown++
	}
	if e.Time > u.last {
		u.last = e.Time
	}
	return nil
}

// Down reports whether host h is down after the events observed so far.
func (u *Uptime) Down(h int32) bool { return u.down[h] }

// DownNow returns the number of hosts down after the events observed so far.
func (u *Uptime) DownNow() int32 { return u.ndown }

func (u *Uptime) checkEnd(end sim.Time) error {
	if end < u.last {
		return fmt.Errorf("failure: uptime: end %d µs is before the last event at %d µs", int64(end), int64(u.last))
	}
	return nil
}

// HostDownUS returns host h's down time in [start, end) in µs. end must not be before the last
// observed event.
func (u *Uptime) HostDownUS(h int32, end sim.Time) (int64, error) {
	if err := u.checkEnd(end); err != nil {
		return 0, err
	}
	if h < 0 || int(h) >= len(u.down) {
		return 0, fmt.Errorf("failure: uptime: host %d out of range [0, %d)", h, len(u.down))
	}
	return u.hostDown(h, end), nil
}

func (u *Uptime) hostDown(h int32, end sim.Time) int64 {
	d := u.downUS[h]
	if u.down[h] {
		if a := max(u.since[h], u.start); end > a {
			d += int64(end - a)
		}
	}
	return d
}

// Availability returns the fraction of host-time up in [start, end):
//
//	A = 1 − Σ_h down_h / (H × (end − start))
//
// The sum is exact (128-bit integer); only the final division rounds. end must be after start
// and not before the last observed event.
func (u *Uptime) Availability(end sim.Time) (float64, error) {
	if err := u.checkEnd(end); err != nil {
		return 0, err
	}
	if end <= u.start {
		return 0, fmt.Errorf("failure: uptime: end %d µs must be after start %d µs", int64(end), int64(u.start))
	}
	var hi, lo uint64
	for h := range u.down {
		var c uint64
		lo, c = bits.Add64(lo, uint64(u.hostDown(int32(h), end)), 0)
		hi += c
	}
	downHostUS := float64(hi)*0x1p64 + float64(lo)
	totalHostUS := float64(len(u.down)) * float64(uint64(end)-uint64(u.start))
	return 1 - downHostUS/totalHostUS, nil
}

// Availability returns the fraction of host-time up in [0, end) for hosts hosts given their
// events (see Uptime).
func Availability(events []Event, hosts int32, end sim.Time) (float64, error) {
	u, err := NewUptime(hosts, 0)
	if err != nil {
		return 0, err
	}
	for _, e := range events {
		if err := u.Observe(e); err != nil {
			return 0, err
		}
	}
	return u.Availability(end)
}
