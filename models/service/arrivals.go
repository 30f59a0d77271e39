package service

import (
	"math"
	"math/rand/v2"

	"github.com/dcsim/dcsim/sim"
)

type arrKind uint8

const (
	arrPoisson arrKind = iota
	arrConstant
	arrDiurnal
	arrMMPP
	arrCounts
	arrRequests
)

// arrivals generates request arrival times in µs on the run's time axis. It is a concrete
// struct switched on kind: no interface call and no allocation per arrival.
//
// Time keeping (poisson, diurnal, mmpp): the process's time is an integer number of µs plus a
// float64 fraction in [0, 1); each gap is added to the fraction and whole µs are carried into
// the integer, so the time never drifts or loses resolution as the run grows long (as in
// models/workload.Arrivals). Emitted times are the internal time rounded to the nearest µs,
// never decreasing; several arrivals may share a µs at high rates.
type arrivals struct {
	kind arrKind
	gap  *rand.Rand // stream "<name>/arrivals": gaps, or the uniforms of counts
	coin *rand.Rand // stream "<name>/arrivals-thinning": diurnal acceptance draws
	mod  *rand.Rand // stream "<name>/arrivals-mmpp-state": the modulating chain of mmpp

	meanGapUS float64 // poisson, constant: 1e6/rate; diurnal: 1e6/λ_max
	k         int64   // constant: index of the last arrival

	tUS  int64   // internal time: whole µs ...
	frac float64 // ... plus a fraction in [0, 1)
	done bool

	amp      float64 // diurnal amplitude
	periodUS int64
	peakUS   int64

	state     int        // mmpp: current state
	stateGap  [2]float64 // mmpp: mean gap µs in each state (+Inf for rate 0)
	sojournUS [2]float64 // mmpp: mean sojourn µs in each state
	leftUS    float64    // mmpp: time left in the current state

	counts []int32 // counts per bin
	binUS  int64
	bin    int     // current bin
	left   int32   // arrivals left in the current bin
	logCur float64 // log of the current descending uniform order statistic

	reqs []Request // requests
	cur  int       // index of the pending request
}

func newArrivals(spec ArrivalSpec, seed uint64, name string) *arrivals {
	stream := func(s string) *rand.Rand { return rand.New(sim.NewStream(seed, name+"/"+s)) }
	a := &arrivals{gap: stream("arrivals")}
	switch spec.Process {
	case "poisson":
		a.kind = arrPoisson
		a.meanGapUS = 1e6 / spec.RatePerS
	case "constant":
		a.kind = arrConstant
		a.meanGapUS = 1e6 / spec.RatePerS
	case "diurnal":
		a.kind = arrDiurnal
		a.coin = stream("arrivals-thinning")
		a.amp = spec.Amplitude
		a.periodUS, a.peakUS = int64(spec.Period), int64(spec.Peak)
		a.meanGapUS = 1e6 / (spec.RatePerS * (1 + a.amp))
	case "mmpp":
		a.kind = arrMMPP
		a.mod = stream("arrivals-mmpp-state")
		for i := range 2 {
			a.stateGap[i] = math.Inf(1)
			if spec.RatesPerS[i] > 0 {
				a.stateGap[i] = 1e6 / spec.RatesPerS[i]
			}
			a.sojournUS[i] = float64(spec.MeanSojourn[i])
		}
		// Start in the stationary distribution of the modulating chain, π_0 = m_0/(m_0 + m_1);
		// by memorylessness the residual sojourn of the initial state is again exponential
		// with the state's mean.
		if a.mod.Float64()*(a.sojournUS[0]+a.sojournUS[1]) >= a.sojournUS[0] {
			a.state = 1
		}
		a.leftUS = a.mod.ExpFloat64() * a.sojournUS[a.state]
	case "counts":
		a.kind = arrCounts
		a.counts = spec.CountsPerBin
		a.binUS = int64(spec.Bin)
		a.bin = -1
	case "requests":
		a.kind = arrRequests
		a.reqs = spec.Requests
		a.cur = -1
	}
	return a
}

// next returns the time in µs of the next arrival, or math.MaxInt64 when there is none.
func (a *arrivals) next() int64 {
	if a.done {
		return math.MaxInt64
	}
	switch a.kind {
	case arrPoisson:
		// Homogeneous Poisson process: i.i.d. exponential gaps of mean 1/λ (Kleinrock,
		// Queueing Systems Vol. 1, 1975, ch. 2). ExpFloat64 is the ziggurat method of Marsaglia
		// & Tsang (2000).
		if !a.advance(a.gap.ExpFloat64() * a.meanGapUS) {
			return math.MaxInt64
		}
		return a.emit()
	case arrConstant:
		// Arrival k at round(k·1e6/rate) µs, computed from k (no accumulation); exact to the µs
		// while k·gap < 2^53 µs (~285 years).
		a.k++
		t := math.Round(float64(a.k) * a.meanGapUS)
		if t >= math.MaxInt64 {
			a.done = true
			return math.MaxInt64
		}
		return int64(t)
	case arrDiurnal:
		return a.nextDiurnal()
	case arrMMPP:
		return a.nextMMPP()
	case arrCounts:
		return a.nextCount()
	default: // arrRequests
		a.cur++
		if a.cur >= len(a.reqs) {
			a.done = true
			return math.MaxInt64
		}
		return int64(a.reqs[a.cur].TimeUS)
	}
}

// nextDiurnal generates the non-homogeneous Poisson process of rate
// λ(t) = rate·(1 + A·cos(2π(t − peak)/period)) exactly by thinning (P. A. W. Lewis & G. S.
// Shedler, "Simulation of nonhomogeneous Poisson processes by thinning", Naval Research
// Logistics Quarterly 26(3), 1979): candidates come from a homogeneous process at
// λ_max = rate·(1 + A) and each is kept with probability λ(t)/λ_max. The phase is computed from
// the integer time modulo the period, exactly.
func (a *arrivals) nextDiurnal() int64 {
	for {
		if !a.advance(a.gap.ExpFloat64() * a.meanGapUS) {
			return math.MaxInt64
		}
		d := (a.tUS - a.peakUS) % a.periodUS
		if d < 0 {
			d += a.periodUS
		}
		theta := 2 * math.Pi * (float64(d) + a.frac) / float64(a.periodUS)
		if a.coin.Float64()*(1+a.amp) < 1+a.amp*math.Cos(theta) {
			return a.emit()
		}
	}
}

// nextMMPP generates a two-state Markov-modulated Poisson process (W. Fischer & K.
// Meier-Hellstern, "The Markov-modulated Poisson process (MMPP) cookbook", Performance
// Evaluation 18(2), 1993): in state i arrivals are Poisson at λ_i and the state lasts an
// exponential time of mean m_i. A candidate gap that would cross the end of the state is
// discarded and the process restarts at the switch instant in the other state, which is exact
// because both the gap and the sojourn are memoryless. Mean rate (λ_0 m_0 + λ_1 m_1)/(m_0 + m_1).
func (a *arrivals) nextMMPP() int64 {
	for {
		g := math.Inf(1)
		if m := a.stateGap[a.state]; !math.IsInf(m, 1) {
			g = a.gap.ExpFloat64() * m
		}
		if g < a.leftUS {
			a.leftUS -= g
			if !a.advance(g) {
				return math.MaxInt64
			}
			return a.emit()
		}
		if !a.advance(a.leftUS) {
			return math.MaxInt64
		}
		a.state ^= 1
		a.leftUS = a.mod.ExpFloat64() * a.sojournUS[a.state]
	}
}

// nextCount spreads the count c of each bin over the bin at independent uniformly random
// instants (an assumption: the Azure Functions 2019 trace gives only per-minute counts, and
// uniform placement is the maximum-entropy choice; it is the conditional law of a homogeneous
// Poisson process given its count). The c sorted instants are generated one by one in
// increasing order without storing them, by the method of J. L. Bentley & J. B. Saxe,
// "Generating sorted lists of random numbers", ACM TOMS 6(3), 1980: the descending order
// statistics of c uniforms are M_1 = U_1^{1/c}, M_j = M_{j−1}·U_j^{1/(c−j+1)}, and 1 − M_j
// are the ascending ones (kept in log space). Every arrival of bin k lies in
// [k·Bin, (k+1)·Bin), so per-bin counts are reproduced exactly.
func (a *arrivals) nextCount() int64 {
	for a.left == 0 {
		a.bin++
		if a.bin >= len(a.counts) {
			a.done = true
			return math.MaxInt64
		}
		a.left = a.counts[a.bin]
		a.logCur = 0
	}
	u := 1 - a.gap.Float64() // in (0, 1]
	a.logCur += math.Log(u) / float64(a.left)
	a.left--
	x := -math.Expm1(a.logCur) // 1 − M_j in [0, 1]
	off := int64(x * float64(a.binUS))
	if off >= a.binUS {
		off = a.binUS - 1
	}
	return int64(a.bin)*a.binUS + off
}

// advance adds gapUS µs to the internal time, carrying whole µs into the integer part. It
// reports false, and marks the process done, when the time would pass math.MaxInt64.
func (a *arrivals) advance(gapUS float64) bool {
	f := a.frac + gapUS
	if f >= float64(math.MaxInt64-a.tUS) {
		a.tUS, a.frac, a.done = math.MaxInt64, 0, true
		return false
	}
	w := int64(f) // f ≥ 0: truncation is the floor
	a.tUS += w
	a.frac = f - float64(w)
	return true
}

// emit is the internal time rounded to the nearest µs (halves round up), without a branch.
func (a *arrivals) emit() int64 {
	return a.tUS + int64(a.frac+0.5)
}
