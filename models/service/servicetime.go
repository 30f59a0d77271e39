package service

import (
	"math"
	"math/rand/v2"

	"github.com/dcsim/dcsim/sim"
)

type svcKind uint8

const (
	svcConstant svcKind = iota
	svcExponential
	svcLogNormal
	svcLLM
)

// serviceTimes draws service times in whole µs. It is a concrete struct switched on kind: no
// interface call of its own and no allocation per draw.
type serviceTimes struct {
	kind  svcKind
	rng   *rand.Rand // stream "<name>/service"
	value int64      // constant, in µs
	mean  float64    // exponential mean, µs
	mu    float64    // lognormal: mean of ln X (X in µs)
	sigma float64    // lognormal: standard deviation of ln X
	llm   LLMParams
}

func newServiceTimes(spec ServiceSpec, seed uint64, name string) *serviceTimes {
	s := &serviceTimes{rng: rand.New(sim.NewStream(seed, name+"/service"))}
	switch spec.Dist {
	case "constant":
		s.kind = svcConstant
		s.value = roundUS(spec.MeanUS)
	case "exponential":
		s.kind = svcExponential
		s.mean = spec.MeanUS
	case "lognormal":
		s.kind = svcLogNormal
		if spec.MeanUS != 0 {
			// Moment matching (Johnson, Kotz & Balakrishnan 1994, ch. 14):
			// σ² = ln(1 + cv²), μ = ln(mean) − σ²/2, so that E[X] = mean and sd/mean = cv.
			s2 := math.Log1p(spec.CV * spec.CV)
			s.mu, s.sigma = math.Log(spec.MeanUS)-s2/2, math.Sqrt(s2)
		} else {
			// The median of a lognormal is e^μ.
			s.mu, s.sigma = math.Log(spec.MedianUS), spec.Sigma
		}
	case "llm":
		s.kind = svcLLM
		s.llm = spec.LLM
	}
	return s
}

// draw returns the service time of the next request; req is its trace record (used only by the
// llm kind). The order of draws is the order of arrivals, whatever the balancer: every balancer
// sees the same requests (common random numbers), so comparisons between balancers are paired.
func (s *serviceTimes) draw(req *Request) int64 {
	switch s.kind {
	case svcConstant:
		return s.value
	case svcExponential:
		// Exponential of mean m: m·E with E ~ Exp(1) by the ziggurat method.
		return roundUS(s.rng.ExpFloat64() * s.mean)
	case svcLogNormal:
		// X = exp(μ + σZ), Z ~ N(0, 1).
		return roundUS(math.Exp(s.mu + s.sigma*s.rng.NormFloat64()))
	default: // svcLLM
		return roundUS(llmServiceUS(s.llm, req.PromptTokens, req.OutputTokens))
	}
}

// llmServiceUS is the LLM service time T = BaseUS + PrefillUSPerToken·P + DecodeUSPerToken·O µs
// of a request with P prompt and O output tokens: a linear prefill (prompt) phase and a
// constant time per decoded token, after Patel et al., "Splitwise" (ISCA 2024) and Agrawal et
// al., "Sarathi-Serve" (OSDI 2024). See LLMParams.
func llmServiceUS(p LLMParams, prompt, output int32) float64 {
	return p.BaseUS + p.PrefillUSPerToken*float64(prompt) + p.DecodeUSPerToken*float64(output)
}

// roundUS rounds a non-negative duration in µs to the nearest whole µs, clamped to
// [0, maxServiceUS]. Rounding to nearest biases the mean of continuous distributions by far
// less than 1 µs: for an exponential of mean m µs, E[round X] = 1/(2·sinh(1/(2m))) ≈ m − 1/(24m).
func roundUS(x float64) int64 {
	if !(x > 0) { // also NaN
		return 0
	}
	if x >= maxServiceUS {
		return maxServiceUS
	}
	return int64(x + 0.5)
}
