package dc

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/policy"
	"github.com/dcsim/dcsim/models/policy/external"
)

// ExternalConfig makes a separate process the scheduler (scheduler.external): at every
// scheduling point it is told what changed and answers which waiting tasks start on which hosts.
// The protocol is docs/external-policies.md; the process is run by models/policy/external.
type ExternalConfig struct {
	Command []string      // program and arguments
	Dir     string        // working directory: the scenario file's folder ("" = the current one)
	Timeout time.Duration // wall-clock limit for each reply; never changes results
}

// Semantics (docs/external-policies.md has the user's version):
//
//   - A scheduling point is every scheduling pass of the cell — after each arrival, task end,
//     host repair or boot, as for the built-in disciplines — at which at least one task waits.
//     The message carries what changed since the previous message: tasks that arrived, tasks
//     that left without a decision (their job failed), hosts whose free capacity or state changed.
//   - The reply's starts are carried out in order, at the scheduling point's time. Each must
//     name a waiting task (by id) and a host that is on and has its demand free after the
//     earlier starts of the reply; a rigid (gang) job's waiting tasks must all start, as
//     consecutive starts of one reply (they are allocated in order, then started together, as
//     the built-in gang start does). Anything else fails the run, naming the decision.
//   - Tasks the policy never starts wait until the run ends — at the horizon, or without one
//     when no events remain (a waiting task is no event) — and their jobs end unfinished.
//
// extPolicy stands in for both the queue discipline (it holds the waiting tasks) and the placer
// (Update tells it which hosts changed), so the cell's other code paths need no hook.
type extPolicy struct {
	cfg      ExternalConfig
	proc     *external.Process
	ents     []extEntry      // waiting tasks (slab, in slot order)
	freeEnts []int32         // free slots of ents
	byID     map[int64]int32 // waiting task id → slot
	nextID   int64           // the next task id (ids start at 1 and are never reused)
	arrived  []int64         // ids pushed since the last message
	removed  []int64         // ids sent in a message and dropped since
	dirty    []int32         // hosts changed since the last message
	isDirty  []bool
	msg      external.Schedule
	dec      []external.Decision
	inReply  map[int64]int // task id → its index in the current reply
	pend     []pendStart   // a gang's starts, allocated and not yet started
	failed   int64         // c.st.failed when stale entries were last dropped
}

type extEntry struct {
	e    policy.Entry
	id   int64
	live bool
}

type pendStart struct {
	e policy.Entry
	h int32
	i int // index in the reply
}

func newExtPolicy(cfg *ExternalConfig) *extPolicy {
	return &extPolicy{cfg: *cfg, byID: map[int64]int32{}, inReply: map[int64]int{}, nextID: 1}
}

// Push queues a waiting task (policy.Queue).
func (x *extPolicy) Push(e policy.Entry) {
	var slot int32
	if n := len(x.freeEnts); n > 0 {
		slot = x.freeEnts[n-1]
		x.freeEnts = x.freeEnts[:n-1]
	} else {
		x.ents = append(x.ents, extEntry{})
		slot = int32(len(x.ents) - 1)
	}
	id := x.nextID
	x.nextID++
	x.ents[slot] = extEntry{e: e, id: id, live: true}
	x.byID[id] = slot
	x.arrived = append(x.arrived, id)
}

// Front, PopFront: the cell never asks (its pass is scheduleExternal).
func (x *extPolicy) Front() (policy.Entry, bool) { return policy.Entry{}, false }
func (x *extPolicy) PopFront()                   {}

// Len is the number of waiting tasks.
func (x *extPolicy) Len() int { return len(x.byID) }

// Init sizes the changed-host set (policy.Placer).
func (x *extPolicy) Init(hosts []models.Host, _ *rand.Rand) {
	x.isDirty = make([]bool, len(hosts))
}

// Place is never asked: the process places.
func (x *extPolicy) Place(models.Resources) int32 { return -1 }

// Update notes that host h changed, for the next message.
func (x *extPolicy) Update(h int32) {
	if !x.isDirty[h] {
		x.isDirty[h] = true
		x.dirty = append(x.dirty, h)
	}
}

// remove takes the task in slot out of the waiting set.
func (x *extPolicy) remove(slot int32) {
	en := &x.ents[slot]
	delete(x.byID, en.id)
	en.live = false
	x.freeEnts = append(x.freeEnts, slot)
}

// extInputError is an external policy's problem: an input error (errors.Is(err, ErrInput), exit
// code 2 in the CLI) — the scenario names the program, so its misbehaviour is the input's —
// whose message is the problem alone (callers add their own "invalid input" where they do).
type extInputError struct{ err error }

func (e extInputError) Error() string        { return e.err.Error() }
func (e extInputError) Unwrap() error        { return e.err }
func (e extInputError) Is(target error) bool { return target == ErrInput }

// checkExternal refuses a run with an external policy that is not allowed or not supported.
func checkExternal(cfg *Config, opt *Options) error {
	cmd := fmt.Sprintf("%q", cfg.External.Command)
	switch {
	case !opt.AllowExec:
		return extInputError{fmt.Errorf("scheduler.external would run the program %s: pass --allow-exec to allow it "+
			"(dcsim never runs a program named in a scenario without it)", cmd)}
	case cfg.Fleet != nil:
		return extInputError{errors.New("scheduler.external runs in a single cluster, not in a fleet")}
	case cfg.Preemption != "" && cfg.Preemption != PreemptNone:
		return extInputError{errors.New("scheduler.external decides every start; scheduler.preemption must be none")}
	}
	return nil
}

// startExternal starts cell c's policy process and greets it with the cluster.
func (s *Sim) startExternal(c *cell) error {
	x := c.ext
	h := &external.Hello{Scenario: s.cfg.Scenario, Seed: s.cfg.Seed, HorizonUS: int64(s.cfg.Horizon)}
	for _, g := range s.cfg.Groups {
		h.Groups = append(h.Groups, external.Group{Name: g.Name, Count: g.Count})
	}
	h.Hosts = make([]external.HostInfo, len(c.hosts))
	for i := range c.hosts {
		hs := &c.hosts[i]
		h.Hosts[i] = external.HostInfo{Index: int32(i), CPU: hs.Cap.CPU, Mem: hs.Cap.Mem, GPU: hs.Cap.GPU,
			Group: hs.Group, Rack: hs.Rack, On: hs.State == models.HostOn}
	}
	proc, err := external.Start(external.Config{Command: x.cfg.Command, Dir: x.cfg.Dir, Timeout: x.cfg.Timeout}, h)
	if err != nil {
		return extInputError{fmt.Errorf("scheduler.external: %w", err)}
	}
	x.proc = proc
	// The hello described every host as it is now (nothing runs yet: free = capacity); later
	// changes go in schedule messages.
	for _, hi := range x.dirty {
		x.isDirty[hi] = false
	}
	x.dirty = x.dirty[:0]
	s.closers = append(s.closers, proc)
	return nil
}

// endExternal tells the policy the run is over at the cell's end time and waits for it to exit.
func (c *cell) endExternal() error {
	if err := c.ext.proc.End(int64(c.eng.Now())); err != nil {
		return extInputError{fmt.Errorf("scheduler.external: %w", err)}
	}
	return nil
}

// scheduleExternal is the scheduling pass with an external policy: one message with what
// changed, one reply with the starts, which are checked and carried out.
func (c *cell) scheduleExternal() {
	x := c.ext
	if c.err != nil || x.proc == nil {
		return
	}
	if c.st.failed != x.failed { // a job failed: its waiting tasks leave
		x.failed = c.st.failed
		x.dropStale(c)
	}
	if len(x.byID) == 0 {
		return // nothing to decide; what changed goes with the next message
	}
	m := &x.msg
	m.TimeUS = int64(c.eng.Now())
	m.Arrived = m.Arrived[:0]
	for _, id := range x.arrived {
		slot, ok := x.byID[id]
		if !ok {
			continue // arrived and left before any message: the policy never hears of it
		}
		e := &x.ents[slot].e
		jp := &c.jobs[e.Ref]
		m.Arrived = append(m.Arrived, external.Task{ID: id, Job: e.Job, Index: e.Index, Tasks: jp.ntasks, Gang: jp.gang,
			CPU: e.Demand.CPU, Mem: e.Demand.Mem, GPU: e.Demand.GPU, SubmitUS: int64(e.Submit), EstimateUS: int64(e.Estimate),
			Priority: e.Priority, Tenant: jp.tenant})
	}
	x.arrived = x.arrived[:0]
	m.Removed = append(m.Removed[:0], x.removed...)
	x.removed = x.removed[:0]
	slices.Sort(x.dirty)
	m.Hosts = m.Hosts[:0]
	for _, h := range x.dirty {
		hs := &c.hosts[h]
		m.Hosts = append(m.Hosts, external.Host{Index: h, CPU: hs.Free.CPU, Mem: hs.Free.Mem, GPU: hs.Free.GPU, On: hs.State == models.HostOn})
		x.isDirty[h] = false
	}
	x.dirty = x.dirty[:0]
	m.Waiting = len(x.byID)
	dec, err := x.proc.Schedule(m, x.dec)
	x.dec = dec
	if err == nil {
		err = c.applyDecisions(dec)
	}
	if err != nil && c.err == nil {
		c.err = extInputError{fmt.Errorf("scheduler.external: %w", err)}
	}
}

// dropStale removes the waiting tasks of jobs that ended (failed) while they waited, in slot
// order (deterministic).
func (x *extPolicy) dropStale(c *cell) {
	for slot := range x.ents {
		en := &x.ents[slot]
		if !en.live || !c.stale(&en.e) {
			continue
		}
		c.dropped(&en.e)
		if slices.Contains(x.arrived, en.id) {
			x.arrived = slices.DeleteFunc(x.arrived, func(id int64) bool { return id == en.id })
		} else {
			x.removed = append(x.removed, en.id)
		}
		x.remove(int32(slot))
	}
}

// applyDecisions checks and carries out a reply's starts, in order.
func (c *cell) applyDecisions(dec []external.Decision) error {
	x := c.ext
	clear(x.inReply)
	x.pend = x.pend[:0]
	bad := func(format string, args ...any) error {
		return x.proc.Fail("invalid decision in the reply to schedule message %d (t = %d µs): %s",
			x.proc.Seq(), int64(c.eng.Now()), fmt.Sprintf(format, args...))
	}
	for i, d := range dec {
		slot, ok := x.byID[d.Task]
		if !ok {
			if j, dup := x.inReply[d.Task]; dup {
				return bad("start[%d]: task %d was already started by start[%d]", i, d.Task, j)
			}
			if d.Task >= 1 && d.Task < x.nextID {
				return bad("start[%d]: task %d is not waiting (it started at an earlier scheduling point, or its job ended)", i, d.Task)
			}
			return bad("start[%d]: unknown task %d (no task has that id)", i, d.Task)
		}
		e := x.ents[slot].e
		if d.Host < 0 || d.Host >= int64(len(c.hosts)) {
			return bad("start[%d] (task %d): host %d does not exist (hosts are 0 to %d)", i, d.Task, d.Host, len(c.hosts)-1)
		}
		h := int32(d.Host)
		hs := &c.hosts[h]
		if hs.State != models.HostOn {
			return bad("start[%d] (task %d): host %d is %s, not on", i, d.Task, h, hs.State)
		}
		if !hs.Free.Fits(e.Demand) {
			return bad("start[%d] (task %d): host %d lacks capacity: the task needs %d millicores, %d bytes, %d GPUs; "+
				"the host has %d, %d, %d free", i, d.Task, h, e.Demand.CPU, e.Demand.Mem, e.Demand.GPU, hs.Free.CPU, hs.Free.Mem, hs.Free.GPU)
		}
		if len(x.pend) > 0 && x.pend[0].e.Ref != e.Ref {
			if err := c.startPending(bad); err != nil {
				return err
			}
		}
		x.inReply[d.Task] = i
		x.remove(slot)
		c.allocate(h, e.Demand)
		if c.jobs[e.Ref].gang {
			x.pend = append(x.pend, pendStart{e: e, h: h, i: i})
			continue
		}
		c.startTask(&e, h)
	}
	if len(x.pend) > 0 {
		return c.startPending(bad)
	}
	return nil
}

// startPending starts the allocated tasks of a rigid job together, if they are all of its
// waiting tasks.
func (c *cell) startPending(bad func(string, ...any) error) error {
	x := c.ext
	p := x.pend
	jp := &c.jobs[p[0].e.Ref]
	if want := int(jp.ntasks - jp.started); len(p) != want {
		return bad("start[%d..%d]: rigid job %d has %d waiting tasks and all must start together, as consecutive starts of one reply; %d do",
			p[0].i, p[len(p)-1].i, jp.id, want, len(p))
	}
	for k := range p {
		c.startTask(&p[k].e, p[k].h)
	}
	x.pend = x.pend[:0]
	return nil
}
