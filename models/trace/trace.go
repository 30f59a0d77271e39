// Package trace is dcsim's one workload model for replayed traces: every format reader
// (models/trace/swf, google2011, google2019, alibaba2018, azure, bitbrains, canonical) turns its
// records into [Job]s and hands them out through the small [Source] interface, streaming, in
// non-decreasing submit time. The simulator replays any Source the same way, and
// models/trace/canonical stores any Source as an Arrow file that replays fast.
//
// Resources are absolute (millicores, bytes, whole GPUs): a reader of a format whose figures
// are normalised (Google's, Alibaba's) scales them with [Units], whose defaults per format are
// documented in docs/traces.md.
package trace

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Job is one job of a workload.
type Job struct {
	// ID is the trace's own job identifier: the SWF job number, the Google job id, the Alibaba
	// job name, the Azure VM id. It is what result rows join back on.
	ID string
	// SubmitUS is the submit time in µs on the trace's own clock (readers keep the trace's
	// origin; the replay makes it relative to the first job).
	SubmitUS int64
	Tenant   string // user, subscription or tenant; "" if the trace has none
	Priority int32
	// Gang says all instances of the job's single task must start together (a rigid
	// parallel job, the SWF world).
	Gang bool
	// Tasks has at least one entry. Parents of a task are indices into Tasks.
	Tasks []Task
	// Line is the 1-based line of the job's first record in its file, 0 where that does not
	// apply (a job assembled from several files, or read from an Arrow file).
	Line int64
}

// Task is a set of identical instances of a job: same demand, same run time, same parents.
type Task struct {
	// Name is the trace's own task identifier (the Google task index, the Alibaba task name);
	// "" when the job's ID identifies it alone (SWF jobs, Azure VMs).
	Name      string
	Instances int32 // >= 1: SWF processors, Alibaba instance_num
	CPUMilli  int64 // per instance, millicores (>= 1)
	MemBytes  int64 // per instance, bytes (>= 0)
	GPUs      int64 // per instance
	// RuntimeUS is the true run time of each instance in µs (>= 1: a zero logged run time is
	// replayed as 1 µs, so that it still occupies its slot in the order of events).
	RuntimeUS int64
	// RequestedUS is the user's estimate of the run time (the SWF requested time), -1 unknown.
	// Backfilling plans with it; execution always uses RuntimeUS.
	RequestedUS int64
	// Parents are the indices in Job.Tasks of the tasks that must finish before any instance
	// of this one starts (Alibaba DAGs). Nil for independent tasks.
	Parents []int32
}

// Source streams a workload's jobs in non-decreasing SubmitUS. Next returns io.EOF after the
// last job; any other error is sticky and, for bad input, names file, line and field.
type Source interface {
	Next() (Job, error)
	// Report is what has been read so far, including what was skipped and why.
	Report() Report
	Close() error
}

// Report is an account of a Source's input. Every input record is either part of a returned
// job or counted in Skipped under a reason.
type Report struct {
	Format  string
	Records int64 // input records read (lines, events, rows)
	Jobs    int64 // jobs returned
	Tasks   int64 // tasks of returned jobs
	// Instances counts the task instances of returned jobs (what the simulator places).
	Instances int64
	// FirstSubmitUS and LastSubmitUS span the returned jobs' submit times (trace clock);
	// both -1 before the first job.
	FirstSubmitUS, LastSubmitUS int64
	// CPUCoreS, MemGiBS and GPUS are the returned jobs' total demand × run time: core-seconds,
	// GiB-seconds and GPU-seconds.
	CPUCoreS, MemGiBS, GPUS float64
	Skipped                 []Skip // what was not returned, by reason, in reason order
	// Notes are other counts worth knowing (records kept but odd, request totals of
	// request-level traces), in the order the reader adds them.
	Notes []Skip
	// Requests counts the requests of a request-level trace (Azure Functions invocations,
	// Azure LLM requests); those traces return no jobs.
	Requests int64
}

// Skip counts input records left out for one reason.
type Skip struct {
	Reason string
	Count  int64
}

// NewReport returns an empty report of a format.
func NewReport(format string) Report {
	return Report{Format: format, FirstSubmitUS: -1, LastSubmitUS: -1}
}

// Add accounts for job j as returned.
func (r *Report) Add(j *Job) {
	r.Jobs++
	if r.FirstSubmitUS < 0 {
		r.FirstSubmitUS = j.SubmitUS
	}
	r.LastSubmitUS = j.SubmitUS
	for i := range j.Tasks {
		t := &j.Tasks[i]
		r.Tasks++
		n := float64(t.Instances)
		r.Instances += int64(t.Instances)
		s := n * float64(t.RuntimeUS) / 1e6
		r.CPUCoreS += float64(t.CPUMilli) / 1000 * s
		r.MemGiBS += float64(t.MemBytes) / (1 << 30) * s
		r.GPUS += float64(t.GPUs) * s
	}
}

// Skip counts n records left out for reason.
func (r *Report) Skip(reason string, n int64) {
	if n == 0 {
		return
	}
	i, found := slices.BinarySearchFunc(r.Skipped, reason, func(s Skip, k string) int { return strings.Compare(s.Reason, k) })
	if found {
		r.Skipped[i].Count += n
		return
	}
	r.Skipped = slices.Insert(r.Skipped, i, Skip{reason, n})
}

// Note adds n to the note called what (created on first use; kept even when n is 0).
func (r *Report) Note(what string, n int64) {
	for i := range r.Notes {
		if r.Notes[i].Reason == what {
			r.Notes[i].Count += n
			return
		}
	}
	r.Notes = append(r.Notes, Skip{what, n})
}

// SkippedTotal is the number of records skipped for any reason.
func (r *Report) SkippedTotal() int64 {
	var n int64
	for _, s := range r.Skipped {
		n += s.Count
	}
	return n
}

// Units scales a trace's resource figures to absolute ones. A zero field takes the format's
// default (see docs/traces.md).
type Units struct {
	// CPUMilliPerUnit is the millicores of one unit of the trace's CPU figure: one SWF
	// processor, Google's normalised 1.0 (the largest machine), one Alibaba core (plan_cpu is
	// in percent of a core), one Azure core.
	CPUMilliPerUnit float64
	// MemBytesPerUnit is the bytes of one unit of the trace's memory figure: per SWF
	// processor, Google's normalised 1.0, Alibaba's 100 (the largest machine), one Azure GiB.
	MemBytesPerUnit float64
}

// Or returns u with its zero fields taken from d.
func (u Units) Or(d Units) Units {
	if u.CPUMilliPerUnit == 0 {
		u.CPUMilliPerUnit = d.CPUMilliPerUnit
	}
	if u.MemBytesPerUnit == 0 {
		u.MemBytesPerUnit = d.MemBytesPerUnit
	}
	return u
}

// Machine is a host of the trace's own cluster, with absolute capacity.
type Machine struct {
	ID       string
	CPUMilli int64
	MemBytes int64
	GPUs     int64
}

// ErrBadInput marks errors caused by the trace's content (as opposed to I/O errors).
var ErrBadInput = errors.New("bad trace input")

// Validate checks the invariants of a job that every reader must keep: at least one task,
// positive instances, CPU and run time, non-negative memory and GPUs, parents in range and
// not the task itself, and no cycle. It returns nil or an error describing the first
// violation.
func (j *Job) Validate() error {
	if len(j.Tasks) == 0 {
		return fmt.Errorf("job %q has no tasks", j.ID)
	}
	if j.Gang && len(j.Tasks) != 1 {
		return fmt.Errorf("job %q: a gang job has exactly one task, got %d", j.ID, len(j.Tasks))
	}
	n := int32(len(j.Tasks))
	for i := range j.Tasks {
		t := &j.Tasks[i]
		switch {
		case t.Instances < 1:
			return fmt.Errorf("job %q task %d: %d instances", j.ID, i, t.Instances)
		case t.CPUMilli < 1:
			return fmt.Errorf("job %q task %d: CPU %d millicores", j.ID, i, t.CPUMilli)
		case t.MemBytes < 0 || t.GPUs < 0:
			return fmt.Errorf("job %q task %d: negative memory or GPUs", j.ID, i)
		case t.RuntimeUS < 1:
			return fmt.Errorf("job %q task %d: run time %d µs", j.ID, i, t.RuntimeUS)
		}
		for _, p := range t.Parents {
			if p < 0 || p >= n || p == int32(i) {
				return fmt.Errorf("job %q task %d: parent %d out of range", j.ID, i, p)
			}
		}
	}
	if _, ok := j.TopoOrder(); !ok {
		return fmt.Errorf("job %q: its task dependencies have a cycle", j.ID)
	}
	return nil
}

// TopoOrder returns the tasks' indices in an order where every task comes after its parents
// (Kahn's algorithm, lowest index first among the ready ones), and false if there is a cycle.
func (j *Job) TopoOrder() ([]int32, bool) {
	n := len(j.Tasks)
	indeg := make([]int32, n)
	children := make([][]int32, n)
	for i := range j.Tasks {
		for _, p := range j.Tasks[i].Parents {
			if p >= 0 && int(p) < n {
				indeg[i]++
				children[p] = append(children[p], int32(i))
			}
		}
	}
	order := make([]int32, 0, n)
	for i := range indeg {
		if indeg[i] == 0 {
			order = append(order, int32(i))
		}
	}
	for k := 0; k < len(order); k++ {
		for _, c := range children[order[k]] {
			if indeg[c]--; indeg[c] == 0 {
				order = append(order, c)
			}
		}
	}
	return order, len(order) == n
}

// Drain reads src to the end, calling fn (if not nil) for every job, and returns the report.
// It does not close src.
func Drain(src Source, fn func(*Job) error) (Report, error) {
	for {
		j, err := src.Next()
		if err == io.EOF {
			return src.Report(), nil
		}
		if err != nil {
			return src.Report(), err
		}
		if fn != nil {
			if err := fn(&j); err != nil {
				return src.Report(), err
			}
		}
	}
}

// Sorted is a Source over jobs held in memory: readers of formats that must read their whole
// input before the first job is known (its run time is only known at its end, or the file is
// not in submit order) fill Jobs and Rep, call Sort, and embed it for Next, Report and Close.
type Sorted struct {
	Jobs []Job
	Rep  Report
	pos  int
}

// Sort orders the jobs by submit time; ties keep their order.
func (s *Sorted) Sort() {
	slices.SortStableFunc(s.Jobs, func(a, b Job) int { return cmp.Compare(a.SubmitUS, b.SubmitUS) })
}

// Next returns the next job, io.EOF after the last; a returned job's memory is released.
func (s *Sorted) Next() (Job, error) {
	if s.pos >= len(s.Jobs) {
		s.Jobs = nil
		return Job{}, io.EOF
	}
	j := s.Jobs[s.pos]
	s.Jobs[s.pos] = Job{}
	s.pos++
	s.Rep.Add(&j)
	return j, nil
}

// Report is the report the reader filled, with the returned jobs added.
func (s *Sorted) Report() Report { return s.Rep }

// Close releases the jobs.
func (s *Sorted) Close() error { s.Jobs = nil; return nil }
