package dc

import (
	"math"
	"slices"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/policy"
	"github.com/dcsim/dcsim/models/timeseries"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// Event kinds.
const (
	evArrival uint32 = iota // A = source index (sources owned by this partition)
	evTaskEnd               // A = host (cell-local), B = running-task slot if the cell tracks running tasks, else job slot | stage<<32
	evSample                // host time-series interval boundary
	evDeliver               // A job dispatched by the router reaches the cell; B = inbox slot
	evDone                  // router: a cell reports a finished job; A = cell, B = its CPU demand (millicores × tasks)
	evFailure               // a host fails or is repaired; A = host (the event is the cell's failure process's next)
	evFlow                  // data transfers complete; B = the network state's epoch when scheduled (stale if it changed)
	evScale                 // a provisioning decision
	evBooted                // a host finished booting; A = host
	evRelease               // a deferrable job held by the shifting policy is released; B = held slot
)

type job struct {
	id         int64
	tenant     string
	demand     models.Resources
	submit     sim.Time
	start      sim.Time
	deadline   sim.Time
	maxRuntime sim.Time
	estimate   sim.Time
	runtime    sim.Time // run time of a uniform job's tasks (for resubmitting a killed gang)
	resAt      sim.Time // conservative backfilling: its reservation, -1 if none
	x          *jobExt  // trace identity, DAG stages, data transfers; nil for plain jobs
	source     int32
	priority   int32
	ntasks     int32
	started    int32
	done       int32
	host       int32
	enqueued   int32 // tasks pushed to the queue so far (DAG jobs: the next task's index)
	running    int32 // head of the job's list of running tasks (slots of cell.run), -1 if none
	retries    int32 // tasks killed by host failures
	service    int32 // service index + 1 for a service's replicas, 0 for batch jobs
	gang       bool
	live       bool
	preempted  bool // one of its tasks was evicted by a higher-priority one (an SLO violation)
	deferrable bool // its SLO allows its source's max delay on top of slo.max_wait
}

// jobExt is what only some jobs have; keeping it out of job keeps the job slab, which every
// task start and end touches, half as large.
type jobExt struct {
	traceJob, traceTask string
	stages              []stage // DAG jobs only
	pool                int32   // storage pool its tasks read and write
	inBytes             float64 // per task, read before it runs
	outBytes            float64 // per task, written after it runs
	overflow            bool    // some of its output did not fit in its pool (an SLO violation)
}

// stageList is the job's DAG stages, nil for other jobs.
func (j *job) stageList() []stage {
	if j.x == nil {
		return nil
	}
	return j.x.stages
}

// moves reports whether the job's tasks read or write data.
func (j *job) moves() bool { return j.x != nil && (j.x.inBytes > 0 || j.x.outBytes > 0) }

// runTask is a running task: its job, stage and host, when it started and its end event. Each
// is on two intrusive lists, its host's and its job's, so a host failure finds the tasks it
// kills and a gang's members are found together.
type runTask struct {
	job, stage, host int32
	index            int32    // the task's index in its job (a service's replica index)
	estimate         sim.Time // planned duration (backfilling)
	pool             int32    // storage pool of its transfers
	phase            uint8
	inBytes          float64
	outBytes         float64
	extra            sim.Time // transfer latency added to its run time
	hPrev, hNext     int32    // host list
	jPrev, jNext     int32    // job list
	start            sim.Time
	runtime          sim.Time
	end              sim.EventID
	demand           models.Resources
}

// stage is a DAG job's task at run time.
type stage struct {
	stageSpec
	done     int32   // instances finished
	waiting  int32   // parents not yet finished
	children []int32 // stages that wait for this one
}

// newJob is the live, not yet started job of spec js.
func newJob(js *jobSpec) job {
	var j job
	initJob(&j, js)
	return j
}

// initJob makes *j the live, not yet started job of spec js, in place (no copy of the record).
func initJob(j *job, js *jobSpec) {
	*j = job{id: js.id, source: js.source, gang: js.gang, tenant: js.tenant, priority: js.priority, ntasks: js.ntasks,
		host: -1, demand: js.demand, submit: js.submit, start: -1, deadline: js.deadline, maxRuntime: js.maxRuntime,
		estimate: js.estimate, live: true, running: -1, runtime: js.runtime0, service: js.service, resAt: -1,
		deferrable: js.maxDelay > 0}
	if js.traceJob == "" && js.traceTask == "" && js.stages == nil && js.inBytes <= 0 && js.outBytes <= 0 {
		return
	}
	x := &jobExt{traceJob: js.traceJob, traceTask: js.traceTask, pool: js.pool, inBytes: js.inBytes, outBytes: js.outBytes}
	j.x = x
	if js.stages != nil {
		x.stages = make([]stage, len(js.stages))
		for i := range js.stages {
			x.stages[i].stageSpec = js.stages[i]
			x.stages[i].waiting = int32(len(js.stages[i].parents))
			for _, p := range js.stages[i].parents {
				x.stages[p].children = append(x.stages[p].children, int32(i))
			}
		}
	}
}

// cpuTotal is the job's CPU demand over all its tasks, millicores.
func (j *job) cpuTotal() int64 {
	stages := j.stageList()
	if stages == nil {
		return j.demand.CPU * int64(j.ntasks)
	}
	var n int64
	for i := range stages {
		n += stages[i].demand.CPU * int64(stages[i].count)
	}
	return n
}

// hostAcc integrates a host's allocation and power exactly between changes.
type hostAcc struct {
	last    sim.Time
	watts   float64
	cpuArea float64 // allocated millicore·µs in the current interval
	memArea float64 // allocated byte·µs
	gpuArea float64
	energyJ float64 // IT energy in the current interval
	carbonG float64 // with a carbon series: IT energy × intensity, grams
	costUSD float64 // with a price series: IT energy × price, USD
	onUS    int64   // provisioned µs in the current interval
}

// stats are a partition's run totals; a run's totals are their merge in partition order.
type stats struct {
	waits         []int64 // waits of started jobs, µs
	submitted     int64
	finished      int64
	rejected      int64
	unfinished    int64
	failed        int64
	preemptions   int64   // tasks evicted for higher-priority ones
	preemptedJobs int64   // jobs ended by preemption (preemption kill)
	movedBytes    float64 // data transferred by tasks
	powerOns      int64
	powerOffs     int64
	underHostH    float64 // provisioning: demand above provisioned capacity, host-hours
	apeSum        float64 // predictive provisioning: Σ |forecast − actual| / actual
	apeN          int64
	writtenRaw    float64 // raw bytes written to pools
	overflowBytes float64 // raw bytes that did not fit
	hostFailures  int64
	taskRetries   int64
	lostCoreUS    float64 // core·µs of work lost to killed tasks
	downUS        int64   // host·µs down
	hostUS        int64   // host·µs in the run (hosts × end)
	sloViolations int64
	bsldSum       float64
	cpuArea       float64
	memArea       float64
	capCPUArea    float64
	capMemArea    float64
	gpuArea       float64
	capGPUArea    float64
	energyJ       float64
	energyUSD     float64 // IT energy × price (per cell price or the price series), before PUE
	carbonG       float64 // with a carbon series: IT energy × intensity, grams, before PUE
	provUSByGroup []int64
	queueArea     float64
	tasksArrived  int64
	tasksStarted  int64
	taskWaitSumUS float64
	shifted       int64 // deferrable jobs held back by the shifting policy
	shiftUS       int64 // their total hold, µs
	events        int64
	end           sim.Time
}

// cell is one cluster: hosts, a queue discipline, a placement policy and an engine. In a
// single-cluster run it is the whole simulation and owns the sources; in a fleet it is one
// partition and receives jobs from the router.
type cell struct {
	_        [64]byte // cells advance on different workers: keep their hot fields on separate cache lines
	s        *Sim
	idx      int32
	hostBase int32 // global id of host 0
	price    float64
	eng      *sim.Engine
	hosts    []models.Host
	acc      []hostAcc
	queue    policy.Queue
	placer   policy.Placer
	maxCap   []models.Resources // per group capacity, for the "can never fit" check
	sources  []jobSource        // single-cluster runs only
	gangHost []int32            // scratch: hosts of a gang being placed
	scratch  []sim.Time

	jobs     []job
	freeJobs []int32
	// Running tasks are tracked only when something must find them again (host failures): it
	// costs about 18% of throughput on a 1M-job run (two intrusive lists per task start and end).
	track     bool
	run       []runTask // running tasks (slab)
	freeRun   []int32
	hostRun   []int32   // per host: head of its running-task list, -1 if none
	inbox     []jobSpec // fleet: dispatched jobs waiting for their delivery time
	freeInbox []int32
	out       *sim.Outbox[fleetMsg] // fleet: set during Advance

	jobSink  JobSink
	hostSink HostSink
	row      results.JobRow
	err      error

	// blocked remembers the queue front that last failed to place (its demand, at
	// releases == blockedAt). Starting tasks only takes capacity away, and a task end changes one
	// host, so the front can only become placeable when a task end leaves its host able to hold
	// it; releases counts exactly those. Until then a scheduling pass costs O(1) instead of a
	// placement search.
	releases      uint64
	blockedDemand models.Resources
	blockedAt     uint64
	blockedRef    int32
	blockedIdx    int32
	queueLen      int
	queueLast     sim.Time
	busyTasks     int
	intervalStart sim.Time
	nextSample    sim.Time
	sampling      bool
	background    int              // pending events that do not keep the run alive (host samples, failures)
	fail          *failures        // nil without failures
	svcEvents     []svcEvent       // replicas placed and killed, in time order
	net           *netState        // nil without network and storage
	bf            *policy.Backfill // backfilling queue, nil otherwise
	ext           *extPolicy       // external policy process (scheduler.external), nil otherwise
	prov          *provisioner     // nil for static provisioning
	provSink      ProvisionSink
	queuedCPU     int64             // CPU of the waiting tasks, millicores
	preempting    bool              // scheduler.preemption is requeue or kill
	usage         policy.UsageAware // a queue that tracks what runs (DRF), nil otherwise
	tenantIDs     map[string]int32  // usage-aware disciplines: tenant numbers
	jobAware      policy.JobAware   // a placer told which job it places for (spread), nil otherwise
	bfScratch     []policy.Entry
	bfRel         []release
	bfProf        []step
	sampled       bool // some interval table is written (hosts, links, storage)
	linkSink      LinkSink
	poolSink      PoolSink
	carbonCur     []timeseries.Cursor // per host, with a carbon series
	priceCur      []timeseries.Cursor // per host, with a price series
	nextJobID     int64               // single-cluster runs: the last job id drawn
	shift         *shifter            // carbon-aware shifting: the held deferrable jobs; nil otherwise
	st            stats
	_             [64]byte
}

func newCell(s *Sim, idx int32, hostBase int32, price float64) (*cell, error) {
	c := &cell{s: s, idx: idx, hostBase: hostBase, price: price, eng: sim.NewEngine(), blockedRef: -1}
	if s.cfg.Horizon > 0 {
		c.eng.SetHorizon(s.cfg.Horizon)
	}
	var err error
	if s.cfg.External != nil { // the process decides: it stands in for the queue and the placer
		c.ext = newExtPolicy(s.cfg.External)
		c.queue, c.placer = c.ext, c.ext
	} else {
		if c.queue, err = policy.NewQueue(s.cfg.Queue); err != nil {
			return nil, err
		}
		if c.placer, err = policy.NewPlacer(s.cfg.Placement); err != nil {
			return nil, err
		}
	}
	perRack := max(s.cfg.HostsPerRack, 1)
	for gi, g := range s.cfg.Groups {
		c.maxCap = append(c.maxCap, g.Cap)
		for i := 0; i < g.Count; i++ {
			st := models.HostOn
			if g.Off {
				st = models.HostOff
			}
			rack := (int(hostBase) + len(c.hosts)) / perRack
			hc := g.Cap // placement capacity: CPU over-committed by the ratio
			hc.CPU = c.placeCPU(g.Cap.CPU)
			c.hosts = append(c.hosts, models.Host{Cap: hc, Free: hc, Group: int32(gi), Rack: int32(rack), State: st})
		}
	}
	c.acc = make([]hostAcc, len(c.hosts))
	c.hostRun = make([]int32, len(c.hosts))
	for h := range c.hostRun {
		c.hostRun[h] = -1
	}
	for h := range c.hosts {
		c.acc[h].watts = c.powerOf(int32(h))
	}
	c.st.provUSByGroup = make([]int64, len(s.cfg.Groups))
	name := "placement/" + s.cfg.Placement
	if s.cfg.Fleet != nil {
		name = "cell/" + itoa(int(idx)) + "/" + name
	}
	c.placer.Init(c.hosts, randFor(s.cfg.Seed, name))
	if s.opt.Hosts != nil || s.opt.Links != nil || s.opt.Pools != nil {
		c.nextSample = s.cfg.HostInterval
		c.sampled = true
	}
	if cs := s.cfg.CarbonSeries; cs != nil {
		c.carbonCur = make([]timeseries.Cursor, len(c.hosts))
		for h := range c.carbonCur {
			c.carbonCur[h] = cs.Cursor()
		}
	}
	if s.cfg.Shifting == ShiftCarbonAware {
		c.shift = &shifter{ser: s.cfg.CarbonSeries}
	}
	if ps := s.cfg.PriceSeries; ps != nil {
		c.priceCur = make([]timeseries.Cursor, len(c.hosts))
		for h := range c.priceCur {
			c.priceCur[h] = ps.Cursor()
		}
	}
	if c.fail, err = newFailures(c, &s.cfg, idx); err != nil {
		return nil, err
	}
	if c.fail != nil {
		c.track = true
		c.scheduleFailure()
	}
	if c.net, err = newNetState(c, &s.cfg); err != nil {
		return nil, err
	}
	if c.net != nil {
		c.track = true
	}
	if c.prov, err = newProvisioner(c, &s.cfg); err != nil {
		return nil, err
	}
	if c.prov != nil {
		c.eng.Schedule(c.prov.cfg.Interval, evScale, 0, 0)
		c.background++
	}
	if s.cfg.Preemption == PreemptRequeue || s.cfg.Preemption == PreemptKill {
		c.preempting, c.track = true, true
	}
	if ja, ok := c.placer.(policy.JobAware); ok {
		c.jobAware = ja
	}
	if u, ok := c.queue.(policy.UsageAware); ok {
		var total models.Resources
		for h := range c.hosts {
			total = total.Add(c.hosts[h].Cap)
		}
		u.SetCapacity(total)
		c.usage = u
	}
	if bf, ok := c.queue.(*policy.Backfill); ok {
		c.bf = bf
		c.track = true // planning needs the running tasks' estimated ends
	}
	return c, nil
}

// placeCPU is the CPU placement may allocate on a host of physical CPU cpu: cpu × the
// over-commit ratio (scheduler.cpu_overcommit, ≥ 1).
func (c *cell) placeCPU(cpu int64) int64 {
	if r := c.s.cfg.CPUOvercommit; r > 1 {
		return int64(math.Round(float64(cpu) * r))
	}
	return cpu
}

// physCPU is host hs's physical CPU, millicores.
func (c *cell) physCPU(hs *models.Host) float64 {
	return float64(c.s.cfg.Groups[hs.Group].Cap.CPU)
}

// slowdown is the run-time factor of a task that starts on host h now (its CPU already
// allocated): with CPU over-commit, tasks share the physical CPU, so one that starts on a host
// whose allocation exceeds its physical CPU runs slower by allocated / physical (processor
// sharing at its start; later arrivals and departures do not change it — a first-order model).
func (c *cell) slowdown(h int32) float64 {
	hs := &c.hosts[h]
	return max(1, float64(hs.Cap.CPU-hs.Free.CPU)/c.physCPU(hs))
}

// capacityFor is how many tasks of demand d the whole cell can hold at once.
func (c *cell) capacityFor(d models.Resources) int64 {
	var n int64
	for gi, m := range c.maxCap {
		per := m.CPU / max(d.CPU, 1)
		if d.Mem > 0 {
			per = min(per, m.Mem/d.Mem)
		}
		if d.GPU > 0 {
			per = min(per, m.GPU/d.GPU)
		}
		n += per * int64(c.s.cfg.Groups[gi].Count)
	}
	return n
}

// admits reports whether the cell can ever run job js: each of its tasks fits some host group,
// and a gang fits the whole cell at once.
func (c *cell) admits(js *jobSpec) bool {
	if js.stages != nil {
		for i := range js.stages {
			if !c.fits(js.stages[i].demand) {
				return false
			}
		}
		return true
	}
	return c.fits(js.demand) && (!js.gang || c.capacityFor(js.demand) >= int64(js.ntasks))
}

// fits reports whether a task of demand d fits some host group of the cell.
func (c *cell) fits(d models.Resources) bool {
	for _, m := range c.maxCap {
		if m.Fits(d) {
			return true
		}
	}
	return false
}

// powerOf is host h's power draw in its current state. Power follows CPU utilization, the
// usual server power model (Fan, Weber & Barroso, ISCA 2007), plus its GPUs' power by allocation
// (power.Curve.GPUWatts); a booting host draws its idle power and a host that is off or failed
// its off power.
func (c *cell) powerOf(h int32) float64 {
	hs := &c.hosts[h]
	cv := &c.s.groups[hs.Group].Curve
	switch hs.State {
	case models.HostOn:
		return cv.Watts(float64(hs.Cap.CPU-hs.Free.CPU)/c.physCPU(hs)) + cv.GPUWatts(hs.Cap.GPU, hs.Cap.GPU-hs.Free.GPU)
	case models.HostBooting:
		return cv.Idle() + cv.GPUWatts(hs.Cap.GPU, 0)
	}
	return cv.Off()
}

// advance integrates host h's allocation and power from its last change up to now.
func (c *cell) advance(h int32, now sim.Time) {
	a := &c.acc[h]
	dt := now - a.last
	if dt <= 0 {
		return
	}
	hs := &c.hosts[h]
	fdt := float64(dt)
	a.cpuArea += float64(hs.Cap.CPU-hs.Free.CPU) * fdt
	a.memArea += float64(hs.Cap.Mem-hs.Free.Mem) * fdt
	a.gpuArea += float64(hs.Cap.GPU-hs.Free.GPU) * fdt
	a.energyJ += a.watts * fdt / 1e6
	if c.carbonCur != nil {
		a.carbonG += c.carbonCur[h].WeightedEnergy(a.last, now, a.watts)
	}
	if c.priceCur != nil {
		a.costUSD += c.priceCur[h].WeightedEnergy(a.last, now, a.watts)
	}
	if hs.Provisioned() {
		a.onUS += int64(dt)
	}
	a.last = now
}

func (c *cell) queueChange(now sim.Time, delta int) {
	c.st.queueArea += float64(c.queueLen) * float64(now-c.queueLast)
	c.queueLast = now
	c.queueLen += delta
}

// handle dispatches one event. A switch, not an interface call per event.
func (c *cell) handle(ev sim.Event) {
	now := ev.Time
	if !c.sampling && c.sampled && ev.Kind != evSample {
		c.catchUpSampling(now)
	}
	if c.fail != nil && c.fail.paused && ev.Kind != evFailure {
		c.catchUpFailures(now)
	}
	switch ev.Kind {
	case evArrival:
		src := c.sources[ev.A]
		c.nextJobID++
		js := src.draw(now, c.nextJobID, &c.scratch, false)
		t, err := src.nextAfter(now)
		if err != nil && c.err == nil {
			c.err = err
		}
		if t >= 0 {
			c.eng.Schedule(t, evArrival, ev.A, 0)
		}
		c.st.submitted++
		c.arrive(&js, now)
	case evDeliver:
		slot := int32(ev.B)
		c.arrive(&c.inbox[slot], now)
		c.inbox[slot] = jobSpec{}
		c.freeInbox = append(c.freeInbox, slot)
	case evTaskEnd:
		if c.track {
			c.computeDone(int32(ev.B))
		} else {
			c.taskEnd(ev.A, int32(ev.B), int32(ev.B>>32))
		}
	case evSample:
		c.background--
		c.flushInterval(now, true)
		c.nextSample = now + c.s.cfg.HostInterval
		if c.eng.Pending() > c.background {
			c.eng.Schedule(c.nextSample, evSample, 0, 0)
			c.background++
		} else {
			c.sampling = false
		}
	case evFailure:
		c.handleFailure(now)
	case evFlow:
		if ev.B == c.net.epoch {
			c.flowsDone(now)
		}
	case evScale:
		c.background--
		c.decide(now)
		c.eng.Schedule(now+c.prov.cfg.Interval, evScale, 0, 0)
		c.background++
	case evBooted:
		c.booted(ev.A, now)
	case evRelease:
		c.releaseHeld(int32(ev.B), now)
	}
}

// catchUpSampling closes the intervals that passed while the cell had no events (sampling stops
// when a cell runs dry, so that a run without horizon ends) and restarts sampling.
func (c *cell) catchUpSampling(now sim.Time) {
	for c.nextSample <= now && c.nextSample > 0 {
		c.flushInterval(c.nextSample, true)
		c.nextSample += c.s.cfg.HostInterval
	}
	c.eng.Schedule(c.nextSample, evSample, 0, 0)
	c.background++
	c.sampling = true
}

// submit admits job js arriving at the cell now.
func (c *cell) submit(js *jobSpec, now sim.Time) {
	ji := c.allocJob(js)
	if !c.admits(js) {
		c.endJob(ji, results.StatusRejected, now)
		return
	}
	if js.stages != nil {
		for si := range js.stages {
			if len(js.stages[si].parents) == 0 {
				c.enqueueStage(ji, int32(si), now)
			}
		}
		c.schedule()
		return
	}
	est := js.estimate
	for k := int32(0); k < js.ntasks; k++ {
		rt := js.runtime(k)
		if js.estimate <= 0 {
			est = rt
		}
		c.push(policy.Entry{Ref: ji, Index: k, Job: js.id, Priority: js.priority, Submit: js.submit, Runtime: rt, Estimate: est, Demand: js.demand})
	}
	c.jobs[ji].enqueued = js.ntasks
	c.queueChange(now, int(js.ntasks))
	c.st.tasksArrived += int64(js.ntasks)
	c.schedule()
}

// enqueueStage queues the instances of stage si of DAG job ji, whose parents have all finished.
func (c *cell) enqueueStage(ji, si int32, now sim.Time) {
	jp := &c.jobs[ji]
	st := &jp.x.stages[si]
	for k := int32(0); k < st.count; k++ {
		c.push(policy.Entry{Ref: ji, Index: jp.enqueued, Stage: si, Job: jp.id, Priority: jp.priority, Submit: jp.submit,
			Runtime: st.runtime, Estimate: st.estimate, Demand: st.demand})
		jp.enqueued++
	}
	c.queueChange(now, int(st.count))
	c.st.tasksArrived += int64(st.count)
}

// schedule starts waiting tasks in the order the queue discipline gives, until the front task
// does not fit anywhere.
func (c *cell) schedule() {
	if c.bf != nil {
		c.scheduleBackfill(c.bf)
		return
	}
	if c.ext != nil {
		c.scheduleExternal()
		return
	}
	for {
		e, ok := c.queue.Front()
		if !ok {
			return
		}
		if e.Ref == c.blockedRef && e.Index == c.blockedIdx && c.releases == c.blockedAt {
			return
		}
		if c.stale(&e) {
			c.queue.PopFront()
			c.dropped(&e)
			continue
		}
		if c.jobs[e.Ref].gang {
			if !c.startGang(&e) {
				c.blockedRef, c.blockedIdx, c.blockedAt, c.blockedDemand = e.Ref, e.Index, c.releases, e.Demand
				return
			}
			continue
		}
		if c.jobAware != nil {
			c.jobAware.ForJob(e.Job)
		}
		h := c.placer.Place(e.Demand)
		if h < 0 && c.preempting {
			h = c.preemptFor(&e)
		}
		if h < 0 {
			c.blockedRef, c.blockedIdx, c.blockedAt, c.blockedDemand = e.Ref, e.Index, c.releases, e.Demand
			return
		}
		c.queue.PopFront()
		c.allocate(h, e.Demand)
		c.startTask(&e, h)
	}
}

// startGang starts all tasks of the rigid job at the queue's front together, or none: it places
// them one by one, allocating as it goes, and undoes the allocations if one does not fit. The
// queue discipline keeps a job's tasks together at the front (FCFS does).
func (c *cell) startGang(e *policy.Entry) bool {
	n := c.jobs[e.Ref].ntasks - c.jobs[e.Ref].started
	c.gangHost = c.gangHost[:0]
	if c.jobAware != nil {
		c.jobAware.ForJob(e.Job)
	}
	for k := int32(0); k < n; k++ {
		h := c.placer.Place(e.Demand)
		if h < 0 {
			for _, g := range c.gangHost {
				c.release(g, e.Demand)
			}
			return false
		}
		c.allocate(h, e.Demand)
		c.gangHost = append(c.gangHost, h)
	}
	for _, h := range c.gangHost {
		f, _ := c.queue.Front()
		c.queue.PopFront()
		c.startTask(&f, h)
	}
	return true
}

// tenantID numbers tenant names for usage-aware queue disciplines (from 1, in order of first
// use, so the numbers are deterministic).
func (c *cell) tenantID(name string) int32 {
	id, ok := c.tenantIDs[name]
	if !ok {
		if c.tenantIDs == nil {
			c.tenantIDs = map[string]int32{}
		}
		id = int32(len(c.tenantIDs) + 1)
		c.tenantIDs[name] = id
	}
	return id
}

// stale reports whether waiting entry e belongs to a job that ended meanwhile (failed or
// preempted while some of its tasks waited; its slot may hold another job by now).
func (c *cell) stale(e *policy.Entry) bool {
	jp := &c.jobs[e.Ref]
	return !jp.live || jp.id != e.Job
}

// dropped accounts for a stale entry the scheduler removed from the queue.
func (c *cell) dropped(e *policy.Entry) {
	c.queueChange(c.eng.Now(), -1)
	c.queuedCPU -= e.Demand.CPU
}

// push queues a waiting task.
func (c *cell) push(e policy.Entry) {
	if c.usage != nil {
		e.Tenant = c.tenantID(c.jobs[e.Ref].tenant)
	}
	c.queue.Push(e)
	c.queuedCPU += e.Demand.CPU
}

// allocate gives demand d of host h to a task.
func (c *cell) allocate(h int32, d models.Resources) {
	c.advance(h, c.eng.Now())
	hs := &c.hosts[h]
	hs.Free = hs.Free.Sub(d)
	hs.Tasks++
	if c.prov != nil {
		c.prov.idleSince[h] = -1
	}
	c.acc[h].watts = c.powerOf(h)
	c.placer.Update(h)
}

// release returns demand d of host h.
func (c *cell) release(h int32, d models.Resources) {
	c.advance(h, c.eng.Now())
	hs := &c.hosts[h]
	hs.Free = hs.Free.Add(d)
	hs.Tasks--
	if c.prov != nil && hs.Tasks == 0 {
		c.prov.idleSince[h] = c.eng.Now()
	}
	c.acc[h].watts = c.powerOf(h)
	c.placer.Update(h)
}

// startTask records that the task of entry e started on host h, whose resources are allocated.
func (c *cell) startTask(e *policy.Entry, h int32) {
	now := c.eng.Now()
	c.queueChange(now, -1)
	c.queuedCPU -= e.Demand.CPU
	if c.usage != nil {
		c.usage.Started(*e)
	}
	c.busyTasks++

	jp := &c.jobs[e.Ref]
	if jp.started == 0 {
		jp.start = now
		jp.host = h
	}
	jp.started++
	c.st.tasksStarted++
	c.st.taskWaitSumUS += float64(now - jp.submit)
	rt := e.Runtime // what it takes here: slower on an over-committed host
	if c.s.cfg.CPUOvercommit > 1 {
		if f := c.slowdown(h); f > 1 {
			rt = sim.Time(math.Ceil(float64(e.Runtime) * f))
		}
	}
	if jp.service > 0 {
		c.serviceEvent(jp, e.Index, true)
	}
	if !c.track {
		c.eng.After(rt, evTaskEnd, h, int64(e.Ref)|int64(e.Stage)<<32)
	} else {
		ri := c.addRunning(e.Ref, e.Stage, h, now, e.Demand)
		r := &c.run[ri]
		r.runtime, r.index, r.estimate = e.Runtime, e.Index, e.Estimate // the nominal run time, for a restart
		r.extra = rt - e.Runtime
		reading := false
		if c.net != nil && jp.moves() {
			x := jp.x
			r.pool, r.inBytes, r.outBytes = x.pool, x.inBytes, x.outBytes
			r.extra += c.transferLatency(h, jp)
			if x.inBytes > 0 {
				c.startTransfer(ri, true, x.inBytes)
				reading = true
			}
		}
		if !reading {
			r.end = c.eng.After(e.Runtime+r.extra, evTaskEnd, h, int64(ri))
		}
	}
	if c.s.taskHook != nil {
		c.s.taskHook(jp.id, e.Stage, true, now)
	}
}

// addRunning records a task of job ji, stage si, started on host h at now; it returns its slot.
func (c *cell) addRunning(ji, si, h int32, now sim.Time, d models.Resources) int32 {
	var ri int32
	if n := len(c.freeRun); n > 0 {
		ri = c.freeRun[n-1]
		c.freeRun = c.freeRun[:n-1]
	} else {
		c.run = append(c.run, runTask{})
		ri = int32(len(c.run) - 1)
	}
	jp := &c.jobs[ji]
	c.run[ri] = runTask{job: ji, stage: si, host: h, hPrev: -1, hNext: c.hostRun[h], jPrev: -1, jNext: jp.running, start: now, demand: d}
	if n := c.hostRun[h]; n >= 0 {
		c.run[n].hPrev = ri
	}
	c.hostRun[h] = ri
	if n := jp.running; n >= 0 {
		c.run[n].jPrev = ri
	}
	jp.running = ri
	return ri
}

// removeRunning unlinks running task ri from its host's and its job's lists and frees its slot.
func (c *cell) removeRunning(ri int32) {
	r := &c.run[ri]
	if r.hPrev >= 0 {
		c.run[r.hPrev].hNext = r.hNext
	} else {
		c.hostRun[r.host] = r.hNext
	}
	if r.hNext >= 0 {
		c.run[r.hNext].hPrev = r.hPrev
	}
	if r.jPrev >= 0 {
		c.run[r.jPrev].jNext = r.jNext
	} else {
		c.jobs[r.job].running = r.jNext
	}
	if r.jNext >= 0 {
		c.run[r.jNext].jPrev = r.jPrev
	}
	r.job = -1 // free (capacityPlan skips it)
	c.freeRun = append(c.freeRun, ri)
}

func (c *cell) taskEnd(h, ji, si int32) {
	now := c.eng.Now()
	jp := &c.jobs[ji]
	d := jp.demand
	stages := jp.stageList()
	if stages != nil {
		d = stages[si].demand
	}
	if c.usage != nil {
		c.usage.Ended(c.tenantID(jp.tenant), d)
	}
	c.release(h, d)
	if c.hosts[h].Free.Fits(c.blockedDemand) {
		c.releases++
	}
	c.busyTasks--
	jp.done++
	if c.s.taskHook != nil {
		c.s.taskHook(jp.id, si, false, now)
	}
	if stages != nil {
		st := &stages[si]
		st.done++
		if st.done == st.count {
			for _, ch := range st.children {
				cs := &stages[ch]
				cs.waiting--
				if cs.waiting == 0 {
					c.enqueueStage(ji, ch, now)
				}
			}
		}
	}
	if jp.done == jp.ntasks {
		if c.out != nil { // tell the router, which tracks routed load
			c.out.Send(now, 0, now+c.s.cfg.Fleet.Delay, fleetMsg{done: jp.cpuTotal()})
		}
		c.endJob(ji, results.StatusFinished, now)
	}
	c.schedule()
}

// allocJob makes a job slot the live job of spec js and returns it.
func (c *cell) allocJob(js *jobSpec) int32 {
	var ji int32
	if n := len(c.freeJobs); n > 0 {
		ji = c.freeJobs[n-1]
		c.freeJobs = c.freeJobs[:n-1]
	} else {
		c.jobs = append(c.jobs, job{})
		ji = int32(len(c.jobs) - 1)
	}
	initJob(&c.jobs[ji], js)
	return ji
}

// boundedSlowdownTau is the 10 s threshold of the bounded slowdown (Feitelson, Rudolph,
// Schwiegelshohn, Sevcik & Wong, "Theory and practice in parallel job scheduling", JSSPP 1997):
// bsld = max(1, response / max(runtime, τ)).
const boundedSlowdownTau = 10 * sim.Second

// endJob records job ji in its terminal state and frees it.
func (c *cell) endJob(ji int32, status string, now sim.Time) {
	jp := &c.jobs[ji]
	maxWait := c.s.cfg.MaxWait
	if jp.deferrable { // started by submit + max delay + max wait (docs/carbon-shifting.md)
		maxWait += c.s.deferDelay[jp.source]
	}
	violated := c.st.account(jp, status, now, maxWait)
	if c.jobSink != nil {
		end := sim.Time(-1)
		if status == results.StatusFinished {
			end = now
		}
		host := jp.host
		if host >= 0 {
			host += c.hostBase
		}
		c.row = results.JobRow{JobID: jp.id, Source: c.s.srcNames[jp.source], Tenant: jp.tenant, Priority: jp.priority,
			Tasks: jp.ntasks, CPUMilli: jp.demand.CPU, MemBytes: jp.demand.Mem, GPUs: int32(jp.demand.GPU),
			SubmitUS: int64(jp.submit), StartUS: int64(jp.start), EndUS: int64(end), RuntimeUS: int64(jp.maxRuntime),
			DeadlineUS: int64(jp.deadline), Status: status, HostID: host, Cell: c.idx, SLOViolated: violated,
			Retries: jp.retries}
		if jp.x != nil {
			c.row.TraceJob, c.row.TraceTask = jp.x.traceJob, jp.x.traceTask
		}
		if err := c.jobSink.Write(&c.row); err != nil && c.err == nil {
			c.err = err
		}
	}
	if c.jobAware != nil {
		c.jobAware.JobEnded(jp.id)
	}
	jp.live = false
	c.freeJobs = append(c.freeJobs, ji)
}

// account adds a job in its terminal state to the totals and reports whether it violated the
// SLO: it waited longer than maxWait (or, never started, has been waiting longer), missed its
// deadline, or failed. Rejected jobs are counted apart and are not SLO violations.
func (st *stats) account(jp *job, status string, now, maxWait sim.Time) bool {
	violated := false
	switch status {
	case results.StatusFinished:
		st.finished++
		resp := now - jp.submit
		st.bsldSum += math.Max(1, float64(resp)/float64(max(jp.maxRuntime, boundedSlowdownTau)))
	case results.StatusRejected:
		st.rejected++
		return false
	case results.StatusUnfinished:
		st.unfinished++
	case results.StatusFailed:
		st.failed++
		violated = true
	case results.StatusPreempted:
		st.preemptedJobs++
		violated = true
	}
	if jp.start >= 0 {
		w := int64(jp.start - jp.submit)
		st.waits = append(st.waits, w)
		violated = violated || sim.Time(w) > maxWait
	} else {
		violated = violated || now-jp.submit > maxWait
	}
	if jp.deadline >= 0 && now > jp.deadline || jp.x != nil && jp.x.overflow || jp.preempted {
		violated = true
	}
	if violated {
		st.sloViolations++
	}
	return violated
}

// flushInterval closes the current host interval at now: every host is integrated up to now,
// its interval figures are emitted (if write) and added to the run totals.
func (c *cell) flushInterval(now sim.Time, write bool) {
	iv := now - c.intervalStart
	var row results.HostRow
	for h := range c.hosts {
		c.advance(int32(h), now)
		a := &c.acc[h]
		hs := &c.hosts[h]
		c.st.cpuArea += a.cpuArea
		c.st.memArea += a.memArea
		c.st.gpuArea += a.gpuArea
		c.st.capGPUArea += float64(hs.Cap.GPU) * float64(a.onUS)
		c.st.capCPUArea += c.physCPU(hs) * float64(a.onUS)
		c.st.capMemArea += float64(hs.Cap.Mem) * float64(a.onUS)
		c.st.energyJ += a.energyJ
		c.st.carbonG += a.carbonG
		c.st.energyUSD += a.costUSD
		c.st.provUSByGroup[hs.Group] += a.onUS
		if write && c.hostSink != nil && iv > 0 {
			fiv := float64(iv)
			row = results.HostRow{TimeUS: int64(c.intervalStart), IntervalUS: int64(iv), HostID: c.hostBase + int32(h),
				Group: c.s.groups[hs.Group].Name, Rack: hs.Rack, Cell: c.idx,
				CPUUtil: a.cpuArea / (c.physCPU(hs) * fiv), MemUtil: a.memArea / (float64(hs.Cap.Mem) * fiv),
				PowerW: a.energyJ * 1e6 / fiv, EnergyJ: a.energyJ, OnFrac: float64(a.onUS) / fiv}
			if hs.Cap.GPU > 0 {
				row.GPUUtil = a.gpuArea / (float64(hs.Cap.GPU) * fiv)
			}
			if err := c.hostSink.Write(&row); err != nil && c.err == nil {
				c.err = err
			}
		}
		*a = hostAcc{last: now, watts: a.watts}
	}
	if c.net != nil {
		c.flushNet(c.intervalStart, now, write)
	}
	c.intervalStart = now
}

// finish closes the cell at the run's end time: the last intervals are flushed and every job
// still queued, running or in transit is written as unfinished, in job-id order.
func (c *cell) finish(end sim.Time) {
	if c.sampled {
		for c.nextSample <= end && c.nextSample > 0 {
			c.flushInterval(c.nextSample, true)
			c.nextSample += c.s.cfg.HostInterval
		}
	}
	c.queueChange(end, 0)
	c.flushInterval(end, true)
	// Jobs dispatched to this cell but not yet arrived become jobs of the cell first.
	for slot := range c.inbox {
		if js := &c.inbox[slot]; js.id != 0 {
			c.allocJob(js)
		}
	}
	c.finishHeld()
	var live []int32
	for ji := range c.jobs {
		if c.jobs[ji].live {
			live = append(live, int32(ji))
		}
	}
	slices.SortFunc(live, func(a, b int32) int { return cmpInt64(c.jobs[a].id, c.jobs[b].id) })
	for _, ji := range live {
		if c.jobs[ji].service == 0 { // services run to the end by design: no job row
			c.endJob(ji, results.StatusUnfinished, end)
		}
	}
	if c.priceCur == nil {
		c.st.energyUSD = c.st.energyJ / 3.6e6 * c.price
	}
	c.st.hostUS = int64(len(c.hosts)) * int64(end)
	if n := c.net; n != nil {
		c.st.movedBytes, c.st.writtenRaw, c.st.overflowBytes = n.movedBytes, n.writtenRaw, n.overflowBytes
	}
	if p := c.prov; p != nil {
		c.st.powerOns, c.st.powerOffs, c.st.underHostH, c.st.apeSum, c.st.apeN = p.powerOns, p.powerOffs, p.underHostH, p.apeSum, p.apeN
	}
	if c.fail != nil {
		c.st.downUS = c.fail.downUSAt(end)
	}
	c.st.events = int64(c.eng.Events())
	c.st.end = end
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// fleet partition interface: NextTime, Advance, Receive.

func (c *cell) NextTime() sim.Time { return c.eng.PeekTime() }

func (c *cell) Advance(end sim.Time, out *sim.Outbox[fleetMsg]) {
	c.out = out
	for c.err == nil {
		ev, ok := c.eng.NextBefore(end)
		if !ok {
			break
		}
		c.handle(ev)
	}
	c.out = nil
}

func (c *cell) Receive(msgs []sim.Msg[fleetMsg]) {
	for i := range msgs {
		var slot int32
		if n := len(c.freeInbox); n > 0 {
			slot = c.freeInbox[n-1]
			c.freeInbox = c.freeInbox[:n-1]
		} else {
			c.inbox = append(c.inbox, jobSpec{})
			slot = int32(len(c.inbox) - 1)
		}
		c.inbox[slot] = msgs[i].Payload.job
		c.eng.Schedule(msgs[i].Time, evDeliver, 0, int64(slot))
	}
}
