package canonical

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dcsim/dcsim/models/trace"
)

var names = []string{"", "0", "1", "task_7", "M1", "R2_1", "J3_1_2", "über", "任务", "🚀", "a b,c\"d", strings.Repeat("x", 300)}

// randJob returns a valid job submitted at submit: a gang of one multi-instance task, or up to
// maxTasks tasks with a random DAG whose task order is not topological.
func randJob(rng *rand.Rand, submit int64, maxTasks int) trace.Job {
	j := trace.Job{
		ID:       fmt.Sprintf("j%d", rng.IntN(1000)),
		SubmitUS: submit,
		Priority: int32(rng.IntN(20) - 5),
	}
	switch rng.IntN(4) {
	case 0:
		j.Tenant = ""
	case 1:
		j.ID = names[rng.IntN(len(names))]
		j.Tenant = "用户" + fmt.Sprint(rng.IntN(3))
	default:
		j.Tenant = fmt.Sprintf("user%d", rng.IntN(5))
	}
	n := 1
	if rng.IntN(5) == 0 {
		j.Gang = true
	} else {
		n = 1 + rng.IntN(maxTasks)
	}
	// A random topological order; each task's parents come from tasks earlier in it.
	perm := rng.Perm(n)
	j.Tasks = make([]trace.Task, n)
	for k, t := range perm {
		task := &j.Tasks[t]
		task.Name = names[rng.IntN(len(names))]
		task.Instances = int32(1 + rng.IntN(3)*rng.IntN(50))
		task.CPUMilli = 1 + rng.Int64N(64000)
		task.MemBytes = rng.Int64N(1 << 36)
		task.GPUs = rng.Int64N(3) * rng.Int64N(3)
		task.RuntimeUS = 1 + rng.Int64N(1e10)
		task.RequestedUS = -1
		if rng.IntN(2) == 0 {
			task.RequestedUS = rng.Int64N(1e11)
		}
		if rng.IntN(10) == 0 { // extremes
			task.CPUMilli, task.MemBytes, task.RuntimeUS, task.RequestedUS = math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64
			task.Instances = math.MaxInt32
		}
		for _, p := range rng.Perm(k) {
			if rng.IntN(3) == 0 {
				task.Parents = append(task.Parents, int32(perm[p]))
			}
		}
	}
	return j
}

func randJobs(rng *rand.Rand, n, maxTasks int) []trace.Job {
	jobs := make([]trace.Job, n)
	submit := rng.Int64N(1e12) - 5e11 // negative submit times are allowed
	for i := range jobs {
		if rng.IntN(3) != 0 {
			submit += rng.Int64N(1e7)
		}
		jobs[i] = randJob(rng, submit, maxTasks)
	}
	return jobs
}

func writeBytes(t testing.TB, jobs []trace.Job, meta map[string]string, opts ...Option) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, meta, opts...)
	if err != nil {
		t.Fatal(err)
	}
	for i := range jobs {
		if err := w.Write(&jobs[i]); err != nil {
			t.Fatalf("job %d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readBytes reads all jobs of data; the error is the first of NewReader or Next.
func readBytes(data []byte, name string) ([]trace.Job, trace.Report, error) {
	r, err := NewReader(bytes.NewReader(data), int64(len(data)), name)
	if err != nil {
		return nil, trace.Report{}, err
	}
	defer r.Close()
	var jobs []trace.Job
	rep, err := trace.Drain(r, func(j *trace.Job) error { jobs = append(jobs, *j); return nil })
	return jobs, rep, err
}

func expectedReport(jobs []trace.Job) trace.Report {
	rep := trace.NewReport(ReportFormat)
	for i := range jobs {
		rep.Add(&jobs[i])
		rep.Records += int64(len(jobs[i].Tasks))
	}
	return rep
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 300 {
		jobs := randJobs(rng, rng.IntN(40), 1+rng.IntN(12))
		batch := 1 + rng.IntN(20)
		if iter%10 == 0 {
			batch = BatchRows
		}
		data := writeBytes(t, jobs, map[string]string{"iter": fmt.Sprint(iter)}, WithBatchRows(batch))
		got, rep, err := readBytes(data, "rt.arrow")
		if err != nil {
			t.Fatalf("iter %d: %v", iter, err)
		}
		if len(jobs) == 0 {
			jobs = nil
		}
		if !reflect.DeepEqual(got, jobs) {
			for i := range min(len(got), len(jobs)) {
				if !reflect.DeepEqual(got[i], jobs[i]) {
					t.Fatalf("iter %d (batch %d): job %d\n got %+v\nwant %+v", iter, batch, i, got[i], jobs[i])
				}
			}
			t.Fatalf("iter %d: got %d jobs, want %d", iter, len(got), len(jobs))
		}
		if want := expectedReport(jobs); !reflect.DeepEqual(rep, want) {
			t.Fatalf("iter %d: report\n got %+v\nwant %+v", iter, rep, want)
		}
	}
}

// TestBatchBoundaries checks every batch size from 1 to past the file's rows, so that every
// job starts, ends and is cut at every possible place.
func TestBatchBoundaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	jobs := randJobs(rng, 12, 6)
	rows := 0
	for _, j := range jobs {
		rows += len(j.Tasks)
	}
	for batch := 1; batch <= rows+1; batch++ {
		data := writeBytes(t, jobs, nil, WithBatchRows(batch))
		got, _, err := readBytes(data, "b.arrow")
		if err != nil {
			t.Fatalf("batch %d: %v", batch, err)
		}
		if !reflect.DeepEqual(got, jobs) {
			t.Fatalf("batch %d: jobs differ", batch)
		}
	}
}

func TestFileRoundTripAndMeta(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.arrow")
	meta := map[string]string{MetaKeySourceFormat: "swf", MetaKeySourcePath: "/data/KTH-SP2.swf.gz", "z": "", "a": "1"}
	jobs := randJobs(rand.New(rand.NewPCG(5, 6)), 50, 5)
	w, err := Create(path, meta)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for i := range jobs {
		if err := w.Write(&jobs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("file visible before Close: %v", err)
	}
	if w.Jobs() != 50 || w.Rows() != expectedReport(jobs).Records {
		t.Fatalf("Jobs %d Rows %d", w.Jobs(), w.Rows())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil {
		t.Fatal("second Close succeeded")
	}
	if err := w.Write(&jobs[0]); err == nil {
		t.Fatal("Write after Close succeeded")
	}
	assertOnlyFiles(t, dir, "w.arrow")

	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Meta(); !reflect.DeepEqual(got, meta) {
		t.Fatalf("Meta %v, want %v", got, meta)
	}
	var got []trace.Job
	rep, err := trace.Drain(r, func(j *trace.Job) error { got = append(got, *j); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, jobs) || !reflect.DeepEqual(rep, expectedReport(jobs)) || rep.Format != "canonical" {
		t.Fatalf("round trip through a file differs")
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next after the end: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil || err == io.EOF {
		t.Fatalf("Next after Close: %v", err)
	}

	// The schema metadata: format keys first, then the caller's sorted.
	data, _ := os.ReadFile(path)
	fr, err := ipc.NewFileReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	md := fr.Schema().Metadata()
	wantKeys := []string{"dcsim.format", "dcsim.version", "a", MetaKeySourceFormat, MetaKeySourcePath, "z"}
	if !reflect.DeepEqual(md.Keys(), wantKeys) || md.Values()[0] != "dcsim-workload" || md.Values()[1] != "1" {
		t.Fatalf("schema metadata %v", md)
	}
	units := map[string]string{}
	for _, f := range fr.Schema().Fields() {
		u, _ := f.Metadata.GetValue("unit")
		units[f.Name] = u
		if d, _ := f.Metadata.GetValue("description"); d == "" {
			t.Errorf("column %s has no description", f.Name)
		}
	}
	wantUnits := map[string]string{"job_id": "", "submit_us": "µs", "tenant": "", "priority": "", "gang": "", "task": "",
		"task_index": "", "instances": "count", "cpu_milli": "millicores", "mem_bytes": "bytes", "gpus": "count",
		"runtime_us": "µs", "requested_us": "µs", "parents": ""}
	if !reflect.DeepEqual(units, wantUnits) {
		t.Fatalf("units %v", units)
	}
}

func assertOnlyFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Fatalf("files in %s: %v, want %v", dir, got, want)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "w.arrow"), nil)
	if err != nil {
		t.Fatal(err)
	}
	jobs := randJobs(rand.New(rand.NewPCG(7, 8)), 5, 3)
	for i := range jobs {
		if err := w.Write(&jobs[i]); err != nil {
			t.Fatal(err)
		}
	}
	w.Abort()
	w.Abort()
	assertOnlyFiles(t, dir)
	if err := w.Close(); err == nil {
		t.Fatal("Close after Abort succeeded")
	}
	assertOnlyFiles(t, dir)
}

func TestDeterministic(t *testing.T) {
	jobs := randJobs(rand.New(rand.NewPCG(9, 10)), 200, 8)
	meta := map[string]string{"b": "2", "a": "1", "c": "3", "d": "4", "e": "5"}
	a := writeBytes(t, jobs, meta, WithBatchRows(37))
	for range 3 {
		if b := writeBytes(t, jobs, meta, WithBatchRows(37)); !bytes.Equal(a, b) {
			t.Fatal("two writes of the same jobs differ")
		}
	}
	// Through Create: the same bytes.
	path := filepath.Join(t.TempDir(), "d.arrow")
	w, err := Create(path, meta, WithBatchRows(37))
	if err != nil {
		t.Fatal(err)
	}
	for i := range jobs {
		w.Write(&jobs[i])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(a, b) {
		t.Fatal("Create and NewWriter differ")
	}
}

func TestEmpty(t *testing.T) {
	data := writeBytes(t, nil, nil)
	jobs, rep, err := readBytes(data, "e.arrow")
	if err != nil || jobs != nil || !reflect.DeepEqual(rep, trace.NewReport("canonical")) {
		t.Fatalf("empty file: %v %v %+v", err, jobs, rep)
	}
}

// TestJobsOwnTheirMemory reads with an allocator that overwrites memory when Arrow frees it:
// jobs read must be unchanged after their batches (and the reader) are released.
func TestJobsOwnTheirMemory(t *testing.T) {
	jobs := randJobs(rand.New(rand.NewPCG(11, 12)), 100, 6)
	data := writeBytes(t, jobs, nil, WithBatchRows(7))
	checked := memory.NewCheckedAllocator(poisonAllocator{})
	allocator = checked
	defer func() { allocator = memory.DefaultAllocator }()
	got, _, err := readBytes(data, "m.arrow")
	if err != nil {
		t.Fatal(err)
	}
	checked.AssertSize(t, 0)
	if !reflect.DeepEqual(got, jobs) {
		t.Fatal("jobs changed when Arrow memory was released")
	}
}

type poisonAllocator struct{}

func (poisonAllocator) Allocate(n int) []byte { return make([]byte, n) }
func (poisonAllocator) Reallocate(n int, b []byte) []byte {
	nb := make([]byte, n)
	copy(nb, b)
	return nb
}
func (poisonAllocator) Free(b []byte) {
	for i := range b {
		b[i] = 0xA5
	}
}

func TestWriterRejects(t *testing.T) {
	good := func() trace.Job {
		return trace.Job{ID: "j", SubmitUS: 100, Tasks: []trace.Task{{Instances: 1, CPUMilli: 1, RuntimeUS: 1, RequestedUS: -1}}}
	}
	cases := []struct {
		name string
		mod  func(*trace.Job)
		want string
	}{
		{"no tasks", func(j *trace.Job) { j.Tasks = nil }, `job "j" has no tasks`},
		{"instances", func(j *trace.Job) { j.Tasks[0].Instances = 0 }, `job "j" task 0: 0 instances`},
		{"cpu", func(j *trace.Job) { j.Tasks[0].CPUMilli = 0 }, `CPU 0 millicores`},
		{"mem", func(j *trace.Job) { j.Tasks[0].MemBytes = -1 }, `negative memory or GPUs`},
		{"runtime", func(j *trace.Job) { j.Tasks[0].RuntimeUS = 0 }, `run time 0 µs`},
		{"requested", func(j *trace.Job) { j.Tasks[0].RequestedUS = -2 }, `requested time -2 µs (want >= 0, or -1 for unknown)`},
		{"self parent", func(j *trace.Job) { j.Tasks[0].Parents = []int32{0} }, `parent 0 out of range`},
		{"cycle", func(j *trace.Job) {
			j.Tasks = append(j.Tasks, j.Tasks[0])
			j.Tasks[0].Parents, j.Tasks[1].Parents = []int32{1}, []int32{0}
		}, `cycle`},
		{"gang", func(j *trace.Job) { j.Gang = true; j.Tasks = append(j.Tasks, j.Tasks[0]) }, `a gang job has exactly one task`},
		{"submit", func(j *trace.Job) { j.SubmitUS = 99 }, `submitted at 99 µs, before the previous job (100 µs)`},
		{"utf8 id", func(j *trace.Job) { j.ID = "a\xffb" }, `ID "a\xffb" is not valid UTF-8`},
		{"utf8 tenant", func(j *trace.Job) { j.Tenant = "\xc0" }, `tenant "\xc0" is not valid UTF-8`},
		{"utf8 task", func(j *trace.Job) { j.Tasks[0].Name = "\xe4\xb8" }, `task 0: name "\xe4\xb8" is not valid UTF-8`},
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := good()
	if err := w.Write(&first); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		j := good()
		c.mod(&j)
		err := w.Write(&j)
		if err == nil || !errors.Is(err, trace.ErrBadInput) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an ErrBadInput containing %q", c.name, err, c.want)
		}
	}
	// The writer stays usable and wrote nothing of the rejected jobs.
	last := good()
	if err := w.Write(&last); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, _, err := readBytes(buf.Bytes(), "x")
	if err != nil || !reflect.DeepEqual(got, []trace.Job{first, last}) {
		t.Fatalf("after rejected jobs: %v %+v", err, got)
	}

	for _, meta := range []map[string]string{{"": "x"}, {"dcsim.format": "x"}, {"dcsim.other": "x"}} {
		if _, err := NewWriter(io.Discard, meta); err == nil {
			t.Errorf("meta %v accepted", meta)
		}
		if _, err := Create(filepath.Join(t.TempDir(), "m.arrow"), meta); err == nil {
			t.Errorf("meta %v accepted by Create", meta)
		}
	}
}

// row is one row of a hand-made file.
type row struct {
	id        string
	submit    int64
	tenant    string
	prio      int32
	gang      bool
	task      string
	tidx      int32
	inst      int32
	cpu, mem  int64
	gpus, rt  int64
	req       int64
	parents   []int32
	nullField int // column index to set to null, -1 none
}

func okRow(id string, submit int64, tidx int32, parents ...int32) row {
	return row{id: id, submit: submit, tidx: tidx, inst: 1, cpu: 1000, mem: 1 << 20, rt: 5, req: -1, parents: parents, nullField: -1}
}

// rawFile writes rows with arrow-go's builders under schema, cut into batches of batch rows
// (0: one batch), with ipc options opts.
func rawFile(t *testing.T, schema *arrow.Schema, rows []row, batch int, opts ...ipc.Option) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := ipc.NewFileWriter(&buf, append([]ipc.Option{ipc.WithSchema(schema)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if batch == 0 {
		batch = max(1, len(rows))
	}
	for start := 0; start < len(rows) || start == 0; start += batch {
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		for _, r := range rows[start:min(start+batch, len(rows))] {
			vals := []any{r.id, r.submit, r.tenant, r.prio, r.gang, r.task, r.tidx, r.inst, r.cpu, r.mem, r.gpus, r.rt, r.req, r.parents}
			for i, fb := range b.Fields() {
				if i == r.nullField {
					fb.AppendNull()
					continue
				}
				switch fb := fb.(type) {
				case *array.StringBuilder:
					fb.Append(vals[i].(string))
				case *array.Int64Builder:
					fb.Append(vals[i].(int64))
				case *array.Int32Builder:
					fb.Append(vals[i].(int32))
				case *array.BooleanBuilder:
					fb.Append(vals[i].(bool))
				case *array.ListBuilder:
					fb.Append(true)
					for _, p := range vals[i].([]int32) {
						fb.ValueBuilder().(*array.Int32Builder).Append(p)
					}
				default:
					t.Fatalf("builder %T", fb)
				}
			}
		}
		rec := b.NewRecordBatch()
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		b.Release()
		if len(rows) == 0 {
			break
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func canonicalSchema(t *testing.T) *arrow.Schema {
	s, err := Schema(map[string]string{"source.format": "test"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// modSchema returns the canonical schema with fields and metadata changed by f.
func modSchema(t *testing.T, f func(fs []arrow.Field, md map[string]string) []arrow.Field) *arrow.Schema {
	s := canonicalSchema(t)
	fs := append([]arrow.Field(nil), s.Fields()...)
	md := map[string]string{}
	for i, k := range s.Metadata().Keys() {
		md[k] = s.Metadata().Values()[i]
	}
	fs = f(fs, md)
	m := arrow.MetadataFrom(md)
	return arrow.NewSchema(fs, &m)
}

func TestForeignCompatibleFile(t *testing.T) {
	// What pyarrow or polars would write: nullable fields, a nullable list element, no field
	// metadata, other schema metadata. It reads as long as no value is null.
	s := modSchema(t, func(fs []arrow.Field, md map[string]string) []arrow.Field {
		for i := range fs {
			fs[i].Nullable = true
			fs[i].Metadata = arrow.Metadata{}
		}
		fs[iParents].Type = arrow.ListOf(arrow.PrimitiveTypes.Int32)
		md["pandas"] = "{}"
		return fs
	})
	rows := []row{okRow("a", 1, 0), okRow("a", 1, 1, 0), okRow("b", 2, 0)}
	jobs, rep, err := readBytes(rawFile(t, s, rows, 2), "f.arrow")
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || len(jobs[0].Tasks) != 2 || !reflect.DeepEqual(jobs[0].Tasks[1].Parents, []int32{0}) || rep.Records != 3 {
		t.Fatalf("%+v %+v", jobs, rep)
	}
}

func TestSchemaErrors(t *testing.T) {
	swap := func(i, j int) func([]arrow.Field, map[string]string) []arrow.Field {
		return func(fs []arrow.Field, _ map[string]string) []arrow.Field { fs[i], fs[j] = fs[j], fs[i]; return fs }
	}
	retype := func(i int, dt arrow.DataType) func([]arrow.Field, map[string]string) []arrow.Field {
		return func(fs []arrow.Field, _ map[string]string) []arrow.Field { fs[i].Type = dt; return fs }
	}
	cases := []struct {
		name string
		mod  func([]arrow.Field, map[string]string) []arrow.Field
		want string
	}{
		{"missing", func(fs []arrow.Field, _ map[string]string) []arrow.Field { return append(fs[:iGPUs], fs[iGPUs+1:]...) },
			`s.arrow: missing column "gpus"`},
		{"extra", func(fs []arrow.Field, _ map[string]string) []arrow.Field {
			return append(fs, arrow.Field{Name: "deadline_us", Type: arrow.PrimitiveTypes.Int64})
		}, `s.arrow: unexpected column "deadline_us"`},
		{"duplicate", func(fs []arrow.Field, _ map[string]string) []arrow.Field { return append(fs, fs[iTenant]) },
			`s.arrow: column "tenant" appears more than once`},
		{"order", swap(iCPUMilli, iMemBytes),
			`s.arrow: column "cpu_milli" is column 9, want column 8 (the columns are job_id, submit_us, tenant, priority, gang, task, task_index, instances, cpu_milli, mem_bytes, gpus, runtime_us, requested_us, parents)`},
		{"float", retype(iCPUMilli, arrow.PrimitiveTypes.Float64), `s.arrow: column "cpu_milli": type float64, want int64`},
		{"int32 for int64", retype(iSubmitUS, arrow.PrimitiveTypes.Int32), `s.arrow: column "submit_us": type int32, want int64`},
		{"uint32", retype(iInstances, arrow.PrimitiveTypes.Uint32), `s.arrow: column "instances": type uint32, want int32`},
		{"large string", retype(iJobID, arrow.BinaryTypes.LargeString), `s.arrow: column "job_id": type large_utf8, want utf8`},
		{"binary", retype(iTask, arrow.BinaryTypes.Binary), `s.arrow: column "task": type binary, want utf8`},
		{"timestamp", retype(iSubmitUS, arrow.FixedWidthTypes.Timestamp_us), `s.arrow: column "submit_us": type timestamp, want int64`},
		{"list int64", retype(iParents, arrow.ListOf(arrow.PrimitiveTypes.Int64)), `s.arrow: column "parents": type list<int64>, want list<int32>`},
		{"not a list", retype(iParents, arrow.PrimitiveTypes.Int32), `s.arrow: column "parents": type int32, want list<int32>`},
		{"large list", retype(iParents, arrow.LargeListOf(arrow.PrimitiveTypes.Int32)), `s.arrow: column "parents": type large_list<int32>, want list<int32>`},
		{"struct", retype(iGang, arrow.StructOf(arrow.Field{Name: "x", Type: arrow.FixedWidthTypes.Boolean})), `s.arrow: column "gang": type struct<bool>, want bool`},
		{"dictionary", retype(iTenant, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}),
			`s.arrow: column "tenant": dictionary-encoded utf8, want plain utf8`},
		{"no format", func(fs []arrow.Field, md map[string]string) []arrow.Field { delete(md, "dcsim.format"); return fs },
			`s.arrow: not a dcsim workload file: no "dcsim.format" schema metadata (want "dcsim-workload")`},
		{"other format", func(fs []arrow.Field, md map[string]string) []arrow.Field {
			md["dcsim.format"] = "dcsim-results"
			return fs
		},
			`s.arrow: not a dcsim workload file: schema metadata "dcsim.format" is "dcsim-results", want "dcsim-workload"`},
		{"version", func(fs []arrow.Field, md map[string]string) []arrow.Field { md["dcsim.version"] = "2"; return fs },
			`s.arrow: dcsim workload format version "2" is not supported (this dcsim reads version 1)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := rawFile(t, modSchema(t, c.mod), nil, 0)
			_, _, err := readBytes(data, "s.arrow")
			if err == nil || err.Error() != c.want || !errors.Is(err, trace.ErrBadInput) {
				t.Fatalf("got  %v\nwant %s", err, c.want)
			}
		})
	}
}

func TestContentErrors(t *testing.T) {
	r := okRow
	with := func(r row, f func(*row)) row { f(&r); return r }
	cases := []struct {
		name  string
		rows  []row
		batch int
		want  string
		jobs  int // jobs returned before the error
	}{
		{"first row not task 0", []row{r("a", 1, 1)}, 0,
			`c.arrow: row 0: column "task_index": 1, want 0 (a job's first row has task index 0; the rows of a job are consecutive)`, 0},
		{"task index gap", []row{r("a", 1, 0), r("a", 1, 1), r("a", 1, 3)}, 2,
			`c.arrow: row 2: column "task_index": 3, want 2 (the next task of job "a") or 0 (a new job)`, 0},
		{"interleaved jobs", []row{r("a", 1, 0), r("b", 1, 0), r("a", 1, 1)}, 0,
			`c.arrow: row 2: column "job_id": "a", want "b" (task_index 1 continues job "b")`, 1},
		{"job id changes", []row{r("a", 1, 0), r("a", 1, 1), r("b", 1, 2)}, 0,
			`c.arrow: row 2: column "job_id": "b", want "a" (task_index 2 continues job "a")`, 0},
		{"submit differs", []row{r("a", 1, 0), r("a", 2, 1)}, 1,
			`c.arrow: row 1: column "submit_us": 2 differs from the 1 of the job's first row (task_index 1 of job "a")`, 0},
		{"tenant differs", []row{r("a", 1, 0), with(r("a", 1, 1), func(r *row) { r.tenant = "t" })}, 0,
			`c.arrow: row 1: column "tenant": "t" differs from the "" of the job's first row (task_index 1 of job "a")`, 0},
		{"priority differs", []row{r("a", 1, 0), with(r("a", 1, 1), func(r *row) { r.prio = 3 })}, 0,
			`c.arrow: row 1: column "priority": 3 differs from the 0 of the job's first row (task_index 1 of job "a")`, 0},
		{"gang differs", []row{r("a", 1, 0), with(r("a", 1, 1), func(r *row) { r.gang = true })}, 0,
			`c.arrow: row 1: column "gang": true differs from the false of the job's first row (task_index 1 of job "a")`, 0},
		{"instances", []row{r("a", 1, 0), r("b", 2, 0), with(r("b", 2, 1), func(r *row) { r.inst = 0 })}, 0,
			`c.arrow: row 2: column "instances": 0 instances (want >= 1)`, 1},
		{"cpu", []row{with(r("a", 1, 0), func(r *row) { r.cpu = 0 })}, 0, `c.arrow: row 0: column "cpu_milli": 0 millicores (want >= 1)`, 0},
		{"mem", []row{with(r("a", 1, 0), func(r *row) { r.mem = -5 })}, 0, `c.arrow: row 0: column "mem_bytes": -5 bytes (want >= 0)`, 0},
		{"gpus", []row{with(r("a", 1, 0), func(r *row) { r.gpus = -1 })}, 0, `c.arrow: row 0: column "gpus": -1 GPUs (want >= 0)`, 0},
		{"runtime", []row{with(r("a", 1, 0), func(r *row) { r.rt = 0 })}, 0, `c.arrow: row 0: column "runtime_us": 0 µs (want >= 1)`, 0},
		{"requested", []row{with(r("a", 1, 0), func(r *row) { r.req = -2 })}, 0,
			`c.arrow: row 0: column "requested_us": -2 µs (want >= 0, or -1 for unknown)`, 0},
		{"self parent", []row{r("a", 1, 0), r("a", 1, 1, 1)}, 0,
			`c.arrow: row 1: column "parents": parent 1 of task 1 of job "a" (want another task_index of the job)`, 0},
		{"negative parent", []row{r("a", 1, 0, -1)}, 0,
			`c.arrow: row 0: column "parents": parent -1 of task 0 of job "a" (want another task_index of the job)`, 0},
		{"parent out of range", []row{r("a", 1, 0), r("a", 1, 1, 0, 2), r("b", 1, 0)}, 0,
			`c.arrow: row 1: column "parents": parent 2 of task 1, but job "a" has 2 tasks`, 0},
		{"cycle", []row{r("x", 1, 0), r("a", 1, 0, 2), r("a", 1, 1, 0), r("a", 1, 2, 1)}, 2,
			`c.arrow: row 1: column "parents": the task dependencies of job "a" have a cycle`, 1},
		{"gang of two", []row{with(r("a", 1, 0), func(r *row) { r.gang = true }), with(r("a", 1, 1), func(r *row) { r.gang = true })}, 0,
			`c.arrow: row 0: column "gang": job "a" is a gang of 2 tasks (a gang job has exactly one task)`, 0},
		{"submit decreases", []row{r("a", 10, 0), r("a", 10, 1), r("b", 9, 0)}, 0,
			`c.arrow: row 2: column "submit_us": 9, before the previous job's 10 (jobs must be in non-decreasing submit time)`, 1},
		{"null", []row{r("a", 1, 0), with(r("b", 1, 0), func(r *row) { r.nullField = iTenant })}, 1,
			`c.arrow: record batch 1 (rows from 1): column "tenant": 1 nulls, want none`, 0},
		{"null list", []row{with(r("a", 1, 0), func(r *row) { r.nullField = iParents })}, 0,
			`c.arrow: record batch 0 (rows from 0): column "parents": 1 nulls, want none`, 0},
		{"bad utf8", []row{r("a", 1, 0), r("b", 1, 0), r("c", 1, 0), r("d\xff", 1, 0)}, 2,
			`c.arrow: row 3: column "job_id": "d\xff" is not valid UTF-8`, 1},
		{"utf8 split across values", []row{r("a", 1, 0), with(r("a", 1, 1), func(r *row) { r.task = "\xe4\xbb" }), with(r("a", 1, 2), func(r *row) { r.task = "\xbb" })}, 0,
			`c.arrow: row 1: column "task": "\xe4\xbb" is not valid UTF-8`, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := rawFile(t, canonicalSchema(t), c.rows, c.batch)
			rd, err := NewReader(bytes.NewReader(data), int64(len(data)), "c.arrow")
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			jobs := 0
			for {
				_, err = rd.Next()
				if err != nil {
					break
				}
				jobs++
			}
			if err.Error() != c.want || !errors.Is(err, trace.ErrBadInput) {
				t.Fatalf("got  %v\nwant %s", err, c.want)
			}
			if jobs != c.jobs {
				t.Fatalf("%d jobs before the error, want %d", jobs, c.jobs)
			}
			if _, err2 := rd.Next(); err2 != err {
				t.Fatalf("error not sticky: %v", err2)
			}
		})
	}
}

func TestCompressedRejected(t *testing.T) {
	data := rawFile(t, canonicalSchema(t), []row{okRow("a", 1, 0)}, 0, ipc.WithLZ4())
	_, _, err := readBytes(data, "z.arrow")
	if want := "z.arrow: record batch 0 (rows from 0): compressed record batches are not supported"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestNotArrow(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("job_id,submit_us\n1,2\n"), bytes.Repeat([]byte("ARROW1\x00\x00"), 4)} {
		_, _, err := readBytes(data, "n.arrow")
		if err == nil || !errors.Is(err, trace.ErrBadInput) || !strings.HasPrefix(err.Error(), "n.arrow: ") {
			t.Errorf("%q: %v", data, err)
		}
	}
	_, err := Open(filepath.Join(t.TempDir(), "missing.arrow"))
	if err == nil || errors.Is(err, trace.ErrBadInput) || !os.IsNotExist(errors.Unwrap(err)) {
		t.Errorf("missing file: %v", err)
	}
}

// TestTruncatedAndCorrupt cuts a valid file at every length and flips every byte: each gives an
// error wrapping trace.ErrBadInput, or (for flips in padding or values) valid jobs; never a
// panic.
func TestTruncatedAndCorrupt(t *testing.T) {
	jobs := randJobs(rand.New(rand.NewPCG(13, 14)), 6, 3)
	data := writeBytes(t, jobs, map[string]string{"k": "v"}, WithBatchRows(4))
	for n := range len(data) {
		_, _, err := readBytes(data[:n], "t.arrow")
		if err == nil || !errors.Is(err, trace.ErrBadInput) {
			t.Fatalf("cut at %d of %d: %v", n, len(data), err)
		}
	}
	mut := make([]byte, len(data))
	accepted := 0
	for i := range data {
		for _, x := range []byte{0xFF, 0x01, 0x80} {
			copy(mut, data)
			mut[i] ^= x
			got, _, err := readBytes(mut, "t.arrow")
			if err != nil {
				if !errors.Is(err, trace.ErrBadInput) {
					t.Fatalf("flip %#x at %d: %v does not wrap ErrBadInput", x, i, err)
				}
				continue
			}
			accepted++
			checkJobs(t, got)
		}
	}
	t.Logf("%d bytes, %d of %d flips still read", len(data), accepted, 3*len(data))
}

// checkJobs asserts what every job a Reader returns satisfies.
func checkJobs(t testing.TB, jobs []trace.Job) {
	t.Helper()
	prev := int64(math.MinInt64)
	for i := range jobs {
		if err := jobs[i].Validate(); err != nil {
			t.Fatalf("job %d returned invalid: %v", i, err)
		}
		if jobs[i].SubmitUS < prev {
			t.Fatalf("job %d submitted before job %d", i, i-1)
		}
		prev = jobs[i].SubmitUS
	}
}

func TestSourceInterface(t *testing.T) {
	var _ trace.Source = (*Reader)(nil)
}
