// Package bench holds end-to-end benchmarks of whole simulations.
package bench

import (
	"fmt"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/dcsim/dcsim/internal/runner"
	"github.com/dcsim/dcsim/models/policy"
	"github.com/dcsim/dcsim/scenarios"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/dc"
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/models/units"
	"github.com/dcsim/dcsim/models/workload"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

func init() {
	scenarios.KnownPolicy = policy.Known
}

// endToEndConfig: a stream of single-task jobs on 10,000 hosts of 64 cores / 256 GiB under
// FCFS + best-fit at about 70% CPU load (Little: 332 jobs/s × 4.5 cores × 300 s ≈ 448k of
// 640k cores).
func endToEndConfig(b *testing.B, jobs int64) dc.Config {
	curve, err := power.NewCurve(power.Spec{Model: "linear", Idle: 100, Max: 350})
	if err != nil {
		b.Fatal(err)
	}
	lo, hi := 1.0, 8.0
	mlo, mhi := 1.0, 16.0
	return dc.Config{
		Scenario: "bench-e2e", Seed: 1, HostsPerRack: 40, Queue: "fcfs", Placement: "best-fit",
		MaxWait: sim.Hour, PUE: 1.4, USDPerKWh: 0.1, CarbonGPerKWh: 400, HostInterval: 5 * sim.Minute,
		Groups: []dc.Group{{Name: "std", Count: 10000, Cap: models.Resources{CPU: 64000, Mem: 256 << 30}, Curve: curve,
			CapexUSD: 10000, LifetimeUS: int64(4 * 365 * sim.Day)}},
		Sources: []dc.Source{{Name: "batch", Jobs: jobs,
			Arrivals:  workload.ArrivalSpec{Process: "poisson", Rate: units.Rate(332)},
			CPUCores:  workload.DistSpec{Dist: "uniform", Min: &lo, Max: &hi},
			MemoryGiB: workload.DistSpec{Dist: "uniform", Min: &mlo, Max: &mhi},
			RuntimeS:  workload.DistSpec{Dist: "exponential", Mean: 300}}},
	}
}

// BenchmarkEndToEnd1M simulates 1,000,000 jobs on 10,000 hosts and writes jobs.arrow.
// Target: ≥ 1,000,000 jobs per second of wall time, peak memory < 1 GiB.
func BenchmarkEndToEnd1M(b *testing.B) {
	const jobs = 1_000_000
	cfg := endToEndConfig(b, jobs)
	dir := b.TempDir()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		w, err := results.NewJobsWriter(filepath.Join(dir, "jobs.arrow"), results.Meta{Version: "bench", Scenario: cfg.Scenario, Seed: cfg.Seed})
		if err != nil {
			b.Fatal(err)
		}
		s, err := dc.New(cfg, dc.Options{Jobs: w})
		if err != nil {
			b.Fatal(err)
		}
		r, err := s.Run()
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		if r.Summary.JobsFinished != jobs {
			b.Fatalf("finished %d of %d jobs", r.Summary.JobsFinished, jobs)
		}
	}
	b.ReportMetric(float64(jobs)*float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peakRSS-MiB")
}

// peakRSS is the process's peak resident set size in bytes (Linux reports KiB).
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss) * 1024
}

// BenchmarkFleet runs the built-in fleet scenario (32 cells × 1,000 hosts) for 6 simulated
// hours at 1, 2, 4, ... workers (up to the number of CPUs), writing all three tables to a
// temporary directory. Reports simulated events per second and the share of worker time spent
// waiting at barriers. For the full day and more workers, see scaling.sh.
func BenchmarkFleet(b *testing.B) {
	sc, err := scenarios.Resolve("fleet", []string{"horizon=6h"})
	if err != nil {
		b.Fatal(err)
	}
	for w := 1; w <= runtime.NumCPU(); w *= 2 {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			var events int64
			var wait float64
			for i := 0; i < b.N; i++ {
				o, err := runner.Run(sc, runner.Options{OutDir: b.TempDir(), Workers: w})
				if err != nil {
					b.Fatal(err)
				}
				events += o.Result.Summary.Events
				wait += o.Info.BarrierWaitFrac
			}
			b.ReportMetric(float64(events)/b.Elapsed().Seconds()/1e6, "Mevents/s")
			b.ReportMetric(100*wait/float64(b.N), "barrier-wait-%")
		})
	}
}
