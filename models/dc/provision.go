package dc

import (
	"fmt"
	"math"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/forecast"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// Provisioning policies.
const (
	ProvisionStatic       = "static"         // hosts stay as they start
	ProvisionPowerOffIdle = "power-off-idle" // idle hosts go off after a timeout, and boot when tasks wait
	ProvisionReactive     = "reactive"       // utilization / queue thresholds with cooldown
	ProvisionPredictive   = "predictive"     // a forecast of demand, at a quantile plus headroom, ahead of the boot delay
)

// ProvisionConfig configures a cluster's provisioning policy. Decisions happen every Interval;
// hosts power on in index order (lowest first) and off in reverse (highest first, idle ones
// only), and a host that powers on boots for its group's boot time, drawing idle power.
type ProvisionConfig struct {
	Policy      string
	Interval    sim.Time
	MinHosts    int      // never fewer hosts provisioned
	MaxHosts    int      // never more (0: all)
	IdleTimeout sim.Time // a host idle this long may be powered off
	// Reactive: scale up by Step hosts when CPU allocation exceeds Up (of provisioned CPU) or
	// tasks wait; scale down (idle hosts) by Step when it is below Down and none waits; then wait
	// Cooldown.
	Up, Down float64
	Step     int
	Cooldown sim.Time
	// Predictive: forecast the CPU demand (allocated + waiting, cores) Lead = ⌈boot/interval⌉+1
	// steps ahead, provision for its Quantile plus Headroom (fraction).
	Forecaster  string // holt-winters or seasonal-naive
	SeasonSteps int    // season length in steps
	Quantile    float64
	Headroom    float64
}

// provisioner is a cell's provisioning state.
type provisioner struct {
	cfg       ProvisionConfig
	idleSince []sim.Time // per host, when it last became idle (-1 busy)
	lastScale sim.Time
	fc        forecast.Forecaster
	pending   []float64 // forecasts made for future steps, by step (ring of Lead+1)
	lead      int
	step      int64
	hostCPU   float64 // mean host CPU, cores (to turn cores into hosts)
	powerOns  int64
	powerOffs int64
	// forecast error tracking
	apeSum     float64
	apeN       int64
	underHostH float64
}

// ProvisionRow re-exported for the sink.
type ProvisionSink interface {
	Write(*results.ProvisionRow) error
}

func newProvisioner(c *cell, cfg *Config) (*provisioner, error) {
	pc := cfg.Provision
	if pc == nil || pc.Policy == "" || pc.Policy == ProvisionStatic {
		return nil, nil
	}
	if pc.Interval <= 0 {
		return nil, fmt.Errorf("provisioning: interval must be positive")
	}
	p := &provisioner{cfg: *pc, idleSince: make([]sim.Time, len(c.hosts)), lastScale: -1 << 62}
	var cpu float64
	for h := range c.hosts {
		p.idleSince[h] = 0
		cpu += float64(c.hosts[h].Cap.CPU) / 1000
	}
	p.hostCPU = cpu / float64(len(c.hosts))
	if pc.Policy == ProvisionPredictive {
		var maxBoot int64
		for _, g := range cfg.Groups {
			maxBoot = max(maxBoot, g.BootUS)
		}
		p.lead = int(math.Ceil(float64(maxBoot)/float64(pc.Interval))) + 1
		switch pc.Forecaster {
		case "seasonal-naive":
			p.fc = &forecast.SeasonalNaive{Period: max(1, pc.SeasonSteps)}
		default:
			p.fc = &forecast.HoltWinters{Period: max(2, pc.SeasonSteps)}
		}
		p.pending = make([]float64, p.lead+1)
		for i := range p.pending {
			p.pending[i] = math.NaN()
		}
	}
	return p, nil
}

// provisioned counts the hosts on or booting.
func (c *cell) provisioned() int {
	n := 0
	for h := range c.hosts {
		if c.hosts[h].Provisioned() {
			n++
		}
	}
	return n
}

// decide is the periodic provisioning decision.
func (c *cell) decide(now sim.Time) {
	p := c.prov
	cfg := &p.cfg
	var alloc, capOn float64
	for h := range c.hosts {
		hs := &c.hosts[h]
		if hs.State == models.HostOn {
			alloc += float64(hs.Cap.CPU-hs.Free.CPU) / 1000
			capOn += float64(hs.Cap.CPU) / 1000
		}
	}
	waitingCPU := float64(c.queuedCPU) / 1000
	prov := c.provisioned()
	target := prov
	var fcMean, fcTarget float64 = math.NaN(), math.NaN()
	switch cfg.Policy {
	case ProvisionPowerOffIdle:
		if c.queueLen > 0 {
			target = prov + int(math.Ceil(waitingCPU/p.hostCPU))
		} else {
			target = cfg.MinHosts // idle hosts go off (after the timeout), down to the minimum
		}
	case ProvisionReactive:
		if now-p.lastScale < cfg.Cooldown {
			break
		}
		u := 0.0
		if capOn > 0 {
			u = alloc / capOn
		}
		switch {
		case u > cfg.Up || c.queueLen > 0:
			target = prov + cfg.Step
		case u < cfg.Down:
			target = prov - cfg.Step
		}
	case ProvisionPredictive:
		demand := alloc + waitingCPU // cores wanted this step
		p.track(demand, float64(prov)*p.hostCPU, cfg.Interval)
		p.fc.Observe(demand)
		mean, sd := p.fc.Forecast(p.lead)
		if math.IsNaN(mean) {
			mean, sd = demand, 0
		}
		fcMean = mean
		p.pending[int(p.step+int64(p.lead))%len(p.pending)] = mean
		p.step++
		q := forecast.Quantile(mean, sd, cfg.Quantile) * (1 + cfg.Headroom)
		fcTarget = q
		target = int(math.Ceil(q / p.hostCPU))
	}
	target = max(target, cfg.MinHosts)
	if cfg.MaxHosts > 0 {
		target = min(target, cfg.MaxHosts)
	}
	target = min(target, len(c.hosts))
	changed := false
	for h := 0; h < len(c.hosts) && prov < target; h++ { // power on, lowest index first
		if hs := &c.hosts[h]; hs.State == models.HostOff {
			c.powerOn(int32(h), now)
			prov++
			changed = true
		}
	}
	for h := len(c.hosts) - 1; h >= 0 && prov > target; h-- { // power off idle hosts, highest first
		hs := &c.hosts[h]
		if hs.State == models.HostOn && hs.Tasks == 0 && p.idleSince[h] >= 0 && now-p.idleSince[h] >= cfg.IdleTimeout {
			c.powerOff(int32(h), now)
			prov--
			changed = true
		}
	}
	if changed {
		p.lastScale = now
	}
	if c.provSink != nil {
		row := results.ProvisionRow{TimeUS: int64(now), DemandCores: alloc + waitingCPU, AllocatedCores: alloc,
			WaitingCores: waitingCPU, ForecastCores: fcMean, TargetCores: fcTarget, TargetHosts: int32(target),
			ProvisionedHosts: int32(prov)}
		if err := c.provSink.Write(&row); err != nil && c.err == nil {
			c.err = err
		}
	}
}

// track scores the forecast made lead steps ago for this step: absolute percentage error
// (steps with demand > 0) and under-provisioning: demand above the provisioned cores, in host-
// hours.
func (p *provisioner) track(demand, provisionedCores float64, iv sim.Time) {
	if p.pending == nil {
		return
	}
	i := int(p.step % int64(len(p.pending)))
	if f := p.pending[i]; !math.IsNaN(f) && demand > 0 {
		p.apeSum += math.Abs(f-demand) / demand
		p.apeN++
	}
	p.pending[i] = math.NaN()
	if short := demand - provisionedCores; short > 0 {
		p.underHostH += short / p.hostCPU * iv.Seconds() / 3600
	}
}

func (c *cell) powerOn(h int32, now sim.Time) {
	c.advance(h, now)
	hs := &c.hosts[h]
	g := &c.s.cfg.Groups[hs.Group]
	c.prov.powerOns++
	if g.BootUS <= 0 {
		hs.State = models.HostOn
		c.acc[h].watts = c.powerOf(h)
		c.placer.Update(h)
		c.releases++
		return
	}
	hs.State = models.HostBooting
	c.acc[h].watts = c.powerOf(h)
	c.eng.After(sim.Time(g.BootUS), evBooted, h, 0)
}

func (c *cell) booted(h int32, now sim.Time) {
	hs := &c.hosts[h]
	if hs.State != models.HostBooting { // failed while booting: it comes back on when repaired
		if hs.State == models.HostFailed && c.fail != nil {
			c.fail.prev[h] = models.HostOn
		}
		return
	}
	c.advance(h, now)
	hs.State = models.HostOn
	c.acc[h].watts = c.powerOf(h)
	c.placer.Update(h)
	c.prov.idleSince[h] = now
	c.releases++
	c.schedule()
}

func (c *cell) powerOff(h int32, now sim.Time) {
	c.advance(h, now)
	hs := &c.hosts[h]
	hs.State = models.HostOff
	c.acc[h].watts = c.powerOf(h)
	c.placer.Update(h)
	c.prov.powerOffs++
}
