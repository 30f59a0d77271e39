package dc

import (
	"math"
	"slices"
	"testing"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/models/units"
	"github.com/dcsim/dcsim/models/workload"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// erlangC returns the mean waiting time in queue of an M/M/c queue with arrival rate lambda and
// service rate mu per server: Wq = C(c, a) / (c·mu − lambda), with a = lambda/mu and the Erlang C
// probability of waiting C(c, a) = (a^c/c!)·(c/(c−a)) / (Σ_{k<c} a^k/k! + (a^c/c!)·(c/(c−a)))
// (Kleinrock, Queueing Systems Vol. 1, 1975, eq. 3.40).
func erlangC(c int, lambda, mu float64) float64 {
	a := lambda / mu
	term, sum := 1.0, 0.0
	for k := 0; k < c; k++ {
		sum += term
		term *= a / float64(k+1)
	}
	top := term * float64(c) / (float64(c) - a)
	return top / (sum + top) / (float64(c)*mu - lambda)
}

func linear(t *testing.T) power.Curve {
	c, err := power.NewCurve(power.Spec{Model: "linear", Idle: 100, Max: 300})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mmcConfig(t *testing.T, c int, lambda float64, jobs int64, seed uint64) Config {
	return Config{
		Scenario: "mmc-test", Seed: seed, HostsPerRack: 40, Queue: "fcfs", Placement: "first-fit",
		MaxWait: sim.Hour, PUE: 1.4, USDPerKWh: 0.1, CarbonGPerKWh: 400, HostInterval: 5 * sim.Minute,
		Groups: []Group{{Name: "g", Count: c, Cap: models.Resources{CPU: 1000, Mem: 1 << 30}, Curve: linear(t),
			CapexUSD: 10000, LifetimeUS: int64(4 * 365 * sim.Day)}},
		Sources: []Source{{Name: "poisson", Jobs: jobs,
			Arrivals: workload.ArrivalSpec{Process: "poisson", Rate: units.Rate(lambda)},
			CPUCores: workload.DistSpec{Dist: "constant", Value: 1},
			RuntimeS: workload.DistSpec{Dist: "exponential", Mean: 1}}},
	}
}

// rowsSink keeps job rows in memory.
type rowsSink struct{ rows []results.JobRow }

func (r *rowsSink) Write(j *results.JobRow) error { r.rows = append(r.rows, *j); return nil }

// TestMMcErlangC: c = 8, ρ = 0.9. The simulated mean wait must be within 3% of Erlang C.
// 2 × 10^6 jobs per seed over three fixed seeds keep the estimate's standard error near 1%.
func TestMMcErlangC(t *testing.T) {
	if testing.Short() {
		t.Skip("long validation run")
	}
	const c, lambda = 8, 7.2
	want := erlangC(c, lambda, 1)
	var tot float64
	seeds := []uint64{1, 2, 3}
	for _, seed := range seeds {
		s, err := New(mmcConfig(t, c, lambda, 2_000_000, seed), Options{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Run()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d: mean wait %.4f s (Erlang C %.4f s), Little: L=%.4f λW=%.4f", seed, r.Summary.MeanWaitS, want,
			r.MeanQueueLen, r.ArrivalRate*r.MeanTaskWaitS)
		tot += r.Summary.MeanWaitS
	}
	got := tot / float64(len(seeds))
	if rel := math.Abs(got-want) / want; rel > 0.03 {
		t.Fatalf("mean wait %.4f s, Erlang C %.4f s: off by %.2f%%", got, want, 100*rel)
	}
}

// TestLittlesLaw: the time-average queue length equals arrival rate × mean wait (L = λW,
// Little 1961); both sides are measured independently in the run.
func TestLittlesLaw(t *testing.T) {
	s, err := New(mmcConfig(t, 8, 7.2, 200_000, 9), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	l, lw := r.MeanQueueLen, r.ArrivalRate*r.MeanTaskWaitS
	if math.Abs(l-lw)/lw > 0.005 {
		t.Fatalf("Little's law: L = %.5f, λW = %.5f", l, lw)
	}
}

// TestConservationAndNoOvercommit runs a mixed workload to a horizon and checks that every job
// ends in exactly one state, the counts add up, and no host ever holds more than its capacity.
func TestConservationAndNoOvercommit(t *testing.T) {
	for _, placement := range []string{"first-fit", "best-fit", "worst-fit", "random"} {
		cfg := mmcConfig(t, 20, 30, 0, 5)
		cfg.Placement = placement
		cfg.Horizon = 2000 * sim.Second
		cfg.Groups[0].Cap = models.Resources{CPU: 8000, Mem: 32 << 30}
		cfg.Groups = append(cfg.Groups, Group{Name: "small", Count: 5, Cap: models.Resources{CPU: 2000, Mem: 4 << 30}, Curve: linear(t), LifetimeUS: int64(sim.Day)})
		cfg.Sources[0].CPUCores = workload.DistSpec{Dist: "uniform", Min: ptr(0.1), Max: ptr(9)} // some can never fit
		cfg.Sources[0].MemoryGiB = workload.DistSpec{Dist: "exponential", Mean: 4}
		cfg.Sources[0].RuntimeS = workload.DistSpec{Dist: "lognormal", Mean: 20, CV: 2}
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
		if sum.JobsSubmitted != sum.JobsFinished+sum.JobsRejected+sum.JobsUnfinished || int64(len(sink.rows)) != sum.JobsSubmitted {
			t.Fatalf("%s: submitted %d != finished %d + rejected %d + unfinished %d (rows %d)", placement,
				sum.JobsSubmitted, sum.JobsFinished, sum.JobsRejected, sum.JobsUnfinished, len(sink.rows))
		}
		if sum.JobsRejected == 0 || sum.JobsUnfinished == 0 || sum.JobsFinished == 0 {
			t.Fatalf("%s: the workload should produce every terminal state: %+v", placement, sum)
		}
		seen := map[int64]bool{}
		type change struct {
			t   int64
			cpu int64
			mem int64
		}
		perHost := map[int32][]change{}
		for _, j := range sink.rows {
			if seen[j.JobID] {
				t.Fatalf("job %d has two rows", j.JobID)
			}
			seen[j.JobID] = true
			if j.StartUS >= 0 {
				end := j.EndUS
				if end < 0 {
					end = int64(cfg.Horizon) + 1
				}
				perHost[j.HostID] = append(perHost[j.HostID], change{j.StartUS, j.CPUMilli, j.MemBytes}, change{end, -j.CPUMilli, -j.MemBytes})
			}
		}
		for h, ch := range perHost {
			// Releases at time t happen before starts at t (a task end frees capacity first).
			slices.SortFunc(ch, func(a, b change) int {
				if a.t != b.t {
					return int(a.t - b.t)
				}
				return int(a.cpu - b.cpu)
			})
			capc := s.cells[0].hosts[h].Cap
			var cpu, mem int64
			for _, c := range ch {
				cpu += c.cpu
				mem += c.mem
				if cpu > capc.CPU || mem > capc.Mem {
					t.Fatalf("%s: host %d over-committed at t=%d: cpu %d/%d mem %d/%d", placement, h, c.t, cpu, capc.CPU, mem, capc.Mem)
				}
			}
		}
		if sum.CPUUtilization <= 0 || sum.CPUUtilization > 1 || sum.EnergyKWh <= 0 {
			t.Fatalf("%s: implausible utilization/energy: %+v", placement, sum)
		}
	}
}

func ptr(x float64) *float64 { return &x }
