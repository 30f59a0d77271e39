package dc

import (
	"fmt"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/failure"
	"github.com/dcsim/dcsim/models/network"
	"github.com/dcsim/dcsim/models/policy"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// FailureDists are a failure process's time between failures and time to repair.
type FailureDists struct{ TBF, TTR failure.Dist }

// failures is a cell's host failure process and its bookkeeping.
type failures struct {
	proc     *failure.Process
	pending  bool               // a failure event is scheduled
	paused   bool               // the chain stopped because the cell had nothing else to do
	next     failure.Event      // the scheduled event
	prev     []models.HostState // per host: its state before it failed
	downAt   []sim.Time         // per host: when it went down, -1 while up
	downUS   int64              // host-µs down, closed intervals
	maxRetry int32
}

// newFailures builds cell c's failure process from the configuration, or returns nil when no
// failures are configured.
func newFailures(c *cell, cfg *Config, cellIdx int32) (*failures, error) {
	fc := failure.Config{Seed: cfg.Seed, Hosts: int32(len(c.hosts)), Horizon: cfg.Horizon}
	if cfg.Fleet != nil {
		fc.Seed = sim.NewStream(cfg.Seed, "failure/cell/"+itoa(int(cellIdx))).Uint64()
	}
	first := int32(0)
	for _, g := range cfg.Groups {
		if g.Failures != nil {
			fc.Groups = append(fc.Groups, failure.Group{Name: g.Name, First: first, Count: int32(g.Count), TBF: g.Failures.TBF, TTR: g.Failures.TTR})
		}
		first += int32(g.Count)
	}
	if r := cfg.RackFailures; r != nil {
		fc.Racks = failure.RackFailures{HostsPerRack: int32(max(cfg.HostsPerRack, 1)), TBF: r.TBF, TTR: r.TTR}
	}
	if cfg.FailureTrace != nil {
		fc.Trace = failure.SliceTrace(cfg.FailureTrace)
	}
	if len(fc.Groups) == 0 && fc.Racks.HostsPerRack == 0 && fc.Trace == nil {
		return nil, nil
	}
	p, err := failure.New(fc)
	if err != nil {
		return nil, fmt.Errorf("failures: %w", err)
	}
	f := &failures{proc: p, prev: make([]models.HostState, len(c.hosts)), downAt: make([]sim.Time, len(c.hosts)),
		maxRetry: int32(cfg.MaxRetries)}
	for h := range f.downAt {
		f.downAt[h] = -1
	}
	return f, nil
}

// scheduleFailure schedules the process's next event, if any.
func (c *cell) scheduleFailure() {
	f := c.fail
	ev, ok := f.proc.Next()
	if !ok {
		if err := f.proc.Err(); err != nil && c.err == nil {
			c.err = fmt.Errorf("%w: failure trace: %v", ErrInput, err)
		}
		return
	}
	f.next, f.pending = ev, true
	c.eng.Schedule(ev.Time, evFailure, ev.Host, 0)
	c.background++
}

// handleFailure applies the scheduled failure event, then schedules the next while the cell has
// other work (pending events or waiting tasks); otherwise the chain pauses and catches up when
// work arrives (catchUpFailures), so that a run without horizon still ends.
func (c *cell) handleFailure(now sim.Time) {
	f := c.fail
	c.background--
	f.pending = false
	c.applyFailure(f.next, now)
	if c.eng.Pending() > c.background || c.queueLen > 0 {
		c.scheduleFailure()
	} else {
		f.paused = true
	}
}

// catchUpFailures applies the events that fell while the chain was paused (the cell was idle:
// no task ran, none waited), up to now, and restarts the chain.
func (c *cell) catchUpFailures(now sim.Time) {
	f := c.fail
	f.paused = false
	for {
		t, ok := f.proc.Peek()
		if !ok || t >= now {
			break
		}
		ev, _ := f.proc.Next()
		c.applyFailure(ev, ev.Time)
	}
	c.scheduleFailure()
}

// applyFailure takes host ev.Host down or brings it back up at now.
func (c *cell) applyFailure(ev failure.Event, now sim.Time) {
	f := c.fail
	h := ev.Host
	hs := &c.hosts[h]
	if !ev.Up {
		c.st.hostFailures++
		f.downAt[h] = now
		for c.hostRun[h] >= 0 {
			c.killTask(c.hostRun[h], now)
		}
		c.advance(h, now)
		f.prev[h] = hs.State
		hs.State = models.HostFailed
		c.acc[h].watts = c.powerOf(h)
		c.placer.Update(h)
		c.schedule() // killed tasks went back to the queue; they may fit elsewhere
		return
	}
	if f.downAt[h] >= 0 {
		f.downUS += int64(now - f.downAt[h])
		f.downAt[h] = -1
	}
	c.advance(h, now)
	hs.State = f.prev[h]
	c.acc[h].watts = c.powerOf(h)
	c.placer.Update(h)
	if hs.Free.Fits(c.blockedDemand) {
		c.releases++
	}
	c.schedule()
}

// killTask kills running task ri at now: its resources are released, the work it did is lost,
// and it goes back to the queue — for a gang, with every other member of the gang, which are
// killed too. A job whose tasks were killed more than the retry limit allows fails instead.
func (c *cell) killTask(ri int32, now sim.Time) {
	ji := c.run[ri].job
	jp := &c.jobs[ji]
	c.st.taskRetries++
	if jp.service > 0 { // a service replica: resubmitted at once, whatever the count
		r := c.run[ri]
		c.serviceEvent(jp, r.index, false)
		c.stopTask(ri, now)
		jp.started--
		c.pushTasks(ji, 1, r.stage, r.demand, r.runtime, now, r.index)
		return
	}
	jp.retries++
	if jp.gang {
		for jp.running >= 0 {
			c.stopTask(jp.running, now)
		}
		jp.started = 0
		jp.start = -1
		if jp.retries > c.fail.maxRetry {
			c.failJob(ji, now)
			return
		}
		c.pushTasks(ji, jp.ntasks, 0, jp.demand, jp.runtime, now, -1)
		return
	}
	r := c.run[ri]
	c.stopTask(ri, now)
	jp.started--
	if jp.retries > c.fail.maxRetry {
		c.failJob(ji, now)
		return
	}
	c.pushTasks(ji, 1, r.stage, r.demand, r.runtime, now, -1)
}

// stopTask ends running task ri without finishing it: its end event is cancelled, its resources
// released and its work counted as lost.
func (c *cell) stopTask(ri int32, now sim.Time) {
	r := c.run[ri]
	if c.usage != nil {
		c.usage.Ended(c.tenantID(c.jobs[r.job].tenant), r.demand)
	}
	if r.phase == phaseCompute {
		c.eng.Cancel(r.end)
	} else {
		if _, err := c.net.solver.Cancel(int64(now), network.FlowID(ri)); err != nil && c.err == nil {
			c.err = err
		}
		c.netWake()
	}
	c.release(r.host, r.demand)
	c.busyTasks--
	c.st.lostCoreUS += float64(r.demand.CPU) / 1000 * float64(now-r.start)
	c.removeRunning(ri)
}

// pushTasks queues n more tasks of job ji (stage si, demand d, run time rt), numbered from
// index (or, if index < 0, as new tasks of the job).
func (c *cell) pushTasks(ji int32, n int32, si int32, d models.Resources, rt sim.Time, now sim.Time, index int32) {
	jp := &c.jobs[ji]
	est := jp.estimate
	if stages := jp.stageList(); stages != nil {
		est = stages[si].estimate
	}
	if est <= 0 {
		est = rt
	}
	for k := int32(0); k < n; k++ {
		i := index + k
		if index < 0 {
			i = jp.enqueued
			jp.enqueued++
		}
		c.push(policy.Entry{Ref: ji, Index: i, Stage: si, Job: jp.id, Priority: jp.priority, Submit: jp.submit,
			Runtime: rt, Estimate: est, Demand: d})
	}
	c.queueChange(now, int(n))
	c.st.tasksArrived += int64(n)
}

// failJob ends job ji as failed: its running tasks are stopped; its queued tasks stay in the
// queue until they reach the front, where schedule drops them (the job is no longer live).
func (c *cell) failJob(ji int32, now sim.Time) {
	jp := &c.jobs[ji]
	for jp.running >= 0 {
		c.stopTask(jp.running, now)
	}
	c.endJob(ji, results.StatusFailed, now)
}

// downUSAt is the host-µs down up to end, counting hosts still down.
func (f *failures) downUSAt(end sim.Time) int64 {
	n := f.downUS
	for _, t := range f.downAt {
		if t >= 0 {
			n += int64(end - t)
		}
	}
	return n
}
