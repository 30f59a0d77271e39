package dc

import (
	"reflect"
	"testing"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/failure"
	"github.com/dcsim/dcsim/models/workload"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// oneShot is a source of n jobs of one 1-core task of rt seconds, all submitted at time 0.
func oneShot(n int64, rt float64) []Source {
	return []Source{{Name: "s", Jobs: n, Arrivals: workload.ArrivalSpec{Process: "poisson", Rate: 1e9},
		CPUCores: workload.DistSpec{Dist: "constant", Value: 1}, RuntimeS: workload.DistSpec{Dist: "constant", Value: rt}}}
}

// TestFailureKillsAndResubmits, worked by hand: two 1-core hosts; jobs 1 and 2 (one 20 s task
// each) start at ~0 on hosts 0 and 1. Host 0 fails at 5 s and is repaired at 15 s: job 1's task
// is killed (5 core-s lost) and resubmitted; host 1 is busy until 20 s and host 0 is back at
// 15 s, so it restarts on host 0 at 15 s and ends at 35 s.
func TestFailureKillsAndResubmits(t *testing.T) {
	cfg := mmcConfig(t, 2, 1, 0, 1)
	cfg.Sources = oneShot(2, 20)
	cfg.Placement = "first-fit"
	cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
	cfg.FailureTrace = []failure.TraceRecord{{Time: 5 * sim.Second, Host: 0, Removed: true}, {Time: 15 * sim.Second, Host: 0}}
	cfg.MaxRetries = 3
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
	j1, j2 := byID[1], byID[2]
	if j1.Status != results.StatusFinished || j1.EndUS != int64(35*sim.Second) || j1.Retries != 1 || j1.HostID != 0 {
		t.Errorf("job 1: %+v (want finished at 35 s on host 0, 1 retry)", j1)
	}
	if j2.EndUS-j2.StartUS != int64(20*sim.Second) || j2.Retries != 0 || j2.HostID != 1 {
		t.Errorf("job 2: %+v", j2)
	}
	sum := r.Summary
	if sum.HostFailures != 1 || sum.TaskRetries != 1 || sum.JobsFailed != 0 || !near(sum.LostCoreHours, 5.0/3600, 1e-6) {
		t.Errorf("summary %+v", sum)
	}
	// Host 0 was down 10 s of the run's 2 hosts × 35 s.
	if want := 10.0 / (2 * sum.SimTimeS); !near(sum.Unavailability, want, 1e-9) || sum.SimTimeS != 35 {
		t.Errorf("unavailability %v over %v s, want %v", sum.Unavailability, sum.SimTimeS, want)
	}
}

// TestFailureRetryLimit: with max_retries 0 the first kill fails the job.
func TestFailureRetryLimit(t *testing.T) {
	cfg := mmcConfig(t, 1, 1, 0, 1)
	cfg.Sources = oneShot(1, 20)
	cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
	cfg.FailureTrace = []failure.TraceRecord{{Time: 5 * sim.Second, Host: 0, Removed: true}, {Time: 6 * sim.Second, Host: 0}}
	sink := &rowsSink{}
	s, err := New(cfg, Options{Jobs: sink})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.rows) != 1 || sink.rows[0].Status != results.StatusFailed || r.Summary.JobsFailed != 1 || r.Summary.SLOViolations != 1 {
		t.Errorf("rows %+v summary %+v", sink.rows, r.Summary)
	}
}

// TestFailuresConserveJobs runs a busy cluster with host and rack failures and multi-task jobs:
// every job ends in exactly one terminal state, retries respect the limit, and every host is
// empty at the end.
func TestFailuresConserveJobs(t *testing.T) {
	for _, retries := range []int{0, 2} {
		cfg := mmcConfig(t, 40, 40, 20000, 3)
		cfg.HostsPerRack = 10
		cfg.MaxRetries = retries
		cfg.Groups[0].Cap = models.Resources{CPU: 8000, Mem: 32 << 30}
		cfg.Groups[0].Failures = &FailureDists{TBF: failure.Dist{Kind: "weibull", Shape: 0.7, MeanS: 400}, TTR: failure.Dist{Kind: "lognormal", MedianS: 30, Sigma: 1}}
		cfg.RackFailures = &FailureDists{TBF: failure.Dist{Kind: "exponential", MeanS: 2000}, TTR: failure.Dist{Kind: "constant", MeanS: 60}}
		cfg.Sources[0].TasksPerJob = workload.DistSpec{Dist: "uniform", Min: ptr(1.0), Max: ptr(5.0)}
		cfg.Sources[0].CPUCores = workload.DistSpec{Dist: "uniform", Min: ptr(0.5), Max: ptr(4)}
		sink := &rowsSink{}
		s, err := New(cfg, Options{Jobs: sink})
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Run()
		if err != nil {
			t.Fatal(err)
		}
		sum := r.Summary
		if n := sum.JobsFinished + sum.JobsRejected + sum.JobsUnfinished + sum.JobsFailed; n != sum.JobsSubmitted || int64(len(sink.rows)) != n {
			t.Fatalf("retries %d: %d rows, terminal states %d, submitted %d", retries, len(sink.rows), n, sum.JobsSubmitted)
		}
		if sum.HostFailures == 0 || sum.TaskRetries == 0 || sum.Unavailability <= 0 || sum.LostCoreHours <= 0 || (retries == 0) != (sum.JobsFailed > 0) && retries == 0 {
			t.Fatalf("retries %d: failures did not happen as expected: %+v", retries, sum)
		}
		seen := map[int64]bool{}
		for _, row := range sink.rows {
			if seen[row.JobID] {
				t.Fatalf("job %d twice", row.JobID)
			}
			seen[row.JobID] = true
			if row.Retries > int32(retries)+1 || row.Status == results.StatusFailed && row.Retries != int32(retries)+1 {
				t.Fatalf("job %d: %s with %d retries, limit %d", row.JobID, row.Status, row.Retries, retries)
			}
		}
		for _, c := range s.cells {
			for h := range c.hosts {
				if hs := &c.hosts[h]; hs.Free != hs.Cap || c.hostRun[h] >= 0 {
					t.Fatalf("host %d not empty at the end: free %+v of %+v", h, hs.Free, hs.Cap)
				}
			}
		}
		t.Logf("retries %d: %d failed jobs, %d host failures, %d task retries, %.1f core-h lost, unavailability %.4f",
			retries, sum.JobsFailed, sum.HostFailures, sum.TaskRetries, sum.LostCoreHours, sum.Unavailability)
	}
}

func near(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }

func TestShiftFailureTrace(t *testing.T) {
	S := sim.Second
	recs := []failure.TraceRecord{
		{Time: 1 * S, Host: 3, Removed: true}, // down before the origin, never back: down at 0
		{Time: 2 * S, Host: 1, Removed: true}, // down and back before the origin: nothing
		{Time: 4 * S, Host: 1},
		{Time: 12 * S, Host: 1, Removed: true}, // after the origin (10 s): shifted
		{Time: 15 * S, Host: 3},
	}
	got := shiftFailureTrace(recs, int64(10*S))
	want := []failure.TraceRecord{{Time: 0, Host: 3, Removed: true}, {Time: 2 * S, Host: 1, Removed: true}, {Time: 5 * S, Host: 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// TestRealGoogleFailures replays the Google shard with its machine removals as failures.
func TestRealGoogleFailures(t *testing.T) {
	p := sharedTrace(t, "google-2011")
	if testing.Short() {
		t.Skip("replays a whole trace sample; skipped with -short")
	}
	cfg := mmcConfig(t, 1, 1, 0, 1)
	cfg.Sources, cfg.Placement = nil, "first-fit"
	cfg.Traces = []TraceConfig{{Name: "g", Format: "google2011", Path: p}}
	var hostOf map[string]int32
	var err error
	if cfg.Groups, hostOf, err = groupsFromTrace(cfg, "g"); err != nil {
		t.Fatal(err)
	}
	if cfg.FailureTrace, err = machineRemovals(p, hostOf); err != nil {
		t.Fatal(err)
	}
	cfg.FailureTraceOf, cfg.MaxRetries = "g", 3
	s, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	sum := r.Summary
	if sum.HostFailures == 0 || sum.TaskRetries == 0 || sum.JobsFinished+sum.JobsFailed+sum.JobsUnfinished+sum.JobsRejected != sum.JobsSubmitted {
		t.Errorf("summary %+v", sum)
	}
	t.Logf("%d removals in the machine_events, %d host failures in the replay, %d task retries, %.1f core-h lost",
		len(cfg.FailureTrace), sum.HostFailures, sum.TaskRetries, sum.LostCoreHours)
}
