package network

import (
	"errors"
	"fmt"
	"math"
)

// ResourceID identifies a shared-bandwidth resource of a Solver: one direction of a network link,
// a storage pool's bandwidth, or any other capacity in bytes per second that flows share.
// Resources are numbered 0, 1, 2, … in the order they are added.
type ResourceID int32

// FlowID identifies a flow. The caller chooses it; it must be unique among live flows. Equal
// completion times and equal-level events are ordered by ascending FlowID.
type FlowID uint64

// Mode selects how much of the allocation a change recomputes. All modes give the same rates
// (to within Tolerance); they differ only in cost. See the package comment for the rules.
type Mode uint8

const (
	// Differential (the default) re-runs progressive filling only for the flows whose freeze
	// level actually changes, in level order, leaving every other flow untouched.
	Differential Mode = iota
	// Component recomputes from scratch every flow of the connected component(s) of the
	// flow–resource sharing graph that contain the changed resources.
	Component
	// Full recomputes every flow from scratch after every change (the reference).
	Full
)

func (m Mode) String() string {
	switch m {
	case Differential:
		return "differential"
	case Component:
		return "component"
	case Full:
		return "full"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// DefaultTolerance is the relative tolerance within which a recomputed saturation level is taken
// to equal the previous one. It absorbs float64 rounding (about 1e-16 per operation, summed over
// the flows of a resource), so that rounding noise does not spread a recomputation over flows
// whose exact rates did not change. With it, a resource may carry up to Tolerance·capacity more
// than its capacity and rates differ from a from-scratch computation by about that much.
const DefaultTolerance = 1e-12

// NeverUS is the completion time of a flow whose rate is zero (a zero-capacity resource).
const NeverUS = math.MaxInt64

// Errors returned by the Solver.
var (
	ErrTimeBackwards = errors.New("network: time went backwards")
	ErrUnknownFlow   = errors.New("network: unknown flow")
	ErrDuplicateFlow = errors.New("network: flow id already in use")
	ErrBadResource   = errors.New("network: no such resource")
)

// FlowOptions are the optional parameters of a flow.
type FlowOptions struct {
	// Weight is the flow's share weight in weighted max-min fairness (Bertsekas & Gallager
	// §6.5.2): progressive filling raises every unfrozen flow's rate as Weight·t. 0 means 1.
	Weight float64
	// MaxBytesPerS caps the flow's rate (for example a NIC or a per-flow throttle); 0 means no cap.
	MaxBytesPerS float64
}

// Stats counts the work done by recomputations, cumulatively.
type Stats struct {
	Recomputations      uint64 // number of recomputations (one per batch of changes at one time)
	FlowsRecomputed     uint64 // flows whose rate was recomputed (re-run through progressive filling)
	FlowsChanged        uint64 // flows whose rate changed (new flows included)
	FlowsScanned        uint64 // flow–resource incidences read while recomputing (Σ over recomputed resources of their flow count)
	ResourcesRecomputed uint64 // resources whose saturation level was recomputed (the region)
	ResourcesWatched    uint64 // unsaturated resources crossed by recomputed flows that stayed out of the region
}

type flowRef struct {
	slot int32 // flow slot
	hop  int32 // index of the resource in the flow's route
}

type resource struct {
	capBps    float64 // capacity, bytes/s
	level     float64 // saturation level of the current allocation; +Inf when not saturated
	load      float64 // Σ rates of the flows on it, bytes/s
	carried   float64 // bytes carried up to settledUS
	settledUS int64
	flows     []flowRef

	dirty      bool    // changed since the last recomputation
	dirtyLevel float64 // the level from which its events may differ
	capChanged bool    // its capacity changed since the last recomputation
	sinceSum   int32   // load updates by difference since it was last summed exactly

	// Recomputation scratch, meaningful when mark == Solver.epoch (the resource is in the region).
	mark     uint32
	sat      bool
	nGrow    int32   // growing flows on it
	newLevel float64 // level at which it saturated in this recomputation
	frozen   float64 // Σ rates of its frozen flows, bytes/s
	slope    float64 // Σ weights of its growing flows
	hpos     int32   // position of its entry or saturation event in the fill heap, -1 if none
	grow     []int32 // flows growing when it joined the region (a superset of those still growing)
	ckpt     []int32 // flows it tracks, by (previous level, FlowID); checkpoint events
	ckNext   int32   // next index in ckpt
	ckHpos   int32   // position of its checkpoint event in the fill heap, -1 if none

	// Deferred (watched) unsaturated resource, meaningful when watchMark == Solver.epoch: the
	// recomputed flows on it, as old rates out, new frozen rates in, growing weight.
	watchMark uint32
	wOld      float64
	wFrozen   float64
	wSlope    float64
	wGrow     int32
}

// Flow states during a recomputation (meaningful when flowHot.mark == Solver.epoch).
const (
	stTrackedGrowing uint8 = iota // not recomputed; assumed to freeze at its previous level
	stTrackedFrozen               // not recomputed; froze at its previous level, as before
	stActiveGrowing               // recomputed; still growing
	stActiveFrozen                // recomputed; frozen at newLevel
)

// flowHot is what progressive filling reads of every flow it meets, in one 64-byte cache line
// (recomputations are bound by memory latency, not arithmetic).
type flowHot struct {
	level    float64 // current level: rate = weight·level
	rate     float64 // bytes/s
	weight   float64
	capLevel float64 // rate cap / weight; +Inf if none
	newLevel float64 // level in the running recomputation (active flows)
	id       FlowID
	mark     uint32 // epoch of the recomputation that last saw it
	hpos     int32  // position of its cap event in the fill heap, -1 if none
	newBn    int32
	nhops    uint8 // route length
	state    uint8
}

// flowCold is the rest of a flow's state: time accounting and bookkeeping.
type flowCold struct {
	id        FlowID
	doneUS    int64   // completion time, µs
	remaining float64 // bytes left at settledUS
	settledUS int64
	bn        int32 // resource that froze it; -1 for the cap or an unlinked flow
	newIdx    int32 // index in Solver.newFlows while waiting for its first recomputation; -1 otherwise
	cpos      int32 // position in the completion heap, -1 if none
	live      bool
	linked    bool // on its resources' lists (non-empty route and bytes > 0)
}

// maxHops is the longest route a flow may have.
const maxHops = 255

// Solver shares the capacities of resources among flows by weighted max-min fairness and
// advances flows through simulated time. It is not safe for concurrent use; it never starts
// goroutines and its results depend only on the sequence of calls.
type Solver struct {
	mode Mode
	tol  float64

	res    []resource
	fh     []flowHot
	fc     []flowCold
	routes []ResourceID // flow slot i's route is routes[i·stride : i·stride+nhops]
	rpos   []int32      // rpos[i·stride+k]: index of slot i in res[route[k]].flows
	stride int
	free   []int32
	index  map[FlowID]int32
	live   int
	done   doneHeap

	nowUS    int64
	pending  bool
	pendUS   int64
	dirty    []ResourceID
	newFlows []int32

	epoch   uint32
	cur     float64
	h       fillHeap
	region  []ResourceID
	watched []ResourceID
	active  []int32
	stats   Stats
}

// route returns the route of the flow in slot.
func (s *Solver) route(slot int32) []ResourceID {
	o := int(slot) * s.stride
	return s.routes[o : o+int(s.fh[slot].nhops)]
}

// widen re-lays the route arena with room for routes of n hops.
func (s *Solver) widen(n int) {
	stride := max(n, 2*s.stride, 4)
	routes := make([]ResourceID, len(s.fh)*stride, cap(s.fh)*stride)
	rpos := make([]int32, len(s.fh)*stride, cap(s.fh)*stride)
	for i := range s.fh {
		copy(routes[i*stride:], s.routes[i*s.stride:i*s.stride+int(s.fh[i].nhops)])
		copy(rpos[i*stride:], s.rpos[i*s.stride:i*s.stride+int(s.fh[i].nhops)])
	}
	s.routes, s.rpos, s.stride = routes, rpos, stride
}

// NewSolver returns an empty solver in Differential mode with DefaultTolerance, at time 0.
func NewSolver() *Solver {
	s := &Solver{tol: DefaultTolerance, index: make(map[FlowID]int32), stride: 8}
	s.h.s = s
	s.done.s = s
	return s
}

// SetMode selects the recomputation rule for later changes.
func (s *Solver) SetMode(m Mode) error {
	if m > Full {
		return fmt.Errorf("network: unknown mode %d", m)
	}
	s.flush()
	s.mode = m
	return nil
}

// Mode returns the recomputation rule.
func (s *Solver) Mode() Mode { return s.mode }

// SetTolerance sets the relative tolerance within which a recomputed saturation level is taken
// to equal the previous one (see DefaultTolerance). rel must lie in [0, 0.01]. Larger values
// make recomputations cheaper and rates less exact (by about rel, relative).
func (s *Solver) SetTolerance(rel float64) error {
	if !(rel >= 0 && rel <= 0.01) {
		return fmt.Errorf("network: tolerance %v outside [0, 0.01]", rel)
	}
	s.flush()
	s.tol = rel
	return nil
}

// Stats returns the cumulative work counters.
func (s *Solver) Stats() Stats { s.flush(); return s.stats }

// AddResource adds a resource of the given capacity in bytes per second (finite, ≥ 0; a
// zero capacity stalls the flows that cross it) and returns its id.
func (s *Solver) AddResource(capacityBytesPerS float64) (ResourceID, error) {
	if !(capacityBytesPerS >= 0) || math.IsInf(capacityBytesPerS, 0) {
		return 0, fmt.Errorf("network: resource capacity %v B/s must be finite and ≥ 0", capacityBytesPerS)
	}
	if len(s.res) >= math.MaxInt32 {
		return 0, errors.New("network: too many resources")
	}
	s.res = append(s.res, resource{capBps: capacityBytesPerS, level: math.Inf(1), settledUS: s.nowUS, hpos: -1, ckHpos: -1})
	return ResourceID(len(s.res) - 1), nil
}

// NumResources returns the number of resources.
func (s *Solver) NumResources() int { return len(s.res) }

// NumFlows returns the number of live flows.
func (s *Solver) NumFlows() int { return s.live }

// Capacity returns a resource's capacity in bytes per second.
func (s *Solver) Capacity(r ResourceID) (float64, error) {
	if err := s.checkRes(r); err != nil {
		return 0, err
	}
	return s.res[r].capBps, nil
}

// SetCapacity changes a resource's capacity at time now (for example a degraded storage pool or
// a failed link, capacity 0). Rates are recomputed.
func (s *Solver) SetCapacity(now int64, r ResourceID, capacityBytesPerS float64) error {
	if err := s.checkRes(r); err != nil {
		return err
	}
	if !(capacityBytesPerS >= 0) || math.IsInf(capacityBytesPerS, 0) {
		return fmt.Errorf("network: resource capacity %v B/s must be finite and ≥ 0", capacityBytesPerS)
	}
	if err := s.at(now); err != nil {
		return err
	}
	s.res[r].capBps = capacityBytesPerS
	s.res[r].capChanged = true
	s.markDirty(r, 0)
	return nil
}

func (s *Solver) checkRes(r ResourceID) error {
	if r < 0 || int(r) >= len(s.res) {
		return fmt.Errorf("%w: %d (have %d)", ErrBadResource, r, len(s.res))
	}
	return nil
}

// at moves the solver's clock to now, first recomputing changes recorded at an earlier time.
func (s *Solver) at(now int64) error {
	if now < s.nowUS {
		return fmt.Errorf("%w: %d µs after %d µs", ErrTimeBackwards, now, s.nowUS)
	}
	if s.pending && now != s.pendUS {
		s.flush()
	}
	s.nowUS = now
	return nil
}

func (s *Solver) markDirty(r ResourceID, level float64) {
	R := &s.res[r]
	if !R.dirty {
		R.dirty = true
		R.dirtyLevel = level
		s.dirty = append(s.dirty, r)
	} else if level < R.dirtyLevel {
		R.dirtyLevel = level
	}
	s.pending = true
	s.pendUS = s.nowUS
}

// Start adds a flow of the given size in bytes over route at time now, with weight 1 and no cap.
// See StartWith.
func (s *Solver) Start(now int64, id FlowID, route []ResourceID, bytes float64) error {
	return s.StartWith(now, id, route, bytes, FlowOptions{})
}

// StartWith adds a flow at time now. route lists distinct resources; an empty route (a transfer
// within one host) or bytes == 0 means the flow takes no bandwidth and completes at now. The
// caller applies the route's latency as a delay before calling StartWith (see the package
// comment). Rates are recomputed lazily: changes made at one time are batched into one
// recomputation, run by the next query or by the first change at a later time.
func (s *Solver) StartWith(now int64, id FlowID, route []ResourceID, bytes float64, opt FlowOptions) error {
	if !(bytes >= 0) || math.IsInf(bytes, 0) {
		return fmt.Errorf("network: flow %d: size %v bytes must be finite and ≥ 0", id, bytes)
	}
	w := opt.Weight
	if w == 0 {
		w = 1
	}
	if !(w > 0) || math.IsInf(w, 0) {
		return fmt.Errorf("network: flow %d: weight %v must be finite and > 0", id, opt.Weight)
	}
	if !(opt.MaxBytesPerS >= 0) || math.IsInf(opt.MaxBytesPerS, 0) {
		return fmt.Errorf("network: flow %d: rate cap %v B/s must be finite and ≥ 0 (0: none)", id, opt.MaxBytesPerS)
	}
	if _, ok := s.index[id]; ok {
		return fmt.Errorf("%w: %d", ErrDuplicateFlow, id)
	}
	for i, r := range route {
		if err := s.checkRes(r); err != nil {
			return fmt.Errorf("network: flow %d: route hop %d: %w", id, i, err)
		}
		for _, q := range route[:i] {
			if q == r {
				return fmt.Errorf("network: flow %d: resource %d appears twice in the route", id, r)
			}
		}
	}
	if len(route) > maxHops {
		return fmt.Errorf("network: flow %d: route of %d hops (at most %d)", id, len(route), maxHops)
	}
	if err := s.at(now); err != nil {
		return err
	}
	if len(route) > s.stride {
		s.widen(len(route))
	}
	var slot int32
	if n := len(s.free); n > 0 {
		slot = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		if len(s.fh) >= math.MaxInt32/s.stride {
			return errors.New("network: too many flows")
		}
		s.fh = append(s.fh, flowHot{})
		s.fc = append(s.fc, flowCold{})
		s.routes = append(s.routes, make([]ResourceID, s.stride)...)
		s.rpos = append(s.rpos, make([]int32, s.stride)...)
		slot = int32(len(s.fh) - 1)
	}
	f, c := &s.fh[slot], &s.fc[slot]
	*f = flowHot{weight: w, capLevel: math.Inf(1), id: id, mark: f.mark, hpos: -1, nhops: uint8(len(route))}
	*c = flowCold{id: id, remaining: bytes, settledUS: now, bn: -1, newIdx: -1, cpos: -1, live: true}
	copy(s.routes[int(slot)*s.stride:], route)
	if opt.MaxBytesPerS > 0 {
		f.capLevel = opt.MaxBytesPerS / w
	}
	s.index[id] = slot
	s.live++
	if len(route) == 0 || bytes == 0 {
		f.level, f.rate, c.doneUS = math.Inf(1), math.Inf(1), now
		s.done.fix(slot)
		return nil
	}
	c.linked = true
	c.doneUS = NeverUS
	pos := s.rpos[int(slot)*s.stride:]
	for i, r := range route {
		R := &s.res[r]
		pos[i] = int32(len(R.flows))
		R.flows = append(R.flows, flowRef{slot: slot, hop: int32(i)})
		s.markDirty(r, 0)
	}
	c.newIdx = int32(len(s.newFlows))
	s.newFlows = append(s.newFlows, slot)
	return nil
}

// Cancel removes a live flow at time now and returns the bytes it had left to send.
func (s *Solver) Cancel(now int64, id FlowID) (remainingBytes float64, err error) {
	slot, ok := s.index[id]
	if !ok {
		return 0, fmt.Errorf("%w: %d", ErrUnknownFlow, id)
	}
	if err := s.at(now); err != nil {
		return 0, err
	}
	if s.fc[slot].newIdx < 0 {
		s.settle(slot, now)
	}
	rem := math.Max(s.fc[slot].remaining, 0)
	s.release(slot)
	return rem, nil
}

// release unlinks a flow from its resources, marks them for recomputation and frees its slot.
func (s *Solver) release(slot int32) {
	f, c := &s.fh[slot], &s.fc[slot]
	if c.newIdx >= 0 {
		last := s.newFlows[len(s.newFlows)-1]
		s.newFlows[c.newIdx] = last
		s.fc[last].newIdx = c.newIdx
		s.newFlows = s.newFlows[:len(s.newFlows)-1]
		c.newIdx = -1
	}
	if c.linked {
		pos := s.rpos[int(slot)*s.stride:]
		for i, r := range s.route(slot) {
			R := &s.res[r]
			p := pos[i]
			n := int32(len(R.flows) - 1)
			if p != n {
				moved := R.flows[n]
				R.flows[p] = moved
				s.rpos[int(moved.slot)*s.stride+int(moved.hop)] = p
			}
			R.flows = R.flows[:n]
			s.settleRes(R, s.nowUS)
			if R.load -= f.rate; n == 0 || R.load < 0 { // no rounding residue on an idle resource
				R.load = 0
			}
			R.sinceSum++
			// Nothing on the route saturated below the flow's level, so its resources' events
			// can only differ from there on. R.level ≥ f.level in exact arithmetic; the min and
			// the orderBand margin guard against levels that differ by rounding.
			s.markDirty(r, math.Min(f.level, R.level)*(1-orderBand))
		}
	}
	s.done.remove(slot)
	delete(s.index, c.id)
	c.live, c.linked = false, false
	f.nhops = 0
	s.live--
	s.free = append(s.free, slot)
}

// settleRes brings a resource's carried bytes to time now at its current load.
func (s *Solver) settleRes(R *resource, now int64) {
	if now != R.settledUS {
		R.carried += R.load * float64(now-R.settledUS) / 1e6
		R.settledUS = now
	}
}

// settle brings a flow's remaining bytes to time now at its current rate.
func (s *Solver) settle(slot int32, now int64) {
	c := &s.fc[slot]
	if now != c.settledUS {
		if r := s.fh[slot].rate; r > 0 && !math.IsInf(r, 1) {
			c.remaining -= r * float64(now-c.settledUS) / 1e6
		}
		c.settledUS = now
	}
}

// doneTime returns the first whole microsecond at or after which a flow with remaining bytes at
// rate bytes/s, from now, has sent everything: now + ⌈remaining/rate·10⁶⌉. A quotient that
// exceeds an integer by no more than a relative 1e-13 is float rounding and is not rounded up.
func doneTime(now int64, remaining, rate float64) int64 {
	if remaining <= 0 || math.IsInf(rate, 1) {
		return now
	}
	if !(rate > 0) {
		return NeverUS
	}
	d := remaining / rate * 1e6
	if d >= float64(NeverUS-now) {
		return NeverUS
	}
	f := math.Floor(d)
	if d-f > f*1e-13 {
		f++
	}
	return now + int64(f)
}

// NextCompletion returns the live flow that completes first and its completion time in µs
// (rounded up to a whole µs, so a flow never completes early; ties by FlowID). ok is false when
// no flow will complete (none live, or all stalled on zero-capacity resources).
func (s *Solver) NextCompletion() (id FlowID, atUS int64, ok bool) {
	s.flush()
	if len(s.done.slot) == 0 {
		return 0, 0, false
	}
	c := &s.fc[s.done.slot[0]]
	if c.doneUS == NeverUS {
		return 0, 0, false
	}
	return c.id, c.doneUS, true
}

// Complete removes every flow whose completion time is ≤ now, in (completion time, FlowID) order,
// appends their ids to done and returns it. Flows that complete at the same µs leave together and
// rates are recomputed once per distinct completion time, at that time, so later completion
// times account for the rates freed by earlier ones. Each completed flow's resources are
// credited with exactly its size in CarriedBytes. The caller is expected to call Complete at
// each NextCompletion time; a flow whose time has already passed (because the clock was moved
// beyond it by another call) is completed at the solver's current time.
func (s *Solver) Complete(now int64, done []FlowID) ([]FlowID, error) {
	if now < s.nowUS {
		return done, fmt.Errorf("%w: %d µs after %d µs", ErrTimeBackwards, now, s.nowUS)
	}
	s.flush()
	for len(s.done.slot) > 0 {
		t := s.fc[s.done.slot[0]].doneUS
		if t > now || t == NeverUS {
			break
		}
		if t < s.nowUS {
			t = s.nowUS
		}
		s.nowUS = t
		for len(s.done.slot) > 0 && s.fc[s.done.slot[0]].doneUS <= t {
			slot := s.done.slot[0]
			c := &s.fc[slot]
			done = append(done, c.id)
			if c.linked {
				s.settle(slot, t)
				// The resources integrated rate·time for this flow; credit them with the bytes
				// that time did not account for (or take back the overshoot of the rounding up
				// to a whole µs), so that each carried exactly the flow's size.
				for _, r := range s.route(slot) {
					s.res[r].carried += c.remaining
				}
			}
			s.release(slot)
		}
		s.flush()
	}
	s.nowUS = now
	return done, nil
}

// Rate returns a flow's current rate in bytes per second (+Inf for a flow with an empty route or
// no bytes, which completes at once).
func (s *Solver) Rate(id FlowID) (bytesPerS float64, ok bool) {
	slot, ok := s.index[id]
	if !ok {
		return 0, false
	}
	s.flush()
	return s.fh[slot].rate, true
}

// Remaining returns the bytes a flow has left to send at time now (≥ the solver's time).
func (s *Solver) Remaining(now int64, id FlowID) (float64, error) {
	slot, ok := s.index[id]
	if !ok {
		return 0, fmt.Errorf("%w: %d", ErrUnknownFlow, id)
	}
	if now < s.nowUS {
		return 0, fmt.Errorf("%w: %d µs after %d µs", ErrTimeBackwards, now, s.nowUS)
	}
	s.flush()
	c := &s.fc[slot]
	if !c.linked {
		return 0, nil
	}
	r := c.remaining - s.fh[slot].rate*float64(now-c.settledUS)/1e6
	return math.Max(r, 0), nil
}

// Bottleneck returns the resource that limits a flow's rate (the saturated resource on which it
// froze in progressive filling). ok is false for a flow held by its own rate cap, an unlinked
// flow, or an unknown id.
func (s *Solver) Bottleneck(id FlowID) (r ResourceID, ok bool) {
	slot, ok := s.index[id]
	if !ok {
		return 0, false
	}
	s.flush()
	b := s.fc[slot].bn
	return ResourceID(b), b >= 0
}

// Load returns the sum of the current rates of the flows on a resource, in bytes per second.
func (s *Solver) Load(r ResourceID) (float64, error) {
	if err := s.checkRes(r); err != nil {
		return 0, err
	}
	s.flush()
	return s.res[r].load, nil
}

// CarriedBytes returns the bytes a resource has carried from time 0 to now (≥ the solver's time):
// the integral of its load, which is piecewise constant between recomputations, so the integral
// is an exact sum of load·Δt. A completed flow contributes exactly its size. The utilization of
// a resource over [t0, t1] is (CarriedBytes(t1) − CarriedBytes(t0)) / (capacity · (t1 − t0)).
func (s *Solver) CarriedBytes(now int64, r ResourceID) (float64, error) {
	if err := s.checkRes(r); err != nil {
		return 0, err
	}
	if now < s.nowUS {
		return 0, fmt.Errorf("%w: %d µs after %d µs", ErrTimeBackwards, now, s.nowUS)
	}
	s.flush()
	R := &s.res[r]
	return R.carried + R.load*float64(now-R.settledUS)/1e6, nil
}

// Saturated reports whether a resource is a bottleneck of the current allocation (progressive
// filling saturated it) and its fill level: the rate per unit weight of the flows it limits.
func (s *Solver) Saturated(r ResourceID) (level float64, saturated bool, err error) {
	if err := s.checkRes(r); err != nil {
		return 0, false, err
	}
	s.flush()
	l := s.res[r].level
	return l, !math.IsInf(l, 1), nil
}
