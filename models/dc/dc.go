// Package dc simulates one cluster: hosts with power models, a workload of jobs made of tasks,
// a queue discipline and a placement policy, on a sim.Engine. It accounts utilization and energy
// exactly over piecewise-constant allocation, streams one row per job as jobs reach their
// terminal state, and per-host time series at a fixed interval.
package dc

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/policy"
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/models/workload"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// Event kinds.
const (
	evArrival uint32 = iota // A = source index
	evTaskEnd               // A = host, B = job slot
	evSample                // host time-series interval boundary
)

// JobSink receives one row per job, when the job reaches its terminal state.
type JobSink interface{ Write(*results.JobRow) error }

// HostSink receives one row per host per interval.
type HostSink interface{ Write(*results.HostRow) error }

// Progress is reported to Options.Progress every few tens of thousands of events.
type Progress struct {
	Now, Horizon   sim.Time
	Events         uint64
	Submitted      int64
	ExpectedJobs   int64 // total jobs the sources will generate, 0 if unbounded
	QueueLen, Busy int
}

// Options are run-time options that do not change results.
type Options struct {
	Jobs     JobSink  // may be nil
	Hosts    HostSink // may be nil; then no interval events are scheduled
	Progress func(Progress)
}

// Group is a host group's static parameters.
type Group struct {
	Name       string
	Count      int
	Cap        models.Resources
	Curve      power.Curve
	CapexUSD   float64
	LifetimeUS int64
	BootUS     int64
	Off        bool // hosts start off
}

// Source is a synthetic job source.
type Source struct {
	Name        string
	Jobs        int64 // 0 = unbounded
	Start       sim.Time
	Until       sim.Time // 0 = unbounded
	Arrivals    workload.ArrivalSpec
	TasksPerJob workload.DistSpec
	CPUCores    workload.DistSpec
	MemoryGiB   workload.DistSpec
	GPUs        workload.DistSpec
	RuntimeS    workload.DistSpec
	Priority    workload.DistSpec
	Tenants     []string
	DeadlineX   float64
}

// Config fully describes a run.
type Config struct {
	Scenario      string
	Seed          uint64
	Horizon       sim.Time // 0 = until no events remain
	HostsPerRack  int
	Groups        []Group
	Sources       []Source
	Queue         string
	Placement     string
	MaxWait       sim.Time
	PUE           float64
	USDPerKWh     float64
	CarbonGPerKWh float64
	HostInterval  sim.Time
}

// Result holds the run's aggregate figures; Summary is what summary.arrow gets.
type Result struct {
	Summary results.Summary
	// MeanQueueLen is the time-average number of waiting tasks and ArrivalRate the observed task
	// arrival rate (tasks per second over the simulated time): Little's law says
	// MeanQueueLen ≈ ArrivalRate × mean task wait.
	MeanQueueLen  float64
	ArrivalRate   float64
	MeanTaskWaitS float64
	TasksStarted  int64
}

type source struct {
	Source
	arr                                  *workload.Arrivals
	tasks, cpu, mem, gpus, runtime, prio *workload.Sampler
	tenantRNG                            *rand.Rand
	generated                            int64
}

type job struct {
	id         int64
	source     int32
	tenant     int32
	priority   int32
	ntasks     int32
	started    int32
	done       int32
	host       int32
	demand     models.Resources
	submit     sim.Time
	start      sim.Time
	deadline   sim.Time
	maxRuntime sim.Time
	live       bool
}

// hostAcc integrates a host's allocation and power exactly between changes.
type hostAcc struct {
	last    sim.Time
	watts   float64
	cpuArea float64 // allocated millicore·µs in the current interval
	memArea float64 // allocated byte·µs
	gpuArea float64
	energyJ float64 // IT energy in the current interval
	onUS    int64   // provisioned µs in the current interval
}

// Sim is one cluster simulation.
type Sim struct {
	cfg     Config
	opt     Options
	eng     *sim.Engine
	hosts   []models.Host
	acc     []hostAcc
	groups  []Group
	queue   policy.Queue
	placer  policy.Placer
	sources []source
	maxCap  []models.Resources // per group capacity, for the "can never fit" check

	jobs     []job
	freeJobs []int32

	row results.JobRow
	err error

	nextJobID     int64
	expectedJobs  int64
	queueLen      int
	queueArea     float64 // waiting tasks · µs
	queueLast     sim.Time
	tasksArrived  int64
	tasksStarted  int64
	taskWaitSumUS float64
	busyTasks     int

	// run totals
	waits         []int64 // job waits of started jobs, µs
	submitted     int64
	finished      int64
	rejected      int64
	unfinished    int64
	sloViolations int64
	bsldSum       float64
	totCPUArea    float64
	totMemArea    float64
	totCapCPUArea float64
	totCapMemArea float64
	totEnergyJ    float64
	provUSByGroup []int64
	intervalStart sim.Time
}

// New builds a simulation from cfg. Errors are configuration errors.
func New(cfg Config, opt Options) (*Sim, error) {
	s := &Sim{cfg: cfg, opt: opt, eng: sim.NewEngine(), groups: cfg.Groups}
	if cfg.Horizon > 0 {
		s.eng.SetHorizon(cfg.Horizon)
	}
	var err error
	if s.queue, err = policy.NewQueue(cfg.Queue); err != nil {
		return nil, err
	}
	if s.placer, err = policy.NewPlacer(cfg.Placement); err != nil {
		return nil, err
	}
	perRack := max(cfg.HostsPerRack, 1)
	for gi, g := range cfg.Groups {
		s.maxCap = append(s.maxCap, g.Cap)
		for i := 0; i < g.Count; i++ {
			st := models.HostOn
			if g.Off {
				st = models.HostOff
			}
			s.hosts = append(s.hosts, models.Host{Cap: g.Cap, Free: g.Cap, Group: int32(gi), Rack: int32(len(s.hosts) / perRack), State: st})
		}
	}
	if len(s.hosts) == 0 {
		return nil, errors.New("the cluster has no hosts")
	}
	if len(s.hosts) > math.MaxInt32 {
		return nil, fmt.Errorf("the cluster has %d hosts; at most %d are supported", len(s.hosts), math.MaxInt32)
	}
	s.acc = make([]hostAcc, len(s.hosts))
	for h := range s.hosts {
		s.acc[h].watts = s.powerOf(int32(h))
	}
	s.provUSByGroup = make([]int64, len(cfg.Groups))
	s.placer.Init(s.hosts, rand.New(sim.NewStream(cfg.Seed, "placement/"+cfg.Placement)))

	for i, src := range cfg.Sources {
		ss := source{Source: src}
		stream := func(what string) rand.Source { return sim.NewStream(cfg.Seed, "source/"+src.Name+"/"+what) }
		if ss.arr, err = workload.NewArrivals(src.Arrivals, stream("arrivals")); err != nil {
			return nil, fmt.Errorf("source %q: arrivals: %w", src.Name, err)
		}
		for _, d := range []struct {
			name string
			spec workload.DistSpec
			dst  **workload.Sampler
		}{{"tasks_per_job", orConst(src.TasksPerJob, 1), &ss.tasks}, {"cpu_cores", src.CPUCores, &ss.cpu},
			{"memory_gib", orConst(src.MemoryGiB, 0), &ss.mem}, {"gpus", orConst(src.GPUs, 0), &ss.gpus},
			{"runtime_s", src.RuntimeS, &ss.runtime}, {"priority", orConst(src.Priority, 0), &ss.prio}} {
			if *d.dst, err = workload.NewSampler(d.spec, stream(d.name)); err != nil {
				return nil, fmt.Errorf("source %q: %s: %w", src.Name, d.name, err)
			}
		}
		if len(ss.Tenants) == 0 {
			ss.Tenants = []string{"default"}
		}
		ss.tenantRNG = rand.New(stream("tenant"))
		s.sources = append(s.sources, ss)
		if src.Jobs > 0 && s.expectedJobs >= 0 {
			s.expectedJobs += src.Jobs
		} else {
			s.expectedJobs = -1
		}
		if t := ss.arr.Next(int64(src.Start)); s.arrivalOK(&ss, t) {
			s.eng.Schedule(sim.Time(t), evArrival, int32(i), 0)
		}
	}
	if s.expectedJobs < 0 {
		s.expectedJobs = 0
	}
	if opt.Hosts != nil {
		if cfg.HostInterval <= 0 {
			return nil, errors.New("host interval must be positive")
		}
		s.eng.Schedule(cfg.HostInterval, evSample, 0, 0)
	}
	return s, nil
}

// orConst returns d, or a constant distribution of v when d is unset.
func orConst(d workload.DistSpec, v float64) workload.DistSpec {
	if d.Dist == "" {
		return workload.DistSpec{Dist: "constant", Value: v}
	}
	return d
}

func (s *Sim) arrivalOK(src *source, t int64) bool {
	if src.Jobs > 0 && src.generated >= src.Jobs {
		return false
	}
	if src.Until > 0 && sim.Time(t) >= src.Until {
		return false
	}
	return t >= 0 && t < int64(sim.MaxTime)
}

// powerOf is host h's power draw in its current state. Power follows CPU utilization, the
// usual server power model (Fan, Weber & Barroso, ISCA 2007); a booting host draws its idle
// power and a host that is off or failed its off power.
func (s *Sim) powerOf(h int32) float64 {
	hs := &s.hosts[h]
	c := &s.groups[hs.Group].Curve
	switch hs.State {
	case models.HostOn:
		return c.Watts(float64(hs.Cap.CPU-hs.Free.CPU) / float64(hs.Cap.CPU))
	case models.HostBooting:
		return c.Idle()
	}
	return c.Off()
}

// advance integrates host h's allocation and power from its last change up to now.
func (s *Sim) advance(h int32, now sim.Time) {
	a := &s.acc[h]
	dt := now - a.last
	if dt <= 0 {
		return
	}
	hs := &s.hosts[h]
	fdt := float64(dt)
	a.cpuArea += float64(hs.Cap.CPU-hs.Free.CPU) * fdt
	a.memArea += float64(hs.Cap.Mem-hs.Free.Mem) * fdt
	a.gpuArea += float64(hs.Cap.GPU-hs.Free.GPU) * fdt
	a.energyJ += a.watts * fdt / 1e6
	if hs.Provisioned() {
		a.onUS += int64(dt)
	}
	a.last = now
}

func (s *Sim) queueChange(now sim.Time, delta int) {
	s.queueArea += float64(s.queueLen) * float64(now-s.queueLast)
	s.queueLast = now
	s.queueLen += delta
}

// Run runs the simulation to its horizon or until no events remain.
func (s *Sim) Run() (*Result, error) {
	const progressEvery = 1 << 16
	eng := s.eng
	for s.err == nil {
		ev, ok := eng.Next()
		if !ok {
			break
		}
		switch ev.Kind {
		case evArrival:
			s.arrive(int(ev.A))
		case evTaskEnd:
			s.taskEnd(ev.A, int32(ev.B))
		case evSample:
			s.flushInterval(eng.Now(), true)
			if eng.Pending() > 0 {
				eng.After(s.cfg.HostInterval, evSample, 0, 0)
			}
		}
		if s.opt.Progress != nil && eng.Events()%progressEvery == 0 {
			s.opt.Progress(s.progress())
		}
	}
	if s.err != nil {
		return nil, s.err
	}
	return s.finish()
}

func (s *Sim) progress() Progress {
	return Progress{Now: s.eng.Now(), Horizon: s.eng.Horizon(), Events: s.eng.Events(), Submitted: s.submitted,
		ExpectedJobs: s.expectedJobs, QueueLen: s.queueLen, Busy: s.busyTasks}
}

func (s *Sim) arrive(si int) {
	src := &s.sources[si]
	now := s.eng.Now()
	src.generated++
	if t := src.arr.Next(int64(now)); s.arrivalOK(src, t) {
		s.eng.Schedule(sim.Time(t), evArrival, int32(si), 0)
	}

	// Draw the job. Each quantity has its own stream, so changing one distribution does not
	// change the others' samples.
	ntasks := int32(max(1, math.Min(math.Round(src.tasks.Sample()), 1<<20)))
	d := models.Resources{
		CPU: max(1, clampInt(math.Round(src.cpu.Sample()*1000))),
		Mem: max(0, clampInt(math.Round(src.mem.Sample()*(1<<30)))),
		GPU: max(0, clampInt(math.Round(src.gpus.Sample()))),
	}
	prio := int32(clampInt(math.Round(src.prio.Sample())))
	tenant := int32(0)
	if len(src.Tenants) > 1 {
		tenant = int32(src.tenantRNG.IntN(len(src.Tenants)))
	}
	s.nextJobID++
	s.submitted++
	j := job{id: s.nextJobID, source: int32(si), tenant: tenant, priority: prio, ntasks: ntasks, host: -1,
		demand: d, submit: now, start: -1, deadline: -1, live: true}
	ji := s.allocJob(j)
	jp := &s.jobs[ji]

	fits := false
	for _, c := range s.maxCap {
		if c.Fits(d) {
			fits = true
			break
		}
	}
	for k := int32(0); k < ntasks; k++ {
		rt := sim.Time(max(1, clampInt(math.Round(src.runtime.Sample()*1e6))))
		jp.maxRuntime = max(jp.maxRuntime, rt)
		if !fits {
			continue
		}
		s.queue.Push(policy.Entry{Ref: ji, Index: k, Job: jp.id, Priority: prio, Submit: now, Runtime: rt, Demand: d})
		s.queueChange(now, 1)
		s.tasksArrived++
	}
	if src.DeadlineX > 0 {
		jp.deadline = now + sim.Time(math.Min(src.DeadlineX*float64(jp.maxRuntime), float64(sim.MaxTime-now)))
	}
	if !fits {
		s.endJob(ji, results.StatusRejected, now)
		return
	}
	s.schedule()
}

func clampInt(x float64) int64 {
	const lim = 1 << 62
	if x > lim {
		return lim
	}
	if x < -lim || x != x {
		return -lim
	}
	return int64(x)
}

// schedule starts waiting tasks in the order the queue discipline gives, until the front task
// does not fit anywhere.
func (s *Sim) schedule() {
	for {
		e, ok := s.queue.Front()
		if !ok {
			return
		}
		h := s.placer.Place(e.Demand)
		if h < 0 {
			return
		}
		s.queue.PopFront()
		s.startTask(&e, h)
	}
}

func (s *Sim) startTask(e *policy.Entry, h int32) {
	now := s.eng.Now()
	s.advance(h, now)
	hs := &s.hosts[h]
	hs.Free = hs.Free.Sub(e.Demand)
	hs.Tasks++
	s.acc[h].watts = s.powerOf(h)
	s.placer.Update(h)
	s.queueChange(now, -1)
	s.busyTasks++

	jp := &s.jobs[e.Ref]
	if jp.started == 0 {
		jp.start = now
		jp.host = h
	}
	jp.started++
	s.tasksStarted++
	s.taskWaitSumUS += float64(now - jp.submit)
	s.eng.After(e.Runtime, evTaskEnd, h, int64(e.Ref))
}

func (s *Sim) taskEnd(h, ji int32) {
	now := s.eng.Now()
	jp := &s.jobs[ji]
	s.advance(h, now)
	hs := &s.hosts[h]
	hs.Free = hs.Free.Add(jp.demand)
	hs.Tasks--
	s.acc[h].watts = s.powerOf(h)
	s.placer.Update(h)
	s.busyTasks--
	jp.done++
	if jp.done == jp.ntasks {
		s.endJob(ji, results.StatusFinished, now)
	}
	s.schedule()
}

func (s *Sim) allocJob(j job) int32 {
	if n := len(s.freeJobs); n > 0 {
		ji := s.freeJobs[n-1]
		s.freeJobs = s.freeJobs[:n-1]
		s.jobs[ji] = j
		return ji
	}
	s.jobs = append(s.jobs, j)
	return int32(len(s.jobs) - 1)
}

// boundedSlowdownTau is the 10 s threshold of the bounded slowdown (Feitelson, Rudolph,
// Schwiegelshohn, Sevcik & Wong, "Theory and practice in parallel job scheduling", JSSPP 1997):
// bsld = max(1, response / max(runtime, τ)).
const boundedSlowdownTau = 10 * sim.Second

// endJob records job ji in its terminal state and frees it.
func (s *Sim) endJob(ji int32, status string, now sim.Time) {
	jp := &s.jobs[ji]
	violated := false
	switch status {
	case results.StatusFinished:
		s.finished++
		resp := now - jp.submit
		s.bsldSum += math.Max(1, float64(resp)/float64(max(jp.maxRuntime, boundedSlowdownTau)))
	case results.StatusRejected:
		s.rejected++
	case results.StatusUnfinished:
		s.unfinished++
	}
	if status != results.StatusRejected {
		if jp.start >= 0 {
			w := int64(jp.start - jp.submit)
			s.waits = append(s.waits, w)
			violated = sim.Time(w) > s.cfg.MaxWait
		} else {
			violated = now-jp.submit > s.cfg.MaxWait
		}
		if jp.deadline >= 0 && now > jp.deadline {
			violated = true
		}
	}
	if violated {
		s.sloViolations++
	}
	if s.opt.Jobs != nil {
		src := &s.sources[jp.source]
		end := sim.Time(-1)
		if status == results.StatusFinished {
			end = now
		}
		s.row = results.JobRow{JobID: jp.id, Source: src.Name, Tenant: src.Tenants[jp.tenant], Priority: jp.priority,
			Tasks: jp.ntasks, CPUMilli: jp.demand.CPU, MemBytes: jp.demand.Mem, GPUs: int32(jp.demand.GPU),
			SubmitUS: int64(jp.submit), StartUS: int64(jp.start), EndUS: int64(end), RuntimeUS: int64(jp.maxRuntime),
			DeadlineUS: int64(jp.deadline), Status: status, HostID: jp.host, SLOViolated: violated}
		if err := s.opt.Jobs.Write(&s.row); err != nil && s.err == nil {
			s.err = err
		}
	}
	jp.live = false
	s.freeJobs = append(s.freeJobs, ji)
}

// flushInterval closes the current host interval at now: every host is integrated up to now,
// its interval figures are emitted (if write) and added to the run totals.
func (s *Sim) flushInterval(now sim.Time, write bool) {
	iv := now - s.intervalStart
	var row results.HostRow
	for h := range s.hosts {
		s.advance(int32(h), now)
		a := &s.acc[h]
		hs := &s.hosts[h]
		s.totCPUArea += a.cpuArea
		s.totMemArea += a.memArea
		s.totCapCPUArea += float64(hs.Cap.CPU) * float64(a.onUS)
		s.totCapMemArea += float64(hs.Cap.Mem) * float64(a.onUS)
		s.totEnergyJ += a.energyJ
		s.provUSByGroup[hs.Group] += a.onUS
		if write && s.opt.Hosts != nil && iv > 0 {
			fiv := float64(iv)
			row = results.HostRow{TimeUS: int64(s.intervalStart), IntervalUS: int64(iv), HostID: int32(h),
				Group: s.groups[hs.Group].Name, Rack: hs.Rack,
				CPUUtil: a.cpuArea / (float64(hs.Cap.CPU) * fiv), MemUtil: a.memArea / (float64(hs.Cap.Mem) * fiv),
				PowerW: a.energyJ * 1e6 / fiv, EnergyJ: a.energyJ, OnFrac: float64(a.onUS) / fiv}
			if hs.Cap.GPU > 0 {
				row.GPUUtil = a.gpuArea / (float64(hs.Cap.GPU) * fiv)
			}
			if err := s.opt.Hosts.Write(&row); err != nil && s.err == nil {
				s.err = err
			}
		}
		*a = hostAcc{last: now, watts: a.watts}
	}
	s.intervalStart = now
}

func (s *Sim) finish() (*Result, error) {
	now := s.eng.Now()
	s.queueChange(now, 0)
	s.flushInterval(now, true)
	// Jobs still queued or running are unfinished; emit them in job-id order.
	var live []int32
	for ji := range s.jobs {
		if s.jobs[ji].live {
			live = append(live, int32(ji))
		}
	}
	slices.SortFunc(live, func(a, b int32) int { return int(s.jobs[a].id - s.jobs[b].id) })
	for _, ji := range live {
		s.endJob(ji, results.StatusUnfinished, now)
	}
	if s.err != nil {
		return nil, s.err
	}

	r := &Result{TasksStarted: s.tasksStarted}
	sum := &r.Summary
	sum.Scenario, sum.Seed = s.cfg.Scenario, s.cfg.Seed
	sum.JobsSubmitted, sum.JobsFinished, sum.JobsRejected, sum.JobsUnfinished = s.submitted, s.finished, s.rejected, s.unfinished
	sum.SLOViolations = s.sloViolations
	if n := len(s.waits); n > 0 {
		var tot float64
		for _, w := range s.waits {
			tot += float64(w)
		}
		sum.MeanWaitS = tot / float64(n) / 1e6
		slices.Sort(s.waits)
		sum.P50WaitS = float64(s.waits[nearestRank(n, 0.50)]) / 1e6
		sum.P99WaitS = float64(s.waits[nearestRank(n, 0.99)]) / 1e6
	}
	if s.finished > 0 {
		sum.MeanBoundedSlowdown = s.bsldSum / float64(s.finished)
	}
	if s.totCapCPUArea > 0 {
		sum.CPUUtilization = s.totCPUArea / s.totCapCPUArea
		sum.MemUtilization = s.totMemArea / s.totCapMemArea
	}
	sum.EnergyKWh = power.JToKWh(s.totEnergyJ)
	sum.FacilityEnergyKWh = power.FacilityEnergyKWh(sum.EnergyKWh, s.cfg.PUE)
	var provUS int64
	for gi, us := range s.provUSByGroup {
		g := &s.groups[gi]
		sum.CapexUSD += power.CapexUSD(g.CapexUSD, g.LifetimeUS, us)
		provUS += us
	}
	sum.EnergyUSD = power.EnergyUSD(sum.EnergyKWh, s.cfg.PUE, s.cfg.USDPerKWh)
	sum.CostUSD = sum.CapexUSD + sum.EnergyUSD
	sum.CarbonKg = power.CarbonKg(sum.EnergyKWh, s.cfg.PUE, s.cfg.CarbonGPerKWh)
	sum.HostHours = float64(provUS) / 3.6e9
	sum.SimTimeS = now.Seconds()
	sum.Events = int64(s.eng.Events())
	if now > 0 {
		r.MeanQueueLen = s.queueArea / float64(now)
		r.ArrivalRate = float64(s.tasksArrived) / now.Seconds()
	}
	if s.tasksStarted > 0 {
		r.MeanTaskWaitS = s.taskWaitSumUS / float64(s.tasksStarted) / 1e6
	}
	return r, nil
}

// nearestRank is the index of the p-quantile of n sorted values by the nearest-rank method
// (Hyndman & Fan 1996, definition 1): the ⌈p·n⌉-th smallest value.
func nearestRank(n int, p float64) int {
	k := int(math.Ceil(p*float64(n))) - 1
	return min(max(k, 0), n-1)
}
