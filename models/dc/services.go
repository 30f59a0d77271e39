package dc

import (
	"fmt"
	"io"
	"math"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/service"
	"github.com/dcsim/dcsim/models/trace/azure"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
	"github.com/dcsim/dcsim/sim"
)

// ServiceConfig is a latency-critical service: Replicas replicas of Demand each, placed on the
// cluster at time 0 like the tasks of a job and killed by host failures like them (a killed
// replica is resubmitted at once, with no retry limit), and the request-level simulation of
// Sim over the replicas that are up.
type ServiceConfig struct {
	Replicas int
	Demand   models.Resources
	Sim      service.Config // Replicas is ignored: replicas come up as they are placed
}

// svcEvent is a replica of service svc coming up (placed) or going down (killed) at t.
type svcEvent struct {
	t       sim.Time
	svc     int32
	replica int32
	up      bool
}

// submitServices places every service's replicas: one job per service, submitted at time 0
// before any batch job. Service jobs have negative ids and write no job rows.
func (c *cell) submitServices() {
	for i, sv := range c.s.cfg.Services {
		js := jobSpec{id: -int64(i + 1), source: -1, tenant: "service/" + sv.Sim.Name, ntasks: int32(sv.Replicas), demand: sv.Demand,
			deadline: -1, uniform: true, service: int32(i + 1)}
		// A replica runs until the horizon: its end event lies beyond it.
		js.runtime0 = 2*c.s.cfg.Horizon + 1
		js.maxRuntime = js.runtime0
		c.submit(&js, 0)
	}
}

// serviceUp records that a replica was placed (its task started).
func (c *cell) serviceEvent(jp *job, replica int32, up bool) {
	c.svcEvents = append(c.svcEvents, svcEvent{t: c.eng.Now(), svc: jp.service - 1, replica: replica, up: up})
}

// runServices runs each service's request-level simulation over the replica events the cluster
// run produced, up to end, and returns the window rows (service by service) and totals.
func (s *Sim) runServices(evs []svcEvent, end sim.Time) ([]results.ServiceRow, []service.Totals, error) {
	var rows []results.ServiceRow
	var tots []service.Totals
	for i, sv := range s.cfg.Services {
		cfg := sv.Sim
		cfg.Seed = s.cfg.Seed
		// Replicas placed at time 0 are the service's initial replicas; later ones are added.
		idx := map[int32]int{}          // cluster replica index → service replica index
		first := make([]bool, len(evs)) // the events that placed the initial replicas
		cfg.Replicas = 0
		for k, e := range evs {
			if e.t > 0 {
				break
			}
			if _, seen := idx[e.replica]; e.svc == int32(i) && e.up && !seen {
				idx[e.replica] = cfg.Replicas
				cfg.Replicas++
				first[k] = true
			}
		}
		ss, err := service.New(cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: services[%d] (%s): %v", ErrInput, i, cfg.Name, err)
		}
		for k, e := range evs {
			if e.svc != int32(i) || first[k] {
				continue
			}
			r, seen := idx[e.replica]
			switch {
			case e.up && !seen:
				if r, err = ss.AddReplica(e.t); err == nil {
					idx[e.replica] = r
				}
			case e.up:
				err = ss.SetReplicaUp(e.t, r)
			case seen:
				err = ss.SetReplicaDown(e.t, r)
			}
			if err != nil {
				return nil, nil, fmt.Errorf("services[%d] (%s): %v", i, cfg.Name, err)
			}
		}
		if err := ss.RunUntil(end); err != nil {
			return nil, nil, fmt.Errorf("services[%d] (%s): %v", i, cfg.Name, err)
		}
		if err := ss.Finish(); err != nil {
			return nil, nil, fmt.Errorf("services[%d] (%s): %v", i, cfg.Name, err)
		}
		for _, w := range ss.Windows() {
			rows = append(rows, results.ServiceRow{Service: cfg.Name, StartUS: int64(w.StartUS), EndUS: int64(w.EndUS),
				Arrivals: w.Arrivals, Completed: w.Completed, Dropped: w.Dropped, ThroughputPerS: w.ThroughputPerS,
				MeanUS: w.MeanUS, P50US: orNull(w.P50US, w.Completed), P95US: orNull(w.P95US, w.Completed),
				P99US: orNull(w.P99US, w.Completed), MaxUS: orNull(w.MaxUS, w.Completed),
				ReplicasUp: int32(w.ReplicasUp), MinReplicasUp: int32(w.MinReplicasUp), InFlight: w.InFlight, SLOViolated: w.SLOViolated})
		}
		tots = append(tots, ss.Totals())
	}
	return rows, tots, nil
}

func orNull(v, completed int64) int64 {
	if completed == 0 {
		return -1
	}
	return v
}

// serviceConfig turns a scenario service into its configuration, reading its request trace if
// it has one.
func serviceConfig(sc *scenarios.Scenario, i int) (ServiceConfig, error) {
	sv := sc.Services[i]
	us := func(d interface{ Seconds() float64 }) float64 { return d.Seconds() * 1e6 }
	st := sv.ServiceTime
	cfg := service.Config{Name: sv.Name, Concurrency: sv.Concurrency, QueueCap: sv.QueueCapacity, Balancer: sv.Balancer,
		Window: sim.Time(sv.Window), SLOP99US: sim.Time(sv.SLOP99),
		Service: service.ServiceSpec{Dist: st.Dist, MeanUS: us(st.Mean), CV: st.CV, MedianUS: us(st.Median), Sigma: st.Sigma,
			LLM: service.LLMParams{BaseUS: us(st.Base), PrefillUSPerToken: us(st.PrefillPerToken), DecodeUSPerToken: us(st.DecodePerToken)}}}
	if sv.QueueCapacity == -1 {
		cfg.QueueCap = service.QueueNone
	}
	a := sv.Arrivals
	cfg.Arrivals = service.ArrivalSpec{Process: a.Process, RatePerS: float64(a.Rate), Amplitude: a.Amplitude,
		Period: sim.Time(a.Period), Peak: sim.Time(a.Peak)}
	if a.Process == "mmpp" && len(a.Rates) == 2 && len(a.MeanSojourn) == 2 {
		cfg.Arrivals.RatesPerS = [2]float64{float64(a.Rates[0]), float64(a.Rates[1])}
		cfg.Arrivals.MeanSojourn = [2]sim.Time{sim.Time(a.MeanSojourn[0]), sim.Time(a.MeanSojourn[1])}
	}
	if a.Process == "trace" {
		path := sc.DataPath(a.Path)
		var err error
		switch a.Format {
		case "azure-functions":
			cfg.Arrivals.Process = "counts"
			cfg.Arrivals.CountsPerBin, err = functionCounts(path, a.Function, a.Scale)
		case "azure-llm":
			cfg.Arrivals.Process = "requests"
			cfg.Arrivals.Requests, err = llmRequests(path)
		}
		if err != nil {
			return ServiceConfig{}, fmt.Errorf("%w: services[%d].arrivals: %v", ErrInput, i, err)
		}
	}
	return ServiceConfig{Replicas: sv.Replicas, Demand: models.Resources{CPU: int64(sv.CPU), Mem: int64(sv.Memory), GPU: int64(sv.GPUs)}, Sim: cfg}, nil
}

// functionCounts reads the per-minute invocation counts of row fn (-1: all rows summed) of an
// Azure Functions file, each multiplied by scale and rounded.
func functionCounts(path string, fn int, scale float64) ([]int32, error) {
	r, c, err := azure.OpenFunctions(path)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var sum []float64
	for row := 0; ; row++ {
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if fn >= 0 && row != fn {
			continue
		}
		if sum == nil {
			sum = make([]float64, len(f.PerMinute))
		}
		for m, n := range f.PerMinute {
			sum[m] += float64(n)
		}
	}
	if sum == nil {
		return nil, fmt.Errorf("%s: no function row %d", path, fn)
	}
	out := make([]int32, len(sum))
	for m, n := range sum {
		out[m] = int32(min(math.Round(n*scale), math.MaxInt32))
	}
	return out, nil
}

// llmRequests reads an Azure LLM inference trace: arrival times from the first request, token
// counts.
func llmRequests(path string) ([]service.Request, error) {
	r, c, err := azure.OpenLLM(path)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out []service.Request
	for {
		q, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, service.Request{TimeUS: sim.Time(q.TimeUS), PromptTokens: int32(min(q.ContextTokens, math.MaxInt32)),
			OutputTokens: int32(min(q.GeneratedTokens, math.MaxInt32))})
	}
}
