package google2011

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// traceDir returns the google-2011 sample folder: $DCSIM_TRACES/google-2011,
// DCSIM_TRACES defaulting to ../shared/traces relative to the repository root.
func traceDir(t testing.TB) string {
	t.Helper()
	root := os.Getenv("DCSIM_TRACES")
	if root == "" {
		root = filepath.Join("..", "..", "..", "..", "shared", "traces")
	}
	dir := filepath.Join(root, "google-2011")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("Google 2011 trace samples not found at %s (set DCSIM_TRACES to the shared traces folder): %v", dir, err)
	}
	return dir
}

// maxTraceUS is the end of the 29-day trace window plus slack.
const maxTraceUS = TraceStartUS + 30*24*3600*1_000_000

func saneTime(t int64) bool { return t == 0 || t == EndOfTrace || t >= TraceStartUS && t < maxTraceUS }

func TestRealMachineEvents(t *testing.T) {
	path := filepath.Join(traceDir(t), "machine_events", "part-00000-of-00001.csv.gz")
	r, err := OpenMachineEvents(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int
	var first, last int64
	var byType [3]int
	machines := map[int64]bool{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			first = e.TimeUS
		}
		n++
		last = e.TimeUS
		byType[e.Type]++
		machines[e.MachineID] = true
		if !saneTime(e.TimeUS) || e.Line != n || e.Platform == "" || e.CPU > 1 || e.Mem > 1 {
			t.Fatalf("implausible record %+v", e)
		}
	}
	t.Logf("machine_events: %d rows, %d machines, by type %v, time %d..%d µs", n, len(machines), byType, first, last)
	if n != 37780 {
		t.Errorf("rows = %d, want 37780", n)
	}
	if first != 0 || last != 2506135493517 {
		t.Errorf("first/last time = %d/%d, want 0/2506135493517", first, last)
	}
	if byType != [3]int{21443, 8957, 7380} {
		t.Errorf("by type = %v", byType)
	}
}

func TestRealTaskEvents(t *testing.T) {
	path := filepath.Join(traceDir(t), "task_events", "part-00000-of-00500.csv.gz")
	r, err := OpenTaskEvents(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var first, last int64 = -1, -1
	var prevEnd int64
	var emitted int64
	var byEnd [NumTaskEventTypes]int64
	st, err := Assemble(r, func(tk Task) error {
		emitted++
		if tk.EndType >= 0 {
			byEnd[tk.EndType]++
			if tk.EndUS < prevEnd {
				t.Fatalf("attempts not in end-time order: %+v after %d", tk, prevEnd)
			}
			prevEnd = tk.EndUS
		} else if tk.EndUS != -1 {
			t.Fatalf("unfinished attempt with end time: %+v", tk)
		}
		if tk.ScheduleUS >= 0 && tk.SubmitUS > tk.ScheduleUS || tk.EndUS >= 0 && (tk.ScheduleUS > tk.EndUS || tk.SubmitUS > tk.EndUS) {
			t.Fatalf("times out of order: %+v", tk)
		}
		for _, x := range []int64{tk.SubmitUS, tk.ScheduleUS, tk.EndUS} {
			if x >= 0 && (first < 0 || x < first) {
				first = x
			}
			if !saneTime(x) && x != -1 {
				t.Fatalf("implausible time in %+v", tk)
			}
		}
		last = max(last, tk.SubmitUS, tk.ScheduleUS, tk.EndUS)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("task_events shard 0: %d rows, by type %v; %d attempts: EVICT %d FAIL %d FINISH %d KILL %d LOST %d unfinished %d; orphans %d; updates %d; duplicate submits %d, schedules %d; max open %d; time %d..%d µs",
		st.Events, st.EventsByType, st.Attempts, st.ByEndType[TaskEvict], st.ByEndType[TaskFail], st.ByEndType[TaskFinish],
		st.ByEndType[TaskKill], st.ByEndType[TaskLost], st.Unfinished, st.Orphans, st.Updates, st.DuplicateSubmits,
		st.DuplicateSchedules, st.MaxOpen, first, last)
	if st.Events != 450146 {
		t.Errorf("rows = %d, want 450146", st.Events)
	}
	if first != 0 || last != 5611086346 || !saneTime(last) {
		t.Errorf("first/last time = %d/%d, want 0/5611086346", first, last)
	}
	checkBookkeeping(t, st)
	if emitted != st.Attempts || byEnd != st.ByEndType {
		t.Errorf("emitted %d %v, stats %d %v", emitted, byEnd, st.Attempts, st.ByEndType)
	}
	if st.EventsByType != [NumTaskEventTypes]int64{201491, 189994, 4338, 581, 43237, 10505, 0, 0, 0} {
		t.Errorf("events by type = %v", st.EventsByType)
	}
}
