package scenarios

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/dcsim/dcsim/models/failure"
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/models/timeseries"
	"github.com/dcsim/dcsim/models/trace/formats"
	"github.com/dcsim/dcsim/models/units"
	"github.com/dcsim/dcsim/models/workload"
)

// KnownPowerTable, when non-nil, reports whether a specpower table name exists; Validate
// uses it to check power.table. The package that owns the tables sets it.
var KnownPowerTable func(name string) bool

// KnownPolicy, when non-nil, reports whether a scheduler policy of the given kind ("queue" or
// "placement") is registered; Validate uses it to check the scheduler keys.
var KnownPolicy func(kind, name string) bool

// Names accepted by Validate.
var (
	Processes     = []string{"poisson", "diurnal"}
	Distributions = []string{"constant", "exponential", "lognormal", "pareto", "uniform", "empirical"}
	PowerModels   = []string{"linear", "specpower"}
	// Routers are the fleet routers (fleet.router), described in docs/scenarios.md.
	Routers = []string{"round-robin", "least-loaded", "cost-aware"}
)

// MaxCells is the largest fleet.cells Validate accepts.
const MaxCells = 100000

// checker collects validation problems, each with the position of its key.
type checker struct {
	s    *Scenario
	errs []error
}

func (c *checker) errf(path, format string, args ...any) {
	c.errs = append(c.errs, inputErr(c.s.Pos(path), path, format, args...))
}

// oneOf reports an error unless v is one of names.
func (c *checker) oneOf(path, what, v string, names []string) bool {
	for _, n := range names {
		if v == n {
			return true
		}
	}
	msg := fmt.Sprintf("unknown %s %q (use %s)", what, v, strings.Join(names, ", "))
	if v == "" {
		msg = fmt.Sprintf("missing %s (use %s)", what, strings.Join(names, ", "))
	}
	c.errf(path, "%s", msg)
	return false
}

// Validate checks the scenario (after ApplyDefaults) and returns every problem found, joined;
// each is an *InputError naming file, line, column and key path. Checks that need the models
// (e.g. a job larger than any host) are left to the simulator.
func (s *Scenario) Validate() error {
	c := &checker{s: s}
	if s.Horizon < 0 {
		c.errf("horizon", "must be >= 0, got %s", s.Horizon)
	}

	cl := s.Cluster
	if cl.HostsPerRack <= 0 {
		c.errf("cluster.hosts_per_rack", "must be > 0, got %d", cl.HostsPerRack)
	}
	fromTrace := cl.FromTrace != ""
	switch {
	case fromTrace && len(cl.HostGroups) > 1:
		c.errf("cluster.host_groups", "with from_trace, at most one host group (the template) is allowed, got %d", len(cl.HostGroups))
	case fromTrace && !slices.ContainsFunc(s.Workload.Traces, func(t TraceSource) bool { return t.Name == cl.FromTrace }):
		var names []string
		for _, t := range s.Workload.Traces {
			names = append(names, t.Name)
		}
		c.errf("cluster.from_trace", "no workload.traces entry is named %q (traces: %s)", cl.FromTrace, strings.Join(names, ", "))
	case !fromTrace && len(cl.HostGroups) == 0:
		c.errf("cluster.host_groups", "at least one host group is required")
	}
	if cl.RackFailures != nil {
		c.failures("cluster.rack_failures", *cl.RackFailures)
	}
	if cl.FailuresFromTrace {
		if !fromTrace {
			c.errf("cluster.failures_from_trace", "needs cluster.from_trace (the trace whose machine removals are replayed)")
		} else {
			for _, t := range s.Workload.Traces {
				if t.Name == cl.FromTrace && t.Format != "" && t.Format != "google2011" {
					c.errf("cluster.failures_from_trace", "trace %q is %s; machine removals are replayed from google2011 traces", t.Name, t.Format)
				}
			}
		}
	}
	pools := map[string]string{}
	for i, sp := range s.Storage {
		c.pool(fmt.Sprintf("storage[%d]", i), sp, pools)
	}
	if s.Network != nil {
		c.network(*s.Network)
	}
	if (s.Network != nil || len(s.Storage) > 0) && s.Fleet != nil {
		c.errf("fleet", "network and storage are modelled in a single cluster; not with fleet yet")
	}
	names := map[string]string{}
	for i, sv := range s.Services {
		c.service(fmt.Sprintf("services[%d]", i), sv, names)
	}
	if len(s.Services) > 0 && s.Horizon <= 0 {
		c.errf("horizon", "services run until the horizon: give one (e.g. 1h)")
	}
	if len(s.Services) > 0 && s.Fleet != nil {
		c.errf("services", "services run in a single cluster; they are not supported with fleet yet")
	}
	if pr := s.Provisioning; pr.Policy != "static" {
		c.oneOf("provisioning.policy", "provisioning policy", pr.Policy, []string{"static", "power-off-idle", "reactive", "predictive"})
		if s.Horizon <= 0 {
			c.errf("horizon", "provisioning policies decide until the horizon: give one (e.g. 24h)")
		}
		if pr.Interval <= 0 {
			c.errf("provisioning.interval", "must be > 0, got %s", pr.Interval)
		}
		if pr.MinHosts < 0 || pr.MaxHosts < 0 || pr.MaxHosts > 0 && pr.MaxHosts < pr.MinHosts {
			c.errf("provisioning", "need 0 <= min_hosts <= max_hosts (max_hosts 0: all), got %d and %d", pr.MinHosts, pr.MaxHosts)
		}
		if !(pr.ScaleDown >= 0 && pr.ScaleDown < pr.ScaleUp && pr.ScaleUp <= 1) {
			c.errf("provisioning", "need 0 <= scale_down_utilization < scale_up_utilization <= 1, got %g and %g", pr.ScaleDown, pr.ScaleUp)
		}
		if pr.Step < 0 {
			c.errf("provisioning.step", "must be >= 0 (0: 5%% of the cluster), got %d", pr.Step)
		}
		if !(pr.Quantile > 0 && pr.Quantile < 1) {
			c.errf("provisioning.quantile", "must be in (0, 1), got %g", pr.Quantile)
		}
		if !(pr.Headroom >= 0) {
			c.errf("provisioning.headroom", "must be >= 0, got %g", pr.Headroom)
		}
		if pr.Policy == "predictive" {
			c.oneOf("provisioning.forecaster", "forecaster", pr.Forecaster, []string{"holt-winters", "seasonal-naive"})
			if pr.Interval > 0 && (pr.Season < 2*pr.Interval || pr.Season%pr.Interval != 0) {
				c.errf("provisioning.season", "must be a whole number (>= 2) of intervals (%s), got %s", pr.Interval, pr.Season)
			}
		}
		if s.Fleet != nil {
			c.errf("provisioning", "provisioning policies run in a single cluster; not with fleet yet")
		}
	}
	c.oneOf("scheduler.preemption", "preemption", s.Scheduler.Preemption, []string{"none", "requeue", "kill"})
	if r := s.Scheduler.CPUOvercommit; !(r >= 1) || math.IsInf(r, 0) {
		c.errf("scheduler.cpu_overcommit", "must be >= 1 (1: no over-commit), got %g", r)
	}
	if s.Scheduler.MaxRetries < 0 {
		c.errf("scheduler.max_retries", "must be >= 0, got %d", s.Scheduler.MaxRetries)
	}
	if x := s.Scheduler.External; x != nil {
		c.external(*x)
	}
	groups := map[string]string{}
	for i, g := range cl.HostGroups {
		p := fmt.Sprintf("cluster.host_groups[%d]", i)
		c.unique(groups, p+".name", "host group", g.Name)
		switch {
		case fromTrace && g.Count != 0:
			c.errf(p+".count", "must be omitted with cluster.from_trace (the trace's machines give the counts)")
		case !fromTrace && g.Count <= 0:
			c.errf(p+".count", "must be > 0, got %d", g.Count)
		}
		if g.CPU < 0 || !fromTrace && g.CPU == 0 {
			c.errf(p+".cpu", "must be > 0, got %s", g.CPU)
		}
		if g.Memory < 0 || !fromTrace && g.Memory == 0 {
			c.errf(p+".memory", "must be > 0, got %s", g.Memory)
		}
		if g.GPUs < 0 {
			c.errf(p+".gpus", "must be >= 0, got %d", g.GPUs)
		}
		c.nonNeg(p+".capex_usd", g.CapexUSD)
		if g.Lifetime <= 0 {
			c.errf(p+".lifetime", "must be > 0, got %s", g.Lifetime)
		}
		if g.BootTime < 0 {
			c.errf(p+".boot_time", "must be >= 0, got %s", g.BootTime)
		}
		c.oneOf(p+".initial_state", "initial_state", g.InitialState, []string{"on", "off"})
		if g.Failures != nil {
			c.failures(p+".failures", *g.Failures)
		}
		c.nonNeg(p+".embodied_carbon_kg", g.EmbodiedKg)
		c.power(p+".power", g.Power)
	}

	if len(s.Workload.Synthetic) == 0 && len(s.Workload.Traces) == 0 {
		if len(s.Services) == 0 {
			c.errf("workload", "at least one workload source is required (workload.synthetic or workload.traces) or a service")
		}
	}
	sources := map[string]string{}
	for i, src := range s.Workload.Synthetic {
		p := fmt.Sprintf("workload.synthetic[%d]", i)
		c.unique(sources, p+".name", "source", src.Name)
		if src.Jobs < 0 {
			c.errf(p+".jobs", "must be >= 0, got %d", src.Jobs)
		}
		if src.Until > 0 && src.Until <= src.Start {
			c.errf(p+".until", "must be after start (%s), got %s", src.Start, src.Until)
		}
		if src.Jobs == 0 && src.Until == 0 && s.Horizon == 0 {
			c.errf(p, "never stops: set jobs or until, or a scenario horizon")
		}
		c.arrivals(p+".arrivals", src.Arrivals)
		c.dist(p+".tasks_per_job", src.TasksPerJob, positive)
		c.dist(p+".cpu_cores", src.CPUCores, positive)
		c.dist(p+".memory_gib", src.MemoryGiB, positive)
		c.dist(p+".gpus", src.GPUs, nonNegative)
		c.dist(p+".runtime_s", src.RuntimeS, positive)
		c.dist(p+".priority", src.Priority, anySign)
		c.dist(p+".input_gib", src.InputGiB, nonNegative)
		c.dist(p+".output_gib", src.OutputGiB, nonNegative)
		moves := src.InputGiB.Dist != "constant" || src.InputGiB.Value != 0 || src.OutputGiB.Dist != "constant" || src.OutputGiB.Value != 0
		switch {
		case src.Storage != "" && !slices.ContainsFunc(s.Storage, func(sp StoragePool) bool { return sp.Name == src.Storage }):
			c.errf(p+".storage", "no storage pool is named %q", src.Storage)
		case moves && len(s.Storage) == 0:
			c.errf(p, "input_gib and output_gib need a storage pool (a storage section)")
		}
		if len(src.Tenants) == 0 {
			c.errf(p+".tenants", "at least one tenant is required")
		}
		for j, t := range src.Tenants {
			if t == "" {
				c.errf(fmt.Sprintf("%s.tenants[%d]", p, j), "tenant names must not be empty")
			}
		}
		c.nonNeg(p+".deadline_factor", src.DeadlineX)
	}
	for i, tr := range s.Workload.Traces { // finite by nature: no horizon needed
		c.trace(fmt.Sprintf("workload.traces[%d]", i), i, tr, sources)
	}

	for _, k := range []struct{ kind, path, name string }{
		{"queue", "scheduler.queue", s.Scheduler.Queue},
		{"placement", "scheduler.placement", s.Scheduler.Placement},
	} {
		switch {
		case k.name == "" && s.Scheduler.External == nil:
			c.errf(k.path, "missing %s policy name", k.kind)
		case k.name != "" && KnownPolicy != nil && !KnownPolicy(k.kind, k.name):
			c.errf(k.path, "unknown %s policy %q", k.kind, k.name)
		}
	}
	if s.SLO.MaxWait < 0 {
		c.errf("slo.max_wait", "must be >= 0, got %s", s.SLO.MaxWait)
	}
	if !(s.Cost.PUE >= 1) {
		c.errf("cost.pue", "must be >= 1 (facility energy / IT energy), got %g", s.Cost.PUE)
	}
	c.nonNeg("cost.energy_usd_per_kwh", s.Cost.EnergyUSDPerKWh)
	c.nonNeg("cost.carbon_g_per_kwh", s.Cost.CarbonGPerKWh)
	if _, err := s.SeriesOptions(); err != nil {
		c.errf("cost.series_start", "%v", err)
	}
	c.series("cost.carbon_series", s.Cost.CarbonSeries)
	c.series("cost.price_series", s.Cost.PriceSeries)
	c.shifting()
	if s.Output.HostInterval <= 0 {
		c.errf("output.host_interval", "must be > 0, got %s", s.Output.HostInterval)
	}
	if s.Fleet != nil {
		c.fleet(*s.Fleet)
	}
	return joinErrs(c.errs)
}

// Shifting policies (scheduler.shifting); "" means none.
const (
	ShiftNone        = "none"
	ShiftCarbonAware = "carbon-aware"
)

// MaxDeferral bounds deferrable.max_delay: a year is far beyond any deferral a batch job's owner
// would accept, and keeps submit + delay + run time far from time overflow.
const MaxDeferral = units.Year

// shifting checks scheduler.shifting, cost.carbon_daily and the sources' deferrable keys.
func (c *checker) shifting() {
	s := c.s
	if sh := s.Scheduler.Shifting; sh != "" {
		c.oneOf("scheduler.shifting", "shifting policy", sh, []string{ShiftNone, ShiftCarbonAware})
	}
	if s.Scheduler.Shifting == ShiftCarbonAware && s.Cost.CarbonSeries == "" && len(s.Cost.CarbonDaily) == 0 {
		c.errf("scheduler.shifting", "carbon-aware shifting needs a carbon-intensity profile: cost.carbon_daily (24 hourly values) or cost.carbon_series")
	}
	if d := s.Cost.CarbonDaily; d != nil || s.given("cost.carbon_daily") {
		if len(d) != 24 {
			c.errf("cost.carbon_daily", "needs 24 hourly values (g CO2/kWh, hour 0 first), got %d", len(d))
		}
		for i, v := range d {
			if !(v >= 0) || math.IsInf(v, 0) {
				c.errf(fmt.Sprintf("cost.carbon_daily[%d]", i), "must be a finite number >= 0 (g CO2/kWh), got %g", v)
			}
		}
		if s.Cost.CarbonSeries != "" {
			c.errf("cost.carbon_daily", "give either cost.carbon_daily or cost.carbon_series, not both")
		}
	}
	check := func(p string, d *Deferrable) {
		if d == nil {
			return
		}
		if !(d.Fraction >= 0 && d.Fraction <= 1) {
			c.errf(p+".fraction", "must be in [0, 1] (a share of the source's jobs), got %g", d.Fraction)
		}
		switch {
		case d.MaxDelay == 0 && !s.given(p+".max_delay"):
			c.errf(p+".max_delay", "required: how long a deferrable job may be held, e.g. 12h")
		case d.MaxDelay <= 0 || d.MaxDelay > MaxDeferral:
			c.errf(p+".max_delay", "must be in (0, %s], got %s", MaxDeferral, d.MaxDelay)
		}
	}
	for i := range s.Workload.Synthetic {
		check(fmt.Sprintf("workload.synthetic[%d].deferrable", i), s.Workload.Synthetic[i].Deferrable)
	}
	for i := range s.Workload.Traces {
		check(fmt.Sprintf("workload.traces[%d].deferrable", i), s.Workload.Traces[i].Deferrable)
	}
}

// external checks scheduler.external. Whether the program may run at all is the caller's
// decision (dcsim run --allow-exec), not the scenario's.
func (c *checker) external(x External) {
	switch {
	case len(x.Command) == 0:
		c.errf("scheduler.external.command", "required: the program and its arguments, e.g. [python3, sjf.py]")
	case x.Command[0] == "":
		c.errf("scheduler.external.command[0]", "the program name must not be empty")
	}
	for i, a := range x.Command {
		if strings.IndexByte(a, 0) >= 0 {
			c.errf(fmt.Sprintf("scheduler.external.command[%d]", i), "must not contain a NUL byte")
		}
	}
	if x.Timeout <= 0 {
		c.errf("scheduler.external.timeout", "must be > 0, got %s", x.Timeout)
	}
	if c.s.Fleet != nil {
		c.errf("scheduler.external", "an external policy runs in a single cluster; not with fleet")
	}
	if p := c.s.Scheduler.Preemption; p != "none" && p != "" {
		c.errf("scheduler.preemption", "must be none with scheduler.external (the policy decides every start), got %q", p)
	}
}

// fleet checks the fleet section. Each cell is a copy of cluster with the scheduler, so
// everything else is checked as for a single cluster; a fleet needs no horizon of its own.
func (c *checker) fleet(f Fleet) {
	switch {
	case f.Cells == 0 && !c.s.given("fleet.cells"):
		c.errf("fleet.cells", "required: the number of cells (copies of cluster), 1 to %d", MaxCells)
	case f.Cells < 1 || f.Cells > MaxCells:
		c.errf("fleet.cells", "must be in [1, %d], got %d", MaxCells, f.Cells)
	}
	c.oneOf("fleet.router", "router", f.Router, Routers)
	if f.DispatchDelay <= 0 {
		c.errf("fleet.dispatch_delay", "must be > 0 (it is also the parallel engine's lookahead), got %s", f.DispatchDelay)
	}
	if f.EnergyUSDPerKWh != nil && len(f.EnergyUSDPerKWh) == 0 {
		c.errf("fleet.energy_usd_per_kwh", "needs at least one price (leave it out to use cost.energy_usd_per_kwh in every cell)")
	}
	for i, p := range f.EnergyUSDPerKWh {
		c.nonNeg(fmt.Sprintf("fleet.energy_usd_per_kwh[%d]", i), p)
	}
	if !(f.MaxLoad > 0 && f.MaxLoad <= 1) {
		c.errf("fleet.max_load", "must be in (0, 1] (a fraction of a cell's CPU capacity), got %g", f.MaxLoad)
	}
}

// trace checks trace source i; sources holds the source names seen so far (all kinds).
func (c *checker) trace(p string, i int, tr TraceSource, sources map[string]string) {
	c.unique(sources, p+".name", "source", tr.Name)
	path := ""
	if tr.Path == "" {
		c.errf(p+".path", "required: the trace file or folder (e.g. \"$DCSIM_TRACES/swf/KTH-SP2-1996-2.1-cln.swf\")")
	} else if path = c.s.TracePath(i); path != "" {
		if _, err := os.Stat(path); err != nil {
			c.errf(p+".path", "cannot read trace %s: %v", path, unwrapPathErr(err))
			path = ""
		}
	}
	if tr.Format == "" && path != "" {
		_, err := formats.Guess(path)
		c.errf(p+".format", "required here: %v", err)
	} else if tr.Format != "" {
		c.oneOf(p+".format", "trace format", tr.Format, TraceFormats)
		if f, err := formats.Lookup(tr.Format); err == nil && f.Open == nil {
			c.errf(p+".format", "%s is a request-level trace and replays no jobs (use it with `dcsim trace inspect`)", tr.Format)
		} else if err == nil && tr.SkipBad && !f.SkipBad {
			c.errf(p+".skip_bad", "format %s does not support skipping malformed lines", tr.Format)
		}
	}
	if tr.CPUPerUnit <= 0 && tr.Format != "" {
		c.errf(p+".cpu_per_unit", "must be > 0, got %s", tr.CPUPerUnit)
	}
	if tr.MemoryPerUnit < 0 {
		c.errf(p+".memory_per_unit", "must be >= 0, got %s", tr.MemoryPerUnit)
	}
	if tr.Start < 0 {
		c.errf(p+".start", "must be >= 0, got %s", tr.Start)
	}
	if tr.End != 0 && tr.End <= tr.Start {
		c.errf(p+".end", "must be after start (%s), got %s", tr.Start, tr.End)
	}
	if !(tr.Sample > 0 && tr.Sample <= 1) {
		c.errf(p+".sample", "must be in (0, 1] (a fraction of the jobs), got %g", tr.Sample)
	}
	if !(tr.TimeScale > 0) || math.IsInf(tr.TimeScale, 0) {
		c.errf(p+".time_scale", "must be > 0, got %g", tr.TimeScale)
	}
	if tr.Jobs < 0 {
		c.errf(p+".jobs", "must be >= 0, got %d", tr.Jobs)
	}
}

// pool checks one storage pool.
func (c *checker) pool(p string, sp StoragePool, names map[string]string) {
	c.unique(names, p+".name", "storage pool", sp.Name)
	if sp.Capacity <= 0 {
		c.errf(p+".capacity", "must be > 0, got %s", sp.Capacity)
	}
	if !(sp.Bandwidth > 0) {
		c.errf(p+".bandwidth", "must be > 0, got %s", sp.Bandwidth)
	}
	if !(sp.IOPS >= 0) || math.IsInf(sp.IOPS, 0) {
		c.errf(p+".iops", "must be >= 0 (0: no limit), got %g", sp.IOPS)
	}
	if sp.IOSize <= 0 {
		c.errf(p+".io_size", "must be > 0, got %s", sp.IOSize)
	}
	if sp.Used < 0 || sp.Used > sp.Capacity {
		c.errf(p+".used", "must be in [0, capacity], got %s", sp.Used)
	}
	switch {
	case sp.ErasureData != 0 || sp.ErasureParity != 0:
		if sp.ErasureData < 1 || sp.ErasureParity < 0 {
			c.errf(p+".erasure_data", "erasure coding needs erasure_data >= 1 and erasure_parity >= 0, got %d and %d", sp.ErasureData, sp.ErasureParity)
		}
		if sp.Replication > 1 {
			c.errf(p+".replication", "give either replication or erasure coding, not both")
		}
	case sp.Replication < 1:
		c.errf(p+".replication", "must be >= 1, got %d", sp.Replication)
	}
	if sp.Attach < 0 {
		c.errf(p+".attach", "must be a topology host index >= 0, got %d", sp.Attach)
	}
}

// network checks the network section.
func (c *checker) network(n Network) {
	switch n.Topology {
	case "leaf-spine":
		if n.Leaves < 1 || n.Spines < 1 || n.HostsPerLeaf < 1 {
			c.errf("network", "leaf-spine needs leaves, spines and hosts_per_leaf >= 1 (got %d, %d, %d)", n.Leaves, n.Spines, n.HostsPerLeaf)
		}
		if !(n.HostBandwidth > 0) || !(n.UplinkBandwidth > 0) {
			c.errf("network", "leaf-spine needs host_bandwidth and uplink_bandwidth > 0")
		}
	case "fat-tree":
		if n.K < 2 || n.K%2 != 0 {
			c.errf("network.k", "must be even and >= 2, got %d", n.K)
		}
		if !(n.Bandwidth > 0) {
			c.errf("network.bandwidth", "must be > 0, got %s", n.Bandwidth)
		}
	case "custom":
		if len(n.Hosts) == 0 || len(n.Links) == 0 {
			c.errf("network", "a custom topology needs hosts (names, in host order) and links")
		}
		for i, l := range n.Links {
			if l.A == "" || l.B == "" || l.A == l.B {
				c.errf(fmt.Sprintf("network.links[%d]", i), "a link joins two different named nodes (a, b)")
			}
			if !(l.Bandwidth > 0) {
				c.errf(fmt.Sprintf("network.links[%d].bandwidth", i), "must be > 0, got %s", l.Bandwidth)
			}
		}
	default:
		c.oneOf("network.topology", "topology", n.Topology, []string{"leaf-spine", "fat-tree", "custom"})
	}
	if n.Latency < 0 {
		c.errf("network.latency", "must be >= 0, got %s", n.Latency)
	}
}

// service checks one service.
func (c *checker) service(p string, sv Service, names map[string]string) {
	c.unique(names, p+".name", "service", sv.Name)
	if sv.Replicas <= 0 {
		c.errf(p+".replicas", "must be > 0, got %d", sv.Replicas)
	}
	if sv.CPU <= 0 {
		c.errf(p+".cpu", "must be > 0 (the CPU each replica holds), got %s", sv.CPU)
	}
	if sv.Memory < 0 {
		c.errf(p+".memory", "must be >= 0, got %s", sv.Memory)
	}
	if sv.GPUs < 0 {
		c.errf(p+".gpus", "must be >= 0, got %d", sv.GPUs)
	}
	if sv.Concurrency < 1 {
		c.errf(p+".concurrency", "must be >= 1, got %d", sv.Concurrency)
	}
	if sv.QueueCapacity < -1 {
		c.errf(p+".queue_capacity", "must be >= -1 (-1: no waiting room, 0: unbounded), got %d", sv.QueueCapacity)
	}
	c.oneOf(p+".balancer", "balancer", sv.Balancer, []string{"round-robin", "least-outstanding", "power-of-two", "random"})
	if sv.SLOP99 < 0 {
		c.errf(p+".slo_p99", "must be >= 0, got %s", sv.SLOP99)
	}
	if sv.Window <= 0 {
		c.errf(p+".window", "must be > 0, got %s", sv.Window)
	}
	st := sv.ServiceTime
	switch st.Dist {
	case "constant", "exponential":
		if st.Mean <= 0 && !(st.Dist == "constant" && st.Mean == 0) {
			c.errf(p+".service_time.mean", "must be > 0, got %s", st.Mean)
		}
	case "lognormal":
		if !(st.Median > 0 && st.Sigma > 0) && !(st.Mean > 0 && st.CV > 0) {
			c.errf(p+".service_time", "lognormal needs median and sigma, or mean and cv (all > 0)")
		}
	case "llm":
		if sv.Arrivals.Process != "trace" || sv.Arrivals.Format != "azure-llm" {
			c.errf(p+".service_time.dist", "llm service times need requests with token counts: arrivals {process: trace, format: azure-llm}")
		}
		if st.Base < 0 || st.PrefillPerToken < 0 || st.DecodePerToken < 0 {
			c.errf(p+".service_time", "llm base, prefill_per_token and decode_per_token must be >= 0")
		}
	case "":
		c.errf(p+".service_time.dist", "required: constant, exponential, lognormal or llm")
	default:
		c.oneOf(p+".service_time.dist", "service time distribution", st.Dist, []string{"constant", "exponential", "lognormal", "llm"})
	}
	a := sv.Arrivals
	ap := p + ".arrivals"
	switch a.Process {
	case "poisson", "constant", "diurnal":
		if !(a.Rate > 0) {
			c.errf(ap+".rate", "must be > 0, got %v", float64(a.Rate))
		}
		if a.Process == "diurnal" && !(a.Amplitude >= 0 && a.Amplitude <= 1) {
			c.errf(ap+".amplitude", "must be in [0, 1], got %g", a.Amplitude)
		}
	case "mmpp":
		if len(a.Rates) != 2 || len(a.MeanSojourn) != 2 {
			c.errf(ap, "mmpp needs rates and mean_sojourn, two of each (one per state)")
		}
	case "trace":
		c.oneOf(ap+".format", "request trace format", a.Format, []string{"azure-functions", "azure-llm"})
		if a.Path == "" {
			c.errf(ap+".path", "required: the request trace file")
		} else if _, err := os.Stat(c.s.DataPath(a.Path)); err != nil {
			c.errf(ap+".path", "cannot read %s: %v", c.s.DataPath(a.Path), unwrapPathErr(err))
		}
		if a.Function < -1 {
			c.errf(ap+".function", "must be a row index >= 0, or -1 for all rows summed")
		}
		if !(a.Scale > 0) {
			c.errf(ap+".scale", "must be > 0, got %g", a.Scale)
		}
	default:
		c.oneOf(ap+".process", "request arrival process", a.Process, []string{"poisson", "constant", "diurnal", "mmpp", "trace"})
	}
}

// SeriesOptions are the options the cost series are read with.
func (s *Scenario) SeriesOptions() (timeseries.Options, error) {
	if s.Cost.SeriesStart == "" {
		return timeseries.Options{}, nil
	}
	t, err := time.Parse(time.RFC3339, s.Cost.SeriesStart)
	if err != nil {
		return timeseries.Options{}, fmt.Errorf("want an RFC 3339 instant such as 2023-06-01T00:00:00Z, got %q", s.Cost.SeriesStart)
	}
	return timeseries.Options{Start: t}, nil
}

// series checks a cost series: the file must parse.
func (c *checker) series(p, path string) {
	if path == "" {
		return
	}
	opt, err := c.s.SeriesOptions()
	if err != nil {
		return // reported at cost.series_start
	}
	if _, err := timeseries.Open(c.s.DataPath(path), opt); err != nil {
		c.errf(p, "%v", err)
	}
}

// failures checks a failure process's two distributions.
func (c *checker) failures(p string, f Failures) {
	for _, d := range []struct {
		key string
		d   FailureDist
	}{{"tbf", f.TBF}, {"ttr", f.TTR}} {
		if d.d.Dist == "" {
			c.errf(p+"."+d.key, "required: a distribution, e.g. {dist: exponential, mean: 30d}")
			continue
		}
		if err := d.d.Spec().Validate(); err != nil {
			c.errf(p+"."+d.key, "%v", err)
		}
	}
}

// Spec is the failure.Dist of d (durations in seconds).
func (d FailureDist) Spec() failure.Dist {
	s := func(x units.Duration) float64 { return float64(x) / float64(units.Second) }
	fd := failure.Dist{Kind: d.Dist, MeanS: s(d.Mean), Shape: d.Shape, ScaleS: s(d.Scale), Sigma: d.Sigma, MedianS: s(d.Median)}
	if strings.EqualFold(d.Dist, failure.KindConstant) && d.Value != 0 {
		fd.MeanS = s(d.Value)
	}
	return fd
}

func (c *checker) nonNeg(path string, v float64) {
	if !(v >= 0) || math.IsInf(v, 0) {
		c.errf(path, "must be a finite number >= 0, got %g", v)
	}
}

// unique reports a name seen before (seen maps names to their key paths).
func (c *checker) unique(seen map[string]string, path, what, name string) {
	if name == "" {
		c.errf(path, "%s name must not be empty", what)
	} else if first, dup := seen[name]; dup {
		c.errf(path, "duplicate %s name %q (also used by %s at %s)", what, name, parentPath(first), c.s.Pos(first))
	} else {
		seen[name] = path
	}
}

func (c *checker) power(p string, pw power.Spec) {
	if !c.oneOf(p+".model", "power model", pw.Model, PowerModels) {
		return
	}
	if pw.Off < 0 {
		c.errf(p+".off", "must be >= 0, got %s", pw.Off)
	}
	if pw.Model == "linear" {
		if pw.Table != "" {
			c.errf(p+".table", "is only used by model specpower")
		}
		if pw.Points != nil {
			c.errf(p+".points", "is only used by model specpower")
		}
		if pw.Idle < 0 || pw.Max <= 0 || pw.Idle > pw.Max {
			c.errf(p, "linear model needs 0 <= idle <= max and max > 0, got idle %s, max %s", pw.Idle, pw.Max)
		}
		return
	}
	if pw.Idle != 0 {
		c.errf(p+".idle", "is only used by model linear (specpower uses table or points)")
	}
	if pw.Max != 0 {
		c.errf(p+".max", "is only used by model linear (specpower uses table or points)")
	}
	switch {
	case (pw.Table == "") == (pw.Points == nil):
		c.errf(p, "model specpower needs exactly one of table (a published table name) or points (11 values)")
	case pw.Table != "":
		if KnownPowerTable != nil && !KnownPowerTable(pw.Table) {
			c.errf(p+".table", "unknown specpower table %q", pw.Table)
		}
	case len(pw.Points) != 11:
		c.errf(p+".points", "needs exactly 11 values (0%%, 10%%, ..., 100%% utilization), got %d", len(pw.Points))
	default:
		for i := 1; i < len(pw.Points); i++ {
			if pw.Points[i] < pw.Points[i-1] {
				c.errf(fmt.Sprintf("%s.points[%d]", p, i), "points must not decrease, but %s < %s", pw.Points[i], pw.Points[i-1])
			}
		}
	}
}

func (c *checker) arrivals(p string, a workload.ArrivalSpec) {
	c.oneOf(p+".process", "arrival process", a.Process, Processes)
	if a.Rate <= 0 || math.IsInf(float64(a.Rate), 0) {
		c.errf(p+".rate", "must be > 0 (e.g. 10/s), got %s", a.Rate)
	}
	if a.Process == "diurnal" {
		if !(a.Amplitude >= 0 && a.Amplitude <= 1) {
			c.errf(p+".amplitude", "must be in [0, 1], got %g", a.Amplitude)
		}
		if a.Period <= 0 {
			c.errf(p+".period", "must be > 0, got %s", a.Period)
		}
		if a.Peak < 0 {
			c.errf(p+".peak", "must be >= 0, got %s", a.Peak)
		}
	}
}

// support is the set of values a distribution's samples must lie in.
type support int

const (
	anySign     support = iota // e.g. priority
	nonNegative                // e.g. GPUs
	positive                   // e.g. CPU, memory, run time
)

func (c *checker) dist(p string, d workload.DistSpec, sup support) {
	if d.Dist == "" && isZeroDist(d) {
		c.errf(p, "required, e.g. {dist: constant, value: 1}")
		return
	}
	if !c.oneOf(p+".dist", "distribution", d.Dist, Distributions) {
		return
	}
	// Parameters: which are set, and which the distribution uses.
	params := []struct {
		name string
		set  bool
	}{
		{"value", d.Value != 0}, {"mean", d.Mean != 0}, {"cv", d.CV != 0}, {"mu", d.Mu != 0 || c.s.given(p+".mu")},
		{"sigma", d.Sigma != 0}, {"xm", d.Xm != 0}, {"alpha", d.Alpha != 0},
		{"values", d.Values != nil}, {"weights", d.Weights != nil},
	}
	uses := map[string]string{
		"constant": "value", "exponential": "mean", "lognormal": "mu sigma mean cv", "pareto": "xm alpha",
		"uniform": "", "empirical": "values weights",
	}[d.Dist]
	for _, q := range params {
		if q.set && !strings.Contains(" "+uses+" ", " "+q.name+" ") {
			c.errf(p+"."+q.name, "is not a parameter of dist %s (it uses %s)", d.Dist, paramList(d.Dist, uses))
		}
	}
	bound := func(path string, v float64) {
		switch {
		case sup == positive && v <= 0:
			c.errf(path, "must be > 0, got %g", v)
		case sup == nonNegative && v < 0:
			c.errf(path, "must be >= 0, got %g", v)
		}
	}
	switch d.Dist {
	case "constant":
		bound(p+".value", d.Value)
	case "exponential":
		if d.Mean <= 0 {
			c.errf(p+".mean", "must be > 0, got %g", d.Mean)
		}
	case "lognormal":
		bySigma, byMean := params[3].set || d.Sigma != 0, d.Mean != 0 || d.CV != 0
		switch {
		case bySigma && byMean:
			c.errf(p, "lognormal takes either mu and sigma, or mean and cv, not both")
		case bySigma && d.Sigma <= 0:
			c.errf(p+".sigma", "must be > 0, got %g", d.Sigma)
		case byMean && (d.Mean <= 0 || d.CV <= 0):
			c.errf(p, "lognormal needs mean > 0 and cv > 0, got mean %g, cv %g", d.Mean, d.CV)
		case !bySigma && !byMean:
			c.errf(p, "lognormal needs mu and sigma, or mean and cv")
		}
	case "pareto":
		if d.Xm <= 0 || d.Alpha <= 0 {
			c.errf(p, "pareto needs xm > 0 and alpha > 0, got xm %g, alpha %g", d.Xm, d.Alpha)
		}
	case "uniform":
		if d.Min == nil || d.Max == nil || *d.Min >= *d.Max {
			c.errf(p, "uniform needs min < max (both given)")
		}
	case "empirical":
		if len(d.Values) == 0 {
			c.errf(p+".values", "empirical needs at least one value")
		}
		for i, v := range d.Values {
			bound(fmt.Sprintf("%s.values[%d]", p, i), v)
		}
		if len(d.Weights) > 0 {
			total := 0.0
			for i, w := range d.Weights {
				if w < 0 {
					c.errf(fmt.Sprintf("%s.weights[%d]", p, i), "must be >= 0, got %g", w)
				}
				total += max(w, 0)
			}
			if len(d.Weights) != len(d.Values) {
				c.errf(p+".weights", "needs one weight per value (%d), got %d", len(d.Values), len(d.Weights))
			} else if total == 0 {
				c.errf(p+".weights", "must not all be zero")
			}
		}
	}
	if d.Min != nil {
		if sup != anySign && *d.Min < 0 {
			c.errf(p+".min", "must be >= 0, got %g", *d.Min)
		}
	}
	if d.Min != nil && d.Max != nil && *d.Min > *d.Max {
		c.errf(p+".max", "must be >= min (%g), got %g", *d.Min, *d.Max)
	}
}

func paramList(dist, uses string) string {
	switch dist {
	case "uniform":
		return "min and max"
	case "lognormal":
		return "mu and sigma, or mean and cv; min and max clamp"
	}
	return strings.Join(strings.Fields(uses), " and ") + "; min and max clamp"
}
