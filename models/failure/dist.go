package failure

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/dcsim/dcsim/sim"
)

// Distribution kinds accepted in Dist.Kind (case-insensitive).
const (
	KindExponential = "exponential"
	KindWeibull     = "weibull"
	KindLogNormal   = "lognormal"
	KindConstant    = "constant"
)

// MaxSample is the largest duration a Sampler returns (2^60 µs, about 36 500 years). Heavier
// draws (a Weibull of very small shape, a lognormal of large σ, or +Inf) are clamped to it, so
// that adding a sample to a time can be checked for overflow; such a timer effectively never
// fires within any horizon.
const MaxSample sim.Time = 1 << 60

// Dist specifies a distribution of durations (time between failures, time to repair). All
// durations are in seconds; Mu and Sigma are the parameters of ln(X / 1 s). Which fields a kind
// takes:
//
//   - exponential: MeanS > 0. P(X > x) = exp(−x/mean).
//   - weibull: Shape k > 0 and exactly one of ScaleS λ > 0 or MeanS > 0.
//     P(X > x) = exp(−(x/λ)^k); E[X] = λ·Γ(1 + 1/k), so a given mean sets λ = mean / Γ(1 + 1/k).
//     k < 1 is a decreasing hazard rate (failures cluster early in an up period), as Schroeder &
//     Gibson (DSN 2006) found for the time between node failures at LANL; k = 1 is exponential.
//   - lognormal: Sigma > 0 and one of Mu (any finite number, the default when neither MedianS
//     nor MeanS is set), MedianS > 0 (μ = ln median) or MeanS > 0 (μ = ln mean − σ²/2, from
//     E[X] = exp(μ + σ²/2)). ln X ~ Normal(μ, σ²). Schroeder & Gibson found repair times well
//     modelled by a lognormal.
//   - constant: MeanS ≥ 0, every draw equals it.
//
// Fields a kind does not take must be zero, so that a misspelt kind or a stray parameter is
// reported rather than ignored.
type Dist struct {
	Kind    string  `yaml:"kind"`
	MeanS   float64 `yaml:"mean_s"`
	Shape   float64 `yaml:"shape"`
	ScaleS  float64 `yaml:"scale_s"`
	Mu      float64 `yaml:"mu"`
	Sigma   float64 `yaml:"sigma"`
	MedianS float64 `yaml:"median_s"`
}

type distKind uint8

const (
	kindExp distKind = iota + 1
	kindWeibull
	kindLogN
	kindConst
)

// dist is a validated Dist in the form the samplers use. a and b are, by kind: exponential
// rate (1/s) and unused; weibull k and λ (s); lognormal μ and σ; constant value (s) and unused.
type dist struct {
	kind distKind
	a, b float64
	mean float64 // analytic mean in seconds
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Validate reports whether d is a well-formed distribution.
func (d Dist) Validate() error {
	_, err := d.compile()
	return err
}

// MeanSeconds returns the analytic mean of d in seconds: mean (exponential, constant),
// λ·Γ(1 + 1/k) (weibull), exp(μ + σ²/2) (lognormal). Samples are rounded to whole microseconds
// and at least 1 µs, which moves the sample mean by at most about 1 µs.
func (d Dist) MeanSeconds() (float64, error) {
	c, err := d.compile()
	if err != nil {
		return 0, err
	}
	return c.mean, nil
}

func (d Dist) compile() (dist, error) {
	kind := strings.ToLower(strings.TrimSpace(d.Kind))
	bad := func(format string, args ...any) (dist, error) {
		return dist{}, fmt.Errorf(kind+": "+format, args...)
	}
	pos := func(name string, x float64) error {
		if !(x > 0) || !finite(x) {
			return fmt.Errorf("%s: %s must be a finite number > 0, got %v", kind, name, x)
		}
		return nil
	}
	unused := func(names ...string) error {
		vals := map[string]float64{"mean_s": d.MeanS, "shape": d.Shape, "scale_s": d.ScaleS, "mu": d.Mu, "sigma": d.Sigma, "median_s": d.MedianS}
		for _, n := range names {
			if vals[n] != 0 {
				return fmt.Errorf("%s: takes no %s (got %v)", kind, n, vals[n])
			}
		}
		return nil
	}
	switch kind {
	case KindExponential:
		if err := pos("mean_s", d.MeanS); err != nil {
			return dist{}, err
		}
		if err := unused("shape", "scale_s", "mu", "sigma", "median_s"); err != nil {
			return dist{}, err
		}
		return dist{kind: kindExp, a: 1 / d.MeanS, mean: d.MeanS}, nil

	case KindWeibull:
		if err := pos("shape", d.Shape); err != nil {
			return dist{}, err
		}
		if err := unused("mu", "sigma", "median_s"); err != nil {
			return dist{}, err
		}
		g := math.Gamma(1 + 1/d.Shape)
		var scale float64
		switch {
		case d.ScaleS != 0 && d.MeanS != 0:
			return bad("give scale_s or mean_s, not both")
		case d.ScaleS != 0:
			if err := pos("scale_s", d.ScaleS); err != nil {
				return dist{}, err
			}
			scale = d.ScaleS
		case d.MeanS != 0:
			if err := pos("mean_s", d.MeanS); err != nil {
				return dist{}, err
			}
			scale = d.MeanS / g
		default:
			return bad("needs scale_s or mean_s")
		}
		mean := scale * g
		if !finite(mean) || !(scale > 0) || !finite(scale) {
			return bad("shape %v with this scale gives no finite mean", d.Shape)
		}
		return dist{kind: kindWeibull, a: d.Shape, b: scale, mean: mean}, nil

	case KindLogNormal:
		if err := pos("sigma", d.Sigma); err != nil {
			return dist{}, err
		}
		if err := unused("shape", "scale_s"); err != nil {
			return dist{}, err
		}
		mu := d.Mu
		set := 0
		for _, x := range []float64{d.MedianS, d.MeanS} {
			if x != 0 {
				set++
			}
		}
		switch {
		case set > 1 || (set == 1 && d.Mu != 0):
			return bad("give one of mu, median_s or mean_s")
		case d.MedianS != 0:
			if err := pos("median_s", d.MedianS); err != nil {
				return dist{}, err
			}
			mu = math.Log(d.MedianS)
		case d.MeanS != 0:
			if err := pos("mean_s", d.MeanS); err != nil {
				return dist{}, err
			}
			mu = math.Log(d.MeanS) - d.Sigma*d.Sigma/2
		default:
			if !finite(mu) {
				return bad("mu must be a finite number, got %v", mu)
			}
		}
		mean := math.Exp(mu + d.Sigma*d.Sigma/2)
		if !finite(mean) {
			return bad("mu %v and sigma %v give no finite mean", mu, d.Sigma)
		}
		return dist{kind: kindLogN, a: mu, b: d.Sigma, mean: mean}, nil

	case KindConstant:
		if !(d.MeanS >= 0) || !finite(d.MeanS) {
			return bad("mean_s must be a finite number ≥ 0, got %v", d.MeanS)
		}
		if err := unused("shape", "scale_s", "mu", "sigma", "median_s"); err != nil {
			return dist{}, err
		}
		return dist{kind: kindConst, a: d.MeanS, mean: d.MeanS}, nil

	case "":
		return dist{}, fmt.Errorf("distribution kind is missing; want exponential, weibull, lognormal or constant")
	default:
		return dist{}, fmt.Errorf("unknown distribution kind %q; want exponential, weibull, lognormal or constant", d.Kind)
	}
}

// seconds draws one value in seconds from src. The draw uses gonum's distuv with src as its
// source; distuv builds its rand.Rand on the stack, so a draw does not allocate.
func (c *dist) seconds(src rand.Source) float64 {
	switch c.kind {
	case kindExp:
		return distuv.Exponential{Rate: c.a, Src: src}.Rand()
	case kindWeibull:
		return distuv.Weibull{K: c.a, Lambda: c.b, Src: src}.Rand()
	case kindLogN:
		return distuv.LogNormal{Mu: c.a, Sigma: c.b, Src: src}.Rand()
	default:
		return c.a
	}
}

// sample draws one duration: seconds rounded to the nearest microsecond, at least 1 µs (so
// that a host is never down or up for zero time) and at most MaxSample.
func (c *dist) sample(src rand.Source) sim.Time {
	us := math.Round(c.seconds(src) * 1e6)
	if !(us >= 1) { // also NaN
		return 1
	}
	if us >= float64(MaxSample) {
		return MaxSample
	}
	return sim.Time(us)
}

// Sampler draws durations from a Dist. It is not safe for concurrent use.
type Sampler struct {
	d   dist
	src rand.Source
}

// NewSampler validates d and returns a Sampler that draws from src.
func NewSampler(d Dist, src rand.Source) (*Sampler, error) {
	if src == nil {
		return nil, fmt.Errorf("failure: NewSampler needs a random source")
	}
	c, err := d.compile()
	if err != nil {
		return nil, err
	}
	return &Sampler{d: c, src: src}, nil
}

// Sample returns the next duration: a draw in seconds rounded to the nearest microsecond,
// clamped to [1 µs, MaxSample].
func (s *Sampler) Sample() sim.Time { return s.d.sample(s.src) }

// MeanSeconds returns the analytic mean of the sampler's distribution in seconds.
func (s *Sampler) MeanSeconds() float64 { return s.d.mean }
