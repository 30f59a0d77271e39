package results

import (
	"errors"
	"fmt"
	"github.com/dcsim/dcsim/internal/atomicfile"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// maxBatchStringBytes bounds the bytes of one string column in one record batch (int32 offsets
// allow 2 GiB, and replacing invalid UTF-8 can triple the bytes); a batch is flushed early when
// a column reaches it.
const maxBatchStringBytes = 1 << 28

var errClosed = errors.New("results: writer is closed")

// tableWriter streams record batches of a fixed set of columns to an Arrow IPC file (the
// "Feather v2" random-access format), uncompressed, through an atomicFile.
//
// It double-buffers: rows are appended to one set of column builders while the previous batch,
// in the other set, is serialized and written by a goroutine, so the caller's hot path pays only
// for appending to Go slices. At most one batch is in flight and batches are written in order,
// so memory is bounded by two batches and the output does not depend on timing.
type tableWriter struct {
	file     *atomicfile.File
	ipc      *ipc.FileWriter
	schema   *arrow.Schema
	sets     [2][]column
	strs     [2][]*strCol // string columns, checked against maxBatchStringBytes
	arrs     []arrow.Array
	cur      int        // index of the set being filled
	n        int        // rows in the current batch
	rows     int64      // rows written in total
	done     chan error // result of the batch in flight
	inflight bool
	err      error // first error; sticky
	closed   bool
	// recycle, if set, is called once when the writer is done with its column sets (after close
	// or abort, with no batch in flight), to return them to a pool.
	recycle func()
}

// release calls recycle once.
func (t *tableWriter) release() {
	if t.recycle != nil {
		r := t.recycle
		t.recycle = nil
		for _, set := range t.sets {
			for _, c := range set {
				c.reset()
			}
		}
		t.sets = [2][]column{}
		r()
	}
}

// newTableWriter creates the file. a and b must be two column sets of the same fields.
func newTableWriter(path, table string, meta Meta, a, b []field, extra ...[2]string) (*tableWriter, error) {
	schema := schemaOf(table, meta, a, extra...)
	f, err := createAtomic(path)
	if err != nil {
		return nil, err
	}
	// Uncompressed (the default), so that files can be memory-mapped by readers.
	fw, err := ipc.NewFileWriter(f, ipc.WithSchema(schema))
	if err != nil {
		f.Abort()
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	t := &tableWriter{file: f, ipc: fw, schema: schema, done: make(chan error, 1)}
	for k, fields := range [2][]field{a, b} {
		t.sets[k] = columnsOf(fields)
		for _, c := range t.sets[k] {
			if s, ok := c.(*strCol); ok {
				t.strs[k] = append(t.strs[k], s)
			}
		}
	}
	t.arrs = make([]arrow.Array, len(a))
	return t, nil
}

// rowDone is called after the current column set received one row; it flushes a full batch,
// after which the writer fills the other set (see cur).
func (t *tableWriter) rowDone() error {
	t.n++
	t.rows++
	if t.n >= BatchRows {
		return t.flush()
	}
	for _, s := range t.strs[t.cur] {
		if s.bytes() >= maxBatchStringBytes {
			return t.flush()
		}
	}
	return nil
}

// check returns the error that a Write must report before touching the columns.
func (t *tableWriter) check() error {
	if t.closed {
		return errClosed
	}
	return t.err
}

// wait waits for the batch in flight, if any, and returns the sticky error.
func (t *tableWriter) wait() error {
	if t.inflight {
		t.inflight = false
		if err := <-t.done; err != nil && t.err == nil {
			t.err = err
		}
	}
	return t.err
}

// flush hands the current batch to a goroutine that writes it, and switches to the other
// column set once the previous batch is written.
func (t *tableWriter) flush() error {
	if err := t.wait(); err != nil {
		return err
	}
	set, n := t.cur, t.n
	t.inflight = true
	go func() { t.done <- t.writeBatch(set, n) }()
	t.cur ^= 1
	t.n = 0
	return nil
}

// writeBatch writes the n rows of column set k as one record batch and resets the set.
func (t *tableWriter) writeBatch(k, n int) error {
	for i, c := range t.sets[k] {
		t.arrs[i] = c.array(n)
	}
	rec := array.NewRecordBatch(t.schema, t.arrs, int64(n))
	err := t.ipc.Write(rec)
	rec.Release()
	for i, a := range t.arrs {
		a.Release()
		t.arrs[i] = nil
	}
	for _, c := range t.sets[k] {
		c.reset()
	}
	if err != nil {
		return fmt.Errorf("results: write %s: %w", t.file.Name(), err)
	}
	return nil
}

// close writes the last batch and the footer, then commits the file. A file with no rows holds
// one empty record batch (pandas, polars, pyarrow and arrow JS all read it).
func (t *tableWriter) close() error {
	if t.closed {
		return errClosed
	}
	t.closed = true
	if t.err == nil && (t.n > 0 || t.rows == 0) {
		t.flush()
	}
	if t.wait() == nil {
		if err := t.ipc.Close(); err != nil {
			t.err = fmt.Errorf("results: write %s: %w", t.file.Name(), err)
		}
	}
	t.release()
	if t.err != nil {
		t.file.Abort()
		return t.err
	}
	return t.file.Commit()
}

func (t *tableWriter) abort() {
	t.closed = true
	t.wait()
	t.release()
	t.file.Abort()
}

// JobsWriter streams JobRows to jobs.arrow. Memory is bounded by two record batches of
// BatchRows rows (one being filled, one being written by a background goroutine). It is not
// safe for concurrent use. A write error of the background goroutine is returned by a later
// Write or by Close; errors are sticky.
//
// Usage:
//
//	w, err := NewJobsWriter(path, meta)
//	...
//	defer w.Abort() // no-op after a successful Close
//	for ... { if err := w.Write(&row); err != nil { ... } }
//	return w.Close()
type JobsWriter struct {
	t    *tableWriter
	c    *jobsCols // the set being filled: sets[t.cur]
	sets [2]*jobsCols
}

// NewJobsWriter creates a writer for jobs.arrow at path. Nothing appears at path until Close
// succeeds.
func NewJobsWriter(path string, meta Meta) (*JobsWriter, error) {
	sets := [2]*jobsCols{jobsColsPool.Get().(*jobsCols), jobsColsPool.Get().(*jobsCols)}
	t, err := newTableWriter(path, TableJobs, meta, sets[0].fields(), sets[1].fields())
	if err != nil {
		jobsColsPool.Put(sets[0])
		jobsColsPool.Put(sets[1])
		return nil, err
	}
	t.recycle = func() { jobsColsPool.Put(sets[0]); jobsColsPool.Put(sets[1]) }
	return &JobsWriter{t: t, c: sets[0], sets: sets}, nil
}

// Column sets are pooled across writers: a sweep of many small runs otherwise grows a fresh
// set of column slices for every file. A set goes back to its pool reset (empty, capacity kept)
// only when its writer is done with it.
var (
	jobsColsPool  = sync.Pool{New: func() any { return new(jobsCols) }}
	hostsColsPool = sync.Pool{New: func() any { return new(hostsCols) }}
)

// boundedSlowdownTauUS is τ of the bounded slowdown, 10 s.
const boundedSlowdownTauUS = 10_000_000

// BoundedSlowdown returns Feitelson's bounded slowdown with τ = 10 s,
// max(1, (end−submit) / max(runtime, τ)), from integer microseconds. Source: D. G. Feitelson,
// L. Rudolph, U. Schwiegelshohn, K. C. Sevcik, P. Wong, "Theory and Practice in Parallel Job
// Scheduling", JSSPP 1997 (bounded slowdown with threshold τ, here 10 s as is customary).
func BoundedSlowdown(submitUS, endUS, runtimeUS int64) float64 {
	d := max(runtimeUS, boundedSlowdownTauUS)
	return max(1, float64(endUS-submitUS)/float64(d))
}

// seconds converts integer microseconds to seconds; float64(us)/1e6 is correctly rounded, hence
// deterministic.
func seconds(us int64) float64 { return float64(us) / 1e6 }

const gib = 1 << 30

// Write appends one row. It does not retain r. Errors are sticky: after one, every later Write
// and Close returns it.
func (w *JobsWriter) Write(r *JobRow) error {
	if err := w.t.check(); err != nil {
		return err
	}
	c := w.c
	started := r.StartUS != -1
	ended := r.EndUS != -1
	c.id.add(r.JobID)
	c.src.add(r.Source)
	c.ten.add(r.Tenant)
	c.prio.add(r.Priority)
	c.tasks.add(r.Tasks)
	c.cpu.add(float64(r.CPUMilli) / 1000)
	c.mem.add(float64(r.MemBytes) / gib)
	c.gpus.add(r.GPUs)
	c.submit.add(seconds(r.SubmitUS))
	c.start.addOpt(seconds(r.StartUS), started)
	c.end.addOpt(seconds(r.EndUS), ended)
	c.wait.addOpt(seconds(r.StartUS-r.SubmitUS), started)
	c.runtime.add(seconds(r.RuntimeUS))
	c.deadline.addOpt(seconds(r.DeadlineUS), r.DeadlineUS != -1)
	c.status.add(r.Status)
	c.host.addOpt(r.HostID, r.HostID != -1)
	c.cell.addOpt(r.Cell, r.Cell != -1)
	finished := r.Status == StatusFinished && ended
	var bsld float64
	if finished {
		bsld = BoundedSlowdown(r.SubmitUS, r.EndUS, r.RuntimeUS)
	}
	c.bsld.addOpt(bsld, finished)
	c.slo.add(r.SLOViolated)
	c.traceJob.addOpt(r.TraceJob, r.TraceJob != "")
	c.traceTask.addOpt(r.TraceTask, r.TraceTask != "")
	c.retries.add(r.Retries)
	err := w.t.rowDone()
	w.c = w.sets[w.t.cur]
	return err
}

// Rows returns the number of rows written so far.
func (w *JobsWriter) Rows() int64 { return w.t.rows }

// Close writes the remaining rows and the file footer, fsyncs the file and renames it to its
// final path. On error the temporary file is removed and nothing is left at the final path.
func (w *JobsWriter) Close() error { return w.t.close() }

// Abort discards the file: the temporary file is removed. It is a no-op after Close.
func (w *JobsWriter) Abort() { w.t.abort() }

// HostsWriter streams HostRows to hosts.arrow; see JobsWriter.
type HostsWriter struct {
	t    *tableWriter
	c    *hostsCols
	sets [2]*hostsCols
}

// NewHostsWriter creates a writer for hosts.arrow at path. Nothing appears at path until Close
// succeeds.
func NewHostsWriter(path string, meta Meta) (*HostsWriter, error) {
	sets := [2]*hostsCols{hostsColsPool.Get().(*hostsCols), hostsColsPool.Get().(*hostsCols)}
	t, err := newTableWriter(path, TableHosts, meta, sets[0].fields(), sets[1].fields())
	if err != nil {
		hostsColsPool.Put(sets[0])
		hostsColsPool.Put(sets[1])
		return nil, err
	}
	t.recycle = func() { hostsColsPool.Put(sets[0]); hostsColsPool.Put(sets[1]) }
	return &HostsWriter{t: t, c: sets[0], sets: sets}, nil
}

// Write appends one row. It does not retain r.
func (w *HostsWriter) Write(r *HostRow) error {
	if err := w.t.check(); err != nil {
		return err
	}
	c := w.c
	c.time.add(seconds(r.TimeUS))
	c.interval.add(seconds(r.IntervalUS))
	c.host.add(r.HostID)
	c.group.add(r.Group)
	c.rack.add(r.Rack)
	c.cell.add(r.Cell)
	c.cpu.add(r.CPUUtil)
	c.mem.add(r.MemUtil)
	c.gpu.add(r.GPUUtil)
	c.power.add(r.PowerW)
	c.energy.add(r.EnergyJ)
	c.on.add(r.OnFrac)
	err := w.t.rowDone()
	w.c = w.sets[w.t.cur]
	return err
}

// Rows returns the number of rows written so far.
func (w *HostsWriter) Rows() int64 { return w.t.rows }

// Close finishes the file; see JobsWriter.Close.
func (w *HostsWriter) Close() error { return w.t.close() }

// Abort discards the file; see JobsWriter.Abort.
func (w *HostsWriter) Abort() { w.t.abort() }

// WriteSummary atomically writes the single-row summary.arrow.
func WriteSummary(path string, meta Meta, s *Summary) error {
	c := new(summaryCols)
	t, err := newTableWriter(path, TableSummary, meta, c.fields(), new(summaryCols).fields())
	if err != nil {
		return err
	}
	c.addRow(s)
	if err := t.rowDone(); err != nil {
		t.abort()
		return err
	}
	return t.close()
}

// addRow appends summary s as one row.
func (c *summaryCols) addRow(s *Summary) {
	c.scenario.add(s.Scenario)
	c.seed.add(s.Seed)
	c.submitted.add(s.JobsSubmitted)
	c.finished.add(s.JobsFinished)
	c.rejected.add(s.JobsRejected)
	c.unfinished.add(s.JobsUnfinished)
	c.meanWait.add(s.MeanWaitS)
	c.p50Wait.add(s.P50WaitS)
	c.p99Wait.add(s.P99WaitS)
	c.meanBsld.add(s.MeanBoundedSlowdown)
	c.slo.add(s.SLOViolations)
	c.cpu.add(s.CPUUtilization)
	c.mem.add(s.MemUtilization)
	c.energy.add(s.EnergyKWh)
	c.cost.add(s.CostUSD)
	c.carbon.add(s.CarbonKg)
	c.simTime.add(s.SimTimeS)
	c.events.add(s.Events)
	c.facility.add(s.FacilityEnergyKWh)
	c.capex.add(s.CapexUSD)
	c.energyCost.add(s.EnergyUSD)
	c.hostHours.add(s.HostHours)
	c.gpu.addOpt(s.GPUUtilization, s.GPUUtilization >= 0)
	c.failedJobs.add(s.JobsFailed)
	c.hostFailures.add(s.HostFailures)
	c.retries.add(s.TaskRetries)
	c.lostCoreHours.add(s.LostCoreHours)
	c.unavailability.add(s.Unavailability)
	c.embodied.add(s.EmbodiedCarbonKg)
	c.svcRequests.add(s.ServiceRequests)
	c.svcDropped.add(s.ServiceDropped)
	c.svcSLOMinutes.add(s.ServiceSLOViolationMinutes)
	c.netGiB.add(s.NetworkGiB)
	c.storWritten.add(s.StorageWrittenGiB)
	c.storOverflow.add(s.StorageOverflowGiB)
	c.powerOns.add(s.PowerOns)
	c.powerOffs.add(s.PowerOffs)
	c.mape.addOpt(s.ForecastMAPE, s.ForecastMAPE >= 0)
	c.underH.add(s.UnderprovisionedHostHours)
	c.preemptions.add(s.Preemptions)
	c.jobsPreempted.add(s.JobsPreempted)
	c.sloRate.add(s.SLOViolationRate())
	c.jobsShifted.add(s.JobsShifted)
	c.shiftHours.add(s.ShiftHours)
}
