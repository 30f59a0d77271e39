package dc

import (
	"cmp"
	"slices"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/policy"
	"github.com/dcsim/dcsim/sim"
)

// Backfilling plans in one dimension, CPU (millicores summed over the cluster's hosts that are
// on), as the parallel-job schedulers it models plan in processors; whether a job really starts
// is decided by placement, host by host. On clusters of identical single-purpose nodes (the SWF
// world: one processor per host) the two agree exactly; elsewhere planning ignores memory, GPUs
// and fragmentation. A pass costs O(H + R log R + Q·P): hosts, running tasks, waiting jobs, and
// the profile's steps (conservative only).

// unit is a planning unit at queue position i: a gang's tasks together, or one task.
type unit struct {
	n        int      // queue entries
	cpu      int64    // total CPU, millicores
	estimate sim.Time // planned duration (the user's estimate)
	job      int64
}

func (c *cell) unitAt(q *policy.Backfill, i int) unit {
	e := q.At(i)
	u := unit{n: 1, cpu: e.Demand.CPU, estimate: e.Estimate, job: e.Job}
	if jp := &c.jobs[e.Ref]; jp.gang { // a gang's waiting tasks are consecutive: all that have not started
		u.n = int(jp.ntasks - jp.started)
		u.cpu = int64(u.n) * e.Demand.CPU
	}
	return u
}

// tryStart starts the unit at queue position i if its tasks can be placed now.
func (c *cell) tryStart(q *policy.Backfill, i int, u unit) bool {
	c.gangHost = c.gangHost[:0]
	if c.jobAware != nil {
		c.jobAware.ForJob(u.job)
	}
	for k := 0; k < u.n; k++ {
		e := q.At(i + k)
		h := c.placer.Place(e.Demand)
		if h < 0 {
			for j, g := range c.gangHost {
				c.release(g, q.At(i+j).Demand)
			}
			return false
		}
		c.allocate(h, e.Demand)
		c.gangHost = append(c.gangHost, h)
	}
	es := c.bfScratch[:0]
	for k := 0; k < u.n; k++ {
		es = append(es, q.At(i+k))
	}
	q.RemoveRange(i, u.n)
	for k := range es {
		c.startTask(&es[k], c.gangHost[k])
	}
	c.bfScratch = es[:0]
	return true
}

// scheduleBackfill is the scheduling pass of the backfilling disciplines.
func (c *cell) scheduleBackfill(q *policy.Backfill) {
	now := c.eng.Now()
	// The FCFS part: start jobs from the front while they fit. (Conservative backfilling starts
	// jobs only through its plan: a front job that fits now may still run into a later job's
	// earlier reservation.)
	for q.Len() > 0 && q.Mode != policy.BackfillConservative {
		e := q.At(0)
		if c.stale(&e) {
			q.PopFront()
			c.dropped(&e)
			continue
		}
		if !c.tryStart(q, 0, c.unitAt(q, 0)) {
			break
		}
	}
	if q.Len() == 0 {
		return
	}
	if c.fail != nil { // only failures end jobs while they wait
		c.dropStale(q, now)
	}
	switch q.Mode {
	case policy.BackfillConservative:
		c.conservative(q, now)
	default:
		c.easy(q, now)
	}
}

// dropStale removes the entries of jobs that ended (failed) while waiting.
func (c *cell) dropStale(q *policy.Backfill, now sim.Time) {
	for i := 0; i < q.Len(); {
		e := q.At(i)
		if c.stale(&e) {
			q.RemoveRange(i, 1)
			c.dropped(&e)
			continue
		}
		i++
	}
}

// release is one running task's CPU coming back at its estimated end.
type release struct {
	t   sim.Time
	cpu int64
}

// capacityPlan returns the CPU free now and the running tasks' releases sorted by estimated end
// (a task at or past its estimate is expected to end now: its end event may be pending at this
// very instant). A job planned at now whose capacity is not free yet keeps its reservation and
// starts when the capacity comes back.
func (c *cell) capacityPlan(now sim.Time) (int64, []release) {
	var free int64
	for h := range c.hosts {
		if hs := &c.hosts[h]; hs.State == models.HostOn {
			free += hs.Free.CPU
		}
	}
	rel := c.bfRel[:0]
	for ri := range c.run {
		r := &c.run[ri]
		if r.job < 0 {
			continue
		}
		rel = append(rel, release{t: max(r.start+r.estimate, now), cpu: r.demand.CPU})
	}
	slices.SortFunc(rel, func(a, b release) int { return cmp.Compare(a.t, b.t) })
	c.bfRel = rel
	return free, rel
}

// easy backfills behind the blocked front job: see policy.BackfillEASY.
func (c *cell) easy(q *policy.Backfill, now sim.Time) {
	head := c.unitAt(q, 0)
	free, rel := c.capacityPlan(now)
	shadow, avail := sim.MaxTime, free
	if free >= head.cpu {
		shadow = now // enough CPU in total, but fragmented: the head waits for placement
	} else {
		for _, r := range rel {
			avail += r.cpu
			if avail >= head.cpu {
				shadow = r.t
				break
			}
		}
	}
	if c.s.bfHook != nil {
		c.s.bfHook(head.job, shadow)
	}
	extra := avail - head.cpu // CPU the head will not need at the shadow time
	for i := head.n; i < q.Len() && free > 0; {
		u := c.unitAt(q, i)
		before := now+u.estimate <= shadow
		if (before || u.cpu <= extra) && u.cpu <= free && c.tryStart(q, i, u) {
			free -= u.cpu
			if !before {
				extra -= u.cpu
			}
			continue
		}
		i += u.n
	}
}

// step is a piece of the availability profile: free CPU from t until the next step's t.
type step struct {
	t    sim.Time
	free int64
}

// conservative gives every waiting job a reservation in FCFS order and starts those whose
// reservation is now: see policy.BackfillConservative. Reservations persist from pass to pass
// and are compressed (Mu'alem & Feitelson 2001): the profile holds every existing reservation,
// and each job in turn gives its own back and takes the earliest slot that fits, which is never
// later than the one it had. So no job's reservation ever moves later, as long as running jobs
// end by their estimates.
func (c *cell) conservative(q *policy.Backfill, now sim.Time) {
	free, rel := c.capacityPlan(now)
	prof := append(c.bfProf[:0], step{now, free})
	for _, r := range rel {
		if last := &prof[len(prof)-1]; last.t == r.t {
			last.free += r.cpu
		} else {
			prof = append(prof, step{r.t, last.free + r.cpu})
		}
	}
	for i := 0; i < q.Len(); { // the existing reservations
		u := c.unitAt(q, i)
		if jp := &c.jobs[q.At(i).Ref]; jp.resAt >= now {
			prof = reserve(prof, jp.resAt, u.estimate, u.cpu)
		}
		i += u.n
	}
	for i := 0; i < q.Len(); {
		u := c.unitAt(q, i)
		jp := &c.jobs[q.At(i).Ref]
		if jp.resAt >= now {
			prof = reserve(prof, jp.resAt, u.estimate, -u.cpu) // give it back
		}
		t, ok := earliest(prof, u.cpu, u.estimate)
		if !ok { // larger than the whole cluster: it was rejected at submit; nothing to plan
			i += u.n
			continue
		}
		if c.s.bfHook != nil {
			c.s.bfHook(u.job, t)
		}
		jp.resAt = t
		if t == now && u.cpu <= free && c.tryStart(q, i, u) {
			free -= u.cpu
			prof = reserve(prof, now, u.estimate, u.cpu)
			continue
		}
		prof = reserve(prof, t, u.estimate, u.cpu)
		i += u.n
	}
	c.bfProf = prof
}

// earliest is the first step start t at which cpu is free throughout [t, t+d).
func earliest(prof []step, cpu int64, d sim.Time) (sim.Time, bool) {
	for i := range prof {
		if prof[i].free < cpu {
			continue
		}
		end := prof[i].t + d
		ok := true
		for j := i + 1; j < len(prof) && prof[j].t < end; j++ {
			if prof[j].free < cpu {
				ok = false
				break
			}
		}
		if ok {
			return prof[i].t, true
		}
	}
	return 0, false
}

// reserve takes cpu away over [t, t+d), splitting steps at both ends.
func reserve(prof []step, t, d sim.Time, cpu int64) []step {
	end := t + d
	prof = split(prof, t)
	prof = split(prof, end)
	for i := range prof {
		if prof[i].t >= t && prof[i].t < end {
			prof[i].free -= cpu
		}
	}
	return prof
}

// split makes sure a step starts at t (t after the first step).
func split(prof []step, t sim.Time) []step {
	i, found := slices.BinarySearchFunc(prof, t, func(s step, t sim.Time) int { return cmp.Compare(s.t, t) })
	if found || i == 0 {
		return prof
	}
	return slices.Insert(prof, i, step{t, prof[i-1].free})
}
