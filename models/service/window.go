package service

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/dcsim/dcsim/sim"
)

// WindowRow is the statistics of one window [StartUS, EndUS) of one service. A request counts as
// an arrival in the window of its arrival, as completed (with its latency) in the window of its
// completion, and as dropped in the window of its drop.
type WindowRow struct {
	Service        string
	StartUS        sim.Time
	EndUS          sim.Time
	Arrivals       int64
	Completed      int64
	Dropped        int64   // queue full or no replica up, at arrival or at re-dispatch
	ThroughputPerS float64 // Completed / window length
	// Latency = completion − arrival (µs) of the requests completed in the window: the mean and
	// the exact nearest-rank percentiles (see percentileRank). All zero when Completed = 0.
	MeanUS        float64
	P50US         int64
	P95US         int64
	P99US         int64
	MaxUS         int64
	ReplicasUp    int   // replicas up at the end (a change at EndUS itself belongs to the next window)
	MinReplicasUp int   // fewest replicas up at any time in the window
	InFlight      int64 // requests in service or waiting at EndUS
	// SLOViolated: an SLO is set and P99US > Config.SLOP99US, or requests were dropped in the
	// window and none completed (an outage cannot meet a latency SLO).
	SLOViolated bool
}

// Totals is the whole run so far, the current (unfinished) window included except for the SLO
// fields, which count closed windows only. Arrivals = Completed + Dropped + InFlight.
type Totals struct {
	Arrivals         int64
	Completed        int64
	Dropped          int64 // DroppedQueueFull + DroppedNoReplica
	DroppedQueueFull int64 // the chosen replica's queue was full
	DroppedNoReplica int64 // no replica was up
	Redispatched     int64 // re-dispatches after SetReplicaDown (a request may count several times)
	InFlight         int64 // in service or waiting now
	MeanLatencyUS    float64
	MaxLatencyUS     int64
	Windows          int64 // closed windows
	SLOViolations    int64 // closed windows with SLOViolated
	// SLOViolationMinutes is the total length of the violating windows, in minutes.
	SLOViolationMinutes float64
}

// percentileRank is the 1-based nearest-rank index of the p-th percentile (0 < p ≤ 100) of n ≥ 1
// values: ⌈p·n/100⌉, the smallest rank r such that at least p% of the values are ≤ the r-th
// smallest (the nearest-rank definition; Hyndman & Fan, "Sample quantiles in statistical
// packages", The American Statistician 50(4), 1996, definition 1, the inverse of the empirical
// distribution function). Integer arithmetic, exact.
func percentileRank(p, n int) int { return (p*n + 99) / 100 }

// closeWindow closes the current window at end (its natural end, or Now for Finish) and opens
// the next one.
func (s *Sim) closeWindow(end int64) {
	row := WindowRow{
		Service:       s.cfg.Name,
		StartUS:       sim.Time(s.winStart),
		EndUS:         sim.Time(end),
		Arrivals:      s.wArr,
		Completed:     int64(len(s.lat)),
		Dropped:       s.wDropFull + s.wDropNone,
		ReplicasUp:    s.upCount,
		MinReplicasUp: s.wMinUp,
	}
	if d := end - s.winStart; d > 0 {
		row.ThroughputPerS = float64(row.Completed) / (float64(d) / 1e6)
	}
	if n := len(s.lat); n > 0 {
		row.MeanUS = float64(s.wSum) / float64(n)
		row.MaxUS = s.wMax
		// Three nested selections: after selecting index k, a[k:] holds the n − k largest
		// values, so the higher ranks are selected in that suffix (about 2n comparisons in all).
		// Each value is read before the next selection reorders the suffix.
		k50, k95, k99 := percentileRank(50, n)-1, percentileRank(95, n)-1, percentileRank(99, n)-1
		a := s.lat
		selectNth(a, k50)
		row.P50US = a[k50]
		selectNth(a[k50:], k95-k50)
		row.P95US = a[k95]
		selectNth(a[k95:], k99-k95)
		row.P99US = a[k99]
	}
	if slo := int64(s.cfg.SLOP99US); slo > 0 {
		row.SLOViolated = (row.Completed > 0 && row.P99US > slo) || (row.Completed == 0 && row.Dropped > 0)
	}

	t := &s.tot
	t.Arrivals += s.wArr
	t.Completed += row.Completed
	t.DroppedQueueFull += s.wDropFull
	t.DroppedNoReplica += s.wDropNone
	t.Dropped = t.DroppedQueueFull + t.DroppedNoReplica
	t.Redispatched += s.wRedispatch
	t.InFlight = t.Arrivals - t.Completed - t.Dropped
	if row.Completed > 0 {
		// Mean of the window means weighted by counts: exact up to float64 rounding.
		t.MeanLatencyUS += (float64(s.wSum) - float64(row.Completed)*t.MeanLatencyUS) / float64(t.Completed)
		t.MaxLatencyUS = max(t.MaxLatencyUS, s.wMax)
	}
	t.Windows++
	if row.SLOViolated {
		t.SLOViolations++
		t.SLOViolationMinutes += float64(end-s.winStart) / float64(sim.Minute)
	}
	row.InFlight = t.InFlight
	s.rows = append(s.rows, row)

	s.winStart = end
	s.winEnd = addSat(end, int64(s.cfg.Window))
	s.wArr, s.wDropFull, s.wDropNone, s.wRedispatch, s.wSum, s.wMax = 0, 0, 0, 0, 0, 0
	s.wMinUp = s.upCount
	s.lat = s.lat[:0]
}

// Windows returns the windows closed since the previous call, in time order, as a new slice the
// caller owns (nil if none).
func (s *Sim) Windows() []WindowRow {
	if len(s.rows) == 0 {
		return nil
	}
	out := slices.Clone(s.rows)
	clear(s.rows)
	s.rows = s.rows[:0]
	return out
}

// Finish closes the current window at Now, if it has begun (a partial last window, whose
// EndUS is Now), and ends the run: RunUntil and the replica methods then return errors.
func (s *Sim) Finish() error {
	if s.finished {
		return fmt.Errorf("service %q: Finish called twice", s.cfg.Name)
	}
	if s.now > s.winStart {
		s.closeWindow(s.now)
	}
	s.finished = true
	return nil
}

// Totals returns the run's totals so far.
func (s *Sim) Totals() Totals {
	t := s.tot
	t.Arrivals += s.wArr
	n := int64(len(s.lat))
	if n > 0 {
		t.MeanLatencyUS += (float64(s.wSum) - float64(n)*t.MeanLatencyUS) / float64(t.Completed+n)
		t.MaxLatencyUS = max(t.MaxLatencyUS, s.wMax)
	}
	t.Completed += n
	t.DroppedQueueFull += s.wDropFull
	t.DroppedNoReplica += s.wDropNone
	t.Dropped = t.DroppedQueueFull + t.DroppedNoReplica
	t.Redispatched += s.wRedispatch
	t.InFlight = t.Arrivals - t.Completed - t.Dropped
	return t
}

// selectNth reorders a so that a[k] is the value a sorted copy would hold at index k, with
// a[:k] ≤ a[k] ≤ a[k+1:]. It is the selection algorithm of R. W. Floyd & R. L. Rivest,
// "Algorithm 489: The algorithm SELECT — for finding the ith smallest of n elements", CACM
// 18(3), 1975: on ranges longer than 600 it first selects within a small random-free sample
// window around the expected position, so the partition pivot is nearly exact and the expected
// cost is n + min(k, n − k) + o(n) comparisons. Like introselect (D. R. Musser, "Introspective
// sorting and selection algorithms", Software: Practice and Experience 27(8), 1997) it sorts the
// remaining range after too many rounds, so the worst case is O(n log n). The selected value is
// exact whatever the pivots; only the order of the other elements depends on them.
func selectNth(a []int64, k int) {
	if k < 0 || k >= len(a) {
		return
	}
	frSelect(a, 0, len(a)-1, k, 4*bits.Len(uint(len(a)))+8)
}

func frSelect(a []int64, left, right, k, budget int) {
	for right > left {
		if budget == 0 {
			slices.Sort(a[left : right+1])
			return
		}
		budget--
		if right-left > 600 {
			n := float64(right - left + 1)
			i := float64(k - left + 1)
			z := math.Log(n)
			sz := 0.5 * math.Exp(2*z/3)
			sd := 0.5 * math.Sqrt(z*sz*(n-sz)/n)
			if i < n/2 {
				sd = -sd
			}
			nl := max(left, int(float64(k)-i*sz/n+sd))
			nr := min(right, int(float64(k)+(n-i)*sz/n+sd))
			frSelect(a, nl, nr, k, budget)
		}
		t := a[k]
		i, j := left, right
		a[left], a[k] = a[k], a[left]
		if a[right] > t {
			a[right], a[left] = a[left], a[right]
		}
		for i < j {
			a[i], a[j] = a[j], a[i]
			i++
			j--
			for a[i] < t {
				i++
			}
			for a[j] > t {
				j--
			}
		}
		if a[left] == t {
			a[left], a[j] = a[j], a[left]
		} else {
			j++
			a[j], a[right] = a[right], a[j]
		}
		if j <= k {
			left = j + 1
		}
		if k <= j {
			right = j - 1
		}
	}
}
