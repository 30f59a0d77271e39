package forecast

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// Defaults of HoltWinters.
const (
	// DefaultMaxEvals bounds the objective evaluations of one fit (Nelder–Mead).
	DefaultMaxEvals = 300
	// startAlpha, startBeta and startGamma are where the first fit starts; later fits start
	// from the previous fit's parameters.
	startAlpha = 0.3
	startBeta  = 0.05
	startGamma = 0.1
	// logitBound keeps fitted parameters in [σ(−b), σ(b)] ⊂ (0, 1), σ the logistic function:
	// about [6·10⁻⁶, 1 − 6·10⁻⁶].
	logitBound = 12.0
)

// HoltWinters is Holt–Winters' additive seasonal method (FPP3 §8.3), in component form with
// season length m:
//
//	ŷ_{t+h|t} = ℓ_t + h·b_t + s_{t+h−m(k+1)},                k = ⌊(h−1)/m⌋
//	ℓ_t = α(y_t − s_{t−m}) + (1−α)(ℓ_{t−1} + b_{t−1})
//	b_t = β*(ℓ_t − ℓ_{t−1}) + (1−β*)b_{t−1}
//	s_t = γ(y_t − ℓ_{t−1} − b_{t−1}) + (1−γ)s_{t−m}
//
// Beta is FPP3's β* (the trend smoothing of the component form); the state-space model
// ETS(A,A,A) has β = α·β*. The standard deviation of the h-step forecast is that of
// ETS(A,A,A) (FPP3 §8.7, Table 8.8; Hyndman, Koehler, Ord & Snyder, "Forecasting with
// Exponential Smoothing", Springer 2008, ch. 6):
//
//	σ_h² = σ²·[1 + Σ_{j=1}^{h−1} c_j²],  c_j = α(1 + jβ*) + γ·1{j mod m = 0}
//	     = σ²·[1 + (h−1)(α² + αβh + β²h(2h−1)/6) + γk(2α + γ + βm(k+1))],  β = αβ*
//
// computed in O(1) by the closed form, with σ² the mean squared one-step error over the last
// Seasons·m steps.
//
// Initialisation: once 2m values are held, the states are initialised by classical
// decomposition of the first two seasons of the fitting window (Hyndman et al. 2008, §2.6.1):
// a centred moving average (2×m for even m, m for odd m) gives the trend T_i; the seasonal
// states are the average detrended values y_i − T_i at each position of the season,
// normalised to sum to zero; a least-squares line T_i ≈ a + b·i gives ℓ = a − b and b at the
// step before the window. The recursions then run over the whole window. Before 2m values
// have been observed, forecasts are SeasonalNaive's (naive for the first season).
//
// Parameters: each of Alpha, Beta and Gamma is used as given when in (0, 1], and fitted when
// 0. Fitting minimises the mean squared one-step error over the window (the last Seasons·m
// observations, or all of them while fewer are held) with the Nelder–Mead simplex method
// (Lagarias et al. 1998; see nelderMead) over the logits of the free parameters, so that each
// stays in (0, 1) (in fact in about [6·10⁻⁶, 1−6·10⁻⁶]); the usual restriction γ ≤ 1−α is not
// imposed. The first fit starts from α = 0.3, β* = 0.05, γ = 0.1 and each later fit from the
// previous parameters, with at most MaxEvals evaluations. A fit happens at initialisation and
// then every RefitEvery steps; each (re)initialises the states from the window and runs the
// recursions over it with the new parameters, so its cost is O(MaxEvals·Seasons·m).
// Between fits Observe and Forecast are O(1). With no parameter to fit the states are
// initialised once and never refitted.
//
// Set the exported fields before the first Observe and do not change them afterwards. The
// zero values of Seasons, RefitEvery and MaxEvals mean their defaults. Memory O(Seasons·m).
// Everything is deterministic: the same observations give bit-identical forecasts.
type HoltWinters struct {
	Period int // season length m in steps, ≥ 2

	// Smoothing parameters: a value in (0, 1] is fixed; 0 means fitted.
	Alpha, Beta, Gamma float64

	// Seasons is the fitting window and residual window in seasons, ≥ 2; 0 means
	// DefaultSeasons.
	Seasons int
	// RefitEvery is the number of steps between fits; 0 means Period (once a season), and a
	// negative value fits only once, at initialisation.
	RefitEvery int
	// MaxEvals bounds the objective evaluations of one fit; 0 means DefaultMaxEvals.
	MaxEvals int

	ready   bool
	n       int       // observations so far
	hist    []float64 // hist[i mod len] = y_i for the last len(hist) observations
	season  []float64 // season[i mod m] = latest seasonal state at that position
	level   float64
	trend   float64
	a, b, g float64 // parameters in use
	free    []int   // indices (0 α, 1 β, 2 γ) of fitted parameters
	errs    window  // one-step errors
	since   int     // observations since the last fit
	fits    int
	pre     *SeasonalNaive // forecaster before initialisation
	x       []float64      // scratch: window in time order
	init    hwInit         // scratch: initial states of the window
	scratch []float64      // scratch seasonal states for the objective
}

var _ Forecaster = (*HoltWinters)(nil)

// hwInit holds initial states at the step before a window's first value.
type hwInit struct {
	level, trend float64
	season       []float64 // by global position i mod m
}

func (hw *HoltWinters) setup() {
	m := hw.Period
	if m < 2 {
		panic(fmt.Sprintf("forecast: HoltWinters.Period %d is not ≥ 2", m))
	}
	if hw.Seasons < 0 || hw.Seasons == 1 {
		panic(fmt.Sprintf("forecast: HoltWinters.Seasons %d is not 0 or ≥ 2", hw.Seasons))
	}
	if hw.MaxEvals < 0 {
		panic(fmt.Sprintf("forecast: HoltWinters.MaxEvals %d is negative", hw.MaxEvals))
	}
	for i, p := range [3]float64{hw.Alpha, hw.Beta, hw.Gamma} {
		if !(p >= 0 && p <= 1) {
			panic(fmt.Sprintf("forecast: HoltWinters.%s %v is not in [0, 1]", [3]string{"Alpha", "Beta", "Gamma"}[i], p))
		}
		if p == 0 {
			hw.free = append(hw.free, i)
		}
	}
	k := hw.Seasons
	if k == 0 {
		k = DefaultSeasons
	}
	hw.hist = make([]float64, k*m)
	hw.season = make([]float64, m)
	hw.errs = newWindow(k * m)
	hw.x = make([]float64, 0, k*m)
	hw.init.season = make([]float64, m)
	hw.scratch = make([]float64, m)
	hw.a, hw.b, hw.g = hw.Alpha, hw.Beta, hw.Gamma
	if hw.a == 0 {
		hw.a = startAlpha
	}
	if hw.b == 0 {
		hw.b = startBeta
	}
	if hw.g == 0 {
		hw.g = startGamma
	}
	hw.pre = &SeasonalNaive{Period: m, Seasons: 1}
}

// Observe records the value of the step that just ended. It panics if y is not finite.
func (hw *HoltWinters) Observe(y float64) {
	checkY(y)
	if hw.hist == nil {
		hw.setup()
	}
	i := hw.n
	hw.hist[i%len(hw.hist)] = y
	hw.n++
	if !hw.ready {
		hw.pre.Observe(y)
		if hw.n == 2*hw.Period {
			hw.fit()
			hw.ready = true
			hw.pre = nil
		}
		return
	}
	e := hw.step(&hw.level, &hw.trend, hw.season, i, y, hw.a, hw.b, hw.g)
	hw.errs.push(e)
	hw.since++
	if len(hw.free) > 0 && hw.RefitEvery >= 0 && hw.since >= hw.refitEvery() {
		hw.fit()
	}
}

func (hw *HoltWinters) refitEvery() int {
	if hw.RefitEvery == 0 {
		return hw.Period
	}
	return hw.RefitEvery
}

// step applies the recursions for observation y at global index i and returns the one-step
// error y − ŷ_{i|i−1}.
func (hw *HoltWinters) step(level, trend *float64, season []float64, i int, y, a, b, g float64) float64 {
	p := i % hw.Period
	l0, b0, s0 := *level, *trend, season[p]
	e := y - (l0 + b0 + s0)
	l1 := a*(y-s0) + (1-a)*(l0+b0)
	*trend = b*(l1-l0) + (1-b)*b0
	*level = l1
	season[p] = g*(y-l0-b0) + (1-g)*s0
	return e
}

// Forecast returns the forecast h ≥ 1 steps ahead and its standard deviation.
func (hw *HoltWinters) Forecast(h int) (mean, sd float64) {
	checkH(h)
	if !hw.ready {
		if hw.pre == nil {
			return math.NaN(), math.NaN()
		}
		return hw.pre.Forecast(h)
	}
	m := hw.Period
	t := hw.n - 1
	mean = hw.level + float64(h)*hw.trend + hw.season[(t+h)%m]
	return mean, math.Sqrt(hw.errs.meanSquare() * varianceFactor(h, m, hw.a, hw.b, hw.g))
}

// varianceFactor is σ_h²/σ² of ETS(A,A,A) (FPP3 Table 8.8) with beta = β* of the component
// form.
func varianceFactor(h, m int, alpha, beta, gamma float64) float64 {
	fh := float64(h)
	bs := alpha * beta // state-space β
	k := float64((h - 1) / m)
	return 1 + (fh-1)*(alpha*alpha+alpha*bs*fh+bs*bs*fh*(2*fh-1)/6) +
		gamma*k*(2*alpha+gamma+bs*float64(m)*(k+1))
}

// Params returns the smoothing parameters in use: the fixed ones, and the fitted ones after
// the first fit (before it, the starting values).
func (hw *HoltWinters) Params() (alpha, beta, gamma float64) {
	if hw.hist == nil {
		hw.setup()
	}
	return hw.a, hw.b, hw.g
}

// Fits returns how many times the parameters have been fitted (or, when none is free, the
// states initialised).
func (hw *HoltWinters) Fits() int { return hw.fits }

// Sigma returns σ, the root mean square one-step error over the residual window (0 before
// initialisation).
func (hw *HoltWinters) Sigma() float64 { return math.Sqrt(hw.errs.meanSquare()) }

// fit copies the window, initialises its states, fits the free parameters and reruns the
// recursions over the window, leaving the states at the last observation and the window's
// one-step errors in errs.
func (hw *HoltWinters) fit() {
	L := min(hw.n, len(hw.hist))
	w0 := hw.n - L
	x := hw.x[:L]
	for j := range x {
		x[j] = hw.hist[(w0+j)%len(hw.hist)]
	}
	hw.decompose(x, w0)
	if len(hw.free) > 0 {
		hw.optimise(x, w0)
	}
	hw.errs.reset()
	hw.level, hw.trend = hw.init.level, hw.init.trend
	copy(hw.season, hw.init.season)
	for j, y := range x {
		hw.errs.push(hw.step(&hw.level, &hw.trend, hw.season, w0+j, y, hw.a, hw.b, hw.g))
	}
	hw.since = 0
	hw.fits++
}

// decompose sets hw.init from the first two seasons of x, whose first value has global index
// w0, by classical decomposition (see the type's documentation).
func (hw *HoltWinters) decompose(x []float64, w0 int) {
	m := hw.Period
	x = x[:2*m]
	half := m / 2
	lo, hi := half, 2*m-1-half // the centred average is defined for indices lo..hi
	ts := make([]float64, 0, hi-lo+1)
	is := make([]float64, 0, hi-lo+1)
	sum := make([]float64, m)
	cnt := make([]float64, m)
	for i := lo; i <= hi; i++ {
		var T float64
		if m%2 == 0 { // 2×m-MA: weights 1/2m at both ends, 1/m inside
			T = (x[i-half] + x[i+half]) / 2
			for j := i - half + 1; j < i+half; j++ {
				T += x[j]
			}
		} else { // m-MA
			for j := i - half; j <= i+half; j++ {
				T += x[j]
			}
		}
		T /= float64(m)
		ts = append(ts, T)
		is = append(is, float64(i))
		p := (w0 + i) % m
		sum[p] += x[i] - T
		cnt[p]++
	}
	mean := 0.0
	for p := range sum {
		sum[p] /= cnt[p] // every position has at least one detrended value
		mean += sum[p]
	}
	mean /= float64(m)
	for p := range sum {
		hw.init.season[p] = sum[p] - mean
	}
	a, b := stat.LinearRegression(is, ts, nil, false)
	hw.init.level, hw.init.trend = a-b, b
}

// sse runs the recursions over x from hw.init with the given parameters and returns the mean
// squared one-step error. It is step unrolled over the window (the fit's inner loop).
func (hw *HoltWinters) sse(x []float64, w0 int, a, b, g float64) float64 {
	m := hw.Period
	l, tr := hw.init.level, hw.init.trend
	season := hw.scratch
	copy(season, hw.init.season)
	p := w0 % m
	s := 0.0
	for _, y := range x {
		s0 := season[p]
		e := y - (l + tr + s0)
		l1 := a*(y-s0) + (1-a)*(l+tr)
		season[p] = g*(y-l-tr) + (1-g)*s0
		tr = b*(l1-l) + (1-b)*tr
		l = l1
		s += e * e
		if p++; p == m {
			p = 0
		}
	}
	return s / float64(len(x))
}

// optimise fits the free parameters by Nelder–Mead on their logits.
func (hw *HoltWinters) optimise(x []float64, w0 int) {
	params := func(z []float64) (a, b, g float64) {
		p := [3]float64{hw.a, hw.b, hw.g}
		for k, idx := range hw.free {
			p[idx] = logistic(z[k])
		}
		return p[0], p[1], p[2]
	}
	f := func(z []float64) float64 {
		a, b, g := params(z)
		v := hw.sse(x, w0, a, b, g)
		if math.IsNaN(v) {
			return math.Inf(1)
		}
		return v
	}
	cur := [3]float64{hw.a, hw.b, hw.g}
	z0 := make([]float64, len(hw.free))
	for k, idx := range hw.free {
		z0[k] = logit(cur[idx])
	}
	// Tolerances: the objective is a mean square, so scale its tolerance by the data's
	// variance and the convergence does not hinge on units.
	fTol := 1e-10 * (stat.Variance(x, nil) + 1e-300)
	z, fz := nelderMead(f, z0, 1, hw.maxEvals(), fTol, 1e-3)
	if math.IsInf(fz, 1) {
		return // every trial diverged: keep the previous parameters
	}
	hw.a, hw.b, hw.g = params(z)
}

func (hw *HoltWinters) maxEvals() int {
	if hw.MaxEvals == 0 {
		return DefaultMaxEvals
	}
	return hw.MaxEvals
}

func logistic(z float64) float64 {
	z = max(-logitBound, min(logitBound, z))
	return 1 / (1 + math.Exp(-z))
}

func logit(p float64) float64 {
	return max(-logitBound, min(logitBound, math.Log(p/(1-p))))
}
