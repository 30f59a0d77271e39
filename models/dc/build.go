package dc

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/dcsim/dcsim/models/failure"
	"github.com/dcsim/dcsim/models/network"
	"github.com/dcsim/dcsim/models/timeseries"
	"github.com/dcsim/dcsim/models/trace/google2011"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/models/trace/formats"
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
		MaxRetries:    sc.Scheduler.MaxRetries,
		Preemption:    sc.Scheduler.Preemption,
		CPUOvercommit: sc.Scheduler.CPUOvercommit,
		RackFailures:  failureDists(sc.Cluster.RackFailures),
		HostInterval:  sim.Time(sc.Output.HostInterval),
		Shifting:      sc.Scheduler.Shifting,
	}
	if x := sc.Scheduler.External; x != nil {
		cfg.External = &ExternalConfig{Command: slices.Clone(x.Command), Dir: sc.Dir(), Timeout: time.Duration(x.Timeout) * time.Microsecond}
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
			Failures:   failureDists(g.Failures),
			EmbodiedKg: g.EmbodiedKg,
		})
	}
	for _, w := range sc.Workload.Synthetic {
		cfg.Sources = append(cfg.Sources, Source{
			Name: w.Name, Jobs: w.Jobs, Start: sim.Time(w.Start), Until: sim.Time(w.Until),
			Arrivals: w.Arrivals, TasksPerJob: w.TasksPerJob, CPUCores: w.CPUCores, MemoryGiB: w.MemoryGiB,
			GPUs: w.GPUs, RuntimeS: w.RuntimeS, Priority: w.Priority, Tenants: w.Tenants, DeadlineX: w.DeadlineX,
			InputGiB: w.InputGiB, OutputGiB: w.OutputGiB, Pool: int32(max(0, slices.IndexFunc(sc.Storage, func(p scenarios.StoragePool) bool { return p.Name == w.Storage }))),
			Deferrable: deferrableOf(w.Deferrable),
		})
	}
	for i, tr := range sc.Workload.Traces {
		cfg.Traces = append(cfg.Traces, TraceConfig{Name: tr.Name, Format: tr.Format, Path: sc.TracePath(i),
			Units:   trace.Units{CPUMilliPerUnit: float64(tr.CPUPerUnit), MemBytesPerUnit: float64(tr.MemoryPerUnit)},
			SkipBad: tr.SkipBad,
			Filter: trace.Filter{FromUS: int64(tr.Start), ToUS: int64(tr.End), Fraction: tr.Sample, TimeScale: tr.TimeScale,
				MaxJobs: tr.Jobs, Seed: sc.Seed}})
		cfg.TraceDeferrable = append(cfg.TraceDeferrable, deferrableOf(tr.Deferrable))
	}
	for i, sp := range sc.Storage {
		over := float64(sp.Replication)
		if sp.ErasureData > 0 {
			over = float64(sp.ErasureData+sp.ErasureParity) / float64(sp.ErasureData)
		}
		attach := sp.Attach
		if attach == 0 {
			attach = -1 - i // resolved below: the topology hosts after the cluster's
		}
		// An IOPS limit caps the bytes per second at iops × io_size: transfers are streams of
		// io_size operations (a first-order model; small random I/O is not distinguished).
		bw := float64(sp.Bandwidth)
		if sp.IOPS > 0 {
			bw = math.Min(bw, sp.IOPS*float64(sp.IOSize))
		}
		cfg.Pools = append(cfg.Pools, PoolConfig{Name: sp.Name, CapacityBytes: float64(sp.Capacity), UsedBytes: float64(sp.Used),
			BandwidthBps: bw, Overhead: over, Attach: attach})
	}
	if n := sc.Network; n != nil {
		nc := *n
		cfg.Network = &NetworkConfig{Build: func() (*network.Topology, error) {
			switch nc.Topology {
			case "leaf-spine":
				return network.LeafSpine(nc.Leaves, nc.Spines, nc.HostsPerLeaf, float64(nc.HostBandwidth), float64(nc.UplinkBandwidth), int64(nc.Latency))
			case "custom":
				links := make([]network.LinkSpec, len(nc.Links))
				for i, l := range nc.Links {
					lat := l.Latency
					if lat == 0 {
						lat = nc.Latency
					}
					links[i] = network.LinkSpec{A: l.A, B: l.B, BytesPerS: float64(l.Bandwidth), LatencyUS: int64(lat)}
				}
				return network.Custom(nc.Hosts, links)
			default:
				return network.FatTree(nc.K, float64(nc.Bandwidth), int64(nc.Latency))
			}
		}}
	}
	if pr := sc.Provisioning; pr.Policy != "" && pr.Policy != ProvisionStatic {
		nh := 0
		for _, g := range sc.Cluster.HostGroups {
			nh += g.Count
		}
		step := pr.Step
		if step == 0 {
			step = max(1, nh/20)
		}
		cfg.Provision = &ProvisionConfig{Policy: pr.Policy, Interval: sim.Time(pr.Interval), MinHosts: pr.MinHosts, MaxHosts: pr.MaxHosts,
			IdleTimeout: sim.Time(pr.IdleTimeout), Up: pr.ScaleUp, Down: pr.ScaleDown, Step: step, Cooldown: sim.Time(pr.Cooldown),
			Forecaster: pr.Forecaster, SeasonSteps: int(pr.Season / pr.Interval), Quantile: pr.Quantile, Headroom: pr.Headroom}
	}
	for i := range sc.Services {
		sv, err := serviceConfig(sc, i)
		if err != nil {
			return Config{}, err
		}
		cfg.Services = append(cfg.Services, sv)
	}
	opt, err := sc.SeriesOptions()
	if err != nil {
		return Config{}, fmt.Errorf("%w: cost.series_start: %v", ErrInput, err)
	}
	for _, s := range []struct {
		key, path string
		dst       **timeseries.Series
	}{{"cost.carbon_series", sc.Cost.CarbonSeries, &cfg.CarbonSeries}, {"cost.price_series", sc.Cost.PriceSeries, &cfg.PriceSeries}} {
		if s.path == "" {
			continue
		}
		if *s.dst, err = timeseries.Open(sc.DataPath(s.path), opt); err != nil {
			return Config{}, fmt.Errorf("%w: %s: %v", ErrInput, s.key, err)
		}
	}
	if d := sc.Cost.CarbonDaily; d != nil {
		if cfg.CarbonSeries, err = DailySeries(d, opt.Start.UTC().Sub(opt.Start.UTC().Truncate(24*time.Hour)), dailyCover(&cfg)); err != nil {
			return Config{}, fmt.Errorf("%w: cost.carbon_daily: %v", ErrInput, err)
		}
	}
	if name := sc.Cluster.FromTrace; name != "" {
		groups, hostOf, err := groupsFromTrace(cfg, name)
		if err != nil {
			return Config{}, err
		}
		cfg.Groups = groups
		if sc.Cluster.FailuresFromTrace {
			var tc *TraceConfig
			for i := range cfg.Traces {
				if cfg.Traces[i].Name == name {
					tc = &cfg.Traces[i]
				}
			}
			if cfg.FailureTrace, err = machineRemovals(tc.Path, hostOf); err != nil {
				return Config{}, fmt.Errorf("%w: cluster.failures_from_trace: %v", ErrInput, err)
			}
			cfg.FailureTraceOf = name
		}
	}
	return cfg, nil
}

// deferrableOf converts a source's deferrable key (nil: none).
func deferrableOf(d *scenarios.Deferrable) Deferrable {
	if d == nil {
		return Deferrable{}
	}
	return Deferrable{Fraction: d.Fraction, MaxDelay: sim.Time(d.MaxDelay)}
}

// dailyCover is how far a daily carbon profile is laid out: the horizon plus the longest max
// delay plus a week (room for the run-time windows shifting looks at), or ten years without a
// horizon. The last hour's value holds after it (timeseries.Series).
func dailyCover(cfg *Config) sim.Time {
	if cfg.Horizon <= 0 {
		return 10 * 365 * 24 * sim.Hour
	}
	var d sim.Time
	for _, s := range cfg.Sources {
		d = max(d, s.Deferrable.MaxDelay)
	}
	for _, t := range cfg.TraceDeferrable {
		d = max(d, t.MaxDelay)
	}
	return cfg.Horizon + min(d, maxDeferral) + 7*24*sim.Hour
}

// machineRemovals reads the Google 2011 machine_events beside path and returns, on the trace's
// clock, every REMOVE and the ADD that brings a removed machine back, for the machines of hostOf
// (machine id → host index). A machine's first ADD is its arrival, not a repair, and is left out
// (every host is up at time 0); UPDATEs are left out.
func machineRemovals(path string, hostOf map[string]int32) ([]failure.TraceRecord, error) {
	dir := path
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		dir = filepath.Dir(filepath.Dir(path))
	}
	files, err := google2011.TaskFiles(filepath.Join(dir, "machine_events"))
	if err != nil {
		return nil, err
	}
	removed := map[int32]bool{}
	var recs []failure.TraceRecord
	for _, f := range files {
		r, err := google2011.OpenMachineEvents(f)
		if err != nil {
			return nil, err
		}
		for {
			e, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				r.Close()
				return nil, err
			}
			h, ok := hostOf[strconv.FormatInt(e.MachineID, 10)]
			if !ok {
				continue
			}
			switch {
			case e.Type == 1 && !removed[h]:
				removed[h] = true
				recs = append(recs, failure.TraceRecord{Time: sim.Time(e.TimeUS), Host: h, Removed: true})
			case e.Type == 0 && removed[h]:
				removed[h] = false
				recs = append(recs, failure.TraceRecord{Time: sim.Time(e.TimeUS), Host: h})
			}
		}
		r.Close()
	}
	return recs, nil
}

// shiftFailureTrace moves trace-clock records to the replay's clock (time 0 = origin): hosts
// removed at origin start down (a removal at 0), earlier changes are folded into that state, and
// later ones are shifted.
func shiftFailureTrace(recs []failure.TraceRecord, origin int64) []failure.TraceRecord {
	downAtOrigin := map[int32]bool{}
	var out []failure.TraceRecord
	for _, r := range recs {
		if int64(r.Time) <= origin {
			downAtOrigin[r.Host] = r.Removed
			continue
		}
		r.Time -= sim.Time(origin)
		out = append(out, r)
	}
	var first []failure.TraceRecord
	for h, down := range downAtOrigin {
		if down {
			first = append(first, failure.TraceRecord{Time: 0, Host: h, Removed: true})
		}
	}
	slices.SortFunc(first, func(a, b failure.TraceRecord) int { return cmp.Compare(a.Host, b.Host) })
	return append(first, out...)
}

// failureDists converts a scenario's failure distributions (nil stays nil).
func failureDists(f *scenarios.Failures) *FailureDists {
	if f == nil {
		return nil
	}
	return &FailureDists{TBF: f.TBF.Spec(), TTR: f.TTR.Spec()}
}

// groupsFromTrace makes the cluster of the trace called name: one host group per distinct
// machine capacity, in order of first appearance, named "<template>-<k>" (template: the
// scenario's one host group, whose power, cost and boot parameters every group takes, and
// whose CPU and memory stand in for capacities the trace does not give).
func groupsFromTrace(cfg Config, name string) ([]Group, map[string]int32, error) {
	var tc *TraceConfig
	for i := range cfg.Traces {
		if cfg.Traces[i].Name == name {
			tc = &cfg.Traces[i]
		}
	}
	if tc == nil {
		return nil, nil, fmt.Errorf("cluster.from_trace: no trace named %q", name)
	}
	f, err := formats.Lookup(tc.Format)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: cluster.from_trace: %v", ErrInput, err)
	}
	if f.Machines == nil {
		return nil, nil, fmt.Errorf("%w: cluster.from_trace: format %s carries no machines; list host_groups instead", ErrInput, f.Name)
	}
	ms, err := f.Machines(tc.Path, formats.Options{Units: tc.Units})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: cluster.from_trace %q: %v", ErrInput, name, err)
	}
	if len(ms) == 0 {
		return nil, nil, fmt.Errorf("%w: cluster.from_trace %q: the trace describes no machines (e.g. an SWF log without MaxProcs)", ErrInput, name)
	}
	if len(cfg.Groups) != 1 {
		return nil, nil, fmt.Errorf("cluster.from_trace: want one template host group, got %d", len(cfg.Groups))
	}
	tmpl := cfg.Groups[0]
	var groups []Group
	var group []int32 // group of each machine
	at := map[models.Resources]int{}
	for _, m := range ms {
		c := models.Resources{CPU: m.CPUMilli, Mem: m.MemBytes, GPU: m.GPUs}
		if c.CPU <= 0 {
			c.CPU = tmpl.Cap.CPU
		}
		if c.Mem <= 0 {
			c.Mem = tmpl.Cap.Mem
		}
		if c.CPU <= 0 || c.Mem <= 0 {
			return nil, nil, fmt.Errorf("%w: cluster.from_trace %q: machine %s has no CPU or memory size; give them in cluster.host_groups[0] (cpu, memory)", ErrInput, name, m.ID)
		}
		i, ok := at[c]
		if !ok {
			i = len(groups)
			at[c] = i
			g := tmpl
			g.Name, g.Cap, g.Count = tmpl.Name+"-"+itoa(i), c, 0
			groups = append(groups, g)
		}
		groups[i].Count++
		group = append(group, int32(i))
	}
	// Hosts are laid out group by group, machines in order within a group.
	base := make([]int32, len(groups)+1)
	for i, g := range groups {
		base[i+1] = base[i] + int32(g.Count)
	}
	hostOf := make(map[string]int32, len(ms))
	for k, m := range ms {
		hostOf[m.ID] = base[group[k]]
		base[group[k]]++
	}
	return groups, hostOf, nil
}
