package canonical

import (
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dcsim/dcsim/internal/atomicfile"
	"github.com/dcsim/dcsim/models/trace"
)

// BatchRows is the number of rows a Writer buffers before it writes a record batch.
const BatchRows = 1 << 16

const (
	// maxBatchStringBytes bounds the bytes of one string column in one batch (int32 offsets
	// allow 2 GiB); a batch is written early when a column reaches it.
	maxBatchStringBytes = 1 << 28
	// maxBatchParents bounds the parent indices of one batch (int32 list offsets).
	maxBatchParents = 1 << 28
	// maxStringBytes bounds one job ID, tenant or task name.
	maxStringBytes = 1 << 26
)

var errClosed = errors.New("canonical: writer is closed")

// Option configures a Writer.
type Option func(*options)

type options struct{ batchRows int }

// WithBatchRows sets the rows per record batch (default BatchRows; n < 1 means 1). Tests use
// small batches to make jobs cross batch boundaries.
func WithBatchRows(n int) Option { return func(o *options) { o.batchRows = max(1, n) } }

// Writer writes jobs to a canonical workload file. Memory is bounded by one record batch of
// rows plus the current job. It is not safe for concurrent use.
//
// Usage:
//
//	w, err := canonical.Create(path, meta)
//	...
//	defer w.Abort() // no-op after a successful Close
//	for ... { if err := w.Write(&job); err != nil { ... } }
//	return w.Close()
type Writer struct {
	name       string
	file       *atomicfile.File // nil for NewWriter
	ipc        *ipc.FileWriter
	schema     *arrow.Schema
	batchRows  int
	c          cols
	rows, jobs int64
	prevSubmit int64
	err        error // sticky write error
	closed     bool
}

// Create creates a canonical workload file at path. Nothing appears at path until Close
// succeeds; Abort (or a failed Close) removes the temporary file. meta is the caller's
// provenance metadata (source format, source path, units, ...), written as schema metadata
// after dcsim.format and dcsim.version, sorted by key; its keys must be non-empty and must
// not start with "dcsim.".
func Create(path string, meta map[string]string, opts ...Option) (*Writer, error) {
	schema, err := Schema(meta)
	if err != nil {
		return nil, err
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("canonical: %w", err)
	}
	w, err := newWriter(f, path, schema, opts)
	if err != nil {
		f.Abort()
		return nil, err
	}
	w.file = f
	return w, nil
}

// NewWriter writes a canonical workload file to out (see Create for meta). Close writes the
// file's footer but does not close out; the bytes depend only on meta, the options and the
// jobs written.
func NewWriter(out io.Writer, meta map[string]string, opts ...Option) (*Writer, error) {
	schema, err := Schema(meta)
	if err != nil {
		return nil, err
	}
	return newWriter(out, "canonical workload", schema, opts)
}

func newWriter(out io.Writer, name string, schema *arrow.Schema, opts []Option) (*Writer, error) {
	o := options{batchRows: BatchRows}
	for _, opt := range opts {
		opt(&o)
	}
	// Uncompressed (the default), so that files can be memory-mapped and are read fast.
	fw, err := ipc.NewFileWriter(out, ipc.WithSchema(schema))
	if err != nil {
		return nil, fmt.Errorf("canonical: %s: %w", name, err)
	}
	return &Writer{name: name, ipc: fw, schema: schema, batchRows: o.batchRows, prevSubmit: math.MinInt64}, nil
}

// Write appends the rows of job j, one per task. It does not retain j. A job that is not
// valid (trace.Job.Validate), submitted before the previous job, with a requested time below
// -1, with more than 2^31-1 tasks, or with a string that is not UTF-8 or longer than 64 MiB
// is rejected with an error wrapping trace.ErrBadInput; nothing of it is written and the
// Writer stays usable. A write error is sticky: every later Write and Close returns it.
func (w *Writer) Write(j *trace.Job) error {
	if w.closed {
		return errClosed
	}
	if w.err != nil {
		return w.err
	}
	if err := checkJob(j, w.prevSubmit); err != nil {
		return fmt.Errorf("canonical: %w: %v", trace.ErrBadInput, err)
	}
	w.prevSubmit = j.SubmitUS
	w.jobs++
	c := &w.c
	for i := range j.Tasks {
		c.add(j, i)
		w.rows++
		if c.n >= w.batchRows || c.full() {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkJob checks what Write requires of a job (the Reader checks the same of every job).
func checkJob(j *trace.Job, prevSubmit int64) error {
	if err := j.Validate(); err != nil {
		return err
	}
	if j.SubmitUS < prevSubmit {
		return fmt.Errorf("job %q submitted at %d µs, before the previous job (%d µs)", j.ID, j.SubmitUS, prevSubmit)
	}
	if len(j.Tasks) > math.MaxInt32 {
		return fmt.Errorf("job %q has %d tasks, more than 2^31-1", j.ID, len(j.Tasks))
	}
	if err := checkString("ID", j.ID); err != nil {
		return fmt.Errorf("job %q: %w", j.ID, err)
	}
	if err := checkString("tenant", j.Tenant); err != nil {
		return fmt.Errorf("job %q: %w", j.ID, err)
	}
	for i := range j.Tasks {
		t := &j.Tasks[i]
		if err := checkString("name", t.Name); err != nil {
			return fmt.Errorf("job %q task %d: %w", j.ID, i, err)
		}
		if t.RequestedUS < -1 {
			return fmt.Errorf("job %q task %d: requested time %d µs (want >= 0, or -1 for unknown)", j.ID, i, t.RequestedUS)
		}
	}
	return nil
}

func checkString(what, s string) error {
	if len(s) > maxStringBytes {
		return fmt.Errorf("%s of %d bytes, more than %d", what, len(s), maxStringBytes)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s %q is not valid UTF-8", what, s)
	}
	return nil
}

// flush writes the buffered rows as one record batch.
func (w *Writer) flush() error {
	rec := w.c.record(w.schema)
	err := w.ipc.Write(rec)
	rec.Release()
	w.c.reset()
	if err != nil {
		w.err = fmt.Errorf("canonical: write %s: %w", w.name, err)
	}
	return w.err
}

// Rows is the number of rows (tasks) written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Jobs is the number of jobs written so far.
func (w *Writer) Jobs() int64 { return w.jobs }

// Close writes the remaining rows and the footer and, for a Writer from Create, renames the
// file to its final path. On error nothing is left at the final path. A file with no jobs
// holds one empty record batch (so that every Arrow reader sees the columns).
func (w *Writer) Close() error {
	if w.closed {
		return errClosed
	}
	w.closed = true
	if w.err == nil && (w.c.n > 0 || w.rows == 0) {
		w.flush()
	}
	if w.err == nil {
		if err := w.ipc.Close(); err != nil {
			w.err = fmt.Errorf("canonical: write %s: %w", w.name, err)
		}
	}
	if w.file == nil {
		return w.err
	}
	if w.err != nil {
		w.file.Abort()
		return w.err
	}
	return w.file.Commit()
}

// Abort discards the file: for a Writer from Create the temporary file is removed. It is a
// no-op after Close.
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	if w.file != nil {
		w.file.Abort()
	}
}

// cols are the column builders: plain Go slices appended to per row and wrapped zero-copy
// into Arrow arrays when a batch is written, then truncated and reused. Boolean bits are
// appended as zero bytes and only OR-ed in, so the bytes written depend only on the rows.
type cols struct {
	n                               int
	id, tenant, task                strCol
	submit, cpu, mem, gpus, rt, req []int64
	prio, tidx, inst                []int32
	gang                            boolCol
	parents                         listCol
}

func (c *cols) add(j *trace.Job, i int) {
	t := &j.Tasks[i]
	c.id.add(j.ID)
	c.submit = append(c.submit, j.SubmitUS)
	c.tenant.add(j.Tenant)
	c.prio = append(c.prio, j.Priority)
	c.gang.add(j.Gang)
	c.task.add(t.Name)
	c.tidx = append(c.tidx, int32(i))
	c.inst = append(c.inst, t.Instances)
	c.cpu = append(c.cpu, t.CPUMilli)
	c.mem = append(c.mem, t.MemBytes)
	c.gpus = append(c.gpus, t.GPUs)
	c.rt = append(c.rt, t.RuntimeUS)
	c.req = append(c.req, t.RequestedUS)
	c.parents.add(t.Parents)
	c.n++
}

// full reports whether a string column or the parents reached their per-batch bound.
func (c *cols) full() bool {
	return len(c.id.data) >= maxBatchStringBytes || len(c.tenant.data) >= maxBatchStringBytes ||
		len(c.task.data) >= maxBatchStringBytes || len(c.parents.vals) >= maxBatchParents
}

// record wraps the buffered rows as a record batch referencing the builders' memory; it must
// be released before reset.
func (c *cols) record(schema *arrow.Schema) arrow.RecordBatch {
	arrs := [numCols]arrow.Array{
		iJobID:       c.id.array(c.n),
		iSubmitUS:    i64Array(c.submit),
		iTenant:      c.tenant.array(c.n),
		iPriority:    i32Array(c.prio),
		iGang:        c.gang.array(),
		iTask:        c.task.array(c.n),
		iTaskIndex:   i32Array(c.tidx),
		iInstances:   i32Array(c.inst),
		iCPUMilli:    i64Array(c.cpu),
		iMemBytes:    i64Array(c.mem),
		iGPUs:        i64Array(c.gpus),
		iRuntimeUS:   i64Array(c.rt),
		iRequestedUS: i64Array(c.req),
		iParents:     c.parents.array(c.n),
	}
	rec := array.NewRecordBatch(schema, arrs[:], int64(c.n))
	for _, a := range arrs {
		a.Release()
	}
	return rec
}

func (c *cols) reset() {
	c.n = 0
	c.id.reset()
	c.tenant.reset()
	c.task.reset()
	for _, s := range []*[]int64{&c.submit, &c.cpu, &c.mem, &c.gpus, &c.rt, &c.req} {
		*s = (*s)[:0]
	}
	for _, s := range []*[]int32{&c.prio, &c.tidx, &c.inst} {
		*s = (*s)[:0]
	}
	c.gang.bits, c.gang.n = c.gang.bits[:0], 0
	c.parents.offs, c.parents.vals = c.parents.offs[:0], c.parents.vals[:0]
}

func i64Array(v []int64) arrow.Array {
	return makeArray(arrow.PrimitiveTypes.Int64, len(v), arrow.Int64Traits.CastToBytes(v))
}

func i32Array(v []int32) arrow.Array {
	return makeArray(arrow.PrimitiveTypes.Int32, len(v), arrow.Int32Traits.CastToBytes(v))
}

func makeArray(dt arrow.DataType, n int, vals []byte) arrow.Array {
	d := array.NewData(dt, n, []*memory.Buffer{nil, memory.NewBufferBytes(vals)}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

type strCol struct {
	offs []int32 // offs[0] = 0 once started
	data []byte
}

func (c *strCol) add(s string) {
	if len(c.offs) == 0 {
		c.offs = append(c.offs, 0)
	}
	c.data = append(c.data, s...)
	c.offs = append(c.offs, int32(len(c.data)))
}

func (c *strCol) reset() { c.offs, c.data = c.offs[:0], c.data[:0] }

func (c *strCol) array(n int) arrow.Array {
	if len(c.offs) == 0 {
		c.offs = append(c.offs, 0)
	}
	d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil,
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offs[:n+1])),
		memory.NewBufferBytes(c.data)}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

type boolCol struct {
	bits []byte
	n    int
}

func (c *boolCol) add(b bool) {
	if c.n&7 == 0 {
		c.bits = append(c.bits, 0)
	}
	if b {
		c.bits[c.n>>3] |= 1 << uint(c.n&7)
	}
	c.n++
}

func (c *boolCol) array() arrow.Array {
	return makeArray(arrow.FixedWidthTypes.Boolean, c.n, c.bits)
}

type listCol struct {
	offs []int32 // offs[0] = 0 once started
	vals []int32
}

func (c *listCol) add(ps []int32) {
	if len(c.offs) == 0 {
		c.offs = append(c.offs, 0)
	}
	c.vals = append(c.vals, ps...)
	c.offs = append(c.offs, int32(len(c.vals)))
}

func (c *listCol) array(n int) arrow.Array {
	if len(c.offs) == 0 {
		c.offs = append(c.offs, 0)
	}
	vals := array.NewData(arrow.PrimitiveTypes.Int32, len(c.vals),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.vals))}, nil, 0, 0)
	defer vals.Release()
	d := array.NewData(kListInt32.dataType(), n,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offs[:n+1]))},
		[]arrow.ArrayData{vals}, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}
