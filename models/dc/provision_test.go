package dc

import (
	"testing"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/units"
	"github.com/dcsim/dcsim/models/workload"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

type provSink struct{ rows []results.ProvisionRow }

func (s *provSink) Write(r *results.ProvisionRow) error { s.rows = append(s.rows, *r); return nil }

// TestPowerOffIdle, worked by hand: 4 one-core hosts, one 30-minute job from ~0 on host 0,
// decisions every 5 minutes, idle timeout 10 minutes, at least 1 host. At 5 min nothing is idle
// long enough; at 10 min hosts 3, 2, 1 (idle since 0) go off. Provisioned host-time: 4 hosts ×
// 10 min + 1 host × 50 min (to the 1 h horizon) = 90 host-minutes = 1.5 host-hours.
func TestPowerOffIdle(t *testing.T) {
	cfg := mmcConfig(t, 4, 1, 0, 1)
	cfg.Sources = oneShot(1, 1800)
	cfg.Placement = "first-fit"
	cfg.Horizon = sim.Hour
	cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
	cfg.Provision = &ProvisionConfig{Policy: ProvisionPowerOffIdle, Interval: 5 * sim.Minute, MinHosts: 1, IdleTimeout: 10 * sim.Minute}
	ps := &provSink{}
	s, err := New(cfg, Options{Provisioning: ps})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.PowerOffs != 3 || r.Summary.PowerOns != 0 || !near(r.Summary.HostHours, 1.5, 1e-6) {
		t.Errorf("power offs %d ons %d, host-hours %v; want 3, 0, 1.5", r.Summary.PowerOffs, r.Summary.PowerOns, r.Summary.HostHours)
	}
	if len(ps.rows) != 12 || ps.rows[0].ProvisionedHosts != 4 || ps.rows[1].ProvisionedHosts != 1 {
		t.Errorf("%d decisions: %+v", len(ps.rows), ps.rows[:2])
	}
}

// TestPowerOnWhenTasksWait: 2 hosts, one of them off at the start, two one-core jobs: the second
// waits until the decision at 5 min boots the off host (boot 1 min), then starts at 6 min.
func TestPowerOnWhenTasksWait(t *testing.T) {
	cfg := mmcConfig(t, 1, 1, 0, 1)
	cfg.Sources = oneShot(2, 3600)
	cfg.Placement = "first-fit"
	cfg.Horizon = 2 * sim.Hour
	cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
	g := cfg.Groups[0]
	g.Name, g.Off, g.BootUS = "spare", true, int64(sim.Minute)
	cfg.Groups = append(cfg.Groups, g)
	cfg.Provision = &ProvisionConfig{Policy: ProvisionPowerOffIdle, Interval: 5 * sim.Minute, MinHosts: 1, IdleTimeout: 10 * sim.Minute}
	sink := &rowsSink{}
	s, err := New(cfg, Options{Jobs: sink})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	starts := map[int64]int64{}
	for _, row := range sink.rows {
		starts[row.JobID] = row.StartUS
	}
	if starts[2] != int64(6*sim.Minute) || r.Summary.PowerOns != 1 {
		t.Errorf("job 2 starts at %v with %d power-ons; want 6 min, 1", sim.Time(starts[2]), r.Summary.PowerOns)
	}
}

// TestProvisioningPolicies runs a diurnal load under every policy: all keep every job, the
// autoscalers provision fewer host-hours than static, and the predictive forecast is good.
func TestProvisioningPolicies(t *testing.T) {
	run := func(policy string) results.Summary {
		cfg := mmcConfig(t, 40, 1, 0, 1)
		cfg.Horizon = 3 * sim.Day
		cfg.Placement = "first-fit"
		cfg.Groups[0].Cap = models.Resources{CPU: 16000, Mem: 64 << 30}
		cfg.Groups[0].BootUS = int64(2 * sim.Minute)
		cfg.Sources[0].Jobs = 0
		cfg.Sources[0].Arrivals = workload.ArrivalSpec{Process: "diurnal", Rate: 0.1, Amplitude: 0.6, Period: unitsDur(sim.Day), Peak: unitsDur(14 * sim.Hour)}
		cfg.Sources[0].CPUCores = workload.DistSpec{Dist: "constant", Value: 4}
		cfg.Sources[0].RuntimeS = workload.DistSpec{Dist: "exponential", Mean: 600}
		if policy != ProvisionStatic {
			cfg.Provision = &ProvisionConfig{Policy: policy, Interval: 5 * sim.Minute, MinHosts: 2, IdleTimeout: 10 * sim.Minute,
				Up: 0.8, Down: 0.5, Step: 2, Cooldown: 10 * sim.Minute, Forecaster: "holt-winters", SeasonSteps: 288, Quantile: 0.95, Headroom: 0.1}
		}
		s, err := New(cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Run()
		if err != nil {
			t.Fatal(err)
		}
		sum := r.Summary
		if sum.JobsSubmitted != sum.JobsFinished+sum.JobsUnfinished+sum.JobsRejected+sum.JobsFailed {
			t.Fatalf("%s: jobs not conserved: %+v", policy, sum)
		}
		return sum
	}
	static := run(ProvisionStatic)
	for _, p := range []string{ProvisionPowerOffIdle, ProvisionReactive, ProvisionPredictive} {
		sum := run(p)
		if !(sum.HostHours < 0.8*static.HostHours) || !(sum.EnergyKWh < static.EnergyKWh) {
			t.Errorf("%s: %.0f host-hours, %.0f kWh; static %.0f, %.0f", p, sum.HostHours, sum.EnergyKWh, static.HostHours, static.EnergyKWh)
		}
		if p == ProvisionPredictive && !(sum.ForecastMAPE >= 0 && sum.ForecastMAPE < 0.2) {
			t.Errorf("predictive: forecast MAPE %v", sum.ForecastMAPE)
		}
		t.Logf("%s: %.0f host-hours (static %.0f), %.1f kWh, mean wait %.1f s, MAPE %.3f", p, sum.HostHours, static.HostHours, sum.EnergyKWh, sum.MeanWaitS, sum.ForecastMAPE)
	}
}

func unitsDur(t sim.Time) units.Duration { return units.Duration(t) }

// TestReactive, worked by hand: 2 one-core hosts on and 2 off (1-minute boot); four 1-hour jobs
// at ~0: two start, two wait. Every 5 minutes the reactive policy sees CPU allocation 100% > 80%
// and adds one host (step 1, no cooldown): host 2 boots at 5 min (job 3 starts at 6 min), host 3
// at 10 min (job 4 at 11 min).
func TestReactive(t *testing.T) {
	cfg := mmcConfig(t, 2, 1, 0, 1)
	cfg.Sources = oneShot(4, 3600)
	cfg.Placement = "first-fit"
	cfg.Horizon = 2 * sim.Hour
	cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
	g := cfg.Groups[0]
	g.Name, g.Off, g.BootUS = "spare", true, int64(sim.Minute)
	cfg.Groups = append(cfg.Groups, g)
	cfg.Provision = &ProvisionConfig{Policy: ProvisionReactive, Interval: 5 * sim.Minute, MinHosts: 2, IdleTimeout: 10 * sim.Minute,
		Up: 0.8, Down: 0.5, Step: 1}
	sink := &rowsSink{}
	s, err := New(cfg, Options{Jobs: sink})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]sim.Time{1: 0, 2: 0, 3: 6 * sim.Minute, 4: 11 * sim.Minute}
	for _, row := range sink.rows {
		if w := want[row.JobID]; sim.Time(row.StartUS) > w+sim.Microsecond*10 || sim.Time(row.StartUS) < w {
			t.Errorf("job %d starts at %v, want %v", row.JobID, sim.Time(row.StartUS), w)
		}
	}
	if r.Summary.PowerOns != 2 {
		t.Errorf("%d power-ons, want 2", r.Summary.PowerOns)
	}
}
