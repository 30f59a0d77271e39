package results

import (
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
)

// Table names, as written to the dcsim.table schema metadata key.
const (
	TableJobs    = "jobs"
	TableHosts   = "hosts"
	TableSummary = "summary"
)

// Schema metadata keys written into every result file, in this order.
const (
	MetaKeyTable        = "dcsim.table"         // jobs, hosts or summary
	MetaKeyVersion      = "dcsim.version"       // Meta.Version
	MetaKeyScenario     = "dcsim.scenario"      // Meta.Scenario
	MetaKeySeed         = "dcsim.seed"          // Meta.Seed, decimal
	MetaKeyScenarioYAML = "dcsim.scenario_yaml" // Meta.ScenarioYAML
)

// Field metadata keys carried by every column.
const (
	FieldKeyUnit        = "unit"        // e.g. "s", "W", "J", "kWh", "USD", "kg CO2e", "1"; "" for strings
	FieldKeyDescription = "description" // one short sentence
)

// BatchRows is the number of rows the streaming writers buffer before they write a record batch.
const BatchRows = 1 << 16

// field describes one column: the Arrow type comes from the builder so that schema and data can
// never disagree.
type field struct {
	name     string
	unit     string
	desc     string
	nullable bool
	col      column
}

func schemaOf(table string, meta Meta, fields []field, extra ...[2]string) *arrow.Schema {
	fs := make([]arrow.Field, len(fields))
	for i, f := range fields {
		fs[i] = arrow.Field{
			Name:     f.name,
			Type:     f.col.dataType(),
			Nullable: f.nullable,
			Metadata: arrow.NewMetadata(
				[]string{FieldKeyUnit, FieldKeyDescription},
				[]string{f.unit, f.desc}),
		}
	}
	keys := []string{MetaKeyTable, MetaKeyVersion, MetaKeyScenario, MetaKeySeed, MetaKeyScenarioYAML}
	vals := []string{table, meta.Version, meta.Scenario, strconv.FormatUint(meta.Seed, 10), meta.ScenarioYAML}
	for _, kv := range extra {
		keys, vals = append(keys, kv[0]), append(vals, kv[1])
	}
	md := arrow.NewMetadata(keys, vals)
	return arrow.NewSchema(fs, &md)
}

// jobsCols are the column builders of jobs.arrow.
type jobsCols struct {
	id                                 i64Col
	src, ten, status                   strCol
	prio, tasks, gpus, host, cell      i32Col
	cpu, mem, submit, start, end, wait f64Col
	runtime, deadline, bsld            f64Col
	slo                                boolCol
	traceJob, traceTask                optStrCol
	retries                            i32Col
}

func (c *jobsCols) fields() []field {
	return []field{
		{"job_id", "1", "Job identifier, unique within the run.", false, &c.id},
		{"source", "", "Workload source (synthetic generator or trace) that submitted the job.", false, &c.src},
		{"tenant", "", "Tenant (user, team or account) that owns the job.", false, &c.ten},
		{"priority", "1", "Scheduling priority; larger is more important.", false, &c.prio},
		{"tasks", "1", "Number of tasks in the job.", false, &c.tasks},
		{"cpu_cores", "cores", "CPU request per task; for a DAG job, the largest of its tasks'.", false, &c.cpu},
		{"mem_gib", "GiB", "Memory request per task (GiB = 2^30 bytes); for a DAG job, the largest of its tasks'.", false, &c.mem},
		{"gpus", "1", "GPU request per task.", false, &c.gpus},
		{"submit_s", "s", "Simulated time the job was submitted.", false, &c.submit},
		{"start_s", "s", "Simulated time the first task started; null if the job never started.", true, &c.start},
		{"end_s", "s", "Simulated time the last task ended; null if the job did not finish.", true, &c.end},
		{"wait_s", "s", "Queueing delay start_s - submit_s; null if the job never started.", true, &c.wait},
		{"runtime_s", "s", "Run time of the longest task; for a DAG job (tasks with dependencies), its longest dependency chain.", false, &c.runtime},
		{"deadline_s", "s", "Simulated time the job must finish by; null if it has no deadline.", true, &c.deadline},
		{"status", "", "Terminal state: finished, rejected, unfinished, failed (killed by host failures beyond the retry limit) or preempted.", false, &c.status},
		{"host_id", "1", "Host of the first task; null if the job was never placed.", true, &c.host},
		{"cell", "1", "Cell (cluster of a fleet) that ran or held the job, 0 for a single cluster; null if a fleet's router rejected it.", true, &c.cell},
		{"bounded_slowdown", "1", "max(1, (end_s - submit_s) / max(runtime_s, 10 s)); null unless finished.", true, &c.bsld},
		{"slo_violated", "1", "Whether the job broke the SLO: waited longer than slo.max_wait or missed its deadline.", false, &c.slo},
		{"trace_job", "", "The trace's own job identifier (SWF job number, Google job id, Alibaba job name, Azure VM id); null for synthetic jobs.", true, &c.traceJob},
		{"trace_task", "", "The trace's own task identifier of a single-task job (Google task index); null otherwise.", true, &c.traceTask},
		{"retries", "1", "Times host failures killed one of the job's tasks (each kill resubmits the task, or the whole gang, up to scheduler.max_retries).", false, &c.retries},
	}
}

// hostsCols are the column builders of hosts.arrow.
type hostsCols struct {
	time, interval                   f64Col
	host, rack, cell                 i32Col
	group                            strCol
	cpu, mem, gpu, power, energy, on f64Col
}

func (c *hostsCols) fields() []field {
	return []field{
		{"time_s", "s", "Simulated start time of the interval.", false, &c.time},
		{"interval_s", "s", "Length of the interval.", false, &c.interval},
		{"host_id", "1", "Host identifier.", false, &c.host},
		{"group", "", "Host group (hardware model / pool) the host belongs to.", false, &c.group},
		{"rack", "1", "Rack the host is in.", false, &c.rack},
		{"cell", "1", "Cell (cluster of a fleet) the host is in; 0 for a single cluster.", false, &c.cell},
		{"cpu_utilization", "1", "Time-weighted mean allocated CPU / CPU capacity over the interval (0..1).", false, &c.cpu},
		{"mem_utilization", "1", "Time-weighted mean allocated memory / memory capacity over the interval (0..1).", false, &c.mem},
		{"gpu_utilization", "1", "Time-weighted mean allocated GPUs / GPU capacity over the interval (0..1).", false, &c.gpu},
		{"power_w", "W", "Mean IT power drawn over the interval.", false, &c.power},
		{"energy_j", "J", "IT energy used over the interval.", false, &c.energy},
		{"on_fraction", "1", "Fraction of the interval the host was on (provisioned).", false, &c.on},
	}
}

// summaryCols are the column builders of summary.arrow.
type summaryCols struct {
	scenario                                               strCol
	seed                                                   u64Col
	submitted, finished, rejected, unfinished, slo, events i64Col
	meanWait, p50Wait, p99Wait, meanBsld, cpu, mem         f64Col
	energy, cost, carbon, simTime                          f64Col
	facility, capex, energyCost, hostHours                 f64Col
	gpu                                                    f64Col
	failedJobs, hostFailures, retries                      i64Col
	lostCoreHours, unavailability, embodied                f64Col
	svcRequests, svcDropped                                i64Col
	svcSLOMinutes, netGiB, storWritten, storOverflow       f64Col
	powerOns, powerOffs                                    i64Col
	mape, underH                                           f64Col
	preemptions, jobsPreempted                             i64Col
	sloRate                                                f64Col
	jobsShifted                                            i64Col
	shiftHours                                             f64Col
}

func (c *summaryCols) fields() []field {
	return []field{
		{"scenario", "", "Scenario name.", false, &c.scenario},
		{"seed", "1", "Root random seed of the run.", false, &c.seed},
		{"jobs_submitted", "1", "Jobs submitted.", false, &c.submitted},
		{"jobs_finished", "1", "Jobs that ran to completion.", false, &c.finished},
		{"jobs_rejected", "1", "Jobs that could never run.", false, &c.rejected},
		{"jobs_unfinished", "1", "Jobs still queued or running when the simulation stopped.", false, &c.unfinished},
		{"mean_wait_s", "s", "Mean queueing delay of started jobs.", false, &c.meanWait},
		{"p50_wait_s", "s", "Median queueing delay of started jobs.", false, &c.p50Wait},
		{"p99_wait_s", "s", "99th percentile queueing delay of started jobs.", false, &c.p99Wait},
		{"mean_bounded_slowdown", "1", "Mean bounded slowdown (tau = 10 s) of finished jobs.", false, &c.meanBsld},
		{"slo_violations", "1", "Jobs that violated their SLO.", false, &c.slo},
		{"cpu_utilization", "1", "Allocated CPU-time / provisioned CPU-time.", false, &c.cpu},
		{"mem_utilization", "1", "Allocated memory-time / provisioned memory-time.", false, &c.mem},
		{"energy_kwh", "kWh", "IT energy.", false, &c.energy},
		{"cost_usd", "USD", "Total cost: capex_usd + energy_usd.", false, &c.cost},
		{"carbon_kg", "kg CO2e", "Operational carbon emissions of the facility energy: IT energy × PUE × carbon_g_per_kwh, or with cost.carbon_series the exact integral of power × intensity over time.", false, &c.carbon},
		{"sim_time_s", "s", "Simulated time at the end of the run.", false, &c.simTime},
		{"events", "1", "Events processed by the engine.", false, &c.events},
		{"facility_energy_kwh", "kWh", "Facility energy: IT energy times PUE.", false, &c.facility},
		{"capex_usd", "USD", "Host capital cost attributed to the simulated period (straight-line over the lifetime).", false, &c.capex},
		{"energy_usd", "USD", "Cost of facility energy (with cost.price_series, the exact integral of power × price over time).", false, &c.energyCost},
		{"host_hours", "h", "Provisioned host-hours.", false, &c.hostHours},
		{"gpu_utilization", "1", "Allocated GPU-time / provisioned GPU-time; null if the cluster has no GPUs.", true, &c.gpu},
		{"jobs_failed", "1", "Jobs killed by host failures more often than scheduler.max_retries allows.", false, &c.failedJobs},
		{"host_failures", "1", "Times a host went down (its own, its rack's or a trace's failure).", false, &c.hostFailures},
		{"task_retries", "1", "Tasks killed by host failures and resubmitted.", false, &c.retries},
		{"lost_core_hours", "core-h", "CPU work thrown away by killed tasks: cores times the time they had run.", false, &c.lostCoreHours},
		{"unavailability", "1", "Host-time down / host-time; 0 without failures.", false, &c.unavailability},
		{"embodied_carbon_kg", "kg", "Manufacturing (embodied) carbon of the provisioned hosts, amortized linearly over their lifetime (ACT, Gupta et al. ISCA 2022); carbon_kg is the operational part.", false, &c.embodied},
		{"service_requests", "1", "Requests that arrived at the services.", false, &c.svcRequests},
		{"service_dropped", "1", "Service requests dropped (queue full or no replica up).", false, &c.svcDropped},
		{"service_slo_violation_minutes", "min", "Minutes of service windows whose p99 latency broke the service's slo_p99.", false, &c.svcSLOMinutes},
		{"transferred_gib", "GiB", "Data tasks read from and wrote to storage pools (logical bytes).", false, &c.netGiB},
		{"storage_written_gib", "GiB", "Raw data written to storage pools (replicas and parity included).", false, &c.storWritten},
		{"storage_overflow_gib", "GiB", "Raw data that did not fit because its pool was full (a capacity-planning signal; the jobs break their SLO).", false, &c.storOverflow},
		{"power_ons", "1", "Hosts powered on by the provisioning policy.", false, &c.powerOns},
		{"power_offs", "1", "Hosts powered off by the provisioning policy.", false, &c.powerOffs},
		{"forecast_mape", "1", "Predictive provisioning: mean absolute percentage error of the demand forecast (steps with demand > 0); null otherwise.", true, &c.mape},
		{"underprovisioned_host_hours", "h", "Demand above the provisioned capacity, in host-hours, summed over provisioning decisions.", false, &c.underH},
		{"preemptions", "1", "Running tasks evicted to make room for higher-priority ones (scheduler.preemption).", false, &c.preemptions},
		{"jobs_preempted", "1", "Jobs ended by preemption (scheduler.preemption: kill).", false, &c.jobsPreempted},
		{"slo_violation_rate", "1", "slo_violations / jobs_submitted (0 when no job was submitted): the rate capacity plans constrain.", false, &c.sloRate},
		{"jobs_shifted", "1", "Deferrable jobs held back by the shifting policy (scheduler.shifting) to start in cleaner hours, counted when held.", false, &c.jobsShifted},
		{"shift_hours", "h", "Total time the shifting policy held those jobs, from arrival to planned release; part of their wait_s.", false, &c.shiftHours},
	}
}

func columnsOf(fields []field) []column {
	cols := make([]column, len(fields))
	for i, f := range fields {
		cols[i] = f.col
	}
	return cols
}

// JobsSchema is the Arrow schema of jobs.arrow for the given metadata.
func JobsSchema(meta Meta) *arrow.Schema {
	return schemaOf(TableJobs, meta, new(jobsCols).fields())
}

// HostsSchema is the Arrow schema of hosts.arrow for the given metadata.
func HostsSchema(meta Meta) *arrow.Schema {
	return schemaOf(TableHosts, meta, new(hostsCols).fields())
}

// SummarySchema is the Arrow schema of summary.arrow for the given metadata.
func SummarySchema(meta Meta) *arrow.Schema {
	return schemaOf(TableSummary, meta, new(summaryCols).fields())
}
