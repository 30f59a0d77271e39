package dc

import (
	"fmt"
	"github.com/dcsim/dcsim/models/workload"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// swfJob is one line of a test log: submit, processors, run time, requested time (seconds).
type swfJob struct{ submit, procs, run, req int }

// runSWF replays jobs on hosts one-core hosts under queue and returns the rows by job number
// and the first reservation backfilling gave each job (if any).
func runSWF(t *testing.T, hosts int, queue string, jobs []swfJob) (map[string]results.JobRow, map[int64]sim.Time) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "; MaxProcs: %d\n", hosts)
	for i, j := range jobs {
		fmt.Fprintf(&b, "%d %d 0 %d %d -1 -1 %d %d -1 1 1 1 -1 1 -1 -1 -1\n", i+1, j.submit, j.run, j.procs, j.procs, j.req)
	}
	path := filepath.Join(t.TempDir(), "t.swf")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mmcConfig(t, hosts, 1, 0, 1)
	cfg.Sources, cfg.Queue, cfg.Placement = nil, queue, "first-fit"
	cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
	cfg.Traces = []TraceConfig{{Name: "t", Format: "swf", Path: path, Units: trace.Units{CPUMilliPerUnit: 1000}}}
	sink := &rowsSink{}
	s, err := New(cfg, Options{Jobs: sink})
	if err != nil {
		t.Fatal(err)
	}
	first := map[int64]sim.Time{}
	s.bfHook = func(job int64, r sim.Time) {
		if _, ok := first[job]; !ok {
			first[job] = r
		}
	}
	if _, err := s.Run(); err != nil {
		t.Fatal(err)
	}
	rows := map[string]results.JobRow{}
	for _, r := range sink.rows {
		rows[r.TraceJob] = r
	}
	return rows, first
}

// TestEASYHandWorked on 4 one-core hosts (times in s from the first submit):
//
//	job 1: submit 0, 3 procs, runs 10 (requested 10) → starts 0, ends 10
//	job 2: submit 1, 4 procs, runs 5 (req 5)         → blocked; shadow time 10 (job 1's end), extra 0
//	job 3: submit 2, 1 proc, runs 5 (req 8)          → 2 + 8 = 10 ≤ 10: backfilled at 2, ends 7
//	job 4: submit 3, 1 proc, runs 2 (req 20)         → 3 + 20 > 10 and extra 0: waits; starts after job 2
//	job 2 starts at 10, ends 15; job 4 starts at 15, ends 17.
//
// Under FCFS job 3 would wait for job 2 (start 15); under conservative backfilling job 4 gets
// a reservation at 15 (after job 2), so the same as EASY here.
func TestEASYHandWorked(t *testing.T) {
	jobs := []swfJob{{0, 3, 10, 10}, {1, 4, 5, 5}, {2, 1, 5, 8}, {3, 1, 2, 20}}
	want := map[string][2]int64{"1": {0, 10}, "2": {10, 15}, "3": {2, 7}, "4": {15, 17}}
	for _, q := range []string{"easy", "conservative"} {
		rows, _ := runSWF(t, 4, q, jobs)
		for id, w := range want {
			r := rows[id]
			if r.StartUS != w[0]*int64(sim.Second) || r.EndUS != w[1]*int64(sim.Second) {
				t.Errorf("%s: job %s ran %v..%v, want %d..%d s", q, id, sim.Time(r.StartUS), sim.Time(r.EndUS), w[0], w[1])
			}
		}
	}
	rows, _ := runSWF(t, 4, "fcfs", jobs)
	if r := rows["3"]; r.StartUS != 15*int64(sim.Second) {
		t.Errorf("fcfs: job 3 starts at %v, want 15 s", sim.Time(r.StartUS))
	}
}

// TestConservativeHandWorked: where EASY and conservative differ. 4 one-core hosts:
//
//	job 1: submit 0, 2 procs, runs 10 (req 10)   → starts 0
//	job 2: submit 1, 4 procs, runs 10 (req 10)   → reservation at 10
//	job 3: submit 2, 2 procs, runs 20 (req 20)   → EASY: 2 + 20 > 10, but 2 procs ≤ extra? At 10
//	       all 4 are needed by job 2: extra 0 → waits. Conservative: reserved at 20 (after job 2).
//	job 4: submit 3, 2 procs, runs 5 (req 5)     → 3 + 5 = 8 ≤ 10: both backfill it at 3, ends 8.
//	job 3 then: EASY starts it when job 2 ends at 20 (it is the head then); conservative at 20.
func TestConservativeHandWorked(t *testing.T) {
	jobs := []swfJob{{0, 2, 10, 10}, {1, 4, 10, 10}, {2, 2, 20, 20}, {3, 2, 5, 5}}
	want := map[string][2]int64{"1": {0, 10}, "2": {10, 20}, "3": {20, 40}, "4": {3, 8}}
	for _, q := range []string{"easy", "conservative"} {
		rows, first := runSWF(t, 4, q, jobs)
		for id, w := range want {
			r := rows[id]
			if r.StartUS != w[0]*int64(sim.Second) || r.EndUS != w[1]*int64(sim.Second) {
				t.Errorf("%s: job %s ran %v..%v, want %d..%d s", q, id, sim.Time(r.StartUS), sim.Time(r.EndUS), w[0], w[1])
			}
		}
		if q == "conservative" && first[3] != 20*sim.Second {
			t.Errorf("conservative: job 3's first reservation %v, want 20 s", first[3])
		}
	}
}

// TestBackfillNeverDelaysReservations: over random rigid workloads with estimates at least the
// true run times, EASY never starts a job later than the reservation it first got as the queue's
// head, and conservative backfilling never starts any job later than its first reservation.
func TestBackfillNeverDelaysReservations(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		rng := rand.New(rand.NewPCG(seed, 9))
		var jobs []swfJob
		at := 0
		for range 300 {
			at += rng.IntN(40)
			run := 1 + rng.IntN(200)
			jobs = append(jobs, swfJob{at, 1 + rng.IntN(16), run, run + rng.IntN(3*run+1)})
		}
		for _, q := range []string{"easy", "conservative"} {
			rows, first := runSWF(t, 16, q, jobs)
			if len(rows) != len(jobs) {
				t.Fatalf("seed %d %s: %d rows", seed, q, len(rows))
			}
			checked := 0
			for _, r := range rows {
				res, ok := first[r.JobID]
				if !ok {
					continue // never had to wait
				}
				checked++
				if sim.Time(r.StartUS) > res {
					t.Fatalf("seed %d %s: job %s started at %v, after its reservation %v", seed, q, r.TraceJob, sim.Time(r.StartUS), res)
				}
			}
			if checked == 0 {
				t.Fatalf("seed %d %s: no reservations checked", seed, q)
			}
		}
	}
}

// TestPreemption, worked by hand: 2 one-core hosts run two priority-0 jobs (100 s each) from ~0,
// job 1 on host 0 and job 2 on host 1; a priority-5 job arrives at 10 s. Either host frees the
// same CPU, so the lowest index, host 0, is chosen: job 1 is evicted and the high job runs
// 10..40 s there. With requeue job 1 restarts at 40 and ends at 140; with kill it ends preempted
// at 10 s.
func TestPreemption(t *testing.T) {
	for _, mode := range []string{PreemptRequeue, PreemptKill} {
		cfg := mmcConfig(t, 2, 1, 0, 1)
		cfg.Queue, cfg.Placement, cfg.Preemption = "priority", "first-fit", mode
		cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
		low := oneShot(2, 100)[0]
		low.Name = "low"
		high := oneShot(1, 30)[0]
		high.Name, high.Start = "high", 10*sim.Second
		high.Arrivals.Process, high.Arrivals.Rate = "poisson", 1e9
		high.Priority = workload.DistSpec{Dist: "constant", Value: 5}
		cfg.Sources = []Source{low, high}
		sink := &rowsSink{}
		s, err := New(cfg, Options{Jobs: sink})
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Run()
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]results.JobRow{}
		for _, row := range sink.rows {
			byID[row.JobID] = row
		}
		j1, j2, j3 := byID[1], byID[2], byID[3]
		if j3.Priority != 5 || j3.HostID != 0 || j3.EndUS-j3.StartUS != int64(30*sim.Second) || r.Summary.Preemptions != 1 {
			t.Fatalf("%s: high job %+v, %d preemptions", mode, j3, r.Summary.Preemptions)
		}
		if j2.Status != results.StatusFinished || j2.EndUS-j2.StartUS != int64(100*sim.Second) {
			t.Errorf("%s: job 2 %+v", mode, j2)
		}
		switch mode {
		case PreemptRequeue:
			if j1.Status != results.StatusFinished || !j1.SLOViolated || sim.Time(j1.EndUS) != 140*sim.Second {
				t.Errorf("requeue: job 1 %+v", j1)
			}
		case PreemptKill:
			if j1.Status != results.StatusPreempted || r.Summary.JobsPreempted != 1 || j1.EndUS != -1 {
				t.Errorf("kill: job 1 %+v, %d preempted", j1, r.Summary.JobsPreempted)
			}
		}
	}
}

// TestDRF, worked by hand: 2 one-core hosts; tenant a submits 4 jobs of 10 s at ~0, tenant b 2
// jobs of 10 s at 1 s. FCFS runs a's four first (b's jobs start at 20 s). DRF: at 10 s a's
// first job ends (a holds 1 of 2 cores, b none), so b's first job starts; then a's second ends
// (a 0, b 0.5): a's third starts. At 20 s likewise b's second and a's fourth: b's jobs start at
// 10 s and 20 s.
func TestDRF(t *testing.T) {
	starts := func(queue string) map[string][]int64 {
		cfg := mmcConfig(t, 2, 1, 0, 1)
		cfg.Queue, cfg.Placement = queue, "first-fit"
		cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
		a := oneShot(4, 10)[0]
		a.Name, a.Tenants = "a", []string{"a"}
		b := oneShot(2, 10)[0]
		b.Name, b.Tenants, b.Start = "b", []string{"b"}, sim.Second
		cfg.Sources = []Source{a, b}
		sink := &rowsSink{}
		s, err := New(cfg, Options{Jobs: sink})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Run(); err != nil {
			t.Fatal(err)
		}
		out := map[string][]int64{}
		for _, r := range sink.rows {
			out[r.Tenant] = append(out[r.Tenant], r.StartUS/int64(sim.Second))
		}
		for _, v := range out {
			slices.Sort(v)
		}
		return out
	}
	if got := starts("fcfs"); !slices.Equal(got["b"], []int64{20, 20}) {
		t.Errorf("fcfs: b starts %v, want [20 20]", got["b"])
	}
	got := starts("drf")
	if !slices.Equal(got["b"], []int64{10, 20}) || !slices.Equal(got["a"], []int64{0, 0, 10, 20}) {
		t.Errorf("drf: a starts %v, b starts %v; want [0 0 10 20], [10 20]", got["a"], got["b"])
	}
}

// TestOvercommit: one 1-core host with cpu_overcommit 2 takes two 1-core jobs of 10 s at once;
// the second starts on a host allocated twice its CPU, so it runs 2 × 10 s (the first, started
// alone, keeps its 10 s). Without over-commit the second waits for the first.
func TestOvercommit(t *testing.T) {
	for _, ratio := range []float64{1, 2} {
		cfg := mmcConfig(t, 1, 1, 0, 1)
		cfg.Sources = oneShot(2, 10)
		cfg.CPUOvercommit = ratio
		cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
		sink := &rowsSink{}
		s, err := New(cfg, Options{Jobs: sink})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Run(); err != nil {
			t.Fatal(err)
		}
		j := map[int64]results.JobRow{}
		for _, r := range sink.rows {
			j[r.JobID] = r
		}
		S := int64(sim.Second)
		switch ratio {
		case 1:
			if j[2].StartUS-j[1].StartUS != 10*S {
				t.Errorf("no over-commit: job 2 %+v", j[2])
			}
		case 2:
			if j[2].StartUS-j[1].StartUS > 1 || j[2].EndUS-j[2].StartUS != 20*S || j[1].EndUS-j[1].StartUS != 10*S {
				t.Errorf("over-commit 2: jobs %+v %+v", j[1], j[2])
			}
		}
	}
}

// TestSJF, worked by hand on one host: job 1 (30 s) starts at 0; job 2 (20 s, submitted at 1)
// and job 3 (10 s, at 2) wait. FCFS runs 2 then 3 (30..50, 50..60); SJF runs the shorter
// estimate first: 3 at 30..40, then 2 at 40..60.
func TestSJF(t *testing.T) {
	jobs := []swfJob{{0, 1, 30, 30}, {1, 1, 20, 20}, {2, 1, 10, 10}}
	for q, want := range map[string]map[string]int64{"fcfs": {"2": 30, "3": 50}, "sjf": {"2": 40, "3": 30}} {
		rows, _ := runSWF(t, 1, q, jobs)
		for id, start := range want {
			if got := rows[id].StartUS; got != start*int64(sim.Second) {
				t.Errorf("%s: job %s starts at %v, want %d s", q, id, sim.Time(got), start)
			}
		}
	}
}
