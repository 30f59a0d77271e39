package dc

import (
	"github.com/dcsim/dcsim/models/workload"
	"github.com/dcsim/dcsim/results"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/sim"
)

// TestSWFGangFCFS replays a hand-made SWF log on 4 one-core hosts under strict FCFS.
// Worked by hand:
//
//	job 1: submit 0, 3 procs, 10 s → starts at 0 (3 of 4 cores), ends at 10
//	job 2: submit 1, 2 procs,  5 s → only 1 core free until 10 → starts at 10, ends at 15
//	job 3: submit 2, 1 proc,   3 s → a core is free, but FCFS keeps it behind job 2 → starts 10, ends 13
//	job 4: submit 3, 5 procs,  1 s → larger than the whole cluster → rejected at once
//	job 5: submit 4, 4 procs,  2 s → needs every core: starts when job 2 ends at 15, ends at 17
func TestSWFGangFCFS(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.swf")
	log := "; MaxProcs: 4\n" +
		"1 100 0 10 3 -1 -1 3 10 -1 1 7 1 -1 1 -1 -1 -1\n" +
		"2 101 0 5 2 -1 -1 2 5 -1 1 8 1 -1 1 -1 -1 -1\n" +
		"3 102 0 3 1 -1 -1 1 3 -1 1 7 1 -1 1 -1 -1 -1\n" +
		"4 103 0 1 5 -1 -1 5 1 -1 1 7 1 -1 1 -1 -1 -1\n" +
		"5 104 0 2 4 -1 -1 4 2 -1 1 7 1 -1 1 -1 -1 -1\n"
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mmcConfig(t, 4, 1, 0, 1)
	cfg.Sources = nil
	cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
	cfg.Traces = []TraceConfig{{Name: "t", Format: "swf", Path: path, Units: trace.Units{CPUMilliPerUnit: 1000}}}
	sink := &rowsSink{}
	s, err := New(cfg, Options{Jobs: sink})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	type want struct{ start, end sim.Time }
	wants := map[int64]want{1: {0, 10}, 2: {10, 15}, 3: {10, 13}, 4: {-1, -1}, 5: {15, 17}}
	if len(sink.rows) != 5 || r.Summary.JobsRejected != 1 || r.Summary.JobsFinished != 4 {
		t.Fatalf("%d rows, summary %+v", len(sink.rows), r.Summary)
	}
	for _, j := range sink.rows {
		w := wants[j.JobID]
		start, end := sim.Time(j.StartUS), sim.Time(j.EndUS) // relative to the first job's submit time
		if w.start >= 0 && (start != w.start*sim.Second || end != w.end*sim.Second) || w.start < 0 && j.Status != "rejected" {
			t.Errorf("job %d: start %v end %v status %s, want %v..%v", j.JobID, start, end, j.Status, w.start, w.end)
		}
		if j.Source != "t" || j.Tenant == "" {
			t.Errorf("job %d: source %q tenant %q", j.JobID, j.Source, j.Tenant)
		}
	}
}

// TestDAGReplay replays a hand-made Alibaba batch_task file on two 1-core hosts under FCFS.
// Job j_1 is M1 (2 instances, 10 s) → R2_1 (1 instance, 5 s) and M3 (1 instance, 4 s)
// independent; job j_2 (submitted at its first start, 2 s later) is one task of 1 instance, 1 s.
// Worked by hand (times from j_1's submit):
//
//	t=0   j_1 arrives: M1's two instances and M3 are queued (in task order: M1, M1, M3);
//	      both hosts take M1 (ends at 10); M3 waits at the front
//	t=2   j_2 arrives, queued behind M3
//	t=10  M1 finishes on both hosts: R2_1 becomes ready and is queued behind M3 and j_2;
//	      M3 starts (ends 14), j_2 starts (ends 11)
//	t=11  R2_1 starts (ends 16); t=16 j_1 finishes
func TestDAGReplay(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "batch_task.csv")
	csv := "M1,2,j_1,1,Terminated,100,110,100,1\n" +
		"R2_1,1,j_1,1,Terminated,110,115,100,1\n" +
		"M3,1,j_1,1,Terminated,100,104,100,1\n" +
		"task_x,1,j_2,1,Terminated,102,103,100,1\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mmcConfig(t, 2, 1, 0, 1)
	cfg.Sources = nil
	cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
	cfg.Traces = []TraceConfig{{Name: "ali", Format: "alibaba2018", Path: path, Units: trace.Units{MemBytesPerUnit: 100 << 20}}}
	sink := &rowsSink{}
	s, err := New(cfg, Options{Jobs: sink})
	if err != nil {
		t.Fatal(err)
	}
	type span struct{ start, end sim.Time }
	got := map[[2]int64][]span{}
	s.taskHook = func(job int64, stage int32, start bool, at sim.Time) {
		k := [2]int64{job, int64(stage)}
		if start {
			got[k] = append(got[k], span{at, -1})
			return
		}
		for i := range got[k] {
			if got[k][i].end < 0 {
				got[k][i].end = at
				return
			}
		}
		t.Errorf("job %d stage %d ended without starting", job, stage)
	}
	if _, err := s.Run(); err != nil {
		t.Fatal(err)
	}
	S := sim.Second
	want := map[[2]int64][]span{
		{1, 0}: {{0, 10 * S}, {0, 10 * S}}, // M1 × 2
		{1, 1}: {{11 * S, 16 * S}},         // R2_1
		{1, 2}: {{10 * S, 14 * S}},         // M3
		{2, 0}: {{10 * S, 11 * S}},         // task_x
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("task spans\n got %v\nwant %v", got, want)
	}
	rows := map[string]results.JobRow{}
	for _, r := range sink.rows {
		rows[r.TraceJob] = r
	}
	if r := rows["j_1"]; r.Tasks != 4 || r.StartUS != 0 || r.EndUS != int64(16*S) || r.RuntimeUS != int64(15*S) || r.Status != results.StatusFinished {
		t.Errorf("j_1 row %+v (want 4 tasks, 0..16 s, critical path 15 s)", r)
	}
	if r := rows["j_2"]; r.SubmitUS != int64(2*S) || r.StartUS != int64(10*S) || r.TraceTask != "task_x" {
		t.Errorf("j_2 row %+v", r)
	}
}

// TestTrackingChangesNothing runs the same workloads with and without running-task tracking (the
// bookkeeping that host failures need): the rows must be identical.
func TestTrackingChangesNothing(t *testing.T) {
	run := func(track bool, placement string) []results.JobRow {
		cfg := mmcConfig(t, 20, 30, 3000, 5)
		cfg.Placement = placement
		cfg.Groups[0].Cap = models.Resources{CPU: 8000, Mem: 32 << 30}
		cfg.Sources[0].TasksPerJob = workload.DistSpec{Dist: "uniform", Min: ptr(1.0), Max: ptr(6.0)}
		cfg.Sources[0].CPUCores = workload.DistSpec{Dist: "uniform", Min: ptr(0.1), Max: ptr(4)}
		sink := &rowsSink{}
		s, err := New(cfg, Options{Jobs: sink})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range s.cells {
			c.track = track
		}
		if _, err := s.Run(); err != nil {
			t.Fatal(err)
		}
		return sink.rows
	}
	for _, p := range []string{"first-fit", "best-fit"} {
		if a, b := run(false, p), run(true, p); !reflect.DeepEqual(a, b) || len(a) != 3000 {
			t.Errorf("%s: tracking changed the rows (%d vs %d)", p, len(a), len(b))
		}
	}
}
