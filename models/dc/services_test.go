package dc

import (
	"testing"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/failure"
	"github.com/dcsim/dcsim/models/service"
	"github.com/dcsim/dcsim/sim"
)

// TestServiceOnCluster runs one single-replica service (Poisson 80/s, exponential 10 ms: an
// M/M/1 queue at ρ = 0.8) for 20 minutes on two hosts. Host 0, where the replica is placed,
// fails from 10:00 to 10:30 (min:s); the replica is resubmitted at once and placed on host 1.
// So: 20 one-minute windows, one of which (the 10th) sees the replica down for an instant and
// back; requests in flight on the killed replica are re-dispatched or dropped; the mean latency
// over the run stays near the M/M/1 value 1/(μ−λ) = 50 ms.
func TestServiceOnCluster(t *testing.T) {
	cfg := mmcConfig(t, 2, 1, 0, 1)
	cfg.Sources = nil
	cfg.Placement = "first-fit"
	cfg.Horizon = 20 * sim.Minute
	cfg.Groups[0].Cap = models.Resources{CPU: 4000, Mem: 8 << 30}
	cfg.Services = []ServiceConfig{{Replicas: 1, Demand: models.Resources{CPU: 2000, Mem: 1 << 30},
		Sim: service.Config{Name: "api", Balancer: "round-robin", Window: sim.Minute, SLOP99US: sim.Second,
			Service:  service.ServiceSpec{Dist: "exponential", MeanUS: 10_000},
			Arrivals: service.ArrivalSpec{Process: "poisson", RatePerS: 80}}}}
	cfg.FailureTrace = []failure.TraceRecord{{Time: 10 * sim.Minute, Host: 0, Removed: true}, {Time: 10*sim.Minute + 30*sim.Second, Host: 0}}
	s, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Services) != 20 {
		t.Fatalf("%d windows, want 20", len(r.Services))
	}
	var arrivals, done, dropped int64
	var latSum float64
	for i, w := range r.Services {
		arrivals += w.Arrivals
		done += w.Completed
		dropped += w.Dropped
		latSum += w.MeanUS * float64(w.Completed)
		if w.ReplicasUp != 1 {
			t.Errorf("window %d: %d replicas up at its end", i, w.ReplicasUp)
		}
		if wantMin := int32(1); i == 10 {
			wantMin = 0
			if w.MinReplicasUp != wantMin {
				t.Errorf("window %d (the failure): min replicas up %d, want 0", i, w.MinReplicasUp)
			}
		} else if w.MinReplicasUp != wantMin {
			t.Errorf("window %d: min replicas up %d", i, w.MinReplicasUp)
		}
	}
	mean := latSum / float64(done) / 1e3
	if mean < 40 || mean > 60 {
		t.Errorf("mean latency %.1f ms, want about 50 ms (M/M/1)", mean)
	}
	if r.Summary.ServiceRequests != arrivals || r.Summary.ServiceDropped != dropped || arrivals < 90000 {
		t.Errorf("summary %d requests %d dropped; windows %d, %d", r.Summary.ServiceRequests, r.Summary.ServiceDropped, arrivals, dropped)
	}
	if r.Summary.HostFailures != 1 || r.Summary.TaskRetries != 1 || r.Summary.JobsSubmitted != 0 {
		t.Errorf("summary %+v", r.Summary)
	}
	// The replica holds its CPU for the whole run: 2 of 8 cores, minus nothing (it moved at once).
	if u := r.Summary.CPUUtilization; u < 0.24 || u > 0.26 {
		t.Errorf("CPU utilization %.3f, want 0.25", u)
	}
}

func TestServiceNeedsHorizonAndRoom(t *testing.T) {
	cfg := mmcConfig(t, 1, 1, 0, 1)
	cfg.Sources = nil
	cfg.Services = []ServiceConfig{{Replicas: 1, Demand: models.Resources{CPU: 1000},
		Sim: service.Config{Name: "a", Service: service.ServiceSpec{Dist: "exponential", MeanUS: 1}, Arrivals: service.ArrivalSpec{RatePerS: 1}}}}
	cfg.Horizon = 0
	if _, err := New(cfg, Options{}); err == nil {
		t.Error("a service without horizon was accepted")
	}
	cfg.Horizon = sim.Minute
	cfg.Services[0].Demand.CPU = 1 << 40
	if _, err := New(cfg, Options{}); err == nil {
		t.Error("a replica larger than every host was accepted")
	}
}
