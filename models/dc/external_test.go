package dc

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/failure"
	"github.com/dcsim/dcsim/models/policy/external"
	"github.com/dcsim/dcsim/models/policy/external/externaltest"
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/models/workload"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
	"github.com/dcsim/dcsim/sim"
)

func python3(t testing.TB) string { t.Helper(); return externaltest.Python3(t) }

func absPath(t testing.TB, rel string) string {
	p, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sjfPy and misbehavePy are the example policy and the test policy.
func sjfPy(t testing.TB) []string {
	return []string{python3(t), absPath(t, "../../examples/policies/sjf.py")}
}

func misbehavePy(t testing.TB, mode string) []string {
	return []string{python3(t), absPath(t, "../policy/external/testdata/misbehave.py"), mode}
}

// extRun runs cfg and returns its job rows and summary.
func extRun(t *testing.T, cfg Config, opt Options) ([]results.JobRow, results.Summary, error) {
	t.Helper()
	sink := &rowsSink{}
	opt.Jobs = sink
	s, err := New(cfg, opt)
	if err != nil {
		return nil, results.Summary{}, err
	}
	r, err := s.Run()
	if err != nil {
		return nil, results.Summary{}, err
	}
	return sink.rows, r.Summary, nil
}

// mixedConfig is two host groups (one with GPUs) under a mixed synthetic load near saturation.
func mixedConfig(t testing.TB) Config {
	curve, err := power.NewCurve(power.Spec{Model: "linear", Idle: 100, Max: 300})
	if err != nil {
		t.Fatal(err)
	}
	g := Group{Name: "general", Count: 12, Cap: models.Resources{CPU: 16000, Mem: 64 << 30}, Curve: curve,
		CapexUSD: 10000, LifetimeUS: int64(4 * 365 * sim.Day)}
	gpu := g
	gpu.Name, gpu.Count, gpu.Cap = "gpu", 4, models.Resources{CPU: 32000, Mem: 256 << 30, GPU: 4}
	return Config{
		Scenario: "ext-test", Seed: 5, HostsPerRack: 4, Queue: "fcfs", Placement: "best-fit",
		MaxWait: sim.Hour, PUE: 1.4, USDPerKWh: 0.1, CarbonGPerKWh: 400, HostInterval: 5 * sim.Minute,
		Groups: []Group{g, gpu},
		Sources: []Source{
			{Name: "batch", Jobs: 800, Arrivals: workload.ArrivalSpec{Process: "poisson", Rate: 0.12},
				TasksPerJob: workload.DistSpec{Dist: "empirical", Values: []float64{1, 2, 4}, Weights: []float64{6, 3, 1}},
				CPUCores:    workload.DistSpec{Dist: "empirical", Values: []float64{1, 2, 4, 8}},
				MemoryGiB:   workload.DistSpec{Dist: "lognormal", Mean: 8, CV: 1, Min: ptr(0.5), Max: ptr(64)},
				RuntimeS:    workload.DistSpec{Dist: "lognormal", Mean: 400, CV: 1.5, Min: ptr(1)},
				Tenants:     []string{"team-a", `we"ird\tenant`}},
			{Name: "gpu", Jobs: 100, Arrivals: workload.ArrivalSpec{Process: "poisson", Rate: 0.015},
				CPUCores:  workload.DistSpec{Dist: "constant", Value: 8},
				MemoryGiB: workload.DistSpec{Dist: "constant", Value: 64},
				GPUs:      workload.DistSpec{Dist: "empirical", Values: []float64{1, 2, 4}},
				RuntimeS:  workload.DistSpec{Dist: "exponential", Mean: 2000}},
		},
	}
}

// gangConfig replays a random SWF log of rigid jobs (gangs; estimates above run times) on 16
// one-core hosts.
func gangConfig(t testing.TB) Config {
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	fmt.Fprintf(&b, "; MaxProcs: 16\n")
	submit := 0
	for i := 1; i <= 300; i++ {
		submit += rng.IntN(60)
		procs, run := 1+rng.IntN(12), 10+rng.IntN(900)
		if i == 1 {
			procs = 4
		}
		fmt.Fprintf(&b, "%d %d 0 %d %d -1 -1 %d %d -1 1 1 1 -1 1 -1 -1 -1\n", i, submit, run, procs, procs, run*(1+rng.IntN(3)))
	}
	path := filepath.Join(t.TempDir(), "gangs.swf")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mixedConfig(t)
	cfg.Sources = nil
	cfg.Groups = cfg.Groups[:1]
	cfg.Groups[0].Count, cfg.Groups[0].Cap = 16, models.Resources{CPU: 1000, Mem: 1 << 30}
	cfg.Traces = []TraceConfig{{Name: "t", Format: "swf", Path: path, Units: trace.Units{CPUMilliPerUnit: 1000}}}
	return cfg
}

// TestExternalSJFMatchesBuiltin: the example policy examples/policies/sjf.py, run as a process,
// gives exactly the job rows and summary of the built-in sjf queue with first-fit placement —
// with tasks of several sizes and GPUs, with host failures (tasks killed and resubmitted, jobs
// failing while their tasks wait), with hosts powered off and on, with rigid (gang) jobs, with
// CPU over-commit, and with tasks that read and write a storage pool.
func TestExternalSJFMatchesBuiltin(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func(testing.TB) Config
	}{
		{"mixed", mixedConfig},
		{"failures", func(t testing.TB) Config {
			cfg := mixedConfig(t)
			cfg.MaxRetries = 1
			cfg.Groups[0].Failures = &FailureDists{TBF: failure.Dist{Kind: "exponential", MeanS: 20000}, TTR: failure.Dist{Kind: "constant", MeanS: 600}}
			cfg.RackFailures = &FailureDists{TBF: failure.Dist{Kind: "exponential", MeanS: 40000}, TTR: failure.Dist{Kind: "constant", MeanS: 300}}
			return cfg
		}},
		{"power-off-idle", func(t testing.TB) Config {
			cfg := mixedConfig(t)
			cfg.Horizon = 30 * sim.Hour // provisioning decisions go on until the horizon
			cfg.Groups[1].BootUS = int64(2 * sim.Minute)
			cfg.Provision = &ProvisionConfig{Policy: ProvisionPowerOffIdle, Interval: sim.Minute, MinHosts: 1, IdleTimeout: 2 * sim.Minute}
			return cfg
		}},
		{"gangs", gangConfig},
		{"overcommit", func(t testing.TB) Config {
			cfg := mixedConfig(t)
			cfg.CPUOvercommit = 1.5
			return cfg
		}},
		{"storage", func(t testing.TB) Config {
			cfg := mixedConfig(t)
			cfg.Pools = []PoolConfig{{Name: "p", CapacityBytes: 1 << 40, BandwidthBps: 1 << 28, Overhead: 2, Attach: -1}}
			cfg.Sources[0].InputGiB = workload.DistSpec{Dist: "exponential", Mean: 2}
			cfg.Sources[0].OutputGiB = workload.DistSpec{Dist: "constant", Value: 0.5}
			return cfg
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			builtin := tc.cfg(t)
			builtin.Queue, builtin.Placement = "sjf", "first-fit"
			want, wantSum, err := extRun(t, builtin, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ext := tc.cfg(t)
			ext.External = &ExternalConfig{Command: sjfPy(t), Timeout: 10 * time.Second}
			started := time.Now()
			got, gotSum, err := extRun(t, ext, Options{AllowExec: true})
			if err != nil {
				t.Fatal(err)
			}
			wall := time.Since(started)
			if !reflect.DeepEqual(got, want) {
				n := 0
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] && n < 5 {
						t.Errorf("row %d:\n external %+v\n built-in %+v", i, got[i], want[i])
						n++
					}
				}
				t.Fatalf("%d rows external, %d built-in; they differ", len(got), len(want))
			}
			if gotSum != wantSum {
				t.Fatalf("summaries differ:\n external %+v\n built-in %+v", gotSum, wantSum)
			}
			if len(got) == 0 || wantSum.JobsFinished == 0 || wantSum.MeanWaitS == 0 {
				t.Fatalf("a test that tests nothing: %+v", wantSum)
			}
			if tc.name == "failures" && (wantSum.TaskRetries == 0 || wantSum.JobsFailed == 0) {
				t.Errorf("no retries or failed jobs: %+v", wantSum)
			}
			if tc.name == "power-off-idle" && wantSum.PowerOns == 0 {
				t.Errorf("no power-ons: %+v", wantSum)
			}
			t.Logf("%d jobs, %d events, mean wait %.1f s: identical; external run %v", len(got), gotSum.Events, gotSum.MeanWaitS, wall.Round(time.Millisecond))
		})
	}
}

// TestExternalExampleMatchesBuiltin runs the example scenario examples/policies/sjf.yaml as a
// user would (its command is relative to its folder) and the same scenario under the built-in
// sjf + first-fit.
func TestExternalExampleMatchesBuiltin(t *testing.T) {
	python3(t)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("the example scenario runs python3 from PATH")
	}
	run := func(sets ...string) ([]results.JobRow, results.Summary) {
		sc, err := scenarios.Resolve("../../examples/policies/sjf.yaml", sets)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := FromScenario(sc)
		if err != nil {
			t.Fatal(err)
		}
		rows, sum, err := extRun(t, cfg, Options{AllowExec: true})
		if err != nil {
			t.Fatal(err)
		}
		return rows, sum
	}
	got, gotSum := run()
	want, wantSum := run("scheduler.external=", "scheduler.queue=sjf", "scheduler.placement=first-fit")
	gotSum.Scenario, wantSum.Scenario = "", ""
	if !reflect.DeepEqual(got, want) || gotSum != wantSum {
		t.Fatalf("the example differs from the built-in policy:\n%+v\n%+v", gotSum, wantSum)
	}
	if wantSum.JobsSubmitted != 2000 || wantSum.JobsFinished != 2000 {
		t.Errorf("summary %+v", wantSum)
	}
}

// TestExternalNeedsAllowExec: without Options.AllowExec nothing is started and the error says
// what to do; a fleet and preemption are refused.
func TestExternalNeedsAllowExec(t *testing.T) {
	cfg := mixedConfig(t)
	cfg.External = &ExternalConfig{Command: []string{"/nonexistent/should-never-run"}}
	_, err := New(cfg, Options{})
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "pass --allow-exec") || !strings.Contains(err.Error(), "should-never-run") {
		t.Errorf("without AllowExec: %v", err)
	}
	_, err = New(cfg, Options{AllowExec: true})
	if !errors.Is(err, ErrInput) || !errors.Is(err, external.ErrPolicy) || !strings.Contains(err.Error(), "cannot start") {
		t.Errorf("a program that does not exist: %v", err)
	}
	f := cfg
	f.Fleet = &FleetConfig{Cells: 2, Router: RouteRoundRobin, Delay: sim.Second}
	if _, err := New(f, Options{AllowExec: true}); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "not in a fleet") {
		t.Errorf("fleet: %v", err)
	}
	p := cfg
	p.Preemption = PreemptKill
	if _, err := New(p, Options{AllowExec: true}); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "preemption must be none") {
		t.Errorf("preemption: %v", err)
	}
}

// TestExternalMisbehaviour: each invalid decision, and each way a process can fail during the
// run, fails the run with an input error that names the problem.
func TestExternalMisbehaviour(t *testing.T) {
	for _, tc := range []struct {
		mode string
		cfg  func(testing.TB) Config
		want string
	}{
		{"unknown-task", mixedConfig, "start[0]: unknown task 1000000000 (no task has that id)"},
		{"duplicate", mixedConfig, "start[1]: task 1 was already started by start[0]"},
		{"bad-host", mixedConfig, "start[0] (task 1): host 16 does not exist (hosts are 0 to 15)"},
		{"no-capacity", mixedConfig, "host 0 lacks capacity: the task needs"},
		{"again", mixedConfig, "start[0]: task 1 is not waiting (it started at an earlier scheduling point, or its job ended)"},
		{"partial-gang", gangConfig, "rigid job 1 has 4 waiting tasks and all must start together, as consecutive starts of one reply; 1 do"},
		{"host-off", func(t testing.TB) Config { cfg := mixedConfig(t); cfg.Groups[1].Off = true; return cfg }, "host 12 is off, not on"},
		{"crash", mixedConfig, "instead of replying to schedule message 1"},
		{"sleep", mixedConfig, "no reply within 300ms to schedule message 1"},
		{"fail-at-end", func(t testing.TB) Config { cfg := mixedConfig(t); cfg.Sources = oneShot(2, 10); return cfg }, "exited with an error after the end message"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			cfg := tc.cfg(t)
			cfg.External = &ExternalConfig{Command: misbehavePy(t, tc.mode), Timeout: 300 * time.Millisecond}
			_, _, err := extRun(t, cfg, Options{AllowExec: true})
			if err == nil {
				t.Fatal("the run succeeded")
			}
			if !errors.Is(err, ErrInput) || !errors.Is(err, external.ErrPolicy) {
				t.Errorf("not an input error from the policy: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "scheduler.external") {
				t.Errorf("error\n %s\ndoes not contain\n %s", err, tc.want)
			}
		})
	}
}

// TestExternalNeverStarts: a policy that starts nothing. Without a horizon the run ends when no
// events remain (the last arrival), every job unfinished; with one, at the horizon.
func TestExternalNeverStarts(t *testing.T) {
	for _, horizon := range []sim.Time{0, 50 * sim.Hour} {
		cfg := mixedConfig(t)
		cfg.Horizon = horizon
		cfg.External = &ExternalConfig{Command: misbehavePy(t, "ok"), Timeout: 10 * time.Second}
		rows, sum, err := extRun(t, cfg, Options{AllowExec: true})
		if err != nil {
			t.Fatal(err)
		}
		var last int64
		for _, r := range rows {
			if r.Status != results.StatusUnfinished || r.StartUS != -1 {
				t.Fatalf("job %d: %s, start %d", r.JobID, r.Status, r.StartUS)
			}
			last = max(last, r.SubmitUS)
		}
		if sum.JobsSubmitted != 900 || sum.JobsUnfinished != 900 || int64(len(rows)) != sum.JobsSubmitted {
			t.Errorf("horizon %v: %d rows, %+v", horizon, len(rows), sum)
		}
		if end := sim.Time(sum.SimTimeS * 1e6); horizon > 0 && end != horizon || horizon == 0 && int64(end) != last {
			t.Errorf("horizon %v: the run ended at %v (last submit %v)", horizon, end, sim.Time(last))
		}
	}
}

// BenchmarkExternalSJF is the end-to-end overhead: the mixed scenario under the built-in sjf +
// first-fit and under examples/policies/sjf.py. It reports the process's start-up (New: start
// and hello) apart, and the wall time per scheduling point that the process adds to Run (the
// protocol's round trip plus the Python policy's own work).
func BenchmarkExternalSJF(b *testing.B) {
	base := mixedConfig(b)
	base.Queue, base.Placement = "sjf", "first-fit"
	ext := mixedConfig(b)
	ext.External = &ExternalConfig{Command: sjfPy(b), Timeout: 10 * time.Second}
	var builtin, external, startup time.Duration
	var points int64
	for range b.N {
		for _, c := range []Config{base, ext} {
			t0 := time.Now()
			s, err := New(c, Options{AllowExec: true})
			if err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if _, err := s.Run(); err != nil {
				b.Fatal(err)
			}
			if c.External == nil {
				builtin += time.Since(t1)
			} else {
				startup += t1.Sub(t0)
				external += time.Since(t1)
				points += s.cells[0].ext.proc.Seq() - 1 // less the end message
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(points)/n, "points/run")
	b.ReportMetric(float64(startup.Microseconds())/n/1e3, "startup-ms")
	b.ReportMetric(float64(builtin.Microseconds())/n/1e3, "builtin-ms/run")
	b.ReportMetric(float64(external.Microseconds())/n/1e3, "external-ms/run")
	b.ReportMetric(float64((external-builtin).Microseconds())/float64(points), "µs/point")
}
