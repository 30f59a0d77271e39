// Package workload generates synthetic jobs: random job sizes and runtimes (Sampler) and job
// arrival times (Arrivals). Each Sampler and Arrivals draws from its own seeded random stream
// (sim.NewStream), so results do not depend on which other components exist or on scheduling.
//
// Random variates come from gonum's stat/distuv distributions with an explicit Src. Their Rand
// methods build a math/rand/v2 Rand on each call, but the Go compiler inlines rand.New and keeps
// it on the stack (escape analysis: "&rand.Rand{...} does not escape"), so sampling does not
// allocate; the benchmarks and TestNoAllocs check this.
package workload

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

type distKind uint8

const (
	kindConstant distKind = iota
	kindExponential
	kindLogNormal
	kindPareto
	kindUniform
	kindEmpirical
)

// Sampler draws values from the distribution of a DistSpec. It is a concrete struct: Sample
// switches on the kind, with no interface call of its own and no allocation per sample (the
// random source itself is a math/rand/v2 Source). A Sampler is not safe for concurrent use.
type Sampler struct {
	kind  distKind
	value float64 // constant

	exp  distuv.Exponential
	logn distuv.LogNormal
	par  distuv.Pareto
	uni  distuv.Uniform

	// empirical: Walker's alias table built by Vose's method.
	rng    *rand.Rand
	values []float64
	prob   []float64 // probability of keeping column i rather than taking alias[i]
	alias  []int32

	lo, hi float64 // clamp bounds, ±Inf when unset
	mean   float64 // analytic mean before clamping
}

// NewSampler validates spec and returns a Sampler drawing from src. Kinds and parameters:
//
//   - constant: value (finite).
//   - exponential: mean > 0; rate λ = 1/mean.
//   - lognormal: either mu and sigma > 0 (parameters of the underlying normal), or mean > 0
//     and cv ≥ 0, converted by the moment formulas σ² = ln(1 + cv²), μ = ln(mean) − σ²/2
//     (so that E[X] = exp(μ + σ²/2) = mean and sd/mean = cv).
//   - pareto: xm > 0 (scale, the minimum) and alpha > 0 (shape); P(X > x) = (xm/x)^α for x ≥ xm
//     (gonum distuv.Pareto).
//   - uniform: min and max, min ≤ max; min and max are the bounds, not a clamp.
//   - empirical: values (finite, at least one) with optional weights (same length, ≥ 0, not all
//     zero; default equal weights).
//
// For every kind but uniform, min and/or max clamp the samples: a draw below min is returned
// as min, above max as max (min ≤ max when both are set).
func NewSampler(spec DistSpec, src rand.Source) (*Sampler, error) {
	if src == nil {
		return nil, fmt.Errorf("workload: NewSampler needs a random source")
	}
	s := &Sampler{lo: math.Inf(-1), hi: math.Inf(1)}
	kind := strings.ToLower(spec.Dist)
	bad := func(format string, args ...any) (*Sampler, error) {
		return nil, fmt.Errorf("workload: "+kind+": "+format, args...)
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

	switch kind {
	case "constant":
		if !finite(spec.Value) {
			return bad("value must be a finite number, got %v", spec.Value)
		}
		s.kind, s.value, s.mean = kindConstant, spec.Value, spec.Value

	case "exponential":
		if !(spec.Mean > 0) || !finite(spec.Mean) {
			return bad("mean must be a finite number > 0, got %v", spec.Mean)
		}
		s.kind = kindExponential
		s.exp = distuv.Exponential{Rate: 1 / spec.Mean, Src: src}
		s.mean = spec.Mean

	case "lognormal":
		mu, sigma := spec.Mu, spec.Sigma
		if spec.Mean != 0 || spec.CV != 0 {
			if spec.Mu != 0 || spec.Sigma != 0 {
				return bad("give either mu and sigma, or mean and cv, not both")
			}
			if !(spec.Mean > 0) || !finite(spec.Mean) {
				return bad("mean must be a finite number > 0, got %v", spec.Mean)
			}
			if !(spec.CV >= 0) || !finite(spec.CV) {
				return bad("cv must be a finite number ≥ 0, got %v", spec.CV)
			}
			s2 := math.Log1p(spec.CV * spec.CV)
			mu, sigma = math.Log(spec.Mean)-s2/2, math.Sqrt(s2)
		} else {
			if !finite(mu) {
				return bad("mu must be a finite number, got %v", mu)
			}
			if !(sigma > 0) || !finite(sigma) {
				return bad("sigma must be a finite number > 0 (or give mean and cv), got %v", sigma)
			}
		}
		s.kind = kindLogNormal
		s.logn = distuv.LogNormal{Mu: mu, Sigma: sigma, Src: src}
		s.mean = math.Exp(mu + sigma*sigma/2)

	case "pareto":
		if !(spec.Xm > 0) || !finite(spec.Xm) {
			return bad("xm (scale) must be a finite number > 0, got %v", spec.Xm)
		}
		if !(spec.Alpha > 0) || !finite(spec.Alpha) {
			return bad("alpha (shape) must be a finite number > 0, got %v", spec.Alpha)
		}
		s.kind = kindPareto
		s.par = distuv.Pareto{Xm: spec.Xm, Alpha: spec.Alpha, Src: src}
		// E[X] = α·xm/(α−1) for α > 1, infinite otherwise.
		s.mean = math.Inf(1)
		if spec.Alpha > 1 {
			s.mean = spec.Alpha * spec.Xm / (spec.Alpha - 1)
		}

	case "uniform":
		if spec.Min == nil || spec.Max == nil {
			return bad("min and max are both required")
		}
		lo, hi := *spec.Min, *spec.Max
		if !finite(lo) || !finite(hi) {
			return bad("min and max must be finite, got %v and %v", lo, hi)
		}
		if lo > hi {
			return bad("min (%v) must not exceed max (%v)", lo, hi)
		}
		s.kind = kindUniform
		s.uni = distuv.Uniform{Min: lo, Max: hi, Src: src}
		s.mean = (lo + hi) / 2
		return s, nil // min and max are the bounds, not a clamp

	case "empirical":
		if err := s.buildAlias(spec.Values, spec.Weights); err != nil {
			return bad("%v", err)
		}
		s.kind = kindEmpirical
		s.rng = rand.New(src)

	case "":
		return nil, fmt.Errorf("workload: distribution kind (dist) is missing; want constant, exponential, lognormal, pareto, uniform or empirical")
	default:
		return nil, fmt.Errorf("workload: unknown distribution %q; want constant, exponential, lognormal, pareto, uniform or empirical", spec.Dist)
	}

	if spec.Min != nil {
		if !finite(*spec.Min) {
			return bad("min must be finite, got %v", *spec.Min)
		}
		s.lo = *spec.Min
	}
	if spec.Max != nil {
		if !finite(*spec.Max) {
			return bad("max must be finite, got %v", *spec.Max)
		}
		s.hi = *spec.Max
	}
	if s.lo > s.hi {
		return bad("min (%v) must not exceed max (%v)", s.lo, s.hi)
	}
	return s, nil
}

// buildAlias builds the alias table of the empirical distribution with Vose's method (M. D.
// Vose, "A linear algorithm for generating random numbers with a given distribution", IEEE
// Trans. Software Eng. 17(9), 1991) for Walker's alias method (A. J. Walker, "An efficient
// method for generating discrete random variables with general distributions", ACM TOMS 3(3),
// 1977). Construction is deterministic: the work lists are processed in a fixed order.
func (s *Sampler) buildAlias(values, weights []float64) error {
	n := len(values)
	if n == 0 {
		return fmt.Errorf("values must hold at least one number")
	}
	if n > math.MaxInt32 {
		return fmt.Errorf("too many values (%d)", n)
	}
	if len(weights) != 0 && len(weights) != n {
		return fmt.Errorf("weights must be empty or hold one weight per value: %d values, %d weights", n, len(weights))
	}
	total := 0.0
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("values[%d] must be finite, got %v", i, v)
		}
		w := 1.0
		if len(weights) != 0 {
			w = weights[i]
			if !(w >= 0) || math.IsInf(w, 0) {
				return fmt.Errorf("weights[%d] must be a finite number ≥ 0, got %v", i, w)
			}
		}
		total += w
	}
	if !(total > 0) || math.IsInf(total, 0) {
		return fmt.Errorf("weights must have a finite, positive sum, got %v", total)
	}

	s.values = append([]float64(nil), values...)
	s.prob = make([]float64, n)
	s.alias = make([]int32, n)
	mean := 0.0
	small := make([]int32, 0, n)
	large := make([]int32, 0, n)
	for i := range n {
		w := 1.0
		if len(weights) != 0 {
			w = weights[i]
		}
		mean += w / total * values[i]
		s.prob[i] = w / total * float64(n) // scaled so that the average column is 1
		s.alias[i] = int32(i)
		if s.prob[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		l := small[len(small)-1]
		small = small[:len(small)-1]
		g := large[len(large)-1]
		large = large[:len(large)-1]
		s.alias[l] = g
		s.prob[g] = (s.prob[g] + s.prob[l]) - 1
		if s.prob[g] < 1 {
			small = append(small, g)
		} else {
			large = append(large, g)
		}
	}
	// What is left is 1 up to rounding.
	for _, i := range large {
		s.prob[i] = 1
	}
	for _, i := range small {
		s.prob[i] = 1
	}
	s.mean = mean
	return nil
}

// Sample draws one value, clamped to [min, max] when those are set.
func (s *Sampler) Sample() float64 {
	var v float64
	switch s.kind {
	case kindConstant:
		v = s.value
	case kindExponential:
		v = s.exp.Rand()
	case kindLogNormal:
		v = s.logn.Rand()
	case kindPareto:
		v = s.par.Rand()
	case kindUniform:
		return s.uni.Rand()
	case kindEmpirical:
		i := s.rng.IntN(len(s.values))
		if s.rng.Float64() >= s.prob[i] {
			i = int(s.alias[i])
		}
		v = s.values[i]
	}
	if v < s.lo {
		v = s.lo
	}
	if v > s.hi {
		v = s.hi
	}
	return v
}

// Mean returns the analytic mean of the distribution, ignoring any min/max clamp: value;
// mean; exp(μ + σ²/2) for lognormal; α·xm/(α−1) for pareto with α > 1 and +Inf for α ≤ 1;
// (min+max)/2 for uniform; Σ wᵢvᵢ / Σ wᵢ for empirical.
func (s *Sampler) Mean() float64 { return s.mean }
