package dc

import (
	"cmp"
	"github.com/dcsim/dcsim/models/trace/canonical"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// sharedTrace returns $DCSIM_TRACES/rel (DCSIM_TRACES defaulting to ../shared/traces beside
// the repository), skipping the test when it is absent.
func sharedTrace(t *testing.T, rel string) string {
	t.Helper()
	root := os.Getenv("DCSIM_TRACES")
	if root == "" {
		root = filepath.Join("..", "..", "..", "shared", "traces")
	}
	p := filepath.Join(root, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("trace sample not found at %s (set DCSIM_TRACES to the shared traces folder): %v", p, err)
	}
	return p
}

// replayReal replays a real trace sample end to end on the trace's own machines and checks
// what must hold whatever the policy: every job of the trace has exactly one row, in its
// terminal state, carrying the trace's job id; no job starts before its submit; no task of a
// DAG starts before all its parents ended. It returns the rows, indexed by job id - 1.
func replayReal(t *testing.T, tc TraceConfig, placement string) []results.JobRow {
	t.Helper()
	return replayRealQueue(t, tc, placement, "fcfs")
}

// replayRealQueue is replayReal under queue discipline queue.
func replayRealQueue(t *testing.T, tc TraceConfig, placement, queue string) []results.JobRow {
	t.Helper()
	if testing.Short() {
		t.Skip("replays a whole trace sample; skipped with -short")
	}
	// What the trace holds, read on its own: job ids in submit order and DAG parents.
	src, err := OpenTrace(tc)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var parents [][][]int32
	rep, err := trace.Drain(src, func(j *trace.Job) error {
		ids = append(ids, j.ID)
		ps := make([][]int32, len(j.Tasks))
		for i := range j.Tasks {
			ps[i] = j.Tasks[i].Parents
		}
		parents = append(parents, ps)
		return nil
	})
	src.Close()
	if err != nil {
		t.Fatal(err)
	}

	cfg := mmcConfig(t, 1, 1, 0, 1)
	cfg.Sources, cfg.Placement, cfg.Queue = nil, placement, queue
	cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 4 << 30} // template: memory for hosts the trace gives none
	cfg.Traces = []TraceConfig{tc}
	if cfg.Groups, _, err = groupsFromTrace(cfg, tc.Name); err != nil {
		t.Fatal(err)
	}
	sink := &rowsSink{}
	s, err := New(cfg, Options{Jobs: sink})
	if err != nil {
		t.Fatal(err)
	}
	type times struct{ firstStart, lastEnd sim.Time }
	stages := map[[2]int64]*times{}
	s.taskHook = func(job int64, stage int32, start bool, at sim.Time) {
		k := [2]int64{job, int64(stage)}
		st := stages[k]
		if st == nil {
			st = &times{firstStart: -1}
			stages[k] = st
		}
		if start && st.firstStart < 0 {
			st.firstStart = at
		}
		if !start {
			st.lastEnd = max(st.lastEnd, at)
		}
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(sink.rows)) != rep.Jobs || r.Summary.JobsSubmitted != rep.Jobs || int64(len(ids)) != rep.Jobs {
		t.Fatalf("%d rows, %d submitted, trace holds %d jobs", len(sink.rows), r.Summary.JobsSubmitted, rep.Jobs)
	}
	if n := r.Summary.JobsFinished + r.Summary.JobsRejected + r.Summary.JobsUnfinished; n != rep.Jobs {
		t.Errorf("terminal states sum to %d, want %d", n, rep.Jobs)
	}
	rows := make([]results.JobRow, len(sink.rows))
	seen := make([]bool, len(sink.rows))
	for _, row := range sink.rows {
		i := row.JobID - 1
		if i < 0 || i >= int64(len(rows)) || seen[i] {
			t.Fatalf("job id %d out of range or seen twice", row.JobID)
		}
		seen[i], rows[i] = true, row
		if row.TraceJob != ids[i] {
			t.Fatalf("job %d: trace_job %q, want %q", row.JobID, row.TraceJob, ids[i])
		}
		if row.StartUS >= 0 && row.StartUS < row.SubmitUS {
			t.Fatalf("job %d (%s) starts at %d before its submit %d", row.JobID, row.TraceJob, row.StartUS, row.SubmitUS)
		}
		if row.Status == results.StatusFinished && row.EndUS-row.StartUS < row.RuntimeUS {
			t.Fatalf("job %d (%s) ran %d µs, less than its critical path %d", row.JobID, row.TraceJob, row.EndUS-row.StartUS, row.RuntimeUS)
		}
	}
	dagChecks := 0
	for k, st := range stages {
		for _, p := range parents[k[0]-1][k[1]] {
			pt := stages[[2]int64{k[0], int64(p)}]
			if pt == nil || st.firstStart < pt.lastEnd {
				t.Fatalf("job %s: task %d started at %d before parent %d ended (%v)", ids[k[0]-1], k[1], st.firstStart, p, pt)
			}
			dagChecks++
		}
	}
	t.Logf("%d jobs: %d finished, %d rejected; mean wait %.1f s, mean bounded slowdown %.2f, CPU util %.1f%%; %d parent edges checked",
		rep.Jobs, r.Summary.JobsFinished, r.Summary.JobsRejected, r.Summary.MeanWaitS, r.Summary.MeanBoundedSlowdown,
		100*r.Summary.CPUUtilization, dagChecks)
	return rows
}

// TestRealKTH replays the whole KTH-SP2 log (28,489 jobs) on its 100 nodes under FCFS.
func TestRealKTH(t *testing.T) {
	p := sharedTrace(t, "swf/KTH-SP2-1996-2.1-cln.swf")
	rows := replayReal(t, TraceConfig{Name: "kth", Format: "swf", Path: p}, "first-fit")
	if len(rows) != 28489 || rows[0].TraceJob != "1" {
		t.Errorf("%d rows, first trace job %q", len(rows), rows[0].TraceJob)
	}
}

// TestRealGoogle2011 replays the Google 2011 task_events shard on the cell's 12,583 machines:
// every task attempt that ran is a job, and its row names the Google job id and task index.
func TestRealGoogle2011(t *testing.T) {
	p := sharedTrace(t, "google-2011")
	rows := replayReal(t, TraceConfig{Name: "g", Format: "google2011", Path: p}, "first-fit")
	if len(rows) != 189994 {
		t.Errorf("%d rows, want the 189,994 attempts that ran (201,491 − 11,497 never scheduled)", len(rows))
	}
	for _, r := range rows[:10] {
		if r.TraceJob == "" || r.TraceTask == "" {
			t.Errorf("row %+v lacks the Google job id or task index", r)
		}
	}
}

// TestRealAlibabaDAG replays the Alibaba DAG sample on its 4,034 machines, honouring the DAGs.
func TestRealAlibabaDAG(t *testing.T) {
	p := sharedTrace(t, "alibaba-2018")
	rows := replayReal(t, TraceConfig{Name: "ali", Format: "alibaba2018", Path: p}, "best-fit")
	if len(rows) != 2108 {
		t.Errorf("%d rows, want 2,108 (2,120 jobs − 12 skipped)", len(rows))
	}
}

// TestRealAzureVMAndBitbrains replays the small VM samples (no machines of their own).
func TestRealAzureVMAndBitbrains(t *testing.T) {
	for _, tc := range []TraceConfig{
		{Name: "vm", Format: "azure-vm", Path: sharedTrace(t, "azure-vm-2017/vmtable/vmtable.csv")},
		{Name: "bb", Format: "bitbrains", Path: sharedTrace(t, "bitbrains")},
	} {
		cfg := mmcConfig(t, 4, 1, 0, 1)
		cfg.Sources = nil
		cfg.Groups[0].Cap = models.Resources{CPU: 64000, Mem: 512 << 30}
		cfg.Traces = []TraceConfig{tc}
		sink := &rowsSink{}
		s, err := New(cfg, Options{Jobs: sink})
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Run()
		if err != nil {
			t.Fatal(err)
		}
		if r.Summary.JobsFinished == 0 || int64(len(sink.rows)) != r.Summary.JobsSubmitted {
			t.Errorf("%s: %d rows, summary %+v", tc.Name, len(sink.rows), r.Summary)
		}
	}
}

// TestRealCanonicalReplay converts the KTH-SP2 log to the canonical Arrow form and replays
// both: the runs must agree row for row (a trace converted once replays the same).
func TestRealCanonicalReplay(t *testing.T) {
	p := sharedTrace(t, "swf/KTH-SP2-1996-2.1-cln.swf")
	swfTC := TraceConfig{Name: "kth", Format: "swf", Path: p, Filter: trace.Filter{MaxJobs: 5000}}
	src, err := OpenTrace(TraceConfig{Name: "kth", Format: "swf", Path: p})
	if err != nil {
		t.Fatal(err)
	}
	arrowPath := filepath.Join(t.TempDir(), "kth.arrow")
	w, err := canonical.Create(arrowPath, map[string]string{"source.format": "swf"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := trace.Drain(src, w.Write); err != nil {
		t.Fatal(err)
	}
	src.Close()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	a := replayReal(t, swfTC, "first-fit")
	// The canonical file has no SWF header, hence no machines: give the same 100 nodes.
	cfgRows := func(tc TraceConfig) []results.JobRow {
		cfg := mmcConfig(t, 100, 1, 0, 1)
		cfg.Sources, cfg.Placement = nil, "first-fit"
		cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 4 << 30}
		cfg.Traces = []TraceConfig{tc}
		sink := &rowsSink{}
		s, err := New(cfg, Options{Jobs: sink})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Run(); err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(sink.rows, func(x, y results.JobRow) int { return cmp.Compare(x.JobID, y.JobID) })
		return sink.rows
	}
	b := cfgRows(TraceConfig{Name: "kth", Format: "canonical", Path: arrowPath, Filter: trace.Filter{MaxJobs: 5000}})
	c := cfgRows(swfTC)
	if len(b) != len(a) || !reflect.DeepEqual(b, c) {
		t.Fatalf("canonical replay differs from the SWF replay (%d vs %d rows)", len(b), len(c))
	}
}

// TestRealKTHBackfill replays the whole KTH-SP2 log under EASY and conservative backfilling
// (planning with the logged requested times, running for the true run times): every job
// ends, and both cut the mean wait far below FCFS's.
func TestRealKTHBackfill(t *testing.T) {
	p := sharedTrace(t, "swf/KTH-SP2-1996-2.1-cln.swf")
	mean := func(rows []results.JobRow) float64 {
		var s float64
		for _, r := range rows {
			s += float64(r.StartUS - r.SubmitUS)
		}
		return s / float64(len(rows)) / 1e6
	}
	fcfs := mean(replayReal(t, TraceConfig{Name: "kth", Format: "swf", Path: p}, "first-fit"))
	for _, q := range []string{"easy", "conservative"} {
		tc := TraceConfig{Name: "kth", Format: "swf", Path: p}
		rows := replayRealQueue(t, tc, "first-fit", q)
		if w := mean(rows); !(w < fcfs/10) {
			t.Errorf("%s: mean wait %.0f s, FCFS %.0f s", q, w, fcfs)
		}
	}
}
