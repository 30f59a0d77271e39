package google2011

import (
	"errors"
	"io"
	"strings"
)

// Task event types (task_events field 6).
const (
	TaskSubmit        = 0
	TaskSchedule      = 1
	TaskEvict         = 2
	TaskFail          = 3
	TaskFinish        = 4
	TaskKill          = 5
	TaskLost          = 6
	TaskUpdatePending = 7
	TaskUpdateRunning = 8
)

// NumTaskEventTypes is the number of task event types (0..8).
const NumTaskEventTypes = 9

var taskTypeNames = [NumTaskEventTypes]string{"SUBMIT", "SCHEDULE", "EVICT", "FAIL", "FINISH", "KILL", "LOST", "UPDATE_PENDING", "UPDATE_RUNNING"}

// TaskEventTypeName returns the schema name of a task event type ("FINISH"),
// "UNFINISHED" for −1.
func TaskEventTypeName(t int) string {
	if t >= 0 && t < NumTaskEventTypes {
		return taskTypeNames[t]
	}
	if t == -1 {
		return "UNFINISHED"
	}
	return "UNKNOWN"
}

var taskFields = []string{"time", "missing info", "job ID", "task index", "machine ID", "event type",
	"user", "scheduling class", "priority", "CPU request", "memory request", "disk space request",
	"different machines restriction"}

// TaskEvent is one task_events record. Optional fields that were empty leave
// their Has* flag false (MissingInfo and SchedClass are then 0, User "").
// Line is the 1-based line number in the file.
type TaskEvent struct {
	TimeUS            int64
	MissingInfo       int
	JobID             int64
	TaskIndex         int64
	MachineID         int64
	HasMachine        bool
	Type              int // 0..8, see TaskSubmit…TaskUpdateRunning
	User              string
	SchedClass        int
	Priority          int
	CPUReq            float64
	MemReq            float64
	DiskReq           float64
	HasCPU            bool
	HasMem            bool
	HasDisk           bool
	DifferentMachines bool
	Line              int
}

// TaskReader streams task_events records.
type TaskReader struct {
	lr       *lineReader
	skipBad  bool
	bad      int64
	firstBad error
}

// SkipBad makes Next skip a malformed line (a bad field, a wrong field count, a time going
// backwards) instead of failing; the line is counted in Bad and the first one kept in FirstBad.
// Read errors and over-long lines still stop the reader.
func (r *TaskReader) SkipBad() { r.skipBad = true }

// Bad is the number of malformed lines skipped in SkipBad mode.
func (r *TaskReader) Bad() int64 { return r.bad }

// FirstBad is the first malformed line skipped in SkipBad mode, nil if none.
func (r *TaskReader) FirstBad() error { return r.firstBad }

// OpenTaskEvents opens a task_events file, gzip'd (recognised by its magic
// bytes) or plain. Errors name the path.
func OpenTaskEvents(path string) (*TaskReader, error) {
	lr, err := openPath(path, taskFields)
	if err != nil {
		return nil, err
	}
	return &TaskReader{lr: lr}, nil
}

// NewTaskReader reads task_events records from r (gzip'd or plain); name is
// used in error messages. Close does not close r.
func NewTaskReader(r io.Reader, name string) (*TaskReader, error) {
	lr, err := newLineReader(r, name, taskFields)
	if err != nil {
		return nil, err
	}
	return &TaskReader{lr: lr}, nil
}

// Next returns the next record, io.EOF at the end, or a *ParseError.
func (r *TaskReader) Next() (TaskEvent, error) {
	for {
		e, err := r.next()
		var pe *ParseError
		if err == nil || !r.skipBad || !errors.As(err, &pe) || strings.HasPrefix(pe.Msg, "line longer") {
			return e, err
		}
		r.bad++
		if r.firstBad == nil {
			r.firstBad = err
		}
		r.lr.Err = nil
	}
}

func (r *TaskReader) next() (TaskEvent, error) {
	lr := r.lr
	if err := lr.Next(); err != nil {
		return TaskEvent{}, err
	}
	var e TaskEvent
	var err error
	e.Line = lr.Line
	if e.TimeUS, err = lr.timeField(); err != nil {
		return TaskEvent{}, err
	}
	if e.MissingInfo, _, err = lr.rangeField(2, true, 0, 1<<30); err != nil {
		return TaskEvent{}, err
	}
	if e.JobID, _, err = lr.intField(3, false); err != nil {
		return TaskEvent{}, err
	}
	if e.TaskIndex, _, err = lr.intField(4, false); err != nil {
		return TaskEvent{}, err
	}
	if e.MachineID, e.HasMachine, err = lr.intField(5, true); err != nil {
		return TaskEvent{}, err
	}
	if e.Type, _, err = lr.rangeField(6, false, 0, NumTaskEventTypes-1); err != nil {
		return TaskEvent{}, err
	}
	e.User = lr.str(7)
	if e.SchedClass, _, err = lr.rangeField(8, true, 0, 3); err != nil {
		return TaskEvent{}, err
	}
	if e.Priority, _, err = lr.rangeField(9, false, 0, 11); err != nil {
		return TaskEvent{}, err
	}
	if e.CPUReq, e.HasCPU, err = lr.floatField(10); err != nil {
		return TaskEvent{}, err
	}
	if e.MemReq, e.HasMem, err = lr.floatField(11); err != nil {
		return TaskEvent{}, err
	}
	if e.DiskReq, e.HasDisk, err = lr.floatField(12); err != nil {
		return TaskEvent{}, err
	}
	if e.DifferentMachines, err = lr.boolField(13); err != nil {
		return TaskEvent{}, err
	}
	return e, nil
}

// Close releases the decompressor and, for OpenTaskEvents, the file.
func (r *TaskReader) Close() error { return r.lr.Close() }
