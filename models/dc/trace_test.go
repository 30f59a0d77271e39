package dc

import (
	"os"
	"path/filepath"
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
