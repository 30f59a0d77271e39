package results

import (
	"encoding/json"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/dcsim/dcsim/internal/interop"
)

// interopJobs are small known jobs: finished, unfinished and rejected, with and without
// deadlines and hosts.
func interopJobs() []JobRow {
	return []JobRow{
		{JobID: 1, Source: "synthetic", Tenant: "team-a", Priority: 2, Tasks: 4, CPUMilli: 1500, MemBytes: 3 << 29, GPUs: 1,
			SubmitUS: 1_000_000, StartUS: 21_000_000, EndUS: 31_000_000, RuntimeUS: 10_000_000, DeadlineUS: -1,
			Status: StatusFinished, HostID: 3},
		{JobID: 2, Source: "google-2019", Tenant: "ünïcode", Priority: 0, Tasks: 1, CPUMilli: 250, MemBytes: 1 << 30, TraceJob: "6251812952", TraceTask: "17",
			SubmitUS: 0, StartUS: 100e6, EndUS: 300e6, RuntimeUS: 200e6, DeadlineUS: 250e6,
			Status: StatusFinished, HostID: 0, SLOViolated: true},
		{JobID: 3, Source: "synthetic", Tenant: "team-b", Priority: 1, Tasks: 1, CPUMilli: 1000, MemBytes: 0,
			SubmitUS: 5e6, StartUS: 5e6, EndUS: 6e6, RuntimeUS: 1e6, DeadlineUS: -1, Status: StatusFinished, HostID: 1},
		{JobID: 4, Source: "synthetic", Tenant: "team-a", Priority: 9, Tasks: 2, CPUMilli: 999_000, MemBytes: 1 << 40,
			SubmitUS: 7, StartUS: -1, EndUS: -1, RuntimeUS: 5, DeadlineUS: -1, Status: StatusRejected, HostID: -1, Cell: -1},
		{JobID: 5, Source: "synthetic", Tenant: "team-a", Priority: 1, Tasks: 2, CPUMilli: 2000, MemBytes: 1 << 31,
			SubmitUS: 7, StartUS: 9, EndUS: -1, RuntimeUS: 5, DeadlineUS: 1, Status: StatusUnfinished, HostID: 2,
			SLOViolated: true},
	}
}

func fieldNames(s *arrow.Schema) []string {
	var names []string
	for _, f := range s.Fields() {
		names = append(names, f.Name)
	}
	return names
}

// TestInterop writes small known tables and reads them back with nodejs-polars and apache-arrow
// (internal/interop/read.mjs). It skips when Node.js or the npm packages are missing, unless
// DCSIM_REQUIRE_INTEROP=1. Setup: npm ci --prefix internal/interop
func TestInterop(t *testing.T) {
	interop.Require(t)
	dir := t.TempDir()
	jobs := interopJobs()
	hosts := sampleHosts(16)
	sum := sampleSummary()
	writeJobs(t, filepath.Join(dir, "jobs.arrow"), jobs, testMeta)
	writeHosts(t, filepath.Join(dir, "hosts.arrow"), hosts, testMeta)
	if err := WriteSummary(filepath.Join(dir, "summary.arrow"), testMeta, &sum); err != nil {
		t.Fatal(err)
	}
	rep := interop.Read(t, dir)
	t.Logf("readers: %v", rep.Readers)

	schemas := map[string]*arrow.Schema{
		TableJobs: JobsSchema(testMeta), TableHosts: HostsSchema(testMeta), TableSummary: SummarySchema(testMeta),
	}
	wantRows := map[string]int64{TableJobs: int64(len(jobs)), TableHosts: int64(len(hosts)), TableSummary: 1}
	for name, schema := range schemas {
		for reader, tables := range map[string]map[string]interop.Table{"polars": rep.Polars, "arrow": rep.Arrow} {
			tb, ok := tables[name]
			if !ok {
				t.Errorf("%s: no %s table", reader, name)
				continue
			}
			if tb.Rows != wantRows[name] {
				t.Errorf("%s %s: %d rows, want %d", reader, name, tb.Rows, wantRows[name])
			}
			if !reflect.DeepEqual(tb.Columns, fieldNames(schema)) {
				t.Errorf("%s %s: columns %v", reader, name, tb.Columns)
			}
			var want []string
			for _, f := range schema.Fields() {
				want = append(want, readerType(reader, f.Type))
			}
			if !reflect.DeepEqual(tb.Dtypes, want) {
				t.Errorf("%s %s: dtypes\n got %v\nwant %v", reader, name, tb.Dtypes, want)
			}
		}
		// Metadata, as apache-arrow sees it.
		tb := rep.Arrow[name]
		md := schema.Metadata()
		for i, k := range md.Keys() {
			if tb.SchemaMetadata[k] != md.Values()[i] {
				t.Errorf("arrow %s: schema metadata %s = %q, want %q", name, k, tb.SchemaMetadata[k], md.Values()[i])
			}
		}
		for i, f := range schema.Fields() {
			unit, _ := f.Metadata.GetValue(FieldKeyUnit)
			desc, _ := f.Metadata.GetValue(FieldKeyDescription)
			got := tb.FieldMetadata[f.Name]
			if got[FieldKeyUnit] != unit || got[FieldKeyDescription] != desc {
				t.Errorf("arrow %s.%s: field metadata %v", name, f.Name, got)
			}
			if i < len(tb.Nullable) && tb.Nullable[i] != f.Nullable {
				t.Errorf("arrow %s.%s: nullable %v", name, f.Name, tb.Nullable[i])
			}
		}
	}

	// Jobs: nulls, first row, sums — identical in both readers.
	wantNulls := map[string]int64{"start_s": 1, "end_s": 2, "wait_s": 1, "deadline_s": 3, "host_id": 1, "cell": 1,
		"bounded_slowdown": 2, "job_id": 0, "status": 0, "slo_violated": 0, "trace_job": 4, "trace_task": 4, "retries": 0}
	wantFirst := map[string]any{"job_id": 1.0, "source": "synthetic", "tenant": "team-a", "priority": 2.0,
		"tasks": 4.0, "cpu_cores": 1.5, "mem_gib": 1.5, "gpus": 1.0, "submit_s": 1.0, "start_s": 21.0,
		"end_s": 31.0, "wait_s": 20.0, "runtime_s": 10.0, "deadline_s": nil, "status": "finished",
		"host_id": 3.0, "cell": 0.0, "bounded_slowdown": 3.0, "slo_violated": false, "trace_job": nil, "trace_task": nil, "retries": 0.0}
	wantSums := map[string]float64{"job_id": 15, "priority": 13, "tasks": 10, "gpus": 1, "host_id": 6,
		"slo_violated": 2, "bounded_slowdown": 3 + 1.5 + 1, "cpu_cores": 1.5 + 0.25 + 1 + 999 + 2,
		"mem_gib": 1.5 + 1 + 0 + 1024 + 2, "start_s": 21 + 100 + 5 + 9e-6, "wait_s": 20 + 100 + 0 + 2e-6}
	for reader, tb := range map[string]interop.Table{"polars": rep.Polars[TableJobs], "arrow": rep.Arrow[TableJobs]} {
		for col, n := range wantNulls {
			if tb.NullCounts[col] != n {
				t.Errorf("%s jobs.%s: %d nulls, want %d", reader, col, tb.NullCounts[col], n)
			}
		}
		if !reflect.DeepEqual(tb.FirstRow, wantFirst) {
			t.Errorf("%s jobs first row\n got %v\nwant %v", reader, tb.FirstRow, wantFirst)
		}
		for col, want := range wantSums {
			got, ok := tb.Sums[col].(float64)
			if !ok || math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("%s jobs.%s: sum %v, want %v", reader, col, tb.Sums[col], want)
			}
		}
	}

	// Hosts: sums.
	var energy, power float64
	for _, h := range hosts {
		energy += h.EnergyJ
		power += h.PowerW
	}
	for reader, tb := range map[string]interop.Table{"polars": rep.Polars[TableHosts], "arrow": rep.Arrow[TableHosts]} {
		if got, _ := tb.Sums["energy_j"].(float64); math.Abs(got-energy) > 1e-9*energy {
			t.Errorf("%s hosts.energy_j: sum %v, want %v", reader, tb.Sums["energy_j"], energy)
		}
		if got, _ := tb.Sums["power_w"].(float64); math.Abs(got-power) > 1e-9*power {
			t.Errorf("%s hosts.power_w: sum %v, want %v", reader, tb.Sums["power_w"], power)
		}
		if tb.FirstRow["group"] != "cpu-gen5" || tb.FirstRow["time_s"] != 0.0 || tb.FirstRow["interval_s"] != 300.0 {
			t.Errorf("%s hosts first row %v", reader, tb.FirstRow)
		}
	}

	// Summary: every value of the row, exactly.
	wantSummary := map[string]any{
		"scenario": sum.Scenario, "seed": strconv.FormatUint(sum.Seed, 10),
		"jobs_submitted": float64(sum.JobsSubmitted), "jobs_finished": float64(sum.JobsFinished),
		"jobs_rejected": float64(sum.JobsRejected), "jobs_unfinished": float64(sum.JobsUnfinished),
		"mean_wait_s": sum.MeanWaitS, "p50_wait_s": sum.P50WaitS, "p99_wait_s": sum.P99WaitS,
		"mean_bounded_slowdown": sum.MeanBoundedSlowdown, "slo_violations": float64(sum.SLOViolations),
		"cpu_utilization": sum.CPUUtilization, "mem_utilization": sum.MemUtilization,
		"energy_kwh": sum.EnergyKWh, "cost_usd": sum.CostUSD, "carbon_kg": sum.CarbonKg,
		"sim_time_s": sum.SimTimeS, "events": float64(sum.Events),
		"facility_energy_kwh": sum.FacilityEnergyKWh, "capex_usd": sum.CapexUSD,
		"energy_usd": sum.EnergyUSD, "host_hours": sum.HostHours, "gpu_utilization": sum.GPUUtilization,
		"jobs_failed": float64(sum.JobsFailed), "host_failures": float64(sum.HostFailures), "task_retries": float64(sum.TaskRetries),
		"lost_core_hours": sum.LostCoreHours, "unavailability": sum.Unavailability, "embodied_carbon_kg": sum.EmbodiedCarbonKg,
		"service_requests": float64(sum.ServiceRequests), "service_dropped": float64(sum.ServiceDropped),
		"service_slo_violation_minutes": sum.ServiceSLOViolationMinutes,
		"transferred_gib":               sum.NetworkGiB, "storage_written_gib": sum.StorageWrittenGiB, "storage_overflow_gib": sum.StorageOverflowGiB,
		"power_ons": float64(sum.PowerOns), "power_offs": float64(sum.PowerOffs), "forecast_mape": sum.ForecastMAPE,
		"underprovisioned_host_hours": sum.UnderprovisionedHostHours,
		"preemptions":                 float64(sum.Preemptions), "jobs_preempted": float64(sum.JobsPreempted),
		"slo_violation_rate": sum.SLOViolationRate(),
		"jobs_shifted":       float64(sum.JobsShifted), "shift_hours": sum.ShiftHours,
	}
	for reader, tb := range map[string]interop.Table{"polars": rep.Polars[TableSummary], "arrow": rep.Arrow[TableSummary]} {
		if !reflect.DeepEqual(tb.FirstRow, wantSummary) {
			t.Errorf("%s summary row\n got %v\nwant %v", reader, tb.FirstRow, wantSummary)
		}
	}
}

// TestInteropBatchesAndEmpty checks a multi-batch jobs file and files without rows.
func TestInteropBatchesAndEmpty(t *testing.T) {
	interop.Require(t)
	big, empty := t.TempDir(), t.TempDir()
	rows := sampleJobs(2*BatchRows+1, 5)
	writeJobs(t, filepath.Join(big, "jobs.arrow"), rows, testMeta)
	writeJobs(t, filepath.Join(empty, "jobs.arrow"), nil, testMeta)
	writeHosts(t, filepath.Join(empty, "hosts.arrow"), nil, testMeta)

	rep := interop.Read(t, big, "jobs")
	var idSum, started float64
	for _, r := range rows {
		idSum += float64(r.JobID)
		if r.StartUS == -1 {
			started++
		}
	}
	for reader, tb := range map[string]interop.Table{"polars": rep.Polars["jobs"], "arrow": rep.Arrow["jobs"]} {
		if tb.Rows != int64(len(rows)) || tb.Sums["job_id"] != idSum || float64(tb.NullCounts["start_s"]) != started {
			t.Errorf("%s: %d rows, job_id sum %v, %d null start_s; want %d, %v, %v",
				reader, tb.Rows, tb.Sums["job_id"], tb.NullCounts["start_s"], len(rows), idSum, started)
		}
	}
	if b := rep.Arrow["jobs"].Batches; b != 3 {
		t.Errorf("arrow: %d record batches, want 3", b)
	}

	rep = interop.Read(t, empty, "jobs", "hosts")
	for _, name := range []string{"jobs", "hosts"} {
		for reader, tb := range map[string]interop.Table{"polars": rep.Polars[name], "arrow": rep.Arrow[name]} {
			if tb.Rows != 0 || tb.FirstRow != nil || len(tb.Columns) == 0 {
				t.Errorf("%s empty %s: %d rows, %d columns", reader, name, tb.Rows, len(tb.Columns))
			}
		}
	}
}

// readerType is the type name a reader reports for an Arrow type of ours.
func readerType(reader string, dt arrow.DataType) string {
	polars := map[arrow.Type]string{arrow.INT32: "Int32", arrow.INT64: "Int64", arrow.UINT64: "UInt64",
		arrow.FLOAT64: "Float64", arrow.STRING: "String", arrow.BOOL: "Bool"}
	js := map[arrow.Type]string{arrow.INT32: "Int32", arrow.INT64: "Int64", arrow.UINT64: "Uint64",
		arrow.FLOAT64: "Float64", arrow.STRING: "Utf8", arrow.BOOL: "Bool"}
	duckdb := map[arrow.Type]string{arrow.INT32: "INTEGER", arrow.INT64: "BIGINT", arrow.UINT64: "UBIGINT",
		arrow.FLOAT64: "DOUBLE", arrow.STRING: "VARCHAR", arrow.BOOL: "BOOLEAN"}
	switch reader {
	case "polars":
		return polars[dt.ID()]
	case "duckdb":
		return duckdb[dt.ID()]
	}
	return js[dt.ID()]
}

// TestInteropParquet converts the small known tables of TestInterop (and services.arrow) to
// Parquet and reads them with DuckDB (@duckdb/node-api) and nodejs-polars' Parquet reader
// (internal/interop/read_parquet.mjs): the same rows, columns, nulls, first rows and sums as
// the Arrow readers see in the .arrow files (which TestInterop checks against known values),
// the expected column types, and dcsim's metadata as Parquet key/value metadata. It skips like
// TestInterop (DCSIM_REQUIRE_INTEROP=1 makes it required).
func TestInteropParquet(t *testing.T) {
	interop.RequireParquet(t)
	interop.Require(t)
	dir := t.TempDir()
	jobs := interopJobs()
	sum := sampleSummary()
	writeJobs(t, filepath.Join(dir, "jobs.arrow"), jobs, testMeta)
	writeHosts(t, filepath.Join(dir, "hosts.arrow"), sampleHosts(16), testMeta)
	if err := WriteSummary(filepath.Join(dir, "summary.arrow"), testMeta, &sum); err != nil {
		t.Fatal(err)
	}
	schemas := map[string]*arrow.Schema{
		TableJobs: JobsSchema(testMeta), TableHosts: HostsSchema(testMeta), TableSummary: SummarySchema(testMeta),
	}
	for name := range schemas {
		p := filepath.Join(dir, name+".arrow")
		if err := WriteParquet(p, ParquetPath(p)); err != nil {
			t.Fatal(err)
		}
	}
	arrowRep := interop.Read(t, dir)
	rep := interop.ReadParquet(t, dir)
	t.Logf("readers: %v", rep.Readers)
	for _, d := range interop.DiffParquet(arrowRep, rep) {
		t.Error(d)
	}
	if len(rep.DuckDB) != len(schemas) || len(rep.Polars) != len(schemas) {
		t.Errorf("read %d/%d tables, want %d", len(rep.DuckDB), len(rep.Polars), len(schemas))
	}
	for name, schema := range schemas {
		for reader, tables := range map[string]map[string]interop.Table{"duckdb": rep.DuckDB, "polars": rep.Polars} {
			var want []string
			for _, f := range schema.Fields() {
				want = append(want, readerType(reader, f.Type))
			}
			if got := tables[name].Dtypes; !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: dtypes\n got %v\nwant %v", reader, name, got, want)
			}
		}
		// Metadata, as DuckDB's parquet_kv_metadata() sees it.
		tb := rep.DuckDB[name]
		md := schema.Metadata()
		for i, k := range md.Keys() {
			if tb.KVMetadata[k] != md.Values()[i] {
				t.Errorf("duckdb %s: key/value %s = %q, want %q", name, k, tb.KVMetadata[k], md.Values()[i])
			}
		}
		var units map[string]string
		if err := json.Unmarshal([]byte(tb.KVMetadata[MetaKeyUnits]), &units); err != nil {
			t.Errorf("duckdb %s: %s: %v", name, MetaKeyUnits, err)
		}
		for _, f := range schema.Fields() {
			if u, _ := f.Metadata.GetValue(FieldKeyUnit); units[f.Name] != u {
				t.Errorf("duckdb %s.%s: unit %q, want %q", name, f.Name, units[f.Name], u)
			}
		}
		if tb.CreatedBy != ParquetCreatedBy || tb.RowGroups != 1 {
			t.Errorf("duckdb %s: created_by %q, %d row groups", name, tb.CreatedBy, tb.RowGroups)
		}
	}
	// The uint64 seed beyond 2^53 survives (polars does not sum UInt64 columns, so DiffParquet
	// cannot compare that sum).
	if got := rep.DuckDB[TableSummary].Sums["seed"]; got != strconv.FormatUint(sum.Seed, 10) {
		t.Errorf("duckdb summary.seed sum %v", got)
	}
}

// TestInteropParquetRowGroupsAndEmpty checks a jobs file of two row groups (three record
// batches) and tables without rows.
func TestInteropParquetRowGroupsAndEmpty(t *testing.T) {
	interop.RequireParquet(t)
	interop.Require(t)
	big, empty := t.TempDir(), t.TempDir()
	writeJobs(t, filepath.Join(big, "jobs.arrow"), sampleJobs(2*BatchRows+1, 5), testMeta)
	writeJobs(t, filepath.Join(empty, "jobs.arrow"), nil, testMeta)
	writeHosts(t, filepath.Join(empty, "hosts.arrow"), nil, testMeta)
	for _, p := range []string{filepath.Join(big, "jobs.arrow"), filepath.Join(empty, "jobs.arrow"), filepath.Join(empty, "hosts.arrow")} {
		if err := WriteParquet(p, ParquetPath(p)); err != nil {
			t.Fatal(err)
		}
	}
	reps := map[string]*interop.ParquetReport{}
	for dir, tables := range map[string][]string{big: {"jobs"}, empty: {"jobs", "hosts"}} {
		reps[dir] = interop.ReadParquet(t, dir, tables...)
		for _, d := range interop.DiffParquet(interop.Read(t, dir, tables...), reps[dir]) {
			t.Errorf("%s: %s", filepath.Base(dir), d)
		}
	}
	if tb := reps[big].DuckDB["jobs"]; tb.Rows != 2*BatchRows+1 || tb.RowGroups != 2 {
		t.Errorf("duckdb: %d rows in %d row groups, want %d in 2", tb.Rows, tb.RowGroups, 2*BatchRows+1)
	}
	rep := reps[empty]
	for _, name := range []string{"jobs", "hosts"} {
		for reader, tb := range map[string]interop.Table{"duckdb": rep.DuckDB[name], "polars": rep.Polars[name]} {
			if tb.Rows != 0 || tb.FirstRow != nil || len(tb.Columns) == 0 {
				t.Errorf("%s empty %s: %d rows, %d columns", reader, name, tb.Rows, len(tb.Columns))
			}
		}
	}
}
