package google2011

import (
	"cmp"
	"io"
	"slices"
)

// Task is one attempt of a task: the span from a SUBMIT (or an orphan
// SCHEDULE) to the terminal event that ends it. Times are µs; −1 means unknown
// (SubmitUS of an orphan, ScheduleUS of an attempt never scheduled, EndUS of
// an attempt still open at the end of the input). EndType is TaskEvict,
// TaskFail, TaskFinish, TaskKill, TaskLost, or −1 when unfinished. MachineID is
// −1 when the attempt never ran on a known machine. CPUReq and MemReq are
// normalised requests, −1 when never given.
type Task struct {
	JobID, TaskIndex            int64
	SubmitUS, ScheduleUS, EndUS int64
	EndType                     int
	MachineID                   int64
	Priority, SchedClass        int
	User                        string
	CPUReq, MemReq              float64
}

// Stats accounts for every event seen by Assemble (see the package doc).
type Stats struct {
	Events             int64                    // events read
	EventsByType       [NumTaskEventTypes]int64 // events read, by type
	Opened             int64                    // attempts opened (SUBMIT + orphan SCHEDULE)
	Attempts           int64                    // attempts emitted (closed + unfinished)
	ByEndType          [NumTaskEventTypes]int64 // closed attempts emitted, by terminal type
	Unfinished         int64                    // attempts emitted at EOF with EndUS = −1
	Orphans            int64                    // events that referred to no open attempt
	OrphansByType      [NumTaskEventTypes]int64 // orphans, by event type
	Updates            int64                    // UPDATE_* events applied to an open attempt
	DuplicateSubmits   int64                    // SUBMIT while an attempt was open (ignored)
	DuplicateSchedules int64                    // SCHEDULE while already running (ignored)
	MaxOpen            int                      // largest number of simultaneously open attempts
}

type taskKey struct{ job, index int64 }

// Assemble reads r to the end and calls emit for every task attempt, following
// the rules in the package doc. It stops at the first error from r (a
// *ParseError) or from emit, returning the statistics so far. It does not close r.
func Assemble(r *TaskReader, emit func(Task) error) (Stats, error) {
	return AssembleEvents(r.Next, emit)
}

// AssembleEvents is Assemble over any stream of events (e.g. the shards of task_events read
// one after the other): next returns io.EOF at the end.
func AssembleEvents(next func() (TaskEvent, error), emit func(Task) error) (Stats, error) {
	var st Stats
	open := make(map[taskKey]*Task)
	for {
		e, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return st, err
		}
		st.Events++
		st.EventsByType[e.Type]++
		k := taskKey{e.JobID, e.TaskIndex}
		t := open[k]
		switch e.Type {
		case TaskSubmit:
			if t != nil {
				st.DuplicateSubmits++
				fillRequests(t, &e)
				continue
			}
			t = &Task{JobID: e.JobID, TaskIndex: e.TaskIndex, SubmitUS: e.TimeUS, ScheduleUS: -1, EndUS: -1,
				EndType: -1, MachineID: -1, Priority: e.Priority, SchedClass: e.SchedClass, User: e.User,
				CPUReq: -1, MemReq: -1}
			fillRequests(t, &e)
			open[k] = t
			st.Opened++
		case TaskSchedule:
			if t == nil {
				st.Orphans++
				st.OrphansByType[e.Type]++
				t = &Task{JobID: e.JobID, TaskIndex: e.TaskIndex, SubmitUS: -1, ScheduleUS: e.TimeUS, EndUS: -1,
					EndType: -1, MachineID: -1, Priority: e.Priority, SchedClass: e.SchedClass, User: e.User,
					CPUReq: -1, MemReq: -1}
				if e.HasMachine {
					t.MachineID = e.MachineID
				}
				fillRequests(t, &e)
				open[k] = t
				st.Opened++
				break
			}
			if t.ScheduleUS >= 0 {
				st.DuplicateSchedules++
				fillRequests(t, &e)
				continue
			}
			t.ScheduleUS = e.TimeUS
			if e.HasMachine {
				t.MachineID = e.MachineID
			}
			fillRequests(t, &e)
		case TaskEvict, TaskFail, TaskFinish, TaskKill, TaskLost:
			if t == nil {
				st.Orphans++
				st.OrphansByType[e.Type]++
				continue
			}
			t.EndUS, t.EndType = e.TimeUS, e.Type
			if t.MachineID < 0 && e.HasMachine {
				t.MachineID = e.MachineID
			}
			fillRequests(t, &e)
			delete(open, k)
			st.Attempts++
			st.ByEndType[e.Type]++
			if err := emit(*t); err != nil {
				return st, err
			}
		case TaskUpdatePending, TaskUpdateRunning:
			if t == nil {
				st.Orphans++
				st.OrphansByType[e.Type]++
				continue
			}
			if e.HasCPU {
				t.CPUReq = e.CPUReq
			}
			if e.HasMem {
				t.MemReq = e.MemReq
			}
			t.Priority = e.Priority
			st.Updates++
		}
		if len(open) > st.MaxOpen {
			st.MaxOpen = len(open)
		}
	}
	rest := make([]*Task, 0, len(open))
	for _, t := range open {
		rest = append(rest, t)
	}
	slices.SortFunc(rest, func(a, b *Task) int {
		return cmp.Or(cmp.Compare(a.JobID, b.JobID), cmp.Compare(a.TaskIndex, b.TaskIndex))
	})
	for _, t := range rest {
		st.Attempts++
		st.Unfinished++
		if err := emit(*t); err != nil {
			return st, err
		}
	}
	return st, nil
}

// fillRequests sets requests still unknown on t from e.
func fillRequests(t *Task, e *TaskEvent) {
	if t.CPUReq < 0 && e.HasCPU {
		t.CPUReq = e.CPUReq
	}
	if t.MemReq < 0 && e.HasMem {
		t.MemReq = e.MemReq
	}
}
