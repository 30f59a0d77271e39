package dc

import (
	"testing"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/timeseries"
	"github.com/dcsim/dcsim/sim"
)

// TestCarbonAndPriceSeries, worked by hand: one 1-core host (linear 100 W idle, 300 W max) runs
// one 1-core job from 0 to 2 h, so it draws 300 W throughout: 0.6 kWh of IT energy. Carbon
// intensity is 100 g/kWh in the first hour and 300 g/kWh after; the price 0.10 then 0.30 USD/kWh.
// Carbon = (0.3 kWh × 100 + 0.3 kWh × 300) g × PUE 1.4 = 168 g; energy cost = (0.03 + 0.09) ×
// 1.4 = 0.168 USD. Embodied: 1,000 kg over a 1-year lifetime, 2 h of it = 1000 × 2 / 8760 kg.
func TestCarbonAndPriceSeries(t *testing.T) {
	cfg := mmcConfig(t, 1, 1, 0, 1)
	cfg.Sources = oneShot(1, 7200)
	cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
	cfg.Groups[0].EmbodiedKg = 1000
	cfg.Groups[0].LifetimeUS = int64(365 * sim.Day)
	var err error
	if cfg.CarbonSeries, err = timeseries.New([]sim.Time{0, sim.Hour}, []float64{100, 300}); err != nil {
		t.Fatal(err)
	}
	if cfg.PriceSeries, err = timeseries.New([]sim.Time{0, sim.Hour}, []float64{0.10, 0.30}); err != nil {
		t.Fatal(err)
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
	// The job is submitted a hair after 0 (rate 1e9/s), so allow a microsecond's worth.
	if !near(sum.EnergyKWh, 0.6, 1e-6) || !near(sum.CarbonKg, 0.168, 1e-6) || !near(sum.EnergyUSD, 0.168, 1e-6) {
		t.Errorf("energy %v kWh, carbon %v kg, energy cost %v USD; want 0.6, 0.168, 0.168", sum.EnergyKWh, sum.CarbonKg, sum.EnergyUSD)
	}
	if want := 1000 * 2 / 8760.0; !near(sum.EmbodiedCarbonKg, want, 1e-6) {
		t.Errorf("embodied %v kg, want %v", sum.EmbodiedCarbonKg, want)
	}
	// A constant series gives the same as the constant figures.
	cfg.CarbonSeries, _ = timeseries.New([]sim.Time{0}, []float64{cfg.CarbonGPerKWh})
	cfg.PriceSeries, _ = timeseries.New([]sim.Time{0}, []float64{cfg.USDPerKWh})
	s2, _ := New(cfg, Options{})
	r2, err := s2.Run()
	if err != nil {
		t.Fatal(err)
	}
	cfg.CarbonSeries, cfg.PriceSeries = nil, nil
	s3, _ := New(cfg, Options{})
	r3, err := s3.Run()
	if err != nil {
		t.Fatal(err)
	}
	if !near(r2.Summary.CarbonKg, r3.Summary.CarbonKg, 1e-9) || !near(r2.Summary.EnergyUSD, r3.Summary.EnergyUSD, 1e-12) {
		t.Errorf("constant series %v kg %v USD, constants %v kg %v USD", r2.Summary.CarbonKg, r2.Summary.EnergyUSD, r3.Summary.CarbonKg, r3.Summary.EnergyUSD)
	}
}
