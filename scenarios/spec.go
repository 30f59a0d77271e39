package scenarios

import (
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/models/units"
	"github.com/dcsim/dcsim/models/workload"
)

// Scenario is the root of a scenario file. Every key, its unit and its default is documented in
// docs/scenarios.md; defaults are filled in by ApplyDefaults and checked by Validate.
//
// A default applies to a key that is absent (or null); a key given explicitly keeps its value,
// even zero (e.g. carbon_g_per_kwh: 0). For a Scenario built in Go, zero means absent.
type Scenario struct {
	Name         string         `yaml:"name"` // default: the file name without directory and extension
	Description  string         `yaml:"description"`
	Seed         uint64         `yaml:"seed"`    // master seed; every component derives its own stream from it (default 1)
	Horizon      units.Duration `yaml:"horizon"` // simulated time at which the run stops; 0 = run until no events remain
	Cluster      Cluster        `yaml:"cluster"`
	Workload     Workload       `yaml:"workload"`
	Scheduler    Scheduler      `yaml:"scheduler"`
	SLO          SLO            `yaml:"slo"`
	Cost         Cost           `yaml:"cost"`
	Output       Output         `yaml:"output"`
	Fleet        *Fleet         `yaml:"fleet"`        // optional: replicate the cluster into cells behind a global router
	Services     []Service      `yaml:"services"`     // latency-critical services: replicas on the cluster, request-level simulation
	Network      *Network       `yaml:"network"`      // optional: the network tasks' data transfers cross
	Storage      []StoragePool  `yaml:"storage"`      // optional: storage pools tasks read and write
	Provisioning Provisioning   `yaml:"provisioning"` // how many hosts are powered on over time (default static)

	src *source // where the scenario was read from and where each key was given (see Pos)
}

// Cluster describes the hosts of one cluster.
type Cluster struct {
	HostsPerRack int         `yaml:"hosts_per_rack"` // hosts are assigned to racks in order, this many per rack (default 40)
	HostGroups   []HostGroup `yaml:"host_groups"`    // at least one (unless from_trace); names must be unique
	// FromTrace names a workload.traces entry whose own machines make the cluster (SWF's
	// MaxProcs/MaxNodes header, Google machine_events, Alibaba machine_meta): one host group per
	// distinct capacity. host_groups may then hold one group, without count, as the template
	// for power, cost and boot parameters (and for the memory of hosts whose trace gives none).
	FromTrace string `yaml:"from_trace"`
	// RackFailures take every host of a rack down at once (a power or top-of-rack switch
	// failure), on top of the hosts' own failures.
	RackFailures *Failures `yaml:"rack_failures"`
	// FailuresFromTrace replays the machine removals and additions of the from_trace trace
	// (Google 2011 machine_events REMOVE/ADD) as failures and repairs.
	FailuresFromTrace bool `yaml:"failures_from_trace"`
}

// HostGroup is Count identical hosts.
type HostGroup struct {
	Name         string         `yaml:"name"`               // default "group<i>" (i from 0, as in host_groups[i])
	Count        int            `yaml:"count"`              // number of hosts, > 0
	CPU          units.CPU      `yaml:"cpu"`                // CPU per host ("64" cores or "64000m"), > 0
	Memory       units.Bytes    `yaml:"memory"`             // memory per host, > 0
	GPUs         int            `yaml:"gpus"`               // GPUs per host (default 0)
	Power        power.Spec     `yaml:"power"`              // power model (default linear, idle 100 W, max 350 W; see docs)
	CapexUSD     float64        `yaml:"capex_usd"`          // purchase price per host in USD (default 10000)
	Lifetime     units.Duration `yaml:"lifetime"`           // amortization period (default 4y)
	BootTime     units.Duration `yaml:"boot_time"`          // time from power-on to ready (default 2m)
	InitialState string         `yaml:"initial_state"`      // "on" (default) or "off"
	Failures     *Failures      `yaml:"failures"`           // optional: each host fails and is repaired on its own (times between failures and to repair)
	EmbodiedKg   float64        `yaml:"embodied_carbon_kg"` // manufacturing carbon per host, kg CO2e, amortized over lifetime (default 0)
}

// Failures are an alternating renewal process of failures and repairs.
type Failures struct {
	TBF FailureDist `yaml:"tbf"` // time between failures (length of an up period)
	TTR FailureDist `yaml:"ttr"` // time to repair (length of a down period)
}

// FailureDist is a distribution of durations for failures and repairs.
type FailureDist struct {
	Dist   string         `yaml:"dist"`   // exponential (mean), weibull (shape + mean or scale), lognormal (sigma + median or mean), constant (value)
	Mean   units.Duration `yaml:"mean"`   // exponential, weibull, lognormal
	Shape  float64        `yaml:"shape"`  // weibull k
	Scale  units.Duration `yaml:"scale"`  // weibull λ
	Median units.Duration `yaml:"median"` // lognormal e^μ
	Sigma  float64        `yaml:"sigma"`  // lognormal σ
	Value  units.Duration `yaml:"value"`  // constant
}

// Service is a latency-critical service: Replicas long-running replicas placed on the cluster like
// tasks (and killed by host failures like them), serving requests that arrive from a synthetic
// process or a trace, balanced over the replicas that are up.
type Service struct {
	Name          string          `yaml:"name"`           // default "service<i>"; unique
	Replicas      int             `yaml:"replicas"`       // > 0
	CPU           units.CPU       `yaml:"cpu"`            // per replica, > 0
	Memory        units.Bytes     `yaml:"memory"`         // per replica (default 0)
	GPUs          int             `yaml:"gpus"`           // per replica (default 0)
	Concurrency   int             `yaml:"concurrency"`    // requests a replica serves at once (default 1)
	QueueCapacity int             `yaml:"queue_capacity"` // waiting requests per replica: 0 unbounded (default), -1 none
	Balancer      string          `yaml:"balancer"`       // round-robin (default), least-outstanding, power-of-two, random
	ServiceTime   ServiceTime     `yaml:"service_time"`
	Arrivals      RequestArrivals `yaml:"arrivals"`
	SLOP99        units.Duration  `yaml:"slo_p99"` // p99 latency target per window (default 0: none)
	Window        units.Duration  `yaml:"window"`  // statistics window (default 1m)
}

// ServiceTime is a request's service time at a replica.
type ServiceTime struct {
	Dist            string         `yaml:"dist"` // constant (mean), exponential (mean), lognormal (median + sigma, or mean + cv), llm
	Mean            units.Duration `yaml:"mean"`
	CV              float64        `yaml:"cv"`
	Median          units.Duration `yaml:"median"`
	Sigma           float64        `yaml:"sigma"`
	Base            units.Duration `yaml:"base"`              // llm: fixed time per request (default 5ms)
	PrefillPerToken units.Duration `yaml:"prefill_per_token"` // llm: per prompt token (default 100µs)
	DecodePerToken  units.Duration `yaml:"decode_per_token"`  // llm: per output token (default 30ms)
}

// RequestArrivals is the arrival process of a service's requests.
type RequestArrivals struct {
	Process     string           `yaml:"process"`      // poisson (default), constant, diurnal, mmpp, trace
	Rate        units.Rate       `yaml:"rate"`         // poisson, constant, diurnal
	Amplitude   float64          `yaml:"amplitude"`    // diurnal, in [0, 1]
	Period      units.Duration   `yaml:"period"`       // diurnal (default 24h)
	Peak        units.Duration   `yaml:"peak"`         // diurnal (default 14h)
	Rates       []units.Rate     `yaml:"rates"`        // mmpp: the two states' rates
	MeanSojourn []units.Duration `yaml:"mean_sojourn"` // mmpp: the two states' mean durations
	Format      string           `yaml:"format"`       // trace: azure-functions (per-minute counts) or azure-llm (requests with tokens)
	Path        string           `yaml:"path"`         // trace file; resolved like trace paths
	Function    int              `yaml:"function"`     // azure-functions: row (0-based) of the function replayed; -1 = all rows summed
	Scale       float64          `yaml:"scale"`        // trace: multiply the per-minute counts (azure-functions) by this (default 1)
}

// Workload lists the sources of jobs.
type Workload struct {
	Synthetic []SyntheticSource `yaml:"synthetic"`
	Traces    []TraceSource     `yaml:"traces"`
}

// SyntheticSource generates jobs from an arrival process and per-job distributions.
// Each source draws from its own RNG streams derived from the scenario seed and its name.
type SyntheticSource struct {
	Name        string               `yaml:"name"`            // default "source<i>" (i from 0); names must be unique
	Jobs        int64                `yaml:"jobs"`            // stop after this many jobs (0 = no limit)
	Start       units.Duration       `yaml:"start"`           // first possible arrival time (default 0)
	Until       units.Duration       `yaml:"until"`           // no arrivals at or after this time (0 = no limit)
	Arrivals    workload.ArrivalSpec `yaml:"arrivals"`        // arrival process (default poisson; diurnal period 24h, peak 14h)
	TasksPerJob workload.DistSpec    `yaml:"tasks_per_job"`   // tasks per job, rounded, >= 1 (default constant 1)
	CPUCores    workload.DistSpec    `yaml:"cpu_cores"`       // CPU per task in cores (resolution 1 millicore), required
	MemoryGiB   workload.DistSpec    `yaml:"memory_gib"`      // memory per task in GiB (resolution 1 byte), required
	GPUs        workload.DistSpec    `yaml:"gpus"`            // GPUs per task, rounded (default constant 0)
	RuntimeS    workload.DistSpec    `yaml:"runtime_s"`       // run time per task in seconds (resolution 1 µs), > 0, required
	Priority    workload.DistSpec    `yaml:"priority"`        // job priority, rounded (default constant 0)
	Tenants     []string             `yaml:"tenants"`         // tenant names; each job picks one uniformly (default ["default"])
	DeadlineX   float64              `yaml:"deadline_factor"` // if > 0, deadline = submit + factor × longest task run time (default 0: none)
	InputGiB    workload.DistSpec    `yaml:"input_gib"`       // data each task reads from its storage pool before it runs, GiB (default 0)
	OutputGiB   workload.DistSpec    `yaml:"output_gib"`      // data each task writes to its storage pool after it runs, GiB (default 0)
	Storage     string               `yaml:"storage"`         // the storage pool it reads and writes (default: the first)
	Deferrable  *Deferrable          `yaml:"deferrable"`      // a fraction of its jobs may wait for low-carbon hours (default: none)
}

// Deferrable marks a fraction of a source's jobs as deferrable batch work: each may be held back
// for up to MaxDelay after its submission by a shifting policy (scheduler.shifting), and its
// SLO allows that delay on top of slo.max_wait. See docs/carbon-shifting.md.
type Deferrable struct {
	Fraction float64        `yaml:"fraction"`  // share of the source's jobs that are deferrable, in [0, 1] (default 1)
	MaxDelay units.Duration `yaml:"max_delay"` // longest a deferrable job may be held, > 0, at most MaxDeferral (required)
}

// Provisioning is the provisioning (autoscaling, power management) policy.
type Provisioning struct {
	Policy      string         `yaml:"policy"`                 // static (default), power-off-idle, reactive, predictive
	Interval    units.Duration `yaml:"interval"`               // between decisions (default 5m)
	MinHosts    int            `yaml:"min_hosts"`              // never fewer hosts provisioned (default 1)
	MaxHosts    int            `yaml:"max_hosts"`              // never more (default 0: all)
	IdleTimeout units.Duration `yaml:"idle_timeout"`           // a host idle this long may be powered off (default 10m)
	ScaleUp     float64        `yaml:"scale_up_utilization"`   // reactive: add hosts above this CPU allocation (default 0.8)
	ScaleDown   float64        `yaml:"scale_down_utilization"` // reactive: remove idle hosts below it (default 0.5)
	Step        int            `yaml:"step"`                   // reactive: hosts added or removed per decision (default 5% of the cluster, at least 1)
	Cooldown    units.Duration `yaml:"cooldown"`               // reactive: no decision within this time of the last change (default 10m)
	Forecaster  string         `yaml:"forecaster"`             // predictive: holt-winters (default) or seasonal-naive
	Season      units.Duration `yaml:"season"`                 // predictive: the demand's period (default 24h)
	Quantile    float64        `yaml:"quantile"`               // predictive: provision for this quantile of the forecast (default 0.95)
	Headroom    float64        `yaml:"headroom"`               // predictive: plus this fraction (default 0.1)
}

// Network is the datacenter network that tasks' data transfers cross.
type Network struct {
	Topology        string          `yaml:"topology"`         // leaf-spine, fat-tree or custom
	Leaves          int             `yaml:"leaves"`           // leaf-spine: top-of-rack switches
	Spines          int             `yaml:"spines"`           // leaf-spine: spine switches
	HostsPerLeaf    int             `yaml:"hosts_per_leaf"`   // leaf-spine: hosts under each leaf
	HostBandwidth   units.Bandwidth `yaml:"host_bandwidth"`   // leaf-spine: host–leaf link, per direction
	UplinkBandwidth units.Bandwidth `yaml:"uplink_bandwidth"` // leaf-spine: leaf–spine link, per direction
	K               int             `yaml:"k"`                // fat-tree: k (even): k³/4 hosts
	Bandwidth       units.Bandwidth `yaml:"bandwidth"`        // fat-tree: every link, per direction
	Latency         units.Duration  `yaml:"latency"`          // every link (default 0)
	Hosts           []string        `yaml:"hosts"`            // custom: the host nodes' names, in host order
	Links           []NetworkLink   `yaml:"links"`            // custom: full-duplex links; names not in hosts are switches
}

// NetworkLink is a full-duplex link of a custom topology.
type NetworkLink struct {
	A         string          `yaml:"a"`
	B         string          `yaml:"b"`
	Bandwidth units.Bandwidth `yaml:"bandwidth"` // per direction, > 0
	Latency   units.Duration  `yaml:"latency"`   // default: network.latency
}

// StoragePool is shared storage that tasks read their input from and write their output to.
type StoragePool struct {
	Name          string          `yaml:"name"`           // default "pool<i>"; unique
	Capacity      units.Bytes     `yaml:"capacity"`       // usable raw capacity, > 0
	Bandwidth     units.Bandwidth `yaml:"bandwidth"`      // aggregate read+write bandwidth, > 0
	IOPS          float64         `yaml:"iops"`           // aggregate I/O operations per second (default 0: no limit)
	IOSize        units.Bytes     `yaml:"io_size"`        // bytes per I/O operation (default 1 MiB)
	Replication   int             `yaml:"replication"`    // copies written (default 1)
	ErasureData   int             `yaml:"erasure_data"`   // erasure coding k (data fragments); with erasure_parity m instead of replication
	ErasureParity int             `yaml:"erasure_parity"` // erasure coding m (parity fragments)
	Used          units.Bytes     `yaml:"used"`           // data already stored at time 0 (default 0)
	Attach        int             `yaml:"attach"`         // with a network: the topology host index the pool is reached through (default: the first index after the cluster's hosts, then the next, ...)
}

// Scheduler chooses the queue discipline and placement policy by registry name.
type Scheduler struct {
	Queue     string `yaml:"queue"`     // queue discipline (default "fcfs")
	Placement string `yaml:"placement"` // placement policy: first-fit, best-fit (default), worst-fit, random
	// MaxRetries is how many times a job's tasks may be killed by host failures and resubmitted;
	// the next kill fails the job (default 3).
	MaxRetries int `yaml:"max_retries"`
	// Preemption lets a blocked task evict running tasks of lower priority: none (default),
	// requeue (they go back to the queue, their work lost) or kill (their job ends preempted).
	Preemption string `yaml:"preemption"`
	// CPUOvercommit lets placement allocate up to this many times each host's CPU (default 1:
	// none). Tasks on an over-committed host run slower: see docs/scenarios.md.
	CPUOvercommit float64 `yaml:"cpu_overcommit"`
	// External makes a separate program the scheduler, spoken to over the JSON-lines protocol
	// of docs/external-policies.md; queue and placement are then not used. Running it needs
	// `dcsim run --allow-exec`.
	External *External `yaml:"external"`
	// Shifting is the temporal shifting policy for deferrable jobs (workload sources'
	// deferrable key): none (absent) or carbon-aware, which holds each deferrable job until the
	// start within its max_delay that minimizes the mean carbon intensity over its estimated run
	// (docs/carbon-shifting.md). carbon-aware needs cost.carbon_daily or cost.carbon_series.
	Shifting string `yaml:"shifting"`
}

// External is an external scheduling policy: a program that reads the simulator's messages on
// its standard input and writes its decisions to its standard output.
type External struct {
	// Command is the program and its arguments. It runs in the folder of the scenario file
	// (the current directory for built-ins), so relative paths in it are relative to that
	// folder, as trace paths are; a program name without "/" is looked up in PATH.
	Command []string `yaml:"command"`
	// Timeout is the longest the simulator waits for one reply, wall-clock (default 10s).
	Timeout units.Duration `yaml:"timeout"`
}

// Dir is the folder relative paths of the scenario resolve against: the scenario file's folder
// when it was loaded from a file (Load, Resolve), else "" (the current directory).
func (s *Scenario) Dir() string {
	if s.src == nil {
		return ""
	}
	return s.src.dir
}

// SLO sets the service-level objectives that jobs are scored against.
type SLO struct {
	MaxWait units.Duration `yaml:"max_wait"` // a job waiting longer than this violates the SLO (default 1h)
}

// Cost holds the facility and price parameters of the cost and carbon model.
type Cost struct {
	PUE             float64 `yaml:"pue"`                // power usage effectiveness, facility/IT energy (default 1.4)
	EnergyUSDPerKWh float64 `yaml:"energy_usd_per_kwh"` // electricity price (default 0.10)
	CarbonGPerKWh   float64 `yaml:"carbon_g_per_kwh"`   // grid carbon intensity (default 400)
	// CarbonSeries and PriceSeries are CSV time series (timestamp,value) of the grid's carbon
	// intensity (gCO2/kWh) and the electricity price (USD/kWh); when given they replace the
	// constants. SeriesStart is the wall-clock instant of simulated time 0 (RFC 3339; default:
	// each series' first timestamp).
	CarbonSeries string `yaml:"carbon_series"`
	PriceSeries  string `yaml:"price_series"`
	SeriesStart  string `yaml:"series_start"`
	// CarbonDaily is a daily carbon-intensity profile without a file: 24 hourly values in
	// gCO2/kWh, value h holding over hour h of every day, repeated. Hour 0 begins at simulated
	// time 0; with series_start, hours are UTC hours of the day and simulated time 0 falls at
	// series_start's time of day. An alternative to CarbonSeries, not to be given with it.
	CarbonDaily []float64 `yaml:"carbon_daily"`
}

// Output controls what is written.
type Output struct {
	HostInterval units.Duration `yaml:"host_interval"` // interval of hosts.arrow time series (default 5m)
	Hosts        *bool          `yaml:"hosts"`         // write hosts.arrow (default true)
}

// Fleet turns the scenario into a fleet of identical cells: each cell is a copy of `cluster`
// with its own scheduler (`scheduler`), and every job of `workload` arrives at a global router
// that dispatches it to one cell after DispatchDelay. The dispatch delay is also the lookahead
// of the parallel engine: the larger it is, the better a run scales over workers.
type Fleet struct {
	Cells           int            `yaml:"cells"`              // number of cells, >= 1
	Router          string         `yaml:"router"`             // round-robin | least-loaded (default) | cost-aware
	DispatchDelay   units.Duration `yaml:"dispatch_delay"`     // router-to-cell (and cell-to-router) latency, > 0 (default 500ms)
	EnergyUSDPerKWh []float64      `yaml:"energy_usd_per_kwh"` // per-cell electricity prices, cycled over the cells (default: cost.energy_usd_per_kwh everywhere)
	MaxLoad         float64        `yaml:"max_load"`           // cost-aware: a cell is eligible while its routed CPU load is below this fraction of its capacity (default 0.85)
}

// TraceSource replays a trace (see docs/traces.md for each format's mapping to jobs). Jobs
// arrive at their submit time relative to the first job's (minus the window's start, times the
// time scale).
type TraceSource struct {
	Name          string         `yaml:"name"`            // default "trace<i>"; unique among all sources
	Format        string         `yaml:"format"`          // swf, google2011, google2019, alibaba2018, azure-vm, bitbrains, canonical; default: guessed from the path
	Path          string         `yaml:"path"`            // trace file or folder; a relative path is relative to the scenario file's folder; "$DCSIM_TRACES" expands (default ../shared/traces)
	CPUPerUnit    units.CPU      `yaml:"cpu_per_unit"`    // CPU of one unit of the trace's CPU figure (default: the format's, e.g. 1 core per SWF processor)
	MemoryPerUnit units.Bytes    `yaml:"memory_per_unit"` // memory of one unit of the trace's memory figure (default: the format's)
	Start         units.Duration `yaml:"start"`           // time window start, from the first job's submit (default 0)
	End           units.Duration `yaml:"end"`             // time window end, from the first job's submit (default 0: none)
	Sample        float64        `yaml:"sample"`          // fraction of jobs replayed, chosen by a hash of the seed and the job id (default 1)
	TimeScale     float64        `yaml:"time_scale"`      // multiplies the time between arrivals (default 1; 0.5 doubles the load)
	Jobs          int64          `yaml:"jobs"`            // replay at most this many jobs (0 = all)
	SkipBad       bool           `yaml:"skip_bad"`        // count malformed lines and go on instead of failing (formats that support it)
	Deferrable    *Deferrable    `yaml:"deferrable"`      // a fraction of its jobs may wait for low-carbon hours (default: none)
}
