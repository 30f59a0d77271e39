package google2011

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/models/trace"
)

// DefaultUnits are the assumed sizes of Google's normalised 1.0 (the largest machine of the
// cell), which the trace does not publish: 64 cores and 256 GiB. A scenario overrides them
// (workload.traces[].cpu_per_unit, memory_per_unit).
var DefaultUnits = trace.Units{CPUMilliPerUnit: 64000, MemBytesPerUnit: 256 << 30}

// Skip reasons of a Google 2011 source (counted in task attempts).
const (
	SkipNeverScheduled = "attempts never scheduled (no run time)"
	SkipNoCPU          = "attempts without a CPU request"
	SkipBadLine        = "malformed lines"
	NoteOpenAtEnd      = "attempts still running at the end of the input (replayed until its last event)"
	NoteOrphanEvents   = "events referring to no open attempt (their SUBMIT precedes the input)"
	NoteOrphanStarts   = "attempts whose SUBMIT precedes the input (submit = schedule time)"
	NoteEndTypePrefix  = "replayed attempts ending in "
)

// Source replays task_events as a trace.Source: each task attempt (SUBMIT … SCHEDULE … end) that
// ran becomes a single-task job. The job's ID is the Google job id and its task's Name the
// task index, so a result row joins back to its task_events lines. The run time is the
// attempt's SCHEDULE→end span whatever the end (FINISH, EVICT, FAIL, KILL, LOST: the trace's
// own record of how long it held its machine), and for an attempt still running when the input
// ends, the span up to the input's last event (the trace says no more); the demand is its CPU and memory request
// scaled by the units; the tenant is the user hash; the priority Google's (0..11).
//
// An attempt's run time is known only at its end, which for long-running tasks is the end of
// the trace, so the source assembles its whole input first and then streams the attempts in
// submit order: memory holds about 100 bytes per attempt (201,491 attempts for the sample
// shard). Use a time window in the scenario to replay part of a long trace.
type Source struct {
	trace.Sorted
	firstBad error
}

// FirstBad is the first malformed line skipped (SkipBad), nil if none.
func (s *Source) FirstBad() error { return s.firstBad }

// TaskFiles lists the task_events files of path: path itself if it is a file, else the files
// of path/task_events (or of path, if it has no task_events folder) in name order.
func TaskFiles(path string) ([]string, error) {
	return tableFiles(path, "task_events")
}

func tableFiles(path, table string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	dir := path
	if d := filepath.Join(path, table); isDir(d) {
		dir = d
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".csv") || strings.HasSuffix(n, ".csv.gz")) {
			files = append(files, filepath.Join(dir, n))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no %s files (*.csv, *.csv.gz)", dir, table)
	}
	return files, nil // ReadDir sorts by name
}

func isDir(p string) bool { fi, err := os.Stat(p); return err == nil && fi.IsDir() }

// NewSource reads the task_events of path (a file, or a trace folder; shards in name order)
// and returns the replayable attempts. Units' zero fields default to DefaultUnits; skipBad
// skips and counts malformed lines instead of failing.
func NewSource(path string, units trace.Units, skipBad bool) (*Source, error) {
	files, err := TaskFiles(path)
	if err != nil {
		return nil, err
	}
	var cur *TaskReader
	var bad int64
	var firstBad error
	done := func() {
		bad += cur.Bad()
		if firstBad == nil {
			firstBad = cur.FirstBad()
		}
		cur.Close()
		cur = nil
	}
	i := 0
	next := func() (TaskEvent, error) {
		for {
			if cur == nil {
				if i == len(files) {
					return TaskEvent{}, io.EOF
				}
				r, err := OpenTaskEvents(files[i])
				if err != nil {
					return TaskEvent{}, err
				}
				if skipBad {
					r.SkipBad()
				}
				cur = r
				i++
			}
			e, err := cur.Next()
			if err == io.EOF {
				done()
				continue
			}
			return e, err
		}
	}
	s, err := assembleSource(next, units)
	if cur != nil {
		done()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", trace.ErrBadInput, err)
	}
	s.Rep.Skip(SkipBadLine, bad)
	s.firstBad = firstBad
	return s, nil
}

// SourceOf is NewSource over one open reader (tests, fuzzing).
func SourceOf(r *TaskReader, units trace.Units) (*Source, error) {
	s, err := assembleSource(r.Next, units)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", trace.ErrBadInput, err)
	}
	s.Rep.Skip(SkipBadLine, r.Bad())
	s.firstBad = r.FirstBad()
	return s, nil
}

func assembleSource(next func() (TaskEvent, error), units trace.Units) (*Source, error) {
	units = units.Or(DefaultUnits)
	s := &Source{Sorted: trace.Sorted{Rep: trace.NewReport("google2011")}}
	var neverSched, open, noCPU, orphanStart int64
	var ends [NumTaskEventTypes]int64
	last := int64(0) // time of the last event read
	timed := func() (TaskEvent, error) {
		e, err := next()
		if err == nil {
			last = max(last, e.TimeUS)
		}
		return e, err
	}
	st, err := AssembleEvents(timed, func(t Task) error {
		switch {
		case t.ScheduleUS < 0:
			neverSched++
			return nil
		case t.CPUReq < 0:
			noCPU++
			return nil
		}
		sub := t.SubmitUS
		if sub < 0 {
			sub = t.ScheduleUS
			orphanStart++
		}
		if t.EndUS < 0 {
			t.EndUS = last // still running when the input ends: at EOF, so last is final
			open++
		} else {
			ends[t.EndType]++
		}
		s.Jobs = append(s.Jobs, trace.Job{ID: strconv.FormatInt(t.JobID, 10), SubmitUS: sub, Tenant: t.User, Priority: int32(t.Priority),
			Tasks: []trace.Task{{Name: strconv.FormatInt(t.TaskIndex, 10), Instances: 1,
				CPUMilli:  max(1, int64(math.Round(t.CPUReq*units.CPUMilliPerUnit))),
				MemBytes:  max(0, int64(math.Round(t.MemReq*units.MemBytesPerUnit))),
				RuntimeUS: max(1, t.EndUS-t.ScheduleUS), RequestedUS: -1}}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Sort()
	s.Rep.Records = st.Events
	s.Rep.Skip(SkipNeverScheduled, neverSched)
	s.Rep.Skip(SkipNoCPU, noCPU)
	s.Rep.Note(NoteOrphanEvents, st.Orphans-st.OrphansByType[TaskSchedule])
	s.Rep.Note(NoteOrphanStarts, orphanStart)
	s.Rep.Note(NoteOpenAtEnd, open)
	for _, k := range []int{TaskFinish, TaskEvict, TaskFail, TaskKill, TaskLost} {
		s.Rep.Note(NoteEndTypePrefix+TaskEventTypeName(k), ends[k])
	}
	return s, nil
}

// Machines returns the machines of the machine_events beside path (path's folder
// machine_events, or ../../machine_events of a task_events file): every machine ever added,
// with its last known capacity, in machine id order. Machines whose capacity is never given
// are left out and counted in the second result.
func Machines(path string, units trace.Units) ([]trace.Machine, int64, error) {
	units = units.Or(DefaultUnits)
	dir := path
	if !isDir(path) {
		dir = filepath.Dir(filepath.Dir(path))
	}
	files, err := tableFiles(filepath.Join(dir, "machine_events"), "machine_events")
	if err != nil {
		return nil, 0, fmt.Errorf("machines of %s: %w", path, err)
	}
	type cap struct {
		cpu, mem   float64
		hasC, hasM bool
		everAdded  bool
	}
	ms := map[int64]*cap{}
	for _, f := range files {
		r, err := OpenMachineEvents(f)
		if err != nil {
			return nil, 0, err
		}
		for {
			e, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				r.Close()
				return nil, 0, fmt.Errorf("%w: %v", trace.ErrBadInput, err)
			}
			c := ms[e.MachineID]
			if c == nil {
				c = &cap{}
				ms[e.MachineID] = c
			}
			if e.Type == 0 {
				c.everAdded = true
			}
			if e.HasCPU {
				c.cpu, c.hasC = e.CPU, true
			}
			if e.HasMem {
				c.mem, c.hasM = e.Mem, true
			}
		}
		r.Close()
	}
	ids := make([]int64, 0, len(ms))
	for id := range ms {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []trace.Machine
	var unknown int64
	for _, id := range ids {
		c := ms[id]
		if !c.everAdded {
			continue
		}
		if !c.hasC || !c.hasM || c.cpu <= 0 {
			unknown++
			continue
		}
		out = append(out, trace.Machine{ID: strconv.FormatInt(id, 10), CPUMilli: max(1, int64(math.Round(c.cpu*units.CPUMilliPerUnit))),
			MemBytes: int64(math.Round(c.mem * units.MemBytesPerUnit))})
	}
	if len(out) == 0 {
		return nil, unknown, errors.New("machines of " + path + ": no machine with a known capacity")
	}
	return out, unknown, nil
}
