package alibaba2018

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/dcsim/dcsim/models/trace"
)

// DefaultUnits: plan_cpu is in hundredths of a core, so a unit (one core) is 1000 millicores;
// plan_mem and mem_size are normalised to 100 = the largest machine's memory, which the trace
// does not publish: assumed 512 GiB (the trace's machines have 96 cores). A scenario overrides
// both.
var DefaultUnits = trace.Units{CPUMilliPerUnit: 1000, MemBytesPerUnit: 512 << 30}

// Skip reasons (in jobs) and notes of an Alibaba source.
const (
	SkipInvalidDAG = "jobs whose DAG is invalid (missing parent, duplicate task id or cycle)"
	SkipNoTimes    = "jobs with a task lacking start or end time (not run to its end in the trace)"
	SkipNoCPU      = "jobs with a task without plan_cpu"
	SkipBadLine    = "malformed rows"
	NoteRows       = "batch_task rows of replayed jobs"
	NoteNoInst     = "tasks without instance_num (replayed as 1 instance)"
	NoteZeroRun    = "tasks with run time 0 s (replayed as 1 µs)"
	NoteFailed     = "tasks not Terminated but with start and end (replayed as run)"
)

// Source replays batch_task as a trace.Source. A job is the rows of one job_name; each row is a
// task of instance_num instances, each asking plan_cpu and plan_mem and running end_time −
// start_time seconds; a task waits for the tasks its DAG name lists (M2_1: task 2 after task
// 1). The job's submit time is its earliest task start. Job ID is the job name and each task's
// Name its task name, so result rows join back to their batch_task rows.
//
// batch_task has no submit times and is grouped by job, not sorted by time, so the source
// reads the whole file and sorts the jobs by submit time (ties in file order): memory holds
// the replayed jobs, about 150 bytes per task.
type Source struct {
	trace.Sorted
	firstBad error
}

// FirstBad is the first malformed row skipped (SkipBad), nil if none.
func (s *Source) FirstBad() error { return s.firstBad }

// BatchTaskFile is the batch_task file of path: path itself, or the one file of the folder
// whose name starts with "batch_task".
func BatchTaskFile(path string) (string, error) {
	return tableFile(path, "batch_task")
}

func tableFile(path, table string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return path, nil
	}
	ents, err := os.ReadDir(path)
	if err != nil {
		return "", err
	}
	var found []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasPrefix(e.Name(), table) {
			found = append(found, filepath.Join(path, e.Name()))
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%s: want exactly one %s* file, found %d", path, table, len(found))
	}
	return found[0], nil
}

// NewSource reads the batch_task of path (a file, or a folder holding one batch_task* file).
// Units' zero fields default to DefaultUnits; skipBad skips and counts malformed rows.
func NewSource(path string, units trace.Units, skipBad bool) (*Source, error) {
	f, err := BatchTaskFile(path)
	if err != nil {
		return nil, err
	}
	r, err := OpenBatchTask(f)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if skipBad {
		r.SkipBad()
	}
	return SourceOf(r, units)
}

// SourceOf reads an open batch_task reader to its end.
func SourceOf(r *BatchTaskReader, units trace.Units) (*Source, error) {
	units = units.Or(DefaultUnits)
	s := &Source{Sorted: trace.Sorted{Rep: trace.NewReport("alibaba2018")}}
	var invalid, noTimes, noCPU, rows, noInst, zeroRun, failed int64
	st, err := Jobs(r, func(j Job) error {
		if j.Validate() != nil {
			invalid++
			return nil
		}
		idx := make(map[int]int32, len(j.Tasks))
		sub := int64(math.MaxInt64)
		for i := range j.Tasks {
			t := &j.Tasks[i]
			if !t.Independent {
				idx[t.ID] = int32(i)
			}
			switch {
			case t.StartS <= 0 || t.EndS <= 0 || t.EndS < t.StartS:
				noTimes++
				return nil
			case t.PlanCPU <= 0:
				noCPU++
				return nil
			}
			sub = min(sub, t.StartS)
		}
		tj := trace.Job{ID: j.Name, SubmitUS: sub * 1e6, Line: int64(j.Line), Tasks: make([]trace.Task, len(j.Tasks))}
		for i := range j.Tasks {
			t := &j.Tasks[i]
			inst := t.Instances
			if inst < 1 {
				inst = 1
				noInst++
			}
			rt := (t.EndS - t.StartS) * 1e6
			if rt == 0 {
				rt = 1
				zeroRun++
			}
			if t.Status != StatusTerminated {
				failed++
			}
			tt := trace.Task{Name: t.Name, Instances: int32(min(inst, math.MaxInt32)),
				CPUMilli:  max(1, int64(math.Round(t.PlanCPU/100*units.CPUMilliPerUnit))),
				MemBytes:  max(0, int64(math.Round(t.PlanMem/100*units.MemBytesPerUnit))),
				RuntimeUS: rt, RequestedUS: -1}
			for _, p := range t.Parents {
				tt.Parents = append(tt.Parents, idx[p]) // Validate checked every parent exists
			}
			tj.Tasks[i] = tt
		}
		rows += int64(len(j.Tasks))
		s.Jobs = append(s.Jobs, tj)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", trace.ErrBadInput, err)
	}
	s.Sort()
	s.Rep.Records = st.Rows + r.Bad()
	s.Rep.Skip(SkipInvalidDAG, invalid)
	s.Rep.Skip(SkipNoTimes, noTimes)
	s.Rep.Skip(SkipNoCPU, noCPU)
	s.Rep.Skip(SkipBadLine, r.Bad())
	s.Rep.Note(NoteRows, rows)
	s.Rep.Note(NoteNoInst, noInst)
	s.Rep.Note(NoteZeroRun, zeroRun)
	s.Rep.Note(NoteFailed, failed)
	s.firstBad = r.FirstBad()
	return s, nil
}

// Machines returns the machines of the machine_meta file beside path (in path if it is a
// folder): each machine with its last row's cpu_num and mem_size, in first-seen order.
func Machines(path string, units trace.Units) ([]trace.Machine, error) {
	units = units.Or(DefaultUnits)
	dir := path
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		dir = filepath.Dir(path)
	}
	f, err := tableFile(dir, "machine_meta")
	if err != nil {
		return nil, fmt.Errorf("machines of %s: %w", path, err)
	}
	r, err := OpenMachineMeta(f)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	at := map[string]int{}
	var out []trace.Machine
	for {
		m, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", trace.ErrBadInput, err)
		}
		tm := trace.Machine{ID: m.MachineID, CPUMilli: max(1, int64(m.CPUNum)*int64(units.CPUMilliPerUnit)),
			MemBytes: max(0, int64(math.Round(m.MemSize/100*units.MemBytesPerUnit)))}
		if i, ok := at[m.MachineID]; ok {
			out[i] = tm
			continue
		}
		at[m.MachineID] = len(out)
		out = append(out, tm)
	}
	return out, nil
}
