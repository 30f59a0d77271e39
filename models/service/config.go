package service

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/sim"
)

// QueueNone, as Config.QueueCap, gives every replica no waiting room: a request that finds all
// of its replica's slots busy is dropped (a loss system, M/M/c/c for exponential times).
const QueueNone = -1

// Defaults applied by New to zero fields of Config and its specs.
const (
	DefaultName          = "service"
	DefaultBalancer      = "round-robin"
	DefaultWindow        = sim.Minute
	DefaultDiurnalPeriod = sim.Day
	DefaultDiurnalPeak   = 14 * sim.Hour // 14:00 when t = 0 is midnight
	DefaultBin           = sim.Minute    // bin of counts arrivals (Azure Functions 2019: one minute)
)

// Default LLM service time parameters (see LLMParams). They are assumptions of this package,
// not measurements: orders of magnitude for a ~70B-parameter model served by one 8-GPU H100
// replica, in line with the prompt/token phase characterization of Patel et al. (Splitwise,
// ISCA 2024). Calibrate them for any study that depends on absolute LLM latencies.
const (
	DefaultLLMBaseUS            = 5_000  // 5 ms per request: scheduling, tokenization, first kernel launches
	DefaultLLMPrefillUSPerToken = 100    // 0.1 ms per prompt token: ~10,000 prompt tokens/s
	DefaultLLMDecodeUSPerToken  = 30_000 // 30 ms per output token (time between tokens)
)

// Internal limits.
const (
	maxServiceUS     = 1 << 50 // service times are clamped to 2^50 µs (~35.7 years)
	maxReplicas      = 1 << 24
	maxConcurrency   = 1 << 20
	maxSlots         = 1 << 22 // replicas × concurrency (the completion tree's leaves)
	maxQueueCap      = 1 << 30
	maxRequestTokens = 1 << 30
	initialRingCap   = 16
)

// Config describes one service. Zero fields take the defaults named on each field.
type Config struct {
	// Name labels the WindowRows and names the random streams (default "service"). Two services
	// with different names draw independent random numbers from the same Seed.
	Name string
	// Seed is the run's master seed; the streams are sim.NewStream(Seed, Name+"/...").
	Seed uint64

	// Replicas is the number of replicas up at time 0 (≥ 0; with 0, every request is dropped
	// until AddReplica brings one up).
	Replicas int
	// Concurrency is the number of requests a replica serves at once (slots; default 1).
	Concurrency int
	// QueueCap is the maximum number of requests waiting (not in service) at one replica: 0
	// (default) means unbounded, n > 0 at most n, QueueNone no waiting room at all.
	QueueCap int
	// Balancer picks the replica of each request: "round-robin" (default), "least-outstanding",
	// "power-of-two" or "random".
	Balancer string

	Service  ServiceSpec
	Arrivals ArrivalSpec

	// Window is the length of a statistics window (default DefaultWindow, one minute).
	Window sim.Time
	// SLOP99US is the p99 latency target in µs; 0 (default) means no SLO (no window violates).
	SLOP99US sim.Time
}

// ServiceSpec is the service time distribution. Dist is one of:
//
//   - "constant": every request takes MeanUS (µs, ≥ 0).
//   - "exponential": mean MeanUS (µs, > 0).
//   - "lognormal": either MedianUS (> 0) and Sigma (> 0), the median e^μ and the standard
//     deviation σ of ln X; or MeanUS (> 0) and CV (> 0), converted by the moment formulas
//     σ² = ln(1 + cv²), μ = ln(mean) − σ²/2 (Johnson, Kotz & Balakrishnan, "Continuous
//     Univariate Distributions" Vol. 1, 2nd ed., 1994, ch. 14: E[X] = e^{μ+σ²/2},
//     Var[X] = (e^{σ²} − 1)·E[X]²).
//   - "llm": the LLM model of LLMParams, from each request's tokens; it needs Arrivals.Process
//     "requests".
type ServiceSpec struct {
	Dist     string
	MeanUS   float64
	CV       float64
	MedianUS float64
	Sigma    float64
	LLM      LLMParams
}

// LLMParams is the service time of an LLM inference request with P prompt tokens and O output
// tokens:
//
//	T = BaseUS + PrefillUSPerToken·P + DecodeUSPerToken·O   (µs)
//
// The form follows the two-phase characterization of Patel et al., "Splitwise: Efficient
// Generative LLM Inference Using Phase Splitting" (ISCA 2024) and Agrawal et al., "Taming
// Throughput-Latency Tradeoff in LLM Inference with Sarathi-Serve" (OSDI 2024): the prompt
// (prefill) phase is compute-bound and its time grows about linearly with the prompt length,
// while the token (decode) phase is memory-bound and takes about a constant time per output
// token. The model ignores the quadratic attention term of very long prompts and the slowdown of
// decode with batch size: a replica's Concurrency slots each run one request at this speed,
// whatever the occupancy. When all three fields are zero the defaults DefaultLLMBaseUS,
// DefaultLLMPrefillUSPerToken and DefaultLLMDecodeUSPerToken apply; they are assumptions.
type LLMParams struct {
	BaseUS            float64
	PrefillUSPerToken float64
	DecodeUSPerToken  float64
}

// ArrivalSpec is the request arrival process. Process is one of:
//
//   - "poisson" (default): homogeneous Poisson, RatePerS requests per second.
//   - "constant": one request every 1/RatePerS seconds, at t = k/RatePerS for k = 1, 2, …
//   - "diurnal": non-homogeneous Poisson with λ(t) = RatePerS·(1 + Amplitude·cos(2π(t −
//     Peak)/Period)), Amplitude in [0, 1], Period > 0 (default 24 h), Peak (default 14 h; taken
//     modulo Period, so write Peak = Period for a peak at t = 0).
//   - "mmpp": a two-state Markov-modulated Poisson process: in state i requests arrive at
//     RatesPerS[i] (≥ 0, not both 0) and the state lasts an exponential time of mean
//     MeanSojourn[i] (> 0).
//   - "counts": per-bin request counts CountsPerBin (≥ 0), bin k covering [k·Bin, (k+1)·Bin)
//     (Bin default one minute: the per-minute invocation counts of the Azure Functions 2019
//     trace); within a bin the requests arrive at independent uniformly random instants.
//   - "requests": the request list Requests (Azure LLM inference 2023), sorted by TimeUS.
type ArrivalSpec struct {
	Process  string
	RatePerS float64

	Amplitude float64
	Period    sim.Time
	Peak      sim.Time

	RatesPerS   [2]float64
	MeanSojourn [2]sim.Time

	CountsPerBin []int32
	Bin          sim.Time

	Requests []Request
}

// Request is one record of a request trace: arrival time (µs since the start of the run) and,
// for the "llm" service time, its token counts.
type Request struct {
	TimeUS       sim.Time
	PromptTokens int32
	OutputTokens int32
}

type balKind uint8

const (
	balRoundRobin balKind = iota
	balLeastOutstanding
	balPowerOfTwo
	balRandom
)

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// validate checks cfg and returns it with defaults filled in, and with its own copies of the
// caller's slices (the caller may reuse them once New returns).
func validate(cfg Config) (Config, balKind, error) {
	if cfg.Name == "" {
		cfg.Name = DefaultName
	}
	bad := func(format string, args ...any) (Config, balKind, error) {
		return cfg, 0, fmt.Errorf("service %q: "+format, append([]any{cfg.Name}, args...)...)
	}
	if cfg.Replicas < 0 || cfg.Replicas > maxReplicas {
		return bad("replicas must be in [0, %d], got %d", maxReplicas, cfg.Replicas)
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 1
	}
	if cfg.Concurrency < 0 || cfg.Concurrency > maxConcurrency {
		return bad("concurrency must be in [1, %d], got %d", maxConcurrency, cfg.Concurrency)
	}
	if int64(cfg.Replicas)*int64(cfg.Concurrency) > maxSlots {
		return bad("replicas × concurrency must be at most %d, got %d × %d", maxSlots, cfg.Replicas, cfg.Concurrency)
	}
	if cfg.QueueCap < QueueNone || cfg.QueueCap > maxQueueCap {
		return bad("queue capacity must be 0 (unbounded), QueueNone (-1) or in [1, %d], got %d", maxQueueCap, cfg.QueueCap)
	}
	var bal balKind
	switch strings.ToLower(cfg.Balancer) {
	case "", "round-robin":
		bal = balRoundRobin
		cfg.Balancer = DefaultBalancer
	case "least-outstanding":
		bal = balLeastOutstanding
	case "power-of-two":
		bal = balPowerOfTwo
	case "random":
		bal = balRandom
	default:
		return bad("unknown balancer %q; want round-robin, least-outstanding, power-of-two or random", cfg.Balancer)
	}
	if cfg.Window == 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.Window < 0 {
		return bad("window must be > 0 µs, got %d", int64(cfg.Window))
	}
	if cfg.SLOP99US < 0 {
		return bad("SLO p99 target must be ≥ 0 µs (0: none), got %d", int64(cfg.SLOP99US))
	}
	var err error
	if cfg.Service, err = validateService(cfg.Service, cfg.Arrivals.Process); err != nil {
		return bad("%v", err)
	}
	if cfg.Arrivals, err = validateArrivals(cfg.Arrivals); err != nil {
		return bad("%v", err)
	}
	cfg.Arrivals.CountsPerBin = slices.Clone(cfg.Arrivals.CountsPerBin)
	cfg.Arrivals.Requests = slices.Clone(cfg.Arrivals.Requests)
	return cfg, bal, nil
}

func validateService(s ServiceSpec, process string) (ServiceSpec, error) {
	s.Dist = strings.ToLower(s.Dist)
	switch s.Dist {
	case "constant":
		if !(s.MeanUS >= 0) || !finite(s.MeanUS) {
			return s, fmt.Errorf("constant service time: MeanUS must be a finite number ≥ 0, got %v", s.MeanUS)
		}
	case "exponential":
		if !(s.MeanUS > 0) || !finite(s.MeanUS) {
			return s, fmt.Errorf("exponential service time: MeanUS must be a finite number > 0, got %v", s.MeanUS)
		}
	case "lognormal":
		byMean := s.MeanUS != 0 || s.CV != 0
		byMedian := s.MedianUS != 0 || s.Sigma != 0
		switch {
		case byMean && byMedian:
			return s, fmt.Errorf("lognormal service time: give MedianUS and Sigma, or MeanUS and CV, not both")
		case byMean:
			if !(s.MeanUS > 0) || !finite(s.MeanUS) || !(s.CV > 0) || !finite(s.CV) {
				return s, fmt.Errorf("lognormal service time: MeanUS and CV must be finite numbers > 0, got %v and %v", s.MeanUS, s.CV)
			}
		default:
			if !(s.MedianUS > 0) || !finite(s.MedianUS) || !(s.Sigma > 0) || !finite(s.Sigma) {
				return s, fmt.Errorf("lognormal service time: MedianUS and Sigma must be finite numbers > 0, got %v and %v", s.MedianUS, s.Sigma)
			}
		}
	case "llm":
		if strings.ToLower(process) != "requests" {
			return s, fmt.Errorf("llm service time needs the token counts of arrival process \"requests\", got process %q", process)
		}
		p := s.LLM
		if p == (LLMParams{}) {
			s.LLM = LLMParams{BaseUS: DefaultLLMBaseUS, PrefillUSPerToken: DefaultLLMPrefillUSPerToken, DecodeUSPerToken: DefaultLLMDecodeUSPerToken}
		} else if !(p.BaseUS >= 0) || !finite(p.BaseUS) || !(p.PrefillUSPerToken >= 0) || !finite(p.PrefillUSPerToken) ||
			!(p.DecodeUSPerToken >= 0) || !finite(p.DecodeUSPerToken) {
			return s, fmt.Errorf("llm service time: BaseUS, PrefillUSPerToken and DecodeUSPerToken must be finite numbers ≥ 0, got %v, %v, %v",
				p.BaseUS, p.PrefillUSPerToken, p.DecodeUSPerToken)
		}
	case "":
		return s, fmt.Errorf("service time distribution (Service.Dist) is missing; want constant, exponential, lognormal or llm")
	default:
		return s, fmt.Errorf("unknown service time distribution %q; want constant, exponential, lognormal or llm", s.Dist)
	}
	return s, nil
}

func validateArrivals(a ArrivalSpec) (ArrivalSpec, error) {
	a.Process = strings.ToLower(a.Process)
	if a.Process == "" {
		a.Process = "poisson"
	}
	rate := func() error {
		if !(a.RatePerS > 0) || !finite(a.RatePerS) {
			return fmt.Errorf("%s arrivals: RatePerS must be a finite number > 0, got %v", a.Process, a.RatePerS)
		}
		return nil
	}
	switch a.Process {
	case "poisson", "constant":
		if err := rate(); err != nil {
			return a, err
		}
	case "diurnal":
		if err := rate(); err != nil {
			return a, err
		}
		if !(a.Amplitude >= 0 && a.Amplitude <= 1) {
			return a, fmt.Errorf("diurnal arrivals: Amplitude must be in [0, 1], got %v", a.Amplitude)
		}
		if a.Period == 0 {
			a.Period = DefaultDiurnalPeriod
		}
		if a.Period < 0 {
			return a, fmt.Errorf("diurnal arrivals: Period must be > 0 µs, got %d", int64(a.Period))
		}
		if a.Peak == 0 {
			a.Peak = DefaultDiurnalPeak
		}
		a.Peak %= a.Period
		if a.Peak < 0 {
			a.Peak += a.Period
		}
	case "mmpp":
		for i := range 2 {
			if !(a.RatesPerS[i] >= 0) || !finite(a.RatesPerS[i]) {
				return a, fmt.Errorf("mmpp arrivals: RatesPerS[%d] must be a finite number ≥ 0, got %v", i, a.RatesPerS[i])
			}
			if a.MeanSojourn[i] <= 0 {
				return a, fmt.Errorf("mmpp arrivals: MeanSojourn[%d] must be > 0 µs, got %d", i, int64(a.MeanSojourn[i]))
			}
		}
		if a.RatesPerS[0] == 0 && a.RatesPerS[1] == 0 {
			return a, fmt.Errorf("mmpp arrivals: at least one of RatesPerS must be > 0")
		}
	case "counts":
		if a.Bin == 0 {
			a.Bin = DefaultBin
		}
		if a.Bin < 0 {
			return a, fmt.Errorf("counts arrivals: Bin must be > 0 µs, got %d", int64(a.Bin))
		}
		if len(a.CountsPerBin) > 0 && int64(len(a.CountsPerBin)) > int64(sim.MaxTime/a.Bin) {
			return a, fmt.Errorf("counts arrivals: %d bins of %d µs overflow the time axis", len(a.CountsPerBin), int64(a.Bin))
		}
		for i, c := range a.CountsPerBin {
			if c < 0 {
				return a, fmt.Errorf("counts arrivals: CountsPerBin[%d] must be ≥ 0, got %d", i, c)
			}
		}
	case "requests":
		var prev sim.Time
		for i, r := range a.Requests {
			if r.TimeUS < 0 || r.TimeUS == sim.MaxTime {
				return a, fmt.Errorf("requests arrivals: Requests[%d].TimeUS must be in [0, MaxTime), got %d", i, int64(r.TimeUS))
			}
			if r.TimeUS < prev {
				return a, fmt.Errorf("requests arrivals: Requests must be sorted by TimeUS: Requests[%d] at %d µs is before Requests[%d] at %d µs",
					i, int64(r.TimeUS), i-1, int64(prev))
			}
			if r.PromptTokens < 0 || r.OutputTokens < 0 || r.PromptTokens > maxRequestTokens || r.OutputTokens > maxRequestTokens {
				return a, fmt.Errorf("requests arrivals: Requests[%d] token counts must be in [0, %d], got %d prompt, %d output",
					i, maxRequestTokens, r.PromptTokens, r.OutputTokens)
			}
			prev = r.TimeUS
		}
	default:
		return a, fmt.Errorf("unknown arrival process %q; want poisson, constant, diurnal, mmpp, counts or requests", a.Process)
	}
	return a, nil
}
