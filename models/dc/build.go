package dc

import (
	"fmt"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/scenarios"
	"github.com/dcsim/dcsim/sim"
)

// FromScenario turns a decoded, defaulted and validated scenario into a run configuration.
func FromScenario(sc *scenarios.Scenario) (Config, error) {
	cfg := Config{
		Scenario:      sc.Name,
		Seed:          sc.Seed,
		Horizon:       sim.Time(sc.Horizon),
		HostsPerRack:  sc.Cluster.HostsPerRack,
		Queue:         sc.Scheduler.Queue,
		Placement:     sc.Scheduler.Placement,
		MaxWait:       sim.Time(sc.SLO.MaxWait),
		PUE:           sc.Cost.PUE,
		USDPerKWh:     sc.Cost.EnergyUSDPerKWh,
		CarbonGPerKWh: sc.Cost.CarbonGPerKWh,
		HostInterval:  sim.Time(sc.Output.HostInterval),
	}
	if f := sc.Fleet; f != nil {
		cfg.Fleet = &FleetConfig{Cells: f.Cells, Router: f.Router, Delay: sim.Time(f.DispatchDelay),
			Prices: append([]float64(nil), f.EnergyUSDPerKWh...), MaxLoad: f.MaxLoad}
	}
	for i, g := range sc.Cluster.HostGroups {
		curve, err := power.NewCurve(g.Power)
		if err != nil {
			return Config{}, fmt.Errorf("cluster.host_groups[%d] (%s).power: %w", i, g.Name, err)
		}
		cfg.Groups = append(cfg.Groups, Group{
			Name:       g.Name,
			Count:      g.Count,
			Cap:        models.Resources{CPU: int64(g.CPU), Mem: int64(g.Memory), GPU: int64(g.GPUs)},
			Curve:      curve,
			CapexUSD:   g.CapexUSD,
			LifetimeUS: int64(g.Lifetime),
			BootUS:     int64(g.BootTime),
			Off:        g.InitialState == "off",
		})
	}
	for _, w := range sc.Workload.Synthetic {
		cfg.Sources = append(cfg.Sources, Source{
			Name: w.Name, Jobs: w.Jobs, Start: sim.Time(w.Start), Until: sim.Time(w.Until),
			Arrivals: w.Arrivals, TasksPerJob: w.TasksPerJob, CPUCores: w.CPUCores, MemoryGiB: w.MemoryGiB,
			GPUs: w.GPUs, RuntimeS: w.RuntimeS, Priority: w.Priority, Tenants: w.Tenants, DeadlineX: w.DeadlineX,
		})
	}
	for i, tr := range sc.Workload.Traces {
		cfg.Traces = append(cfg.Traces, TraceConfig{Name: tr.Name, Format: tr.Format, Path: sc.TracePath(i),
			CPUPerProc: int64(tr.CPUPerProc), MemPerProc: int64(tr.MemPerProc), Jobs: tr.Jobs})
	}
	return cfg, nil
}
