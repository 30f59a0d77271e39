package scenarios

import (
	"fmt"
	"math"

	"github.com/dcsim/dcsim/models/trace/formats"
	"github.com/dcsim/dcsim/models/units"
	"github.com/dcsim/dcsim/models/workload"
)

// Defaults. Each is documented in docs/scenarios.md.
const (
	DefaultSeed         = 1
	DefaultHostsPerRack = 40
	// DefaultIdlePower and DefaultMaxPower are a typical 2-socket rack server: published
	// SPECpower_ssj2008 results for such machines range from about 50–150 W at active idle to
	// 250–450 W at 100% load (https://www.spec.org/power_ssj2008/results/).
	DefaultIdlePower    units.Power = 100
	DefaultMaxPower     units.Power = 350
	DefaultCapexUSD                 = 10000
	DefaultLifetime                 = 4 * units.Year
	DefaultBootTime                 = 2 * units.Minute
	DefaultInitialState             = "on"
	DefaultProcess                  = "poisson"
	DefaultPeriod                   = 24 * units.Hour
	DefaultPeak                     = 14 * units.Hour
	DefaultTenant                   = "default"
	DefaultQueue                    = "fcfs"
	DefaultPlacement                = "best-fit"
	DefaultMaxRetries               = 3
	DefaultMaxWait                  = units.Hour
	// DefaultExternalTimeout bounds the wait for an external policy's reply: long enough for an
	// interpreter to start and for a slow decision, short enough that a hung policy is noticed.
	DefaultExternalTimeout = 10 * units.Second
	// DefaultPUE is a reasonably efficient modern facility; the Uptime Institute's Global Data
	// Center Survey reports an industry average of about 1.55–1.6 for 2019–2023.
	DefaultPUE = 1.4
	// DefaultEnergyUSDPerKWh lies between the US average industrial (≈0.07–0.09) and commercial
	// (≈0.11–0.13) electricity prices of 2020–2023 (US EIA, Electric Power Monthly).
	DefaultEnergyUSDPerKWh = 0.10
	// DefaultCarbonGPerKWh is a round figure a little below the world-average grid carbon
	// intensity of recent years (≈440–480 g CO2/kWh; Ember, Global Electricity Review).
	DefaultCarbonGPerKWh = 400
	DefaultHostInterval  = 5 * units.Minute

	// Fleet defaults, applied only when the fleet section is present.
	DefaultRouter = "least-loaded"
	// DefaultDispatchDelay is a round figure for a global front end forwarding a job to a cell
	// in another building or region (one-way WAN latencies are milliseconds to ~100 ms; a
	// submit RPC with retries and admission checks takes longer). It is also the lookahead of
	// the parallel engine, so a larger value lets a run scale over more workers.
	DefaultDispatchDelay = 500 * units.Millisecond
	// DefaultMaxLoad keeps 15% headroom in a cell before cost-aware routing stops preferring it.
	DefaultMaxLoad = 0.85

	// Trace source defaults (workload.traces[i]). A trace processor is one core by default
	// (as on the machines of the Parallel Workloads Archive); memory is not modeled unless
	// mem_per_proc is given.
	// DefaultTracesDir is where "$DCSIM_TRACES" points when that variable is unset; like the
	// variable's value, it is relative to the current directory (see TracePath).
	DefaultTracesDir = "../shared/traces"
)

// ApplyDefaults fills in every absent key with its default (see docs/scenarios.md). A key that
// was given explicitly keeps its value, even zero; for a Scenario built in Go, zero means absent.
// It is idempotent. Required keys (host counts, cpu_cores, ...) get no default: Validate
// reports them.
func (s *Scenario) ApplyDefaults() {
	unset := func(path string, zero bool) bool { return zero && !s.given(path) }
	if unset("name", s.Name == "") && s.src != nil {
		s.Name = fileStem(s.src.file)
	}
	if unset("seed", s.Seed == 0) {
		s.Seed = DefaultSeed
	}
	c := &s.Cluster
	if unset("cluster.hosts_per_rack", c.HostsPerRack == 0) {
		c.HostsPerRack = DefaultHostsPerRack
	}
	if c.FromTrace != "" && len(c.HostGroups) == 0 {
		c.HostGroups = []HostGroup{{Name: "trace"}} // the template of the trace's host groups, all defaults
	}
	for i := range c.HostGroups {
		g, p := &c.HostGroups[i], fmt.Sprintf("cluster.host_groups[%d]", i)
		if unset(p+".name", g.Name == "") {
			g.Name = fmt.Sprintf("group%d", i)
		}
		pw := &g.Power
		if unset(p+".power.model", pw.Model == "") {
			pw.Model = "linear"
			if pw.Table != "" || len(pw.Points) > 0 {
				pw.Model = "specpower"
			}
		}
		if pw.Model == "linear" {
			if unset(p+".power.idle", pw.Idle == 0) {
				pw.Idle = DefaultIdlePower
			}
			if unset(p+".power.max", pw.Max == 0) {
				pw.Max = DefaultMaxPower
			}
		}
		if unset(p+".capex_usd", g.CapexUSD == 0) {
			g.CapexUSD = DefaultCapexUSD
		}
		if unset(p+".lifetime", g.Lifetime == 0) {
			g.Lifetime = DefaultLifetime
		}
		if unset(p+".boot_time", g.BootTime == 0) {
			g.BootTime = DefaultBootTime
		}
		if unset(p+".initial_state", g.InitialState == "") {
			g.InitialState = DefaultInitialState
		}
	}
	for i := range s.Workload.Synthetic {
		src, p := &s.Workload.Synthetic[i], fmt.Sprintf("workload.synthetic[%d]", i)
		if unset(p+".name", src.Name == "") {
			src.Name = fmt.Sprintf("source%d", i)
		}
		a := &src.Arrivals
		if unset(p+".arrivals.process", a.Process == "") {
			a.Process = DefaultProcess
		}
		if a.Process == "diurnal" {
			if unset(p+".arrivals.period", a.Period == 0) {
				a.Period = DefaultPeriod
			}
			if unset(p+".arrivals.peak", a.Peak == 0) {
				a.Peak = DefaultPeak
			}
		}
		// A distribution that is absent altogether gets its default; one that is given
		// without "dist" is reported by Validate.
		for _, d := range []struct {
			spec  *workload.DistSpec
			key   string
			value float64
		}{{&src.TasksPerJob, "tasks_per_job", 1}, {&src.GPUs, "gpus", 0}, {&src.Priority, "priority", 0},
			{&src.InputGiB, "input_gib", 0}, {&src.OutputGiB, "output_gib", 0}} {
			if unset(p+"."+d.key, d.spec.Dist == "") && isZeroDist(*d.spec) {
				*d.spec = workload.DistSpec{Dist: "constant", Value: d.value}
			}
		}
		if unset(p+".tenants", src.Tenants == nil) {
			src.Tenants = []string{DefaultTenant}
		}
	}
	pr := &s.Provisioning
	if unset("provisioning.policy", pr.Policy == "") {
		pr.Policy = "static"
	}
	if pr.Policy != "static" {
		for _, d := range []struct {
			key string
			dst *units.Duration
			v   units.Duration
		}{{"interval", &pr.Interval, 5 * units.Minute}, {"idle_timeout", &pr.IdleTimeout, 10 * units.Minute},
			{"cooldown", &pr.Cooldown, 10 * units.Minute}, {"season", &pr.Season, 24 * units.Hour}} {
			if unset("provisioning."+d.key, *d.dst == 0) {
				*d.dst = d.v
			}
		}
		for _, d := range []struct {
			key string
			dst *float64
			v   float64
		}{{"scale_up_utilization", &pr.ScaleUp, 0.8}, {"scale_down_utilization", &pr.ScaleDown, 0.5},
			{"quantile", &pr.Quantile, 0.95}, {"headroom", &pr.Headroom, 0.1}} {
			if unset("provisioning."+d.key, *d.dst == 0) {
				*d.dst = d.v
			}
		}
		if unset("provisioning.min_hosts", pr.MinHosts == 0) {
			pr.MinHosts = 1
		}
		if unset("provisioning.forecaster", pr.Forecaster == "") {
			pr.Forecaster = "holt-winters"
		}
	}
	for i := range s.Storage {
		sp, p := &s.Storage[i], fmt.Sprintf("storage[%d]", i)
		if unset(p+".name", sp.Name == "") {
			sp.Name = fmt.Sprintf("pool%d", i)
		}
		if unset(p+".io_size", sp.IOSize == 0) {
			sp.IOSize = units.MiB
		}
		if unset(p+".replication", sp.Replication == 0) && sp.ErasureData == 0 {
			sp.Replication = 1
		}
	}
	for i := range s.Workload.Synthetic {
		src := &s.Workload.Synthetic[i]
		if unset(fmt.Sprintf("workload.synthetic[%d].storage", i), src.Storage == "") && len(s.Storage) > 0 {
			src.Storage = s.Storage[0].Name
		}
	}
	for i := range s.Services {
		sv, p := &s.Services[i], fmt.Sprintf("services[%d]", i)
		if unset(p+".name", sv.Name == "") {
			sv.Name = fmt.Sprintf("service%d", i)
		}
		if unset(p+".concurrency", sv.Concurrency == 0) {
			sv.Concurrency = 1
		}
		if unset(p+".balancer", sv.Balancer == "") {
			sv.Balancer = "round-robin"
		}
		if unset(p+".window", sv.Window == 0) {
			sv.Window = units.Minute
		}
		if unset(p+".arrivals.process", sv.Arrivals.Process == "") {
			sv.Arrivals.Process = "poisson"
		}
		if sv.Arrivals.Process == "trace" && unset(p+".arrivals.scale", sv.Arrivals.Scale == 0) {
			sv.Arrivals.Scale = 1
		}
	}
	for i := range s.Workload.Traces {
		tr, p := &s.Workload.Traces[i], fmt.Sprintf("workload.traces[%d]", i)
		if unset(p+".name", tr.Name == "") {
			tr.Name = fmt.Sprintf("trace%d", i)
		}
		if unset(p+".format", tr.Format == "") && tr.Path != "" {
			if f, err := formats.Guess(s.TracePath(i)); err == nil {
				tr.Format = f.Name
			}
		}
		if f, err := formats.Lookup(tr.Format); err == nil {
			if unset(p+".cpu_per_unit", tr.CPUPerUnit == 0) {
				tr.CPUPerUnit = units.CPU(math.Round(f.Defaults.CPUMilliPerUnit))
			}
			if unset(p+".memory_per_unit", tr.MemoryPerUnit == 0) {
				tr.MemoryPerUnit = units.Bytes(math.Round(f.Defaults.MemBytesPerUnit))
			}
		}
		if unset(p+".sample", tr.Sample == 0) {
			tr.Sample = 1
		}
		if unset(p+".time_scale", tr.TimeScale == 0) {
			tr.TimeScale = 1
		}
	}
	// With an external policy the program decides: queue and placement get no default (and
	// are not used if given), so the resolved scenario does not name policies that do not run.
	if unset("scheduler.queue", s.Scheduler.Queue == "") && s.Scheduler.External == nil {
		s.Scheduler.Queue = DefaultQueue
	}
	if unset("scheduler.placement", s.Scheduler.Placement == "") && s.Scheduler.External == nil {
		s.Scheduler.Placement = DefaultPlacement
	}
	if unset("scheduler.cpu_overcommit", s.Scheduler.CPUOvercommit == 0) {
		s.Scheduler.CPUOvercommit = 1
	}
	if unset("scheduler.preemption", s.Scheduler.Preemption == "") {
		s.Scheduler.Preemption = "none"
	}
	if unset("scheduler.max_retries", s.Scheduler.MaxRetries == 0) {
		s.Scheduler.MaxRetries = DefaultMaxRetries
	}
	if x := s.Scheduler.External; x != nil && unset("scheduler.external.timeout", x.Timeout == 0) {
		x.Timeout = DefaultExternalTimeout
	}
	s.deferrableDefaults(unset)
	if unset("slo.max_wait", s.SLO.MaxWait == 0) {
		s.SLO.MaxWait = DefaultMaxWait
	}
	if unset("cost.pue", s.Cost.PUE == 0) {
		s.Cost.PUE = DefaultPUE
	}
	if unset("cost.energy_usd_per_kwh", s.Cost.EnergyUSDPerKWh == 0) {
		s.Cost.EnergyUSDPerKWh = DefaultEnergyUSDPerKWh
	}
	if unset("cost.carbon_g_per_kwh", s.Cost.CarbonGPerKWh == 0) {
		s.Cost.CarbonGPerKWh = DefaultCarbonGPerKWh
	}
	if unset("output.host_interval", s.Output.HostInterval == 0) {
		s.Output.HostInterval = DefaultHostInterval
	}
	if s.Output.Hosts == nil {
		t := true
		s.Output.Hosts = &t
	}
	if f := s.Fleet; f != nil { // no fleet section: a single cluster, nothing to fill in
		if unset("fleet.router", f.Router == "") {
			f.Router = DefaultRouter
		}
		if unset("fleet.dispatch_delay", f.DispatchDelay == 0) {
			f.DispatchDelay = DefaultDispatchDelay
		}
		if unset("fleet.max_load", f.MaxLoad == 0) {
			f.MaxLoad = DefaultMaxLoad
		}
		// Absent prices stay nil: every cell pays cost.energy_usd_per_kwh (see
		// CellEnergyUSDPerKWh). An empty list built in Go means the same; one given in the
		// input is reported by Validate.
		if unset("fleet.energy_usd_per_kwh", len(f.EnergyUSDPerKWh) == 0) {
			f.EnergyUSDPerKWh = nil
		}
	}
}

// CellEnergyUSDPerKWh returns the electricity price of fleet cell i (from 0): the prices of
// fleet.energy_usd_per_kwh cycled over the cells (cell i pays price i mod len), or
// cost.energy_usd_per_kwh when that list is absent or there is no fleet section.
func (s *Scenario) CellEnergyUSDPerKWh(i int) float64 {
	if s.Fleet == nil || len(s.Fleet.EnergyUSDPerKWh) == 0 || i < 0 {
		return s.Cost.EnergyUSDPerKWh
	}
	return s.Fleet.EnergyUSDPerKWh[i%len(s.Fleet.EnergyUSDPerKWh)]
}

// deferrableDefaults fills in the fraction of every deferrable key given without one (1: all the
// source's jobs). max_delay has no default; scheduler.shifting stays absent when not given (it
// means none, so scenarios without shifting keep their resolved YAML).
func (s *Scenario) deferrableDefaults(unset func(path string, zero bool) bool) {
	for i := range s.Workload.Synthetic {
		if d := s.Workload.Synthetic[i].Deferrable; d != nil && unset(fmt.Sprintf("workload.synthetic[%d].deferrable.fraction", i), d.Fraction == 0) {
			d.Fraction = 1
		}
	}
	for i := range s.Workload.Traces {
		if d := s.Workload.Traces[i].Deferrable; d != nil && unset(fmt.Sprintf("workload.traces[%d].deferrable.fraction", i), d.Fraction == 0) {
			d.Fraction = 1
		}
	}
}

func isZeroDist(d workload.DistSpec) bool {
	return d.Dist == "" && d.Value == 0 && d.Mean == 0 && d.CV == 0 && d.Mu == 0 && d.Sigma == 0 &&
		d.Xm == 0 && d.Alpha == 0 && d.Min == nil && d.Max == nil && d.Values == nil && d.Weights == nil
}
