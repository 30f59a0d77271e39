package alibaba2018

import (
	"errors"
	"io"
	"strings"
)

var batchTaskFields = []string{
	"task_name", "instance_num", "job_name", "task_type", "status",
	"start_time", "end_time", "plan_cpu", "plan_mem",
}

// BatchTask is one batch_task record. Times are seconds from the start of the
// trace; 0 means "not started" / "not ended" (Waiting and Running tasks).
// InstanceNum, PlanCPU and PlanMem are -1 when the field was empty.
type BatchTask struct {
	TaskName    string
	DAG         TaskName // TaskName decoded by ParseTaskName
	InstanceNum int64    // number of instances; -1 when empty
	JobName     string
	TaskType    string // "1".."12" in the full trace; only "1" in the sample
	Status      string // Terminated, Running, Waiting, Failed, ...
	StartTimeS  int64
	EndTimeS    int64
	PlanCPU     float64 // requested CPU per instance, 100 = 1 core; -1 when empty
	PlanMem     float64 // requested memory per instance, normalised 0..100; -1 when empty
	Line        int     // 1-based line number in the file
}

// BatchTaskReader streams batch_task records.
type BatchTaskReader struct {
	lr       *lineReader
	skipBad  bool
	bad      int64
	firstBad error
}

// SkipBad makes Next skip a malformed row (a bad field or field count) instead of failing; the
// row is counted in Bad and the first one kept in FirstBad. Read errors and over-long lines still
// stop the reader.
func (r *BatchTaskReader) SkipBad() { r.skipBad = true }

// Bad is the number of malformed rows skipped in SkipBad mode.
func (r *BatchTaskReader) Bad() int64 { return r.bad }

// FirstBad is the first malformed row skipped in SkipBad mode, nil if none.
func (r *BatchTaskReader) FirstBad() error { return r.firstBad }

// OpenBatchTask opens a batch_task file, gzip'd (recognised by its magic
// bytes) or plain. Errors name the path. Close closes the file.
func OpenBatchTask(path string) (*BatchTaskReader, error) {
	lr, err := openPath(path, batchTaskFields)
	if err != nil {
		return nil, err
	}
	return &BatchTaskReader{lr: lr}, nil
}

// NewBatchTaskReader reads batch_task records from r (gzip'd or plain); name
// is used in error messages. Close does not close r.
func NewBatchTaskReader(r io.Reader, name string) (*BatchTaskReader, error) {
	lr, err := newLineReader(r, name, batchTaskFields)
	if err != nil {
		return nil, err
	}
	return &BatchTaskReader{lr: lr}, nil
}

// Name returns the name used in error messages.
func (r *BatchTaskReader) Name() string { return r.lr.Name }

// Stats returns the line counts so far.
func (r *BatchTaskReader) Stats() ReaderStats { return r.lr.Stats }

// Close releases the reader (and the file, for OpenBatchTask).
func (r *BatchTaskReader) Close() error { return r.lr.Close() }

// Next returns the next record, io.EOF at the end, or a *ParseError. Errors
// are sticky.
func (r *BatchTaskReader) Next() (BatchTask, error) {
	for {
		t, err := r.next()
		var pe *ParseError
		if err == nil || !r.skipBad || !errors.As(err, &pe) || strings.HasPrefix(pe.Msg, "line longer") {
			return t, err
		}
		r.bad++
		if r.firstBad == nil {
			r.firstBad = err
		}
		r.lr.Err = nil
	}
}

func (r *BatchTaskReader) next() (BatchTask, error) {
	lr := r.lr
	if err := lr.Next(); err != nil {
		return BatchTask{}, err
	}
	t := BatchTask{Line: lr.Line}
	var err error
	if t.TaskName, err = lr.str(1, false); err != nil {
		return BatchTask{}, err
	}
	if t.DAG, err = ParseTaskName(t.TaskName); err != nil {
		return BatchTask{}, lr.Fail(1, err.Error())
	}
	if t.InstanceNum, err = lr.wholeField(2, true); err != nil {
		return BatchTask{}, err
	}
	if t.JobName, err = lr.str(3, false); err != nil {
		return BatchTask{}, err
	}
	if t.TaskType, err = lr.str(4, true); err != nil {
		return BatchTask{}, err
	}
	if t.Status, err = lr.str(5, true); err != nil {
		return BatchTask{}, err
	}
	if t.StartTimeS, err = lr.nonNegInt(6); err != nil {
		return BatchTask{}, err
	}
	if t.EndTimeS, err = lr.nonNegInt(7); err != nil {
		return BatchTask{}, err
	}
	if t.PlanCPU, err = lr.floatField(8, true, false); err != nil {
		return BatchTask{}, err
	}
	if t.PlanMem, err = lr.floatField(9, true, false); err != nil {
		return BatchTask{}, err
	}
	lr.Stats.Rows++
	return t, nil
}
