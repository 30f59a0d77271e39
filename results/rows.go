package results

// Job statuses: every submitted job ends in exactly one of these.
const (
	StatusFinished   = "finished"   // all tasks ran to completion
	StatusRejected   = "rejected"   // can never run (e.g. a task larger than any host)
	StatusUnfinished = "unfinished" // still queued or running when the simulation stopped
	StatusFailed     = "failed"     // host failures killed its tasks more often than the retry limit allows
	StatusPreempted  = "preempted"  // a higher-priority task evicted one of its tasks (scheduler.preemption: kill)
)

// JobRow is one row of jobs.arrow. Times are integer microseconds of simulated time; the
// writer converts them to float64 seconds (exact µs/1e6) in the *_s columns. A time of -1 means
// "none" and is written as null.
type JobRow struct {
	JobID       int64
	Source      string // workload source name (synthetic source or trace)
	Tenant      string
	Priority    int32
	Tasks       int32
	CPUMilli    int64 // per task
	MemBytes    int64 // per task
	GPUs        int32 // per task
	SubmitUS    int64
	StartUS     int64 // first task start, -1 if never started
	EndUS       int64 // last task end, -1 if not finished
	RuntimeUS   int64 // longest task run time (requested/true duration)
	DeadlineUS  int64 // -1 if none
	Status      string
	HostID      int32 // host of the first task, -1 if never placed (host ids are unique across cells)
	Cell        int32 // cell (cluster of a fleet) that ran or holds the job; -1 if rejected at a fleet's router
	SLOViolated bool
	TraceJob    string // the trace's job id; "" for synthetic jobs (written as null)
	TraceTask   string // the trace's task id of a single-task job; "" if none (null)
	Retries     int32  // times host failures killed one of its tasks (each kill resubmits, up to the limit)
}

// HostRow is one row of hosts.arrow: one host over one interval [TimeUS, TimeUS+IntervalUS).
// Utilizations and power are exact time-weighted means over the interval.
type HostRow struct {
	TimeUS     int64
	IntervalUS int64
	HostID     int32
	Cell       int32 // cell (cluster of a fleet) of the host; 0 for a single cluster
	Group      string
	Rack       int32
	CPUUtil    float64 // allocated CPU / capacity, 0..1
	MemUtil    float64
	GPUUtil    float64
	PowerW     float64 // mean IT power
	EnergyJ    float64 // IT energy over the interval
	OnFrac     float64 // fraction of the interval the host was on (provisioned)
}

// Summary is the single row of summary.arrow.
type Summary struct {
	Scenario                   string
	Seed                       uint64
	JobsSubmitted              int64
	JobsFinished               int64
	JobsRejected               int64
	JobsUnfinished             int64
	MeanWaitS                  float64
	P50WaitS                   float64
	P99WaitS                   float64
	MeanBoundedSlowdown        float64
	SLOViolations              int64
	CPUUtilization             float64 // allocated CPU-time / provisioned CPU-time
	MemUtilization             float64
	EnergyKWh                  float64 // IT energy
	FacilityEnergyKWh          float64 // IT energy × PUE
	CapexUSD                   float64
	EnergyUSD                  float64
	CostUSD                    float64 // capex + energy
	CarbonKg                   float64
	HostHours                  float64 // provisioned host-hours
	GPUUtilization             float64 // allocated / provisioned GPU-time; -1 when there are no GPUs (null)
	JobsFailed                 int64   // jobs killed by host failures beyond the retry limit
	HostFailures               int64   // hosts going down (own, rack or trace failures)
	TaskRetries                int64   // tasks killed by host failures and resubmitted
	LostCoreHours              float64 // CPU work thrown away by killed tasks: cores × time they had run
	Unavailability             float64 // host-time down / host-time (0 without failures)
	EmbodiedCarbonKg           float64 // manufacturing carbon of the provisioned hosts, amortized over their lifetime
	ServiceRequests            int64   // requests that arrived at the services
	ServiceDropped             int64   // service requests dropped
	ServiceSLOViolationMinutes float64 // minutes of service windows whose p99 broke the SLO
	NetworkGiB                 float64 // data tasks transferred (reads and writes, logical)
	StorageWrittenGiB          float64 // raw data written to storage pools (replicas, parity included)
	StorageOverflowGiB         float64 // raw data that did not fit in full pools
	PowerOns                   int64   // hosts powered on by the provisioning policy
	PowerOffs                  int64   // hosts powered off
	ForecastMAPE               float64 // predictive provisioning: mean absolute percentage error of the demand forecast; -1 if none (null)
	UnderprovisionedHostHours  float64 // demand above provisioned capacity, in host-hours (at each decision, over its interval)
	Preemptions                int64   // tasks evicted for higher-priority ones
	JobsPreempted              int64   // jobs ended by preemption
	JobsShifted                int64   // deferrable jobs held back by the shifting policy (scheduler.shifting)
	ShiftHours                 float64 // their total hold, from arrival to release, hours
	SimTimeS                   float64 // simulated time at the end of the run
	Events                     int64
}

// SLOViolationRate is SLOViolations / JobsSubmitted, 0 when no job was submitted.
func (s *Summary) SLOViolationRate() float64 {
	if s.JobsSubmitted == 0 {
		return 0
	}
	return float64(s.SLOViolations) / float64(s.JobsSubmitted)
}

// Meta is written into every file's schema metadata.
type Meta struct {
	Version      string // dcsim version
	Scenario     string // scenario name
	ScenarioYAML string // the resolved scenario, as YAML
	Seed         uint64
}
