// Package dc simulates a cluster — hosts with power models, a workload of jobs made of tasks, a
// queue discipline and a placement policy, on a sim.Engine — or a fleet of such clusters (cells)
// behind a global router, run as partitions of sim.Parallel. It accounts utilization and energy
// exactly over piecewise-constant allocation, streams one row per job as jobs reach their
// terminal state, and per-host time series at a fixed interval.
package dc

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/failure"
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/models/timeseries"
	"github.com/dcsim/dcsim/models/workload"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// JobSink receives one row per job, when the job reaches its terminal state.
type JobSink interface{ Write(*results.JobRow) error }

// HostSink receives one row per host per interval.
type HostSink interface{ Write(*results.HostRow) error }

// LinkSink receives one row per network link per interval.
type LinkSink interface{ Write(*results.LinkRow) error }

// PoolSink receives one row per storage pool per interval.
type PoolSink interface{ Write(*results.PoolRow) error }

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
	Jobs  JobSink  // may be nil
	Hosts HostSink // may be nil; then no interval events are scheduled (unless Links or Pools)
	Links LinkSink // may be nil
	Pools PoolSink // may be nil
	// Provisioning receives one row per provisioning decision (may be nil).
	Provisioning ProvisionSink
	Progress     func(Progress)
	// Workers is the number of goroutines a fleet runs its partitions on (<= 1: one). It never
	// changes results.
	Workers int
	// AllowExec lets a scenario start the external policy program it names (see
	// models/policy/external); without it such a scenario is refused.
	AllowExec bool
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
	Off        bool          // hosts start off
	Failures   *FailureDists // nil: the group's hosts fail only with their rack
	EmbodiedKg float64       // manufacturing carbon per host, kg CO2e
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
	InputGiB    workload.DistSpec // per task, read from Pool before it runs (zero value: none)
	OutputGiB   workload.DistSpec // per task, written to Pool after it runs
	Pool        int32             // index in Config.Pools
	Deferrable  Deferrable        // a fraction of its jobs may be shifted (zero: none)
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
	Fleet         *FleetConfig // nil: a single cluster
	Traces        []TraceConfig
	// RackFailures fail whole racks (HostsPerRack hosts) at once; nil: none. Groups[i].Failures
	// fail hosts one by one.
	RackFailures *FailureDists
	// FailureTrace replays recorded machine removals and additions as failures and repairs.
	FailureTrace []failure.TraceRecord
	// FailureTraceOf names the trace whose clock FailureTrace is on; New shifts the records to
	// the replay's clock (that trace's origin). "" if they are on the replay's clock already.
	FailureTraceOf string
	// MaxRetries is how many times a job's tasks may be killed by failures and resubmitted.
	MaxRetries int
	// CarbonSeries and PriceSeries, when set, replace CarbonGPerKWh and USDPerKWh (and a fleet's
	// per-cell prices): energy is weighted by the series' value at the time it is used.
	CarbonSeries, PriceSeries *timeseries.Series
	// Services run on the cluster (single-cluster runs with a horizon only).
	Services []ServiceConfig
	// Network and Pools model data transfers (single-cluster runs only).
	Network *NetworkConfig
	Pools   []PoolConfig
	// CPUOvercommit lets placement allocate up to this many times each host's CPU (≤ 1: none);
	// tasks on an over-committed host run slower (see cell.slowdown).
	CPUOvercommit float64
	// Preemption is PreemptNone (""), PreemptRequeue or PreemptKill.
	Preemption string
	// Provision is the provisioning policy (nil: static).
	Provision *ProvisionConfig
	// External makes a separate process the scheduler instead of Queue and Placement (nil:
	// none); New refuses it unless Options.AllowExec.
	External *ExternalConfig
	// Shifting is the temporal shifting policy of deferrable jobs: ShiftNone ("") or
	// ShiftCarbonAware, which needs CarbonSeries.
	Shifting string
	// TraceDeferrable[i], when present, marks a fraction of Traces[i]'s jobs deferrable.
	TraceDeferrable []Deferrable
}

// FleetConfig replicates the cluster into Cells cells behind a router.
type FleetConfig struct {
	Cells   int
	Router  string    // RouteRoundRobin, RouteLeastLoaded or RouteCostAware
	Delay   sim.Time  // dispatch delay router→cell and cell→router; the parallel engine's lookahead
	Prices  []float64 // per-cell energy price, USD/kWh
	MaxLoad float64   // cost-aware eligibility threshold (routed CPU load / capacity)
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
	// Parallel describes a fleet run's synchronization (nil for a single cluster).
	Parallel *sim.ParallelStats
	// Services are the services' window rows, service by service (services.arrow).
	Services []results.ServiceRow
}

// Sim is one simulation: a single cluster, or a fleet.
type Sim struct {
	cfg      Config
	opt      Options
	groups   []Group
	cells    []*cell
	router   *router
	expected int64
	srcNames []string // source names by index: synthetic sources, then traces
	closers  []io.Closer
	// taskHook, when set (tests), sees every task start and end: its job's id, its stage (0 for
	// jobs without stages), start or end, and the time.
	taskHook func(job int64, stage int32, start bool, t sim.Time)
	// bfHook, when set (tests), sees every reservation backfilling makes: a job and the time.
	bfHook   func(job int64, reservation sim.Time)
	traces   []*traceSource
	jobBufs  []*rowBuf[results.JobRow]
	hostBufs []*rowBuf[results.HostRow]
	// deferDelay is each source's max delay for deferrable jobs (by source index), which their
	// SLO allows on top of MaxWait; nil when no source has deferrable jobs.
	deferDelay []sim.Time
}

// New builds a simulation from cfg. Errors are configuration errors.
func New(cfg Config, opt Options) (*Sim, error) {
	if cfg.External != nil {
		if err := checkExternal(&cfg, &opt); err != nil {
			return nil, err
		}
	}
	s := &Sim{cfg: cfg, opt: opt, groups: cfg.Groups}
	nhosts := 0
	for _, g := range cfg.Groups {
		nhosts += g.Count
	}
	if nhosts == 0 {
		return nil, errors.New("the cluster has no hosts")
	}
	ncells := 1
	if f := cfg.Fleet; f != nil {
		if f.Cells < 1 || f.Delay <= 0 {
			return nil, fmt.Errorf("a fleet needs at least one cell and a positive dispatch delay (got %d cells, %v)", f.Cells, f.Delay)
		}
		switch f.Router {
		case RouteRoundRobin, RouteLeastLoaded, RouteCostAware:
		default:
			return nil, fmt.Errorf("unknown router %q (known: %s, %s, %s)", f.Router, RouteRoundRobin, RouteLeastLoaded, RouteCostAware)
		}
		ncells = f.Cells
	}
	if int64(nhosts)*int64(ncells) > math.MaxInt32 {
		return nil, fmt.Errorf("%d hosts; at most %d are supported", int64(nhosts)*int64(ncells), math.MaxInt32)
	}
	if opt.Hosts != nil && cfg.HostInterval <= 0 {
		return nil, errors.New("host interval must be positive")
	}
	var sources []jobSource
	for i, src := range cfg.Sources {
		ss, err := newSource(cfg.Seed, i, src)
		if err != nil {
			return nil, err
		}
		sources = append(sources, ss)
		s.srcNames = append(s.srcNames, src.Name)
		if src.Jobs > 0 && s.expected >= 0 {
			s.expected += src.Jobs
		} else {
			s.expected = -1
		}
	}
	for _, tc := range cfg.Traces {
		ts, err := newTraceSource(len(sources), tc)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.closers = append(s.closers, ts.src)
		s.traces = append(s.traces, ts)
		sources = append(sources, ts)
		s.srcNames = append(s.srcNames, tc.Name)
		if s.expected >= 0 && tc.Filter.MaxJobs > 0 {
			s.expected += tc.Filter.MaxJobs
		} else {
			s.expected = -1
		}
	}
	s.expected = max(s.expected, 0)
	if err := s.wrapDeferrable(sources); err != nil {
		s.Close()
		return nil, err
	}
	if name := cfg.FailureTraceOf; name != "" {
		for _, ts := range s.traces {
			if ts.cfg.Name == name {
				origin, _ := ts.src.Origin()
				s.cfg.FailureTrace = shiftFailureTrace(cfg.FailureTrace, origin)
			}
		}
	}
	for i := 0; i < ncells; i++ {
		price := cfg.USDPerKWh
		if cfg.Fleet != nil && len(cfg.Fleet.Prices) > 0 {
			price = cfg.Fleet.Prices[i%len(cfg.Fleet.Prices)]
		}
		c, err := newCell(s, int32(i), int32(i*nhosts), price)
		if err != nil {
			return nil, err
		}
		s.cells = append(s.cells, c)
	}
	if (cfg.Network != nil || len(cfg.Pools) > 0) && cfg.Fleet != nil {
		s.Close()
		return nil, errors.New("network and storage are modelled in a single cluster, not in a fleet")
	}
	if len(cfg.Services) > 0 {
		switch {
		case cfg.Fleet != nil:
			s.Close()
			return nil, errors.New("services run in a single cluster, not in a fleet")
		case cfg.Horizon <= 0:
			s.Close()
			return nil, errors.New("services run until the horizon: give one")
		}
		for i, sv := range cfg.Services {
			if sv.Replicas <= 0 || !s.cells[0].fits(sv.Demand) {
				s.Close()
				return nil, fmt.Errorf("services[%d] (%s): %d replicas of %+v: a replica fits no host group", i, sv.Sim.Name, sv.Replicas, sv.Demand)
			}
		}
	}
	if cfg.Fleet == nil {
		c := s.cells[0]
		c.sources = sources
		c.jobSink, c.hostSink = opt.Jobs, opt.Hosts
		c.linkSink, c.poolSink, c.provSink = opt.Links, opt.Pools, opt.Provisioning
		for i, src := range sources {
			if t := src.first(); t >= 0 {
				c.eng.Schedule(t, evArrival, int32(i), 0)
			}
		}
		if c.ext != nil {
			if err := s.startExternal(c); err != nil {
				s.Close()
				return nil, err
			}
		}
		return s, nil
	}
	// Fleet: partition 0 is the router, partition i+1 cell i. Rows are buffered per partition
	// and written in partition order after every window, so files do not depend on workers.
	r := &router{s: s, eng: sim.NewEngine(), sources: sources, policy: cfg.Fleet.Router, cells: s.cells,
		load: make([]float64, ncells), capCPU: make([]float64, ncells), price: make([]float64, ncells), maxLoad: cfg.Fleet.MaxLoad}
	if cfg.Horizon > 0 {
		r.eng.SetHorizon(cfg.Horizon)
	}
	r.st.provUSByGroup = make([]int64, len(cfg.Groups))
	for i, c := range s.cells {
		for h := range c.hosts {
			r.capCPU[i] += float64(c.hosts[h].Cap.CPU)
		}
		r.price[i] = c.price
	}
	for i, src := range sources {
		if t := src.first(); t >= 0 {
			r.eng.Schedule(t, evArrival, int32(i), 0)
		}
	}
	s.router = r
	if opt.Jobs != nil {
		b := &rowBuf[results.JobRow]{}
		r.jobSink = b
		s.jobBufs = append(s.jobBufs, b)
	}
	for _, c := range s.cells {
		if opt.Jobs != nil {
			b := &rowBuf[results.JobRow]{}
			c.jobSink = b
			s.jobBufs = append(s.jobBufs, b)
		}
		if opt.Hosts != nil {
			b := &rowBuf[results.HostRow]{}
			c.hostSink = b
			s.hostBufs = append(s.hostBufs, b)
		}
	}
	return s, nil
}

// Close releases the trace files a simulation reads. Run closes them too.
func (s *Sim) Close() {
	for _, c := range s.closers {
		c.Close()
	}
	s.closers = nil
}

// rowBuf buffers a partition's rows. It is double-buffered: at a barrier swap sets the
// window's rows aside, and the coordinator writes them out at the start of the next window
// while the other workers already advance partitions into the front buffers.
type rowBuf[R any] struct {
	rows, back []R
	_          [80]byte // appended to by different workers: no shared cache lines
}

func (b *rowBuf[R]) Write(r *R) error { b.rows = append(b.rows, *r); return nil }

func (b *rowBuf[R]) swap() { b.rows, b.back = b.back[:0], b.rows }

func (b *rowBuf[R]) drainBack(w interface{ Write(*R) error }) error {
	var err error
	for i := range b.back {
		if err == nil {
			err = w.Write(&b.back[i])
		}
	}
	clear(b.back)
	b.back = b.back[:0]
	return err
}

// Run runs the simulation to its horizon or until no events remain.
func (s *Sim) Run() (*Result, error) {
	defer s.Close()
	if s.router != nil {
		return s.runFleet()
	}
	const progressEvery = 1 << 16
	c := s.cells[0]
	eng := c.eng
	c.submitServices()
	for c.err == nil {
		ev, ok := eng.Next()
		if !ok {
			break
		}
		c.handle(ev)
		if s.opt.Progress != nil && eng.Events()%progressEvery == 0 {
			s.opt.Progress(Progress{Now: eng.Now(), Horizon: eng.Horizon(), Events: eng.Events(), Submitted: c.st.submitted,
				ExpectedJobs: s.expected, QueueLen: c.queueLen, Busy: c.busyTasks})
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	c.finish(eng.Now())
	if c.err != nil {
		return nil, c.err
	}
	if c.ext != nil {
		if err := c.endExternal(); err != nil {
			return nil, err
		}
	}
	r := s.result(nil)
	if len(s.cfg.Services) > 0 {
		rows, tots, err := s.runServices(c.svcEvents, eng.Now())
		if err != nil {
			return nil, err
		}
		r.Services = rows
		for _, t := range tots {
			r.Summary.ServiceRequests += t.Arrivals
			r.Summary.ServiceDropped += t.Dropped
			r.Summary.ServiceSLOViolationMinutes += t.SLOViolationMinutes
		}
	}
	return r, nil
}

func (s *Sim) runFleet() (*Result, error) {
	parts := make([]sim.Partition[fleetMsg], 0, len(s.cells)+1)
	parts = append(parts, s.router)
	for _, c := range s.cells {
		parts = append(parts, c)
	}
	horizon := sim.MaxTime
	if s.cfg.Horizon > 0 {
		horizon = s.cfg.Horizon
	}
	var err error
	p := &sim.Parallel[fleetMsg]{Parts: parts, Lookahead: s.cfg.Fleet.Delay, Horizon: horizon, Workers: s.opt.Workers}
	p.Overlap = func() {
		if e := s.drainBack(); e != nil && err == nil {
			err = e
		}
	}
	p.OnWindow = func(end sim.Time) {
		s.swapBufs()
		if s.opt.Progress != nil {
			var ev uint64
			q, busy := 0, 0
			for _, c := range s.cells {
				ev += c.eng.Events()
				q += c.queueLen
				busy += c.busyTasks
			}
			s.opt.Progress(Progress{Now: end, Horizon: horizon, Events: ev + s.router.eng.Events(),
				Submitted: s.router.st.submitted, ExpectedJobs: s.expected, QueueLen: q, Busy: busy})
		}
	}
	ps := p.Run()
	if e := s.drainBack(); e != nil && err == nil {
		err = e
	}
	if err == nil {
		err = s.router.err
	}
	for _, c := range s.cells {
		if err == nil {
			err = c.err
		}
	}
	if err != nil {
		return nil, err
	}
	// The run ends at the horizon, or at the last window's last event.
	end := horizon
	if end == sim.MaxTime {
		end = 0
		for _, c := range s.cells {
			end = max(end, c.eng.Now())
		}
		end = max(end, s.router.eng.Now())
	}
	for _, c := range s.cells {
		c.finish(end)
	}
	s.swapBufs()
	if err := s.drainBack(); err != nil {
		return nil, err
	}
	for _, c := range s.cells {
		if c.err != nil {
			return nil, c.err
		}
	}
	s.router.st.end = end
	s.router.st.events = int64(s.router.eng.Events())
	return s.result(&ps), nil
}

// swapBufs sets every partition's rows aside; partitions must be quiescent.
func (s *Sim) swapBufs() {
	for _, b := range s.jobBufs {
		b.swap()
	}
	for _, b := range s.hostBufs {
		b.swap()
	}
}

// drainBack writes the rows set aside, in partition order.
func (s *Sim) drainBack() error {
	for _, b := range s.jobBufs {
		if err := b.drainBack(s.opt.Jobs); err != nil {
			return err
		}
	}
	for _, b := range s.hostBufs {
		if err := b.drainBack(s.opt.Hosts); err != nil {
			return err
		}
	}
	return nil
}

// result merges the partitions' totals, in partition order, into the run's figures.
func (s *Sim) result(ps *sim.ParallelStats) *Result {
	var all []*stats
	if s.router != nil {
		all = append(all, &s.router.st)
	}
	for _, c := range s.cells {
		all = append(all, &c.st)
	}
	var t stats
	t.provUSByGroup = make([]int64, len(s.groups))
	for _, st := range all {
		t.waits = append(t.waits, st.waits...)
		t.submitted += st.submitted
		t.finished += st.finished
		t.rejected += st.rejected
		t.unfinished += st.unfinished
		t.failed += st.failed
		t.preemptions += st.preemptions
		t.preemptedJobs += st.preemptedJobs
		t.movedBytes += st.movedBytes
		t.powerOns += st.powerOns
		t.powerOffs += st.powerOffs
		t.underHostH += st.underHostH
		t.apeSum += st.apeSum
		t.apeN += st.apeN
		t.writtenRaw += st.writtenRaw
		t.overflowBytes += st.overflowBytes
		t.hostFailures += st.hostFailures
		t.taskRetries += st.taskRetries
		t.lostCoreUS += st.lostCoreUS
		t.downUS += st.downUS
		t.hostUS += st.hostUS
		t.sloViolations += st.sloViolations
		t.bsldSum += st.bsldSum
		t.cpuArea += st.cpuArea
		t.memArea += st.memArea
		t.capCPUArea += st.capCPUArea
		t.capMemArea += st.capMemArea
		t.gpuArea += st.gpuArea
		t.capGPUArea += st.capGPUArea
		t.energyJ += st.energyJ
		t.energyUSD += st.energyUSD
		t.carbonG += st.carbonG
		for g, us := range st.provUSByGroup {
			t.provUSByGroup[g] += us
		}
		t.queueArea += st.queueArea
		t.tasksArrived += st.tasksArrived
		t.tasksStarted += st.tasksStarted
		t.taskWaitSumUS += st.taskWaitSumUS
		t.shifted += st.shifted
		t.shiftUS += st.shiftUS
		t.events += st.events
		t.end = max(t.end, st.end)
	}
	now := t.end
	r := &Result{TasksStarted: t.tasksStarted, Parallel: ps}
	sum := &r.Summary
	sum.Scenario, sum.Seed = s.cfg.Scenario, s.cfg.Seed
	sum.JobsSubmitted, sum.JobsFinished, sum.JobsRejected, sum.JobsUnfinished = t.submitted, t.finished, t.rejected, t.unfinished
	sum.SLOViolations = t.sloViolations
	sum.JobsFailed, sum.HostFailures, sum.TaskRetries = t.failed, t.hostFailures, t.taskRetries
	sum.Preemptions, sum.JobsPreempted = t.preemptions, t.preemptedJobs
	sum.NetworkGiB, sum.StorageWrittenGiB, sum.StorageOverflowGiB = t.movedBytes/(1<<30), t.writtenRaw/(1<<30), t.overflowBytes/(1<<30)
	sum.PowerOns, sum.PowerOffs, sum.UnderprovisionedHostHours = t.powerOns, t.powerOffs, t.underHostH
	sum.ForecastMAPE = -1
	if t.apeN > 0 {
		sum.ForecastMAPE = t.apeSum / float64(t.apeN)
	}
	sum.LostCoreHours = t.lostCoreUS / 3.6e9
	if t.hostUS > 0 {
		sum.Unavailability = float64(t.downUS) / float64(t.hostUS)
	}
	if n := len(t.waits); n > 0 {
		var tot float64
		for _, w := range t.waits {
			tot += float64(w)
		}
		sum.MeanWaitS = tot / float64(n) / 1e6
		slices.Sort(t.waits)
		sum.P50WaitS = float64(t.waits[nearestRank(n, 0.50)]) / 1e6
		sum.P99WaitS = float64(t.waits[nearestRank(n, 0.99)]) / 1e6
	}
	if t.finished > 0 {
		sum.MeanBoundedSlowdown = t.bsldSum / float64(t.finished)
	}
	if t.capCPUArea > 0 {
		sum.CPUUtilization = t.cpuArea / t.capCPUArea
		sum.MemUtilization = t.memArea / t.capMemArea
	}
	sum.GPUUtilization = -1
	if t.capGPUArea > 0 {
		sum.GPUUtilization = t.gpuArea / t.capGPUArea
	}
	sum.EnergyKWh = power.JToKWh(t.energyJ)
	sum.FacilityEnergyKWh = power.FacilityEnergyKWh(sum.EnergyKWh, s.cfg.PUE)
	var provUS int64
	for gi, us := range t.provUSByGroup {
		g := &s.groups[gi]
		sum.CapexUSD += power.CapexUSD(g.CapexUSD, g.LifetimeUS, us)
		provUS += us
	}
	// Energy cost = IT energy × PUE × price, summed over cells (prices may differ per cell).
	sum.EnergyUSD = t.energyUSD * s.cfg.PUE
	sum.CostUSD = sum.CapexUSD + sum.EnergyUSD
	sum.CarbonKg = power.CarbonKg(sum.EnergyKWh, s.cfg.PUE, s.cfg.CarbonGPerKWh)
	if s.cfg.CarbonSeries != nil {
		sum.CarbonKg = t.carbonG / 1000 * s.cfg.PUE
	}
	for gi, us := range t.provUSByGroup {
		g := &s.groups[gi]
		if g.EmbodiedKg > 0 {
			sum.EmbodiedCarbonKg += timeseries.EmbodiedKg(g.EmbodiedKg, g.LifetimeUS, us)
		}
	}
	sum.HostHours = float64(provUS) / 3.6e9
	sum.JobsShifted, sum.ShiftHours = t.shifted, float64(t.shiftUS)/3.6e9
	sum.SimTimeS = now.Seconds()
	sum.Events = t.events
	if now > 0 {
		r.MeanQueueLen = t.queueArea / float64(now)
		r.ArrivalRate = float64(t.tasksArrived) / now.Seconds()
	}
	if t.tasksStarted > 0 {
		r.MeanTaskWaitS = t.taskWaitSumUS / float64(t.tasksStarted) / 1e6
	}
	return r
}

// nearestRank is the index of the p-quantile of n sorted values by the nearest-rank method
// (Hyndman & Fan 1996, definition 1): the ⌈p·n⌉-th smallest value.
func nearestRank(n int, p float64) int {
	k := int(math.Ceil(p*float64(n))) - 1
	return min(max(k, 0), n-1)
}

func randFor(seed uint64, name string) *rand.Rand { return rand.New(sim.NewStream(seed, name)) }

func itoa(i int) string { return strconv.Itoa(i) }
