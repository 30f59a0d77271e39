package canonical

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dcsim/dcsim/models/trace"
)

// allocator is what record batches are read into (tests swap it to check that jobs do not
// alias Arrow memory).
var allocator memory.Allocator = memory.DefaultAllocator

// inputError is an error caused by the file's content; it wraps trace.ErrBadInput without
// repeating its text.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return trace.ErrBadInput }

// Reader streams the jobs of a canonical workload file, record batch by record batch: memory
// is bounded by one record batch plus the job being assembled. It implements trace.Source.
// It is not safe for concurrent use.
//
// Errors about the content name the file, the row (numbered from 0 over the whole file, the
// row index that pyarrow and polars show) and the column, and wrap trace.ErrBadInput. Errors
// are sticky.
type Reader struct {
	name   string
	closer io.Closer // the file of Open, nil for NewReader
	r      io.ReaderAt
	fr     *ipc.FileReader
	blocks []block
	meta   map[string]string

	next int    // index of the next record batch to load
	b    *batch // current batch, nil before the first and after the last
	row  int64  // global index of the current row (b.first + position in b)
	pos  int    // position of the current row in b

	rep        trace.Report
	prevSubmit int64
	err        error

	// scratch reused between jobs
	tasks   []trace.Task
	parents []int32
	pend    []int  // per task: number of parents (to slice parents at the end)
	names   []byte // the tasks' names, concatenated (one string per job at the end)
	nameEnd []int  // per task: end of its name in names
	tenants map[string]string
}

// batch is one loaded record batch with typed access to its columns.
type batch struct {
	rec                             arrow.RecordBatch
	n                               int
	first                           int64 // global index of row 0
	id, tenant, task                *array.String
	submit, cpu, mem, gpus, rt, req []int64
	prio, tidx, inst                []int32
	gang                            *array.Boolean
	poffs, pvals                    []int32
}

// Open opens the canonical workload file at path and checks its schema.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("canonical: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("canonical: %w", err)
	}
	r, err := NewReader(f, st.Size(), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// NewReader reads a canonical workload file of size bytes from r (an *os.File, a
// *bytes.Reader, ...) and checks its schema; name is used in error messages. Close does not
// close r.
func NewReader(r io.ReaderAt, size int64, name string) (*Reader, error) {
	blocks, err := verifyFile(r, size)
	if err != nil {
		return nil, contentErr(name, err)
	}
	fr, err := ipc.NewFileReader(io.NewSectionReader(r, 0, size), ipc.WithAllocator(allocator))
	if err != nil {
		return nil, &inputError{fmt.Sprintf("%s: not a valid Arrow IPC file: %v", name, err)}
	}
	rd := &Reader{name: name, r: r, fr: fr, blocks: blocks, rep: trace.NewReport(ReportFormat),
		prevSubmit: math.MinInt64, tenants: map[string]string{}}
	if err := rd.checkSchema(fr.Schema()); err != nil {
		fr.Close()
		return nil, err
	}
	return rd, nil
}

// contentErr prefixes err with the file name; it wraps trace.ErrBadInput unless it is a read
// failure.
func contentErr(prefix string, err error) error {
	var ie ioError
	if errors.As(err, &ie) {
		return fmt.Errorf("canonical: %s: %w", prefix, ie.err)
	}
	return &inputError{prefix + ": " + err.Error()}
}

// checkSchema checks what the flatbuffer verification left to the parsed schema: the column
// types (again, as arrow-go sees them) and the format metadata.
func (r *Reader) checkSchema(s *arrow.Schema) error {
	if s.NumFields() != numCols {
		return r.fileErr("%d columns, want %d", s.NumFields(), numCols)
	}
	for i, c := range columns {
		f := s.Field(i)
		if f.Name != c.name || !arrow.TypeEqual(f.Type, c.kind.dataType()) && !(c.kind == kListInt32 && isListInt32(f.Type)) {
			return r.fileErr("column %q: type %s, want %s", f.Name, f.Type, c.kind)
		}
	}
	md := s.Metadata()
	format, ok := md.GetValue(MetaKeyFormat)
	if !ok {
		return r.fileErr("not a dcsim workload file: no %q schema metadata (want %q)", MetaKeyFormat, FormatName)
	}
	if format != FormatName {
		return r.fileErr("not a dcsim workload file: schema metadata %q is %q, want %q", MetaKeyFormat, format, FormatName)
	}
	version, _ := md.GetValue(MetaKeyVersion)
	if version != FormatVersion {
		return r.fileErr("dcsim workload format version %q is not supported (this dcsim reads version %s)", version, FormatVersion)
	}
	r.meta = map[string]string{}
	for i, k := range md.Keys() {
		if !strings.HasPrefix(k, reservedPrefix) {
			r.meta[k] = md.Values()[i]
		}
	}
	return nil
}

// isListInt32 accepts a list of int32 whatever its element field is called or whether it is
// nullable (nulls are rejected per batch).
func isListInt32(t arrow.DataType) bool {
	l, ok := t.(*arrow.ListType)
	return ok && arrow.TypeEqual(l.Elem(), arrow.PrimitiveTypes.Int32)
}

// Meta returns the provenance metadata the file was written with (every schema metadata key
// except the "dcsim." ones). The map is a copy.
func (r *Reader) Meta() map[string]string { return maps.Clone(r.meta) }

// Report is an account of the rows read so far: Records counts rows (tasks), Jobs the jobs
// returned.
func (r *Reader) Report() trace.Report {
	return r.rep
}

// Close releases the reader's memory and closes the file of Open.
func (r *Reader) Close() error {
	r.release()
	r.fr.Close()
	r.err = errors.New("canonical: reader is closed")
	if r.closer != nil {
		c := r.closer
		r.closer = nil
		return c.Close()
	}
	return nil
}

func (r *Reader) release() {
	if r.b != nil {
		r.b.rec.Release()
		r.b = nil
	}
}

func (r *Reader) fileErr(format string, args ...any) error {
	return &inputError{r.name + ": " + fmt.Sprintf(format, args...)}
}

// rowErr reports bad content at global row row in column col.
func (r *Reader) rowErr(row int64, col, format string, args ...any) error {
	return &inputError{fmt.Sprintf("%s: row %d: column %q: %s", r.name, row, col, fmt.Sprintf(format, args...))}
}

// Next returns the next job, io.EOF after the last.
func (r *Reader) Next() (trace.Job, error) {
	if r.err != nil {
		return trace.Job{}, r.err
	}
	j, err := r.readJob()
	if err != nil {
		r.err = err
		r.release()
		return trace.Job{}, err
	}
	r.rep.Add(&j)
	return j, nil
}

// fill makes sure there is a current row, loading batches as needed; false at the end.
func (r *Reader) fill() (bool, error) {
	for r.b == nil || r.pos >= r.b.n {
		first := r.row
		r.release()
		if r.next >= len(r.blocks) {
			return false, nil
		}
		b, err := r.load(r.next, first)
		if err != nil {
			return false, err
		}
		r.next++
		r.b, r.pos = b, 0
	}
	return true, nil
}

// load verifies and loads record batch i, whose first row is row first.
func (r *Reader) load(i int, first int64) (*batch, error) {
	where := func(err error) error {
		return contentErr(fmt.Sprintf("%s: record batch %d (rows from %d)", r.name, i, first), err)
	}
	rows, err := verifyBatch(r.r, r.blocks[i])
	if err != nil {
		return nil, where(err)
	}
	rec, err := r.fr.RecordBatchAt(i)
	if err != nil {
		return nil, where(err)
	}
	b := &batch{rec: rec, n: int(rows), first: first}
	if rec.NumRows() != rows {
		rec.Release()
		return nil, where(fmt.Errorf("%d rows, want %d", rec.NumRows(), rows))
	}
	if err := r.bind(b); err != nil {
		rec.Release()
		var ie *inputError
		if errors.As(err, &ie) {
			return nil, err
		}
		return nil, where(err)
	}
	return b, nil
}

// bind takes typed views of b's columns and checks what the metadata verification could not:
// string offsets inside their data and valid UTF-8, list offsets inside the values.
func (r *Reader) bind(b *batch) error {
	c := b.rec.Columns()
	var ok bool
	strs := []struct {
		dst **array.String
		i   int
	}{{&b.id, iJobID}, {&b.tenant, iTenant}, {&b.task, iTask}}
	for _, s := range strs {
		if *s.dst, ok = c[s.i].(*array.String); !ok {
			return fmt.Errorf("column %q: unexpected array %T", columns[s.i].name, c[s.i])
		}
		if err := r.checkStrings(*s.dst, b, columns[s.i].name); err != nil {
			return err
		}
	}
	i64 := func(i int) []int64 {
		a, _ := c[i].(*array.Int64)
		if a == nil {
			ok = false
			return nil
		}
		return a.Int64Values()
	}
	i32 := func(i int) []int32 {
		a, _ := c[i].(*array.Int32)
		if a == nil {
			ok = false
			return nil
		}
		return a.Int32Values()
	}
	ok = true
	b.submit, b.cpu, b.mem = i64(iSubmitUS), i64(iCPUMilli), i64(iMemBytes)
	b.gpus, b.rt, b.req = i64(iGPUs), i64(iRuntimeUS), i64(iRequestedUS)
	b.prio, b.tidx, b.inst = i32(iPriority), i32(iTaskIndex), i32(iInstances)
	b.gang, _ = c[iGang].(*array.Boolean)
	list, _ := c[iParents].(*array.List)
	if !ok || b.gang == nil || list == nil {
		return errors.New("unexpected array types")
	}
	vals, _ := list.ListValues().(*array.Int32)
	if vals == nil {
		return fmt.Errorf("column %q: unexpected values %T", ColParents, list.ListValues())
	}
	b.pvals = vals.Int32Values()
	if b.n > 0 {
		offs := list.Offsets()
		if len(offs) < b.n+1 {
			return fmt.Errorf("column %q: %d offsets for %d rows", ColParents, len(offs), b.n)
		}
		offs = offs[:b.n+1]
		if offs[0] < 0 {
			return fmt.Errorf("column %q: negative offset", ColParents)
		}
		for k := 1; k <= b.n; k++ {
			if offs[k] < offs[k-1] {
				return fmt.Errorf("column %q: offsets decrease at row %d", ColParents, b.first+int64(k-1))
			}
		}
		if int(offs[b.n]) > len(b.pvals) {
			return fmt.Errorf("column %q: offsets beyond the %d values", ColParents, len(b.pvals))
		}
		b.poffs = offs
	}
	for _, s := range [][]int64{b.submit, b.cpu, b.mem, b.gpus, b.rt, b.req} {
		if len(s) != b.n {
			return errors.New("column lengths differ")
		}
	}
	for _, s := range [][]int32{b.prio, b.tidx, b.inst} {
		if len(s) != b.n {
			return errors.New("column lengths differ")
		}
	}
	if b.gang.Len() != b.n || b.id.Len() != b.n || b.tenant.Len() != b.n || b.task.Len() != b.n {
		return errors.New("column lengths differ")
	}
	return nil
}

// checkStrings checks the offsets of string column a of b (the buffer sizes are verified)
// and that every value is UTF-8 (one pass over the bytes: they are valid UTF-8 as a whole
// and no value starts inside a character).
func (r *Reader) checkStrings(a *array.String, b *batch, name string) error {
	if b.n == 0 {
		return nil
	}
	bufs := a.Data().Buffers()
	offs := arrow.Int32Traits.CastFromBytes(bufs[1].Bytes())[:b.n+1]
	var data []byte
	if bufs[2] != nil {
		data = bufs[2].Bytes()
	}
	if offs[0] < 0 {
		return fmt.Errorf("column %q: negative string offset", name)
	}
	for k := 1; k <= b.n; k++ {
		if offs[k] < offs[k-1] {
			return fmt.Errorf("column %q: string offsets decrease", name)
		}
	}
	if int(offs[b.n]) > len(data) {
		return fmt.Errorf("column %q: string offsets beyond the data", name)
	}
	data = data[:offs[b.n]]
	if utf8.Valid(data[offs[0]:]) {
		k := 1
		for ; k < b.n; k++ {
			if o := offs[k]; int(o) < len(data) && !utf8.RuneStart(data[o]) {
				break
			}
		}
		if k == b.n {
			return nil
		}
	}
	for k := range b.n {
		if s := data[offs[k]:offs[k+1]]; !utf8.Valid(s) {
			return r.rowErr(b.first+int64(k), name, "%q is not valid UTF-8", s)
		}
	}
	return nil
}

// advance consumes the current row.
func (r *Reader) advance() {
	r.pos++
	r.row++
	r.rep.Records++
}

// readJob assembles the job that starts at the current row: its rows run from task_index 0
// up to the row before the next task_index 0 (or the end of the file).
func (r *Reader) readJob() (trace.Job, error) {
	ok, err := r.fill()
	if err != nil {
		return trace.Job{}, err
	}
	if !ok {
		return trace.Job{}, io.EOF
	}
	b, i, first := r.b, r.pos, r.row
	if b.tidx[i] != 0 {
		return trace.Job{}, r.rowErr(first, ColTaskIndex, "%d, want 0 (a job's first row has task index 0; the rows of a job are consecutive)", b.tidx[i])
	}
	j := trace.Job{
		ID:       strings.Clone(b.id.Value(i)),
		SubmitUS: b.submit[i],
		Tenant:   r.intern(b.tenant.Value(i)),
		Priority: b.prio[i],
		Gang:     b.gang.Value(i),
	}
	if j.SubmitUS < r.prevSubmit {
		return trace.Job{}, r.rowErr(first, ColSubmitUS, "%d, before the previous job's %d (jobs must be in non-decreasing submit time)", j.SubmitUS, r.prevSubmit)
	}
	r.tasks, r.parents, r.pend = r.tasks[:0], r.parents[:0], r.pend[:0]
	r.names, r.nameEnd = r.names[:0], r.nameEnd[:0]
	for {
		if err := r.task(&j); err != nil {
			return trace.Job{}, err
		}
		r.advance()
		ok, err := r.fill()
		if err != nil {
			return trace.Job{}, err
		}
		if !ok {
			break
		}
		b, i = r.b, r.pos
		ti := b.tidx[i]
		if ti == 0 {
			break
		}
		if int(ti) != len(r.tasks) {
			return trace.Job{}, r.rowErr(r.row, ColTaskIndex, "%d, want %d (the next task of job %q) or 0 (a new job)", ti, len(r.tasks), j.ID)
		}
		if err := r.sameJob(&j); err != nil {
			return trace.Job{}, err
		}
	}
	if err := r.finish(&j, first); err != nil {
		return trace.Job{}, err
	}
	r.prevSubmit = j.SubmitUS
	return j, nil
}

// sameJob checks that the job columns of the current row, a later task of j, repeat j's.
func (r *Reader) sameJob(j *trace.Job) error {
	b, i := r.b, r.pos
	differ := func(col string, got, want any) error {
		return r.rowErr(r.row, col, "%v differs from the %v of the job's first row (task_index %d of job %q)", got, want, b.tidx[i], j.ID)
	}
	switch {
	case b.id.Value(i) != j.ID:
		return r.rowErr(r.row, ColJobID, "%q, want %q (task_index %d continues job %q)", b.id.Value(i), j.ID, b.tidx[i], j.ID)
	case b.submit[i] != j.SubmitUS:
		return differ(ColSubmitUS, b.submit[i], j.SubmitUS)
	case b.tenant.Value(i) != j.Tenant:
		return differ(ColTenant, fmt.Sprintf("%q", b.tenant.Value(i)), fmt.Sprintf("%q", j.Tenant))
	case b.prio[i] != j.Priority:
		return differ(ColPriority, b.prio[i], j.Priority)
	case b.gang.Value(i) != j.Gang:
		return differ(ColGang, b.gang.Value(i), j.Gang)
	}
	return nil
}

// task appends the task of the current row to r.tasks, checking its columns.
func (r *Reader) task(j *trace.Job) error {
	b, i, row := r.b, r.pos, r.row
	t := trace.Task{
		Instances:   b.inst[i],
		CPUMilli:    b.cpu[i],
		MemBytes:    b.mem[i],
		GPUs:        b.gpus[i],
		RuntimeUS:   b.rt[i],
		RequestedUS: b.req[i],
	}
	switch {
	case t.Instances < 1:
		return r.rowErr(row, ColInstances, "%d instances (want >= 1)", t.Instances)
	case t.CPUMilli < 1:
		return r.rowErr(row, ColCPUMilli, "%d millicores (want >= 1)", t.CPUMilli)
	case t.MemBytes < 0:
		return r.rowErr(row, ColMemBytes, "%d bytes (want >= 0)", t.MemBytes)
	case t.GPUs < 0:
		return r.rowErr(row, ColGPUs, "%d GPUs (want >= 0)", t.GPUs)
	case t.RuntimeUS < 1:
		return r.rowErr(row, ColRuntimeUS, "%d µs (want >= 1)", t.RuntimeUS)
	case t.RequestedUS < -1:
		return r.rowErr(row, ColRequestedUS, "%d µs (want >= 0, or -1 for unknown)", t.RequestedUS)
	}
	self := int32(len(r.tasks))
	var ps []int32
	if b.poffs != nil {
		ps = b.pvals[b.poffs[i]:b.poffs[i+1]]
	}
	for _, p := range ps {
		if p < 0 || p == self {
			return r.rowErr(row, ColParents, "parent %d of task %d of job %q (want another task_index of the job)", p, self, j.ID)
		}
	}
	r.parents = append(r.parents, ps...)
	r.pend = append(r.pend, len(ps))
	r.names = append(r.names, b.task.Value(i)...)
	r.nameEnd = append(r.nameEnd, len(r.names))
	r.tasks = append(r.tasks, t)
	return nil
}

// intern copies s out of Arrow memory, sharing one copy per distinct tenant (the map is
// dropped when it grows large, so memory stays bounded).
func (r *Reader) intern(s string) string {
	if v, ok := r.tenants[s]; ok {
		return v
	}
	if len(r.tenants) >= 1<<14 {
		clear(r.tenants)
	}
	v := strings.Clone(s)
	r.tenants[v] = v
	return v
}

// finish gives j its tasks and parents and checks what needs the whole job: parents in range,
// a gang of one task, no cycle. first is the job's first row.
func (r *Reader) finish(j *trace.Job, first int64) error {
	n := len(r.tasks)
	if n > math.MaxInt32 {
		return r.rowErr(first, ColTaskIndex, "job %q has more than 2^31-1 tasks", j.ID)
	}
	j.Tasks = make([]trace.Task, n)
	copy(j.Tasks, r.tasks)
	if len(r.names) > 0 { // one copy of all names out of Arrow memory
		all, beg := string(r.names), 0
		for t, end := range r.nameEnd {
			j.Tasks[t].Name = all[beg:end]
			beg = end
		}
	}
	var all []int32
	if len(r.parents) > 0 {
		all = make([]int32, len(r.parents))
		copy(all, r.parents)
	}
	k := 0
	for t, np := range r.pend {
		if np == 0 {
			continue
		}
		ps := all[k : k+np : k+np]
		k += np
		for _, p := range ps {
			if int(p) >= n {
				return r.rowErr(first+int64(t), ColParents, "parent %d of task %d, but job %q has %d tasks", p, t, j.ID, n)
			}
		}
		j.Tasks[t].Parents = ps
	}
	if j.Gang && n != 1 {
		return r.rowErr(first, ColGang, "job %q is a gang of %d tasks (a gang job has exactly one task)", j.ID, n)
	}
	// Everything but a cycle is checked above, row by row.
	if err := j.Validate(); err != nil {
		if _, ok := j.TopoOrder(); !ok {
			return r.rowErr(first, ColParents, "the task dependencies of job %q have a cycle", j.ID)
		}
		return &inputError{fmt.Sprintf("%s: row %d: %v", r.name, first, err)}
	}
	return nil
}
