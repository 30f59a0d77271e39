package workload

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/dcsim/dcsim/models/units"
)

// Defaults of the diurnal arrival process.
const (
	DefaultDiurnalPeriod = 24 * units.Hour // one day
	DefaultDiurnalPeak   = 14 * units.Hour // 14:00 when t = 0 is midnight
)

// Arrivals generates the arrival times of a job arrival process on the simulation's absolute
// time axis (t = 0 is the start of the simulation).
//
//   - poisson: a homogeneous Poisson process; inter-arrival times are exponential with mean
//     1/rate.
//   - diurnal: a non-homogeneous Poisson process with rate
//     λ(t) = rate · (1 + amplitude · cos(2π (t − peak) / period)),
//     generated exactly by thinning (P. A. W. Lewis & G. S. Shedler, "Simulation of
//     nonhomogeneous Poisson processes by thinning", Naval Research Logistics Quarterly 26(3),
//     1979): candidates come from a homogeneous process at λ_max = rate · (1 + amplitude) and
//     each is kept with probability λ(t)/λ_max. On average 1 + amplitude candidates are drawn
//     per arrival.
//
// Time keeping: the process's current time is held as an integer number of microseconds plus a
// float64 fraction of a microsecond in [0, 1). Each exponential gap is added to the fraction
// and whole microseconds are carried into the integer, so the time never drifts or loses
// resolution as the simulation grows long (a single float64 of seconds would lose sub-µs
// resolution after about 2^52 µs ≈ 143 years, and summing gaps into it would accumulate
// rounding error proportional to its magnitude). The diurnal phase is computed from the
// integer part modulo the period, exactly. Emitted times are the internal time rounded to the
// nearest µs, which never decreases; several arrivals may share a µs at high rates.
//
// An Arrivals draws from its own random source and does not allocate per arrival. It is not
// safe for concurrent use.
type Arrivals struct {
	diurnal bool
	rate    float64 // mean rate, per second

	gap  distuv.Exponential // candidate gaps in µs, rate λ_max per µs
	coin distuv.Uniform     // thinning acceptance draws in [0, 1)

	amp      float64 // diurnal amplitude in [0, 1]
	periodUS int64
	peakUS   int64

	tUS    int64   // internal time: whole µs ...
	fracUS float64 // ... plus a fraction in [0, 1)
	done   bool    // time saturated at math.MaxInt64: no further arrivals
}

// NewArrivals validates spec and returns its arrival process drawing from src. Rate must be
// finite and > 0. Process "poisson" (or "") takes no amplitude, period or peak. Process
// "diurnal" takes amplitude in [0, 1], period > 0 (0 means DefaultDiurnalPeriod, 24 h) and
// peak (0 means DefaultDiurnalPeak, 14 h; any value is taken modulo the period, so write
// e.g. peak: 24h for a peak at midnight).
func NewArrivals(spec ArrivalSpec, src rand.Source) (*Arrivals, error) {
	if src == nil {
		return nil, fmt.Errorf("workload: NewArrivals needs a random source")
	}
	rate := float64(spec.Rate)
	if !(rate > 0) || math.IsInf(rate, 0) {
		return nil, fmt.Errorf("workload: arrival rate must be a finite rate > 0/s, got %v/s", rate)
	}
	a := &Arrivals{rate: rate, coin: distuv.Uniform{Min: 0, Max: 1, Src: src}}
	switch strings.ToLower(spec.Process) {
	case "", "poisson":
		if spec.Amplitude != 0 || spec.Period != 0 || spec.Peak != 0 {
			return nil, fmt.Errorf("workload: poisson arrivals take no amplitude, period or peak (use process: diurnal)")
		}
		a.gap = distuv.Exponential{Rate: rate / 1e6, Src: src}
	case "diurnal":
		if !(spec.Amplitude >= 0 && spec.Amplitude <= 1) {
			return nil, fmt.Errorf("workload: diurnal amplitude must be in [0, 1], got %v", spec.Amplitude)
		}
		period, peak := spec.Period, spec.Peak
		if period == 0 {
			period = DefaultDiurnalPeriod
		}
		if period < 0 {
			return nil, fmt.Errorf("workload: diurnal period must be > 0, got %d µs", int64(period))
		}
		if peak == 0 {
			peak = DefaultDiurnalPeak
		}
		a.diurnal = true
		a.amp = spec.Amplitude
		a.periodUS = int64(period)
		a.peakUS = int64(peak) % a.periodUS
		if a.peakUS < 0 {
			a.peakUS += a.periodUS
		}
		a.gap = distuv.Exponential{Rate: rate * (1 + a.amp) / 1e6, Src: src}
	default:
		return nil, fmt.Errorf("workload: unknown arrival process %q; want poisson or diurnal", spec.Process)
	}
	return a, nil
}

// Next returns the time in µs of the next arrival, at or after nowUS and at or after the
// previous arrival. Call it with the time of the arrival it returned last (or the start time
// for the first call); if nowUS is later than the process's last arrival, the process restarts
// from nowUS, which is exact for a Poisson process (memoryless; for the diurnal process the
// part after nowUS is again the same non-homogeneous Poisson process). When the next arrival
// would lie beyond math.MaxInt64 µs it returns math.MaxInt64 (never).
func (a *Arrivals) Next(nowUS int64) int64 {
	if a.done {
		return math.MaxInt64
	}
	if a.emit() < nowUS {
		a.tUS, a.fracUS = nowUS, 0
	}
	for {
		if !a.advance(a.gap.Rand()) {
			return math.MaxInt64
		}
		if !a.diurnal {
			break
		}
		// Thinning: keep the candidate with probability λ(t)/λ_max = (1 + A·cos θ)/(1 + A).
		d := (a.tUS - a.peakUS) % a.periodUS
		if d < 0 {
			d += a.periodUS
		}
		theta := 2 * math.Pi * (float64(d) + a.fracUS) / float64(a.periodUS)
		if a.coin.Rand()*(1+a.amp) < 1+a.amp*math.Cos(theta) {
			break
		}
	}
	t := a.emit()
	if t < nowUS { // cannot happen after the restart above; kept as a guard
		t = nowUS
	}
	return t
}

// advance adds gapUS microseconds to the internal time, carrying whole µs into the integer
// part. It reports false, and marks the process done, when the time would pass math.MaxInt64.
func (a *Arrivals) advance(gapUS float64) bool {
	f := a.fracUS + gapUS
	if f >= 1 {
		w := math.Floor(f)
		if w >= float64(math.MaxInt64-a.tUS) {
			a.tUS, a.fracUS, a.done = math.MaxInt64, 0, true
			return false
		}
		a.tUS += int64(w)
		f -= w
	}
	a.fracUS = f
	return true
}

// emit is the internal time rounded to the nearest µs (halves round up).
func (a *Arrivals) emit() int64 {
	if a.fracUS >= 0.5 && a.tUS < math.MaxInt64 {
		return a.tUS + 1
	}
	return a.tUS
}

// Rate returns the instantaneous arrival rate λ(t) per second at time tUS (µs): the constant
// rate for poisson, rate · (1 + amplitude · cos(2π (t − peak) / period)) for diurnal.
func (a *Arrivals) Rate(tUS int64) float64 {
	if !a.diurnal {
		return a.rate
	}
	d := (tUS - a.peakUS) % a.periodUS
	if d < 0 {
		d += a.periodUS
	}
	return a.rate * (1 + a.amp*math.Cos(2*math.Pi*float64(d)/float64(a.periodUS)))
}

// MeanRate returns the mean arrival rate per second (over a whole period for diurnal).
func (a *Arrivals) MeanRate() float64 { return a.rate }
