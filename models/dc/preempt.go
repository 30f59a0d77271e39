package dc

import (
	"cmp"
	"slices"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/policy"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// Preemption modes (scheduler.preemption).
const (
	PreemptNone    = "none"    // a waiting task never evicts a running one
	PreemptRequeue = "requeue" // evicted tasks go back to the queue (their work is lost)
	PreemptKill    = "kill"    // evicted tasks end their job as preempted
)

// preemptFor tries to make room for the blocked front task e (of a non-gang job) by evicting
// running tasks of lower priority. It picks the host where the fewest CPU millicores of
// lower-priority work must go (ties: lowest index), evicts there the lowest-priority, most
// recently started tasks first until e fits, and returns the host, or -1 when no host can be
// freed. It scans every host: preemption is for the rare case a high-priority task is blocked.
func (c *cell) preemptFor(e *policy.Entry) int32 {
	best, bestCost := int32(-1), int64(-1)
	for h := range c.hosts {
		hs := &c.hosts[h]
		if hs.State != models.HostOn || !hs.Cap.Fits(e.Demand) {
			continue
		}
		avail, cost := hs.Free, int64(0)
		for ri := c.hostRun[h]; ri >= 0; ri = c.run[ri].hNext {
			r := &c.run[ri]
			if jp := &c.jobs[r.job]; jp.priority < e.Priority && jp.service == 0 && !jp.gang {
				avail = avail.Add(r.demand)
				cost += r.demand.CPU
			}
		}
		if avail.Fits(e.Demand) && (best < 0 || cost < bestCost) {
			best, bestCost = int32(h), cost
		}
	}
	if best < 0 {
		return -1
	}
	var victims []int32
	for ri := c.hostRun[best]; ri >= 0; ri = c.run[ri].hNext {
		if jp := &c.jobs[c.run[ri].job]; jp.priority < e.Priority && jp.service == 0 && !jp.gang {
			victims = append(victims, ri)
		}
	}
	slices.SortFunc(victims, func(a, b int32) int {
		ra, rb := &c.run[a], &c.run[b]
		return cmp.Or(cmp.Compare(c.jobs[ra.job].priority, c.jobs[rb.job].priority), cmp.Compare(rb.start, ra.start), cmp.Compare(a, b))
	})
	now := c.eng.Now()
	for _, ri := range victims {
		if c.hosts[best].Free.Fits(e.Demand) {
			break
		}
		c.preempt(ri, now)
	}
	return best
}

// preempt evicts running task ri: requeued, or its job ends as preempted.
func (c *cell) preempt(ri int32, now sim.Time) {
	r := c.run[ri]
	jp := &c.jobs[r.job]
	jp.preempted = true
	c.st.preemptions++
	c.stopTask(ri, now)
	jp.started--
	if c.s.cfg.Preemption == PreemptKill {
		for jp.running >= 0 {
			c.stopTask(jp.running, now)
		}
		c.endJob(r.job, results.StatusPreempted, now)
		return
	}
	c.pushTasks(r.job, 1, r.stage, r.demand, r.runtime, now, -1)
}
