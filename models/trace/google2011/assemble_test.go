package google2011

import (
	"errors"
	"strings"
	"testing"
)

// assembleSample is a hand-written task_events sequence (times in µs).
// Fields: time,missing,job,index,machine,type,user,class,priority,cpu,mem,disk,diff.
var assembleSample = strings.Join([]string{
	"0,,1,0,,0,u,1,9,0.1,0.2,0.01,0",           // L1  SUBMIT j1/0 (before the trace window)
	"600000000,,1,0,10,1,u,1,9,0.1,0.2,0.01,0", // L2  SCHEDULE j1/0 on m10
	"600000000,1,1,1,,0,u,2,2,,,,",             // L3  SUBMIT j1/1, requests missing
	"601000000,,1,2,,0,u,0,0,0.05,0.05,,",      // L4  SUBMIT j1/2
	"602000000,,1,2,,0,u,0,0,0.05,0.05,,",      // L5  SUBMIT j1/2 again: duplicate, ignored
	"610000000,,2,0,12,1,v,0,4,0.3,0.4,,",      // L6  SCHEDULE j2/0 with no SUBMIT: orphan, opens attempt
	"620000000,,3,0,13,4,v,0,4,0.3,0.4,,",      // L7  FINISH j3/0 with no attempt: orphan, nothing emitted
	"630000000,,4,5,,0,w,3,11,0.5,0.5,,",       // L8  SUBMIT j4/5
	"640000000,,4,5,14,1,w,3,11,0.5,0.5,,",     // L9  SCHEDULE j4/5 on m14
	"650000000,,1,1,,7,u,2,3,0.25,0.125,,",     // L10 UPDATE_PENDING j1/1: requests and priority change
	"660000000,,9,0,15,8,x,0,1,0.1,0.1,,",      // L11 UPDATE_RUNNING j9/0 with no attempt: orphan
	"700000000,,1,0,10,2,u,1,9,0.1,0.2,0.01,0", // L12 EVICT j1/0              -> attempt A
	"700000001,,1,0,,0,u,1,9,0.1,0.2,0.01,0",   // L13 SUBMIT j1/0 again (resubmission)
	"750000000,,1,1,,5,u,2,3,0.25,0.125,,",     // L14 KILL j1/1 while pending  -> attempt B
	"800000000,,1,0,11,1,u,1,9,0.1,0.2,0.01,0", // L15 SCHEDULE j1/0 on m11
	"850000000,,2,0,12,3,v,0,4,0.3,0.4,,",      // L16 FAIL j2/0               -> attempt C
	"900000000,,1,0,11,4,u,1,9,0.1,0.2,0.01,0", // L17 FINISH j1/0             -> attempt D
}, "\n") + "\n"

func TestAssemble(t *testing.T) {
	r, err := NewTaskReader(strings.NewReader(assembleSample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	var got []Task
	st, err := Assemble(r, func(tk Task) error { got = append(got, tk); return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := []Task{
		// A: first attempt of j1/0, evicted from m10.
		{JobID: 1, TaskIndex: 0, SubmitUS: 0, ScheduleUS: 600000000, EndUS: 700000000, EndType: TaskEvict,
			MachineID: 10, Priority: 9, SchedClass: 1, User: "u", CPUReq: 0.1, MemReq: 0.2},
		// B: j1/1 killed while pending; requests and priority from the UPDATE_PENDING.
		{JobID: 1, TaskIndex: 1, SubmitUS: 600000000, ScheduleUS: -1, EndUS: 750000000, EndType: TaskKill,
			MachineID: -1, Priority: 3, SchedClass: 2, User: "u", CPUReq: 0.25, MemReq: 0.125},
		// C: orphan SCHEDULE of j2/0 (submit unknown), failed on m12.
		{JobID: 2, TaskIndex: 0, SubmitUS: -1, ScheduleUS: 610000000, EndUS: 850000000, EndType: TaskFail,
			MachineID: 12, Priority: 4, SchedClass: 0, User: "v", CPUReq: 0.3, MemReq: 0.4},
		// D: second attempt of j1/0, finished on m11.
		{JobID: 1, TaskIndex: 0, SubmitUS: 700000001, ScheduleUS: 800000000, EndUS: 900000000, EndType: TaskFinish,
			MachineID: 11, Priority: 9, SchedClass: 1, User: "u", CPUReq: 0.1, MemReq: 0.2},
		// Open at EOF, in (job, index) order: j1/2 still pending (first submit kept) ...
		{JobID: 1, TaskIndex: 2, SubmitUS: 601000000, ScheduleUS: -1, EndUS: -1, EndType: -1,
			MachineID: -1, Priority: 0, SchedClass: 0, User: "u", CPUReq: 0.05, MemReq: 0.05},
		// ... and j4/5 still running on m14.
		{JobID: 4, TaskIndex: 5, SubmitUS: 630000000, ScheduleUS: 640000000, EndUS: -1, EndType: -1,
			MachineID: 14, Priority: 11, SchedClass: 3, User: "w", CPUReq: 0.5, MemReq: 0.5},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d attempts, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("attempt %d:\n got  %+v\n want %+v", i, got[i], want[i])
		}
	}
	wantSt := Stats{
		Events:             17,
		EventsByType:       [NumTaskEventTypes]int64{6, 4, 1, 1, 2, 1, 0, 1, 1},
		Opened:             6,
		Attempts:           6,
		ByEndType:          [NumTaskEventTypes]int64{TaskEvict: 1, TaskFail: 1, TaskFinish: 1, TaskKill: 1},
		Unfinished:         2,
		Orphans:            3,
		OrphansByType:      [NumTaskEventTypes]int64{TaskSchedule: 1, TaskFinish: 1, TaskUpdateRunning: 1},
		Updates:            1,
		DuplicateSubmits:   1,
		DuplicateSchedules: 0,
		MaxOpen:            5,
	}
	if st != wantSt {
		t.Fatalf("stats\n got  %+v\n want %+v", st, wantSt)
	}
	checkBookkeeping(t, st)
}

// checkBookkeeping verifies the accounting identities of the package doc.
func checkBookkeeping(t testing.TB, st Stats) {
	t.Helper()
	var sum, closed, orph int64
	for i := range st.EventsByType {
		sum += st.EventsByType[i]
		closed += st.ByEndType[i]
		orph += st.OrphansByType[i]
	}
	if sum != st.Events || st.Opened != st.Attempts || closed+st.Unfinished != st.Attempts || orph != st.Orphans {
		t.Fatalf("inconsistent stats %+v (Σtypes %d, closed %d, Σorphans %d)", st, sum, closed, orph)
	}
	if st.Opened != st.EventsByType[TaskSubmit]-st.DuplicateSubmits+st.OrphansByType[TaskSchedule] {
		t.Fatalf("opened %d != submits %d - duplicates %d + orphan schedules %d", st.Opened,
			st.EventsByType[TaskSubmit], st.DuplicateSubmits, st.OrphansByType[TaskSchedule])
	}
}

func TestAssembleErrors(t *testing.T) {
	stop := errors.New("stop")
	r, _ := NewTaskReader(strings.NewReader(assembleSample), "sample")
	n := 0
	st, err := Assemble(r, func(Task) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 || st.Attempts != 1 {
		t.Fatalf("emit error: err %v n %d stats %+v", err, n, st)
	}
	r, _ = NewTaskReader(strings.NewReader(assembleSample+"1,,1,0,,0,u,1,9,,,,\n"), "sample")
	_, err = Assemble(r, func(Task) error { return nil })
	const want = "sample:18: field 1 (time): time 1 is before time 900000000 of line 17 (the trace must be sorted by time)"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
}
