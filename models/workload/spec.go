package workload

import "github.com/dcsim/dcsim/models/units"

// DistSpec describes a random distribution in a scenario file. Values are plain numbers whose
// unit is given by the field that holds the DistSpec (cpu_cores, memory_gib, runtime_s, ...).
//
//	{dist: constant, value: 4}
//	{dist: exponential, mean: 300}
//	{dist: lognormal, mu: 5.0, sigma: 1.2}            # parameters of the underlying normal
//	{dist: lognormal, mean: 300, cv: 2}               # or by mean and coefficient of variation
//	{dist: pareto, xm: 10, alpha: 1.5}
//	{dist: uniform, min: 1, max: 8}
//	{dist: empirical, values: [1, 2, 4, 8], weights: [4, 3, 2, 1]}
//
// Min and Max, when set on a non-uniform distribution, clamp samples (truncation by clamping).
type DistSpec struct {
	Dist    string    `yaml:"dist"`
	Value   float64   `yaml:"value"`
	Mean    float64   `yaml:"mean"`
	CV      float64   `yaml:"cv"`
	Mu      float64   `yaml:"mu"`
	Sigma   float64   `yaml:"sigma"`
	Xm      float64   `yaml:"xm"`
	Alpha   float64   `yaml:"alpha"`
	Min     *float64  `yaml:"min"`
	Max     *float64  `yaml:"max"`
	Values  []float64 `yaml:"values"`
	Weights []float64 `yaml:"weights"`
}

// ArrivalSpec describes a job arrival process.
//
//	{process: poisson, rate: 10/s}
//	{process: diurnal, rate: 10/s, amplitude: 0.6, period: 24h, peak: 14h}
//
// The diurnal rate is λ(t) = rate · (1 + amplitude · cos(2π (t − peak) / period)),
// so `rate` is the mean over a period and the maximum occurs at t ≡ peak (mod period).
type ArrivalSpec struct {
	Process   string         `yaml:"process"`   // "poisson" (default) or "diurnal"
	Rate      units.Rate     `yaml:"rate"`      // mean arrival rate
	Amplitude float64        `yaml:"amplitude"` // diurnal relative amplitude in [0, 1]
	Period    units.Duration `yaml:"period"`    // diurnal period, default 24h
	Peak      units.Duration `yaml:"peak"`      // diurnal phase: time of the peak within the period, default 14h
}
