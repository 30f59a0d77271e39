package network

import (
	"math"
	"slices"
)

// This file holds progressive filling (Bertsekas & Gallager, "Data Networks", 2nd ed., 1992,
// §6.5.2) and its differential form; the package comment states the rule and why it is exact.
//
// Notation. Every flow f has a weight w_f and, in the filling, rate w_f·t at fill level t until
// it freezes at its level ℓ_f. A resource r with capacity C_r saturates at the level T_r where
// Σ_f w_f·min(t, ℓ_f) = C_r and freezes its growing flows there; a flow's level is
// ℓ_f = min(cap_f/w_f, min over its route of T_r). Events are handled in increasing level, ties in
// the fixed order of fillItem.less.
//
// Within a recomputation a resource is either in the region (its load as a function of t is
// recomputed: frozen is the sum of the rates of its frozen flows, slope the sum of the weights of
// its growing flows, so its load is frozen + slope·t) or outside it (its events are the previous
// ones). A flow is untouched (frozen at its previous level below the current one), tracked (not
// recomputed, assumed to grow until its previous level, checked there) or active (recomputed).
//
// Why the result is the full recomputation's. Invariant, for the current level t: (1) every
// flow that is not active has followed its previous trajectory w_f·min(t', ℓ_f) for all t' ≤ t in
// the new filling; (2) every resource outside the region carries only such flows, so its load
// up to t, and hence its events up to t, are the previous ones; (3) every region resource's
// frozen and slope are those of the new filling at t. Initially t is the lowest seed level and
// only seeded resources see changed flows. A non-active flow can leave its previous trajectory
// only by freezing earlier or later than ℓ_f, i.e. (a) a resource on its route saturates below
// ℓ_f — outside the region that would be a previous event, impossible since ℓ_f ≤ T_r, so it is a
// region resource, whose saturation visits all its growing flows; or (b) at ℓ_f no resource on
// its route saturates — checked at its checkpoint, since a tracked flow is on a region resource
// and an untouched one below every region entry level cannot be affected. Either case makes the
// flow active and brings its resources into the region at t, keeping (2) and (3). Hence every
// event of the new filling happens, at the same level, in the replay, and active flows get
// exactly the new filling's levels. Levels equal within the tolerance are treated as equal.
// A previously unsaturated resource crossed by active flows may stay outside the region (it is
// watched) while its load provably stays below capacity: it has no event then, so (2) holds for
// it in the sense that matters — no flow freezes on it — and it enters with its exact state
// from its flows' states before it could saturate.

// orderBand is the relative margin by which the recomputation starts early: a resource joins
// the region orderBand below the level where its events can first differ, and flows whose level
// lies within orderBand below the current level are tracked rather than taken as frozen.
// Starting early is always correct (it only checks more flows); it keeps levels that are equal in
// exact arithmetic but differ by float rounding on the right side of each other.
const orderBand = 1e-9

// near reports whether two levels are equal within the solver's relative tolerance.
func (s *Solver) near(a, b float64) bool {
	if a == b {
		return true
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return false
	}
	return math.Abs(a-b) <= s.tol*math.Max(math.Abs(a), math.Abs(b))
}

// flush recomputes the rates after the changes recorded at time pendUS.
func (s *Solver) flush() {
	if !s.pending {
		return
	}
	s.pending = false
	now := s.pendUS
	s.epoch++
	if s.epoch == 0 { // wrapped: clear every mark once every 2³² recomputations
		for i := range s.res {
			s.res[i].mark = 0
		}
		for i := range s.fh {
			s.fh[i].mark = 0
		}
		s.epoch = 1
	}
	s.cur = 0
	s.region = s.region[:0]
	s.watched = s.watched[:0]
	s.active = s.active[:0]
	for _, r := range s.dirty {
		R := &s.res[r]
		R.dirty = false
		switch {
		case s.mode != Differential:
			s.requestEntry(r, 0)
		case s.deferrable(R):
			// Unsaturated: a departure cannot make it saturate (its load was lowered in
			// release) and an arrival on it is watched below.
		default:
			s.requestEntry(r, R.dirtyLevel)
		}
	}
	s.dirty = s.dirty[:0]
	if s.mode == Full {
		for r := range s.res {
			if len(s.res[r].flows) > 0 {
				s.requestEntry(ResourceID(r), 0)
			}
		}
	}
	for _, slot := range s.newFlows {
		s.fc[slot].newIdx = -1
		f := &s.fh[slot]
		f.mark = s.epoch
		f.state = stActiveGrowing
		s.active = append(s.active, slot)
		if !math.IsInf(f.capLevel, 1) {
			s.h.push(fillItem{key: f.capLevel, rank: rankFlow, tie: uint64(f.id), item: slot, kind: kindCap})
		}
		s.join(slot, 0, true) // its saturated resources were queued at 0 above; the others are watched
	}
	s.newFlows = s.newFlows[:0]

	for s.h.len() > 0 {
		e := s.h.pop()
		if e.key > s.cur {
			s.cur = e.key
		}
		switch e.kind {
		case kindCap:
			if g := &s.fh[e.item]; g.state == stActiveGrowing {
				s.freeze(e.item, g.capLevel, -1)
			}
		case kindCheckpoint:
			s.checkpoint(ResourceID(e.item))
		default:
			if e.rank == rankEntry {
				s.enter(ResourceID(e.item))
			} else {
				s.saturationEvent(ResourceID(e.item), e.key)
			}
		}
	}
	s.commit(now)
}

// requestEntry makes resource r join the region at level (or earlier if already requested).
func (s *Solver) requestEntry(r ResourceID, level float64) {
	R := &s.res[r]
	if R.mark == s.epoch {
		return
	}
	if R.hpos >= 0 {
		if level < s.h.it[R.hpos].key {
			s.h.update(R.hpos, level, rankEntry)
		}
		return
	}
	s.h.push(fillItem{key: level, rank: rankEntry, tie: uint64(r), item: int32(r), kind: kindResource})
}

// enter adds resource r to the region at the current level: its frozen load and growing weight
// are read from the flows' current states, and the flows not yet seen that are still growing at
// this level become tracked, in r's checkpoint list ordered by (previous level, FlowID).
func (s *Solver) enter(r ResourceID) {
	R := &s.res[r]
	R.mark = s.epoch
	R.capChanged = false
	R.sat = false
	R.newLevel = math.Inf(1)
	R.frozen, R.slope, R.nGrow = 0, 0, 0
	if n := len(R.flows); cap(R.grow) < n { // scratch sized once for the flows it carries
		R.grow = make([]int32, 0, n+n/4)
		R.ckpt = make([]int32, 0, n+n/4)
	}
	R.ckpt, R.ckNext, R.grow = R.ckpt[:0], 0, R.grow[:0]
	s.region = append(s.region, r)
	s.stats.FlowsScanned += uint64(len(R.flows))
	band := s.cur * (1 - orderBand)
	fh := s.fh
	for i := range R.flows {
		slot := R.flows[i].slot
		g := &fh[slot]
		if g.mark != s.epoch {
			switch {
			case s.mode != Differential:
				s.activate(slot)
			case g.level >= band:
				g.mark = s.epoch
				g.state = stTrackedGrowing
				R.ckpt = append(R.ckpt, slot)
			default:
				R.frozen += g.rate
				continue
			}
		}
		switch g.state {
		case stTrackedGrowing, stActiveGrowing:
			R.slope += g.weight
			R.nGrow++
			R.grow = append(R.grow, slot)
		case stTrackedFrozen:
			R.frozen += g.rate
		case stActiveFrozen:
			R.frozen += g.weight * g.newLevel
		}
	}
	if len(R.ckpt) > 0 {
		slices.SortFunc(R.ckpt, func(a, b int32) int {
			if fh[a].level != fh[b].level {
				if fh[a].level < fh[b].level {
					return -1
				}
				return 1
			}
			if fh[a].id < fh[b].id {
				return -1
			}
			return 1
		})
		s.pushCheckpoint(r)
	}
	s.touch(r)
}

// pushCheckpoint schedules the first flow of r's checkpoint list that is still tracked and growing.
func (s *Solver) pushCheckpoint(r ResourceID) {
	R := &s.res[r]
	for int(R.ckNext) < len(R.ckpt) {
		g := &s.fh[R.ckpt[R.ckNext]]
		if g.state == stTrackedGrowing {
			s.h.push(fillItem{key: math.Max(g.level, s.cur), rank: rankFlow, tie: uint64(g.id), item: int32(r), kind: kindCheckpoint})
			return
		}
		R.ckNext++
	}
}

// checkpoint handles a tracked flow reaching its previous level: it freezes there as before if
// that is still consistent, or becomes active and keeps growing.
func (s *Solver) checkpoint(r ResourceID) {
	R := &s.res[r]
	slot := R.ckpt[R.ckNext]
	R.ckNext++
	if g := &s.fh[slot]; g.state == stTrackedGrowing {
		if by, ok := s.consistent(slot); ok {
			s.freeze(slot, g.level, by)
		} else {
			s.activate(slot)
		}
	}
	s.pushCheckpoint(r)
}

// activate marks a flow for recomputation, growing from the current level: its cap becomes an
// event and its resources outside the region join it at the current level (or are watched).
func (s *Solver) activate(slot int32) {
	g := &s.fh[slot]
	g.mark = s.epoch
	g.state = stActiveGrowing
	s.active = append(s.active, slot)
	if !math.IsInf(g.capLevel, 1) {
		s.h.push(fillItem{key: math.Max(g.capLevel, s.cur), rank: rankFlow, tie: uint64(g.id), item: slot, kind: kindCap})
	}
	s.join(slot, 0, true)
}

// deferrable reports whether a resource outside the region may stay out of it while recomputed
// flows cross it: it was not saturated (no flow froze on it, so it influenced no level) and its
// capacity did not change. It joins the region only when it could saturate (see watch).
func (s *Solver) deferrable(R *resource) bool {
	return s.mode == Differential && math.IsInf(R.level, 1) && !R.capChanged
}

// join brings the resources of a flow that has just become active into the recomputation: those
// outside the region join it at the current level, or are watched if deferrable. frozen is the
// flow's new rate if it is frozen already; growing tells whether it is still growing.
func (s *Solver) join(slot int32, frozen float64, growing bool) {
	g := &s.fh[slot]
	for _, q := range s.route(slot) {
		Q := &s.res[q]
		if Q.mark == s.epoch {
			continue
		}
		if !s.deferrable(Q) {
			s.requestEntry(q, s.cur)
			continue
		}
		if Q.watchMark != s.epoch {
			Q.watchMark = s.epoch
			Q.wOld, Q.wFrozen, Q.wSlope, Q.wGrow = 0, 0, 0, 0
			s.watched = append(s.watched, q)
		}
		Q.wOld += g.rate // the flow's previous rate (0 for a new flow)
		if growing {
			Q.wSlope += g.weight
			Q.wGrow++
		} else {
			Q.wFrozen += frozen
		}
		s.watch(q)
	}
}

// watch schedules the entry of a deferred resource at a level below which it cannot saturate.
// Flows not recomputed contribute at most their previous rates, so its load at level t is at
// most load − wOld + wFrozen + wSlope·t (recomputed flows: frozen ones at their new rates,
// growing ones at weight·t); it cannot reach its capacity before
// t* = (C − load + wOld − wFrozen)/wSlope. Entering earlier than needed is always correct, so the
// event is only moved earlier, never later; a resource whose recomputed flows have all frozen
// with room to spare never enters.
func (s *Solver) watch(q ResourceID) {
	Q := &s.res[q]
	base := Q.load - Q.wOld + Q.wFrozen
	room := Q.capBps*(1-orderBand) - base
	if Q.wGrow == 0 {
		Q.wSlope = 0
		if room > 0 {
			if Q.hpos >= 0 {
				s.h.remove(Q.hpos)
			}
			return
		}
		s.requestEntry(q, s.cur)
		return
	}
	if Q.wSlope <= 0 { // float residue; enter now rather than trust it
		s.requestEntry(q, s.cur)
		return
	}
	s.requestEntry(q, math.Max(room/Q.wSlope, s.cur))
}

// satLevel is the level at which region resource r saturates if nothing else changes:
// frozen + slope·t = C, t = (C − frozen)/slope (progressive filling, B&G §6.5.2), snapped to its
// previous saturation level when equal to it within the tolerance, and not below the current level.
func (s *Solver) satLevel(R *resource) float64 {
	if R.slope <= 0 { // float residue of many subtractions; recount the growing weight
		R.slope = 0
		for _, slot := range R.grow {
			if g := &s.fh[slot]; g.state == stTrackedGrowing || g.state == stActiveGrowing {
				R.slope += g.weight
			}
		}
	}
	t := (R.capBps - R.frozen) / R.slope
	if s.near(t, R.level) {
		t = R.level
	}
	return math.Max(t, s.cur)
}

// touch refreshes region resource r's saturation event after its frozen load or growing weight
// changed. Freezing a flow only postpones a saturation (the flow froze at or below it), so the
// heap key is lowered eagerly but raised lazily, when the stale event is popped.
func (s *Solver) touch(r ResourceID) {
	R := &s.res[r]
	if R.nGrow == 0 {
		// Full without a saturation event of its own: its last growing flow froze elsewhere
		// exactly when it filled up (a tie). It is saturated at this level.
		if !R.sat && R.frozen >= R.capBps*(1-s.tol) {
			R.sat = true
			R.newLevel = s.cur
		}
		return
	}
	t := s.satLevel(R)
	if R.hpos < 0 {
		s.h.push(fillItem{key: t, rank: rankSaturation, tie: uint64(r), item: int32(r), kind: kindResource})
	} else if t < s.h.it[R.hpos].key {
		s.h.update(R.hpos, t, rankSaturation)
	}
}

// saturationEvent handles a popped saturation event of r: stale if r has no growing flow left or
// saturates later than the key (re-scheduled); otherwise r saturates.
func (s *Solver) saturationEvent(r ResourceID, key float64) {
	R := &s.res[r]
	if R.nGrow == 0 || R.sat {
		return
	}
	t := s.satLevel(R)
	if t > key {
		s.h.push(fillItem{key: t, rank: rankSaturation, tie: uint64(r), item: int32(r), kind: kindResource})
		return
	}
	R.sat = true
	R.newLevel = t
	for i := 0; i < len(R.grow) && R.nGrow > 0; i++ {
		slot := R.grow[i]
		if g := &s.fh[slot]; g.state == stTrackedGrowing || g.state == stActiveGrowing {
			s.freeze(slot, t, int32(r))
		}
	}
}

// freeze stops a growing flow at level lvl, by resource by (-1: its cap). A tracked flow that
// freezes at its previous level stays untouched; one that freezes lower is recomputed and its
// resources outside the region join it.
func (s *Solver) freeze(slot int32, lvl float64, by int32) {
	g := &s.fh[slot]
	if g.hpos >= 0 {
		s.h.remove(g.hpos)
	}
	route := s.route(slot)
	var x float64
	if g.state == stTrackedGrowing {
		if s.near(lvl, g.level) {
			g.state = stTrackedFrozen
			s.fc[slot].bn = by
			x = g.rate
		} else {
			g.state = stActiveFrozen
			g.newLevel, g.newBn = lvl, by
			x = g.weight * lvl
			s.active = append(s.active, slot)
			s.join(slot, x, false)
		}
	} else {
		g.state = stActiveFrozen
		g.newLevel, g.newBn = lvl, by
		x = g.weight * lvl
		for _, q := range route {
			if Q := &s.res[q]; Q.mark != s.epoch && Q.watchMark == s.epoch {
				Q.wFrozen += x
				Q.wGrow--
				Q.wSlope -= g.weight
				s.watch(q)
			}
		}
	}
	for _, q := range route {
		Q := &s.res[q]
		if Q.mark != s.epoch {
			continue
		}
		Q.frozen += x
		Q.nGrow--
		if Q.nGrow == 0 {
			Q.slope = 0
		} else {
			Q.slope -= g.weight
		}
		s.touch(q)
	}
}

// consistent reports whether a tracked flow still freezes at its previous level l: its cap equals
// it, or a resource on its route saturates there in the new filling — inside the region, at the
// level just computed (or about to be, within the tolerance); outside, at its previous level (its
// events are unchanged), unless it is about to join the region.
func (s *Solver) consistent(slot int32) (by int32, ok bool) {
	g := &s.fh[slot]
	l := g.level
	if s.near(g.capLevel, l) {
		return -1, true
	}
	for _, q := range s.route(slot) {
		Q := &s.res[q]
		switch {
		case Q.mark == s.epoch && Q.sat:
			if s.near(Q.newLevel, l) {
				return int32(q), true
			}
		case Q.mark == s.epoch:
			if Q.nGrow > 0 && s.near(s.satLevel(Q), l) {
				return int32(q), true
			}
		case Q.hpos >= 0:
			// Will join the region: its previous events are no longer known to hold.
		default:
			if s.near(Q.level, l) {
				return int32(q), true
			}
		}
	}
	return 0, false
}

// commit installs the new levels: it settles the bytes carried by recomputed resources and the
// bytes left by recomputed flows at now under the old rates, then sets the new rates and
// completion times and sums the resources' new loads.
func (s *Solver) commit(now int64) {
	for _, r := range s.region {
		R := &s.res[r]
		s.settleRes(R, now)
		if R.sat {
			R.level = R.newLevel
		} else {
			R.level = math.Inf(1)
		}
	}
	for _, slot := range s.active {
		g, c := &s.fh[slot], &s.fc[slot]
		lvl := g.newLevel
		if g.state == stActiveGrowing { // unreachable with finite capacities; keep it stalled
			lvl, g.newBn = 0, -1
		}
		c.bn = g.newBn
		if lvl != g.level || c.cpos < 0 {
			s.stats.FlowsChanged++
			s.settle(slot, now)
			g.level = lvl
			g.rate = g.weight * lvl
			c.doneUS = doneTime(now, c.remaining, g.rate)
			s.done.fix(slot)
		}
	}
	// Every flow of a region resource is frozen now, so its frozen sum is its new load: the rates
	// of the flows below its entry level, of the tracked flows and of the recomputed ones.
	for _, r := range s.region {
		R := &s.res[r]
		R.load = R.frozen
		R.sinceSum = 0
	}
	// A watched resource that stayed out of the region changes its load by the difference of
	// its recomputed flows' rates; every 1024 such updates it is summed again exactly, so
	// rounding cannot accumulate.
	for _, r := range s.watched {
		R := &s.res[r]
		if R.mark == s.epoch {
			continue
		}
		s.stats.ResourcesWatched++
		s.settleRes(R, now)
		R.load += R.wFrozen - R.wOld
		if R.sinceSum++; R.sinceSum >= 1024 || R.wGrow != 0 || R.load < 0 {
			load := 0.0
			for _, ref := range R.flows {
				load += s.fh[ref.slot].rate
			}
			R.load, R.sinceSum = load, 0
		}
	}
	s.stats.Recomputations++
	s.stats.FlowsRecomputed += uint64(len(s.active))
	s.stats.ResourcesRecomputed += uint64(len(s.region))
}
