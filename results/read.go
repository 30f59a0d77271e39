package results

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// readAtSeeker is what the Arrow IPC file reader needs (an *os.File or a *bytes.Reader).
type readAtSeeker = ipc.ReadAtSeeker

// ReadTable reads a whole Arrow IPC file (any dcsim result file, or any other Arrow file) into
// memory. The caller must Release the table.
func ReadTable(path string) (arrow.Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	defer f.Close()
	size, err := fileSize(f)
	if err != nil {
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	var tbl arrow.Table
	err = readBatches(f, size, func(schema *arrow.Schema, recs []arrow.RecordBatch) error {
		tbl = array.NewTableFromRecords(schema, recs)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	return tbl, nil
}

// ReadJobs reads jobs.arrow back into rows (seconds are converted back to microseconds by
// rounding; nulls become -1) and the file's metadata.
func ReadJobs(path string) ([]JobRow, Meta, error) {
	var rows []JobRow
	meta, err := readFile(path, TableJobs, func(b *batch) { rows = decodeJobs(b, rows) })
	return rows, meta, err
}

// ReadHosts reads hosts.arrow back into rows and the file's metadata.
func ReadHosts(path string) ([]HostRow, Meta, error) {
	var rows []HostRow
	meta, err := readFile(path, TableHosts, func(b *batch) { rows = decodeHosts(b, rows) })
	return rows, meta, err
}

// ReadSummary reads the single row of summary.arrow and the file's metadata.
func ReadSummary(path string) (Summary, Meta, error) {
	var rows []Summary
	meta, err := readFile(path, TableSummary, func(b *batch) { rows = decodeSummary(b, rows) })
	if err == nil && len(rows) != 1 {
		err = fmt.Errorf("results: %s: summary has %d rows, want 1", path, len(rows))
	}
	if err != nil {
		return Summary{}, Meta{}, err
	}
	return rows[0], meta, nil
}

func readFile(path, table string, decode func(*batch)) (Meta, error) {
	f, err := os.Open(path)
	if err != nil {
		return Meta{}, fmt.Errorf("results: %w", err)
	}
	defer f.Close()
	size, err := fileSize(f)
	if err != nil {
		return Meta{}, fmt.Errorf("results: %s: %w", path, err)
	}
	meta, err := readTyped(f, size, table, decode)
	if err != nil {
		return Meta{}, fmt.Errorf("results: %s: %w", path, err)
	}
	return meta, nil
}

func fileSize(f *os.File) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// readTyped reads a dcsim table: it checks the dcsim.table metadata (when present), decodes every
// record batch with decode, and returns the Meta.
func readTyped(r readAtSeeker, size int64, table string, decode func(*batch)) (Meta, error) {
	var meta Meta
	err := readBatches(r, size, func(schema *arrow.Schema, recs []arrow.RecordBatch) error {
		var err error
		if meta, err = metaOf(schema, table); err != nil {
			return err
		}
		for _, rec := range recs {
			b := &batch{rec: rec, n: int(rec.NumRows())}
			decode(b)
			if b.err != nil {
				return b.err
			}
		}
		return nil
	})
	return meta, err
}

// readBatches opens an Arrow IPC file, loads all record batches and hands them to use; they are
// released afterwards. See scanBatches for the checks.
func readBatches(r readAtSeeker, size int64, use func(*arrow.Schema, []arrow.RecordBatch) error) (err error) {
	var recs []arrow.RecordBatch
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
		if p := recover(); p != nil { // a panic in use
			err = fmt.Errorf("corrupt Arrow file: %v", p)
		}
	}()
	var schema *arrow.Schema
	err = scanBatches(r, size, func(s *arrow.Schema) error { schema = s; return nil },
		func(rec arrow.RecordBatch, _ int) error {
			rec.Retain()
			recs = append(recs, rec)
			return nil
		})
	if err != nil {
		return err
	}
	return use(schema, recs)
}

// scanBatches is the one reader of Arrow IPC files behind ReadTable, the typed readers,
// ScanTable and WriteParquet. It verifies the file's flatbuffer metadata first (see
// verifyIPCFile), since arrow-go trusts it, then hands the schema to start and each record batch,
// checked against the schema and for consistent column lengths, to fn; each batch is released
// when fn returns. arrow-go can still panic on corrupt input (for example on inconsistent buffer
// sizes); such panics, and panics in start and fn, are returned as errors. Allocations through
// the reader's allocator are capped at a multiple of the file size so that a corrupt length (e.g.
// of a compressed buffer) cannot exhaust memory.
func scanBatches(r readAtSeeker, size int64, start func(*arrow.Schema) error, fn func(rec arrow.RecordBatch, i int) error) (err error) {
	var cur arrow.RecordBatch
	defer func() {
		if cur != nil {
			cur.Release()
		}
		if p := recover(); p != nil {
			err = fmt.Errorf("corrupt Arrow file: %v", p)
		}
	}()
	if err := verifyIPCFile(r, size); err != nil {
		return fmt.Errorf("not a valid Arrow IPC file: %w", err)
	}
	alloc := &cappedAllocator{mem: memory.DefaultAllocator, limit: 4*size + 1<<16}
	fr, err := ipc.NewFileReader(r, ipc.WithAllocator(alloc))
	if err != nil {
		return fmt.Errorf("not an Arrow IPC file: %w", err)
	}
	defer fr.Close()
	schema := fr.Schema()
	if err := start(schema); err != nil {
		return err
	}
	for i := 0; i < fr.NumRecords(); i++ {
		rec, err := fr.RecordBatchAt(i)
		if err != nil {
			return fmt.Errorf("record batch %d: %w", i, err)
		}
		cur = rec
		if !rec.Schema().Equal(schema) {
			return fmt.Errorf("record batch %d: schema differs from the file's", i)
		}
		for j, c := range rec.Columns() {
			if int64(c.Len()) != rec.NumRows() {
				return fmt.Errorf("record batch %d: column %d has %d rows, batch has %d", i, j, c.Len(), rec.NumRows())
			}
		}
		if err := fn(rec, i); err != nil {
			return err
		}
		cur = nil
		rec.Release()
	}
	return nil
}

// ScanTable verifies the Arrow IPC file at path as ReadTable does, then hands its record
// batches to fn one at a time, each released after fn returns, so memory is one batch rather
// than the whole file. fn is called once with a nil batch for a file with no batches, so that it
// always sees the schema. Corrupt input gives an error, never a crash.
func ScanTable(path string, fn func(schema *arrow.Schema, rec arrow.RecordBatch) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	defer f.Close()
	size, err := fileSize(f)
	if err != nil {
		return fmt.Errorf("results: %s: %w", path, err)
	}
	var schema *arrow.Schema
	n := 0
	err = scanBatches(f, size, func(s *arrow.Schema) error { schema = s; return nil },
		func(rec arrow.RecordBatch, _ int) error { n++; return fn(schema, rec) })
	if err == nil && n == 0 {
		err = fn(schema, nil)
	}
	if err != nil {
		return fmt.Errorf("results: %s: %w", path, err)
	}
	return nil
}

var errAllocLimit = errors.New("allocation exceeds the limit for this file")

// cappedAllocator fails (by panicking, which readBatches recovers) when the reader asks for
// more memory in total than limit bytes.
type cappedAllocator struct {
	mem   memory.Allocator
	limit int64
	used  int64
}

func (a *cappedAllocator) take(n int) {
	a.used += int64(n)
	if n < 0 || a.used > a.limit {
		panic(errAllocLimit)
	}
}

func (a *cappedAllocator) Allocate(size int) []byte {
	a.take(size)
	return a.mem.Allocate(size)
}

func (a *cappedAllocator) Reallocate(size int, b []byte) []byte {
	a.take(size - len(b))
	return a.mem.Reallocate(size, b)
}

func (a *cappedAllocator) Free(b []byte) { a.mem.Free(b) }

// metaOf reads Meta from the schema metadata; it fails if dcsim.table names another table.
func metaOf(schema *arrow.Schema, table string) (Meta, error) {
	md := schema.Metadata()
	if t, ok := md.GetValue(MetaKeyTable); ok && t != table {
		return Meta{}, fmt.Errorf("file holds the %q table, not %q", t, table)
	}
	var m Meta
	m.Version, _ = md.GetValue(MetaKeyVersion)
	m.Scenario, _ = md.GetValue(MetaKeyScenario)
	m.ScenarioYAML, _ = md.GetValue(MetaKeyScenarioYAML)
	if s, ok := md.GetValue(MetaKeySeed); ok && s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return Meta{}, fmt.Errorf("metadata %s: %w", MetaKeySeed, err)
		}
		m.Seed = seed
	}
	return m, nil
}

// batch gives typed access to the columns of one record batch; the first error sticks.
type batch struct {
	rec    arrow.RecordBatch
	n      int
	err    error
	intern map[string]string
}

// col returns the column called name as array type T, or a nil T after recording an error
// (missing column, wrong type, or a null in a non-nullable column).
func col[T arrow.Array](b *batch, name string, nullable bool) T {
	var zero T
	if b.err != nil {
		return zero
	}
	idx := b.rec.Schema().FieldIndices(name)
	if len(idx) != 1 {
		b.err = fmt.Errorf("column %q: found %d times, want once", name, len(idx))
		return zero
	}
	c := b.rec.Column(idx[0])
	a, ok := c.(T)
	if !ok {
		b.err = fmt.Errorf("column %q: unexpected type %s", name, c.DataType())
		return zero
	}
	if !nullable && a.NullN() > 0 {
		b.err = fmt.Errorf("column %q: %d unexpected nulls", name, a.NullN())
		return zero
	}
	return a
}

// str returns row i of a string column as a string that does not alias Arrow memory; equal
// values share one copy.
func (b *batch) str(a *array.String, i int) string {
	s := a.Value(i)
	if v, ok := b.intern[s]; ok {
		return v
	}
	if b.intern == nil {
		b.intern = make(map[string]string)
	}
	v := strings.Clone(s)
	b.intern[v] = v
	return v
}

// us converts row i of a seconds column back to integer microseconds; null gives -1.
func (b *batch) us(a *array.Float64, i int, name string) int64 {
	if a.IsNull(i) {
		return -1
	}
	return b.round(a.Value(i)*1e6, i, name)
}

// round rounds x to an integer, recording an error when it is not finite or out of range.
func (b *batch) round(x float64, i int, name string) int64 {
	r := math.Round(x)
	if !(r >= -(1<<62) && r <= 1<<62) { // also rejects NaN
		if b.err == nil {
			b.err = fmt.Errorf("column %q row %d: value %v out of range", name, i, x)
		}
		return 0
	}
	return int64(r)
}

func decodeJobs(b *batch, rows []JobRow) []JobRow {
	id := col[*array.Int64](b, "job_id", false)
	src := col[*array.String](b, "source", false)
	ten := col[*array.String](b, "tenant", false)
	prio := col[*array.Int32](b, "priority", false)
	tasks := col[*array.Int32](b, "tasks", false)
	cpu := col[*array.Float64](b, "cpu_cores", false)
	mem := col[*array.Float64](b, "mem_gib", false)
	gpus := col[*array.Int32](b, "gpus", false)
	submit := col[*array.Float64](b, "submit_s", false)
	start := col[*array.Float64](b, "start_s", true)
	end := col[*array.Float64](b, "end_s", true)
	runtime := col[*array.Float64](b, "runtime_s", false)
	deadline := col[*array.Float64](b, "deadline_s", true)
	status := col[*array.String](b, "status", false)
	host := col[*array.Int32](b, "host_id", true)
	cell := col[*array.Int32](b, "cell", true)
	slo := col[*array.Boolean](b, "slo_violated", false)
	tjob := col[*array.String](b, "trace_job", true)
	ttask := col[*array.String](b, "trace_task", true)
	retries := col[*array.Int32](b, "retries", false)
	if b.err != nil {
		return rows
	}
	for i := 0; i < b.n && b.err == nil; i++ {
		r := JobRow{
			JobID:       id.Value(i),
			Source:      b.str(src, i),
			Tenant:      b.str(ten, i),
			Priority:    prio.Value(i),
			Tasks:       tasks.Value(i),
			CPUMilli:    b.round(cpu.Value(i)*1000, i, "cpu_cores"),
			MemBytes:    b.round(mem.Value(i)*gib, i, "mem_gib"),
			GPUs:        gpus.Value(i),
			SubmitUS:    b.us(submit, i, "submit_s"),
			StartUS:     b.us(start, i, "start_s"),
			EndUS:       b.us(end, i, "end_s"),
			RuntimeUS:   b.us(runtime, i, "runtime_s"),
			DeadlineUS:  b.us(deadline, i, "deadline_s"),
			Status:      b.str(status, i),
			HostID:      -1,
			Cell:        -1,
			SLOViolated: slo.Value(i),
			Retries:     retries.Value(i),
		}
		if tjob.IsValid(i) {
			r.TraceJob = b.str(tjob, i)
		}
		if ttask.IsValid(i) {
			r.TraceTask = b.str(ttask, i)
		}
		if host.IsValid(i) {
			r.HostID = host.Value(i)
		}
		if cell.IsValid(i) {
			r.Cell = cell.Value(i)
		}
		rows = append(rows, r)
	}
	return rows
}

func decodeHosts(b *batch, rows []HostRow) []HostRow {
	t := col[*array.Float64](b, "time_s", false)
	iv := col[*array.Float64](b, "interval_s", false)
	host := col[*array.Int32](b, "host_id", false)
	group := col[*array.String](b, "group", false)
	rack := col[*array.Int32](b, "rack", false)
	cell := col[*array.Int32](b, "cell", false)
	cpu := col[*array.Float64](b, "cpu_utilization", false)
	mem := col[*array.Float64](b, "mem_utilization", false)
	gpu := col[*array.Float64](b, "gpu_utilization", false)
	power := col[*array.Float64](b, "power_w", false)
	energy := col[*array.Float64](b, "energy_j", false)
	on := col[*array.Float64](b, "on_fraction", false)
	if b.err != nil {
		return rows
	}
	for i := 0; i < b.n && b.err == nil; i++ {
		rows = append(rows, HostRow{
			TimeUS:     b.us(t, i, "time_s"),
			IntervalUS: b.us(iv, i, "interval_s"),
			HostID:     host.Value(i),
			Group:      b.str(group, i),
			Rack:       rack.Value(i),
			Cell:       cell.Value(i),
			CPUUtil:    cpu.Value(i),
			MemUtil:    mem.Value(i),
			GPUUtil:    gpu.Value(i),
			PowerW:     power.Value(i),
			EnergyJ:    energy.Value(i),
			OnFrac:     on.Value(i),
		})
	}
	return rows
}

func decodeSummary(b *batch, rows []Summary) []Summary {
	f64 := func(name string) *array.Float64 { return col[*array.Float64](b, name, false) }
	i64 := func(name string) *array.Int64 { return col[*array.Int64](b, name, false) }
	scenario := col[*array.String](b, "scenario", false)
	seed := col[*array.Uint64](b, "seed", false)
	submitted, finished := i64("jobs_submitted"), i64("jobs_finished")
	rejected, unfinished := i64("jobs_rejected"), i64("jobs_unfinished")
	slo, events := i64("slo_violations"), i64("events")
	meanWait, p50, p99, bsld := f64("mean_wait_s"), f64("p50_wait_s"), f64("p99_wait_s"), f64("mean_bounded_slowdown")
	cpu, mem := f64("cpu_utilization"), f64("mem_utilization")
	energy, facility := f64("energy_kwh"), f64("facility_energy_kwh")
	capex, energyUSD, cost := f64("capex_usd"), f64("energy_usd"), f64("cost_usd")
	carbon, hostHours, simTime := f64("carbon_kg"), f64("host_hours"), f64("sim_time_s")
	gpu := col[*array.Float64](b, "gpu_utilization", true)
	failedJobs, hostFailures, taskRetries := i64("jobs_failed"), i64("host_failures"), i64("task_retries")
	lost, unavail, embodied := f64("lost_core_hours"), f64("unavailability"), f64("embodied_carbon_kg")
	svcReq, svcDrop, svcMin := i64("service_requests"), i64("service_dropped"), f64("service_slo_violation_minutes")
	netGiB, storW, storO := f64("transferred_gib"), f64("storage_written_gib"), f64("storage_overflow_gib")
	pOn, pOff, underH := i64("power_ons"), i64("power_offs"), f64("underprovisioned_host_hours")
	preemptions, jobsPreempted := i64("preemptions"), i64("jobs_preempted")
	jobsShifted, shiftHours := i64("jobs_shifted"), f64("shift_hours")
	mape := col[*array.Float64](b, "forecast_mape", true)
	if b.err != nil {
		return rows
	}
	for i := 0; i < b.n; i++ {
		rows = append(rows, Summary{
			Scenario:                   b.str(scenario, i),
			Seed:                       seed.Value(i),
			JobsSubmitted:              submitted.Value(i),
			JobsFinished:               finished.Value(i),
			JobsRejected:               rejected.Value(i),
			JobsUnfinished:             unfinished.Value(i),
			MeanWaitS:                  meanWait.Value(i),
			P50WaitS:                   p50.Value(i),
			P99WaitS:                   p99.Value(i),
			MeanBoundedSlowdown:        bsld.Value(i),
			SLOViolations:              slo.Value(i),
			CPUUtilization:             cpu.Value(i),
			MemUtilization:             mem.Value(i),
			EnergyKWh:                  energy.Value(i),
			FacilityEnergyKWh:          facility.Value(i),
			CapexUSD:                   capex.Value(i),
			EnergyUSD:                  energyUSD.Value(i),
			CostUSD:                    cost.Value(i),
			CarbonKg:                   carbon.Value(i),
			HostHours:                  hostHours.Value(i),
			GPUUtilization:             -1,
			JobsFailed:                 failedJobs.Value(i),
			HostFailures:               hostFailures.Value(i),
			TaskRetries:                taskRetries.Value(i),
			LostCoreHours:              lost.Value(i),
			Unavailability:             unavail.Value(i),
			EmbodiedCarbonKg:           embodied.Value(i),
			ServiceRequests:            svcReq.Value(i),
			ServiceDropped:             svcDrop.Value(i),
			ServiceSLOViolationMinutes: svcMin.Value(i),
			NetworkGiB:                 netGiB.Value(i),
			StorageWrittenGiB:          storW.Value(i),
			StorageOverflowGiB:         storO.Value(i),
			PowerOns:                   pOn.Value(i),
			PowerOffs:                  pOff.Value(i),
			ForecastMAPE:               -1,
			UnderprovisionedHostHours:  underH.Value(i),
			Preemptions:                preemptions.Value(i),
			JobsPreempted:              jobsPreempted.Value(i),
			JobsShifted:                jobsShifted.Value(i),
			ShiftHours:                 shiftHours.Value(i),
			SimTimeS:                   simTime.Value(i),
			Events:                     events.Value(i),
		})
		if gpu.IsValid(i) {
			rows[len(rows)-1].GPUUtilization = gpu.Value(i)
		}
		if mape.IsValid(i) {
			rows[len(rows)-1].ForecastMAPE = mape.Value(i)
		}
	}
	return rows
}
