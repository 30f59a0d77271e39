// Package comparetest writes small run and sweep folders with chosen summary values, for the
// tests of results/compare and of the dcsim compare command.
package comparetest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/dcsim/dcsim/results"
)

// setters set one summary column by name. slo_violation_rate is not settable: the writer
// derives it from slo_violations / jobs_submitted.
var setters = map[string]func(s *results.Summary, x float64){
	"jobs_submitted":                func(s *results.Summary, x float64) { s.JobsSubmitted = int64(x) },
	"jobs_finished":                 func(s *results.Summary, x float64) { s.JobsFinished = int64(x) },
	"jobs_rejected":                 func(s *results.Summary, x float64) { s.JobsRejected = int64(x) },
	"jobs_unfinished":               func(s *results.Summary, x float64) { s.JobsUnfinished = int64(x) },
	"mean_wait_s":                   func(s *results.Summary, x float64) { s.MeanWaitS = x },
	"p50_wait_s":                    func(s *results.Summary, x float64) { s.P50WaitS = x },
	"p99_wait_s":                    func(s *results.Summary, x float64) { s.P99WaitS = x },
	"mean_bounded_slowdown":         func(s *results.Summary, x float64) { s.MeanBoundedSlowdown = x },
	"slo_violations":                func(s *results.Summary, x float64) { s.SLOViolations = int64(x) },
	"cpu_utilization":               func(s *results.Summary, x float64) { s.CPUUtilization = x },
	"mem_utilization":               func(s *results.Summary, x float64) { s.MemUtilization = x },
	"energy_kwh":                    func(s *results.Summary, x float64) { s.EnergyKWh = x },
	"cost_usd":                      func(s *results.Summary, x float64) { s.CostUSD = x },
	"carbon_kg":                     func(s *results.Summary, x float64) { s.CarbonKg = x },
	"sim_time_s":                    func(s *results.Summary, x float64) { s.SimTimeS = x },
	"events":                        func(s *results.Summary, x float64) { s.Events = int64(x) },
	"facility_energy_kwh":           func(s *results.Summary, x float64) { s.FacilityEnergyKWh = x },
	"capex_usd":                     func(s *results.Summary, x float64) { s.CapexUSD = x },
	"energy_usd":                    func(s *results.Summary, x float64) { s.EnergyUSD = x },
	"host_hours":                    func(s *results.Summary, x float64) { s.HostHours = x },
	"gpu_utilization":               func(s *results.Summary, x float64) { s.GPUUtilization = x },
	"jobs_failed":                   func(s *results.Summary, x float64) { s.JobsFailed = int64(x) },
	"host_failures":                 func(s *results.Summary, x float64) { s.HostFailures = int64(x) },
	"task_retries":                  func(s *results.Summary, x float64) { s.TaskRetries = int64(x) },
	"lost_core_hours":               func(s *results.Summary, x float64) { s.LostCoreHours = x },
	"unavailability":                func(s *results.Summary, x float64) { s.Unavailability = x },
	"embodied_carbon_kg":            func(s *results.Summary, x float64) { s.EmbodiedCarbonKg = x },
	"service_requests":              func(s *results.Summary, x float64) { s.ServiceRequests = int64(x) },
	"service_dropped":               func(s *results.Summary, x float64) { s.ServiceDropped = int64(x) },
	"service_slo_violation_minutes": func(s *results.Summary, x float64) { s.ServiceSLOViolationMinutes = x },
	"transferred_gib":               func(s *results.Summary, x float64) { s.NetworkGiB = x },
	"storage_written_gib":           func(s *results.Summary, x float64) { s.StorageWrittenGiB = x },
	"storage_overflow_gib":          func(s *results.Summary, x float64) { s.StorageOverflowGiB = x },
	"power_ons":                     func(s *results.Summary, x float64) { s.PowerOns = int64(x) },
	"power_offs":                    func(s *results.Summary, x float64) { s.PowerOffs = int64(x) },
	"forecast_mape":                 func(s *results.Summary, x float64) { s.ForecastMAPE = x },
	"underprovisioned_host_hours":   func(s *results.Summary, x float64) { s.UnderprovisionedHostHours = x },
	"preemptions":                   func(s *results.Summary, x float64) { s.Preemptions = int64(x) },
	"jobs_preempted":                func(s *results.Summary, x float64) { s.JobsPreempted = int64(x) },
	"jobs_shifted":                  func(s *results.Summary, x float64) { s.JobsShifted = int64(x) },
	"shift_hours":                   func(s *results.Summary, x float64) { s.ShiftHours = x },
}

// Summary builds a summary with the given column values; the others are 0, except
// gpu_utilization and forecast_mape, which are null (-1) unless given.
func Summary(scenario string, seed uint64, vals map[string]float64) (results.Summary, error) {
	s := results.Summary{Scenario: scenario, Seed: seed, GPUUtilization: -1, ForecastMAPE: -1}
	names := make([]string, 0, len(vals))
	for k := range vals {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		set, ok := setters[k]
		if !ok {
			return s, fmt.Errorf("comparetest: no settable summary column %q", k)
		}
		set(&s, vals[k])
	}
	return s, nil
}

// WriteRun writes a run folder dir holding only summary.arrow.
func WriteRun(dir, scenario string, seed uint64, vals map[string]float64) error {
	s, err := Summary(scenario, seed, vals)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return results.WriteSummary(filepath.Join(dir, "summary.arrow"), results.Meta{Version: "test", Scenario: scenario, Seed: seed}, &s)
}

// Run is one run of a sweep folder.
type Run struct {
	Replicate int64
	Params    []string // parameter values as YAML scalars, in the sweep's parameter order
	Metrics   map[string]float64
}

// WriteSweep writes a sweep folder dir holding only summary.arrow (runs/ and sweep.json are not
// needed by compare). Run i gets seed 1+Replicate and run id "r<i>".
func WriteSweep(dir, scenario string, params []results.ParamColumn, runs []Run) error {
	rows := make([]results.SweepRow, len(runs))
	for i, r := range runs {
		s, err := Summary(scenario, uint64(1+r.Replicate), r.Metrics)
		if err != nil {
			return err
		}
		rows[i] = results.SweepRow{RunID: fmt.Sprintf("r%03d", i), Replicate: r.Replicate, Params: r.Params, Summary: s}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return results.WriteSweepSummary(filepath.Join(dir, "summary.arrow"), results.Meta{Version: "test", Scenario: scenario, Seed: 1}, params, rows)
}

// Replicates returns one Run per value of xs (replicates 0, 1, ...), each with params and
// metric set to the value, plus the fixed metrics in extra.
func Replicates(params []string, metric string, xs []float64, extra map[string]float64) []Run {
	runs := make([]Run, len(xs))
	for i, x := range xs {
		m := map[string]float64{metric: x}
		for k, v := range extra {
			m[k] = v
		}
		runs[i] = Run{Replicate: int64(i), Params: params, Metrics: m}
	}
	return runs
}
