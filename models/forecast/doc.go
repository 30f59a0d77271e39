// Package forecast predicts a regularly sampled demand series — cores in use, hosts busy,
// requests per second, one value per step of fixed length such as 5 minutes — for predictive
// autoscaling: forecast the demand h steps ahead (the lead time to bring capacity up),
// provision at a chosen quantile of the forecast, and score forecasts and provisioning.
//
// # Interface
//
// A Forecaster is fed one value per step (Observe) and returns, for any horizon h ≥ 1, a mean
// forecast and the standard deviation of its error (Forecast). Quantile turns the two into
// capacity at level q under a normal approximation:
//
//	capacity = max(0, mean + sd·Φ⁻¹(q))
//
// Normal h-step errors are the assumption behind the prediction intervals of both methods here
// (R. J. Hyndman & G. Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed., OTexts
// 2021 — FPP3 below — §5.5 and §8.7). The clamp at 0 is because demand is non-negative.
//
// # Seasonal naive (SeasonalNaive)
//
// FPP3 §5.2, season length m:
//
//	ŷ_{t+h|t} = y_{t+h−m(k+1)},  k = ⌊(h−1)/m⌋          (the value one season earlier)
//	σ_h = σ̂·√(k+1)                                      (FPP3 §5.5, Table 5.2)
//
// with σ̂² the mean of the squared seasonal differences (y_t − y_{t−m})² over the last
// Seasons·m steps (default 4 seasons). During the first season it is the naive method
// (ŷ = y_t, σ_h = σ̂·√h from one-step differences). It is the benchmark: any other forecaster
// should beat it.
//
// # Holt–Winters, additive seasonality (HoltWinters)
//
// FPP3 §8.3, component form, with smoothing parameters α, β* (field Beta), γ:
//
//	ŷ_{t+h|t} = ℓ_t + h·b_t + s_{t+h−m(k+1)}
//	ℓ_t = α(y_t − s_{t−m}) + (1−α)(ℓ_{t−1} + b_{t−1})
//	b_t = β*(ℓ_t − ℓ_{t−1}) + (1−β*)b_{t−1}
//	s_t = γ(y_t − ℓ_{t−1} − b_{t−1}) + (1−γ)s_{t−m}
//
// The forecast variance is that of the equivalent state-space model ETS(A,A,A), whose β is
// α·β* (FPP3 §8.5, §8.7 Table 8.8; R. J. Hyndman, A. B. Koehler, J. K. Ord & R. D. Snyder,
// "Forecasting with Exponential Smoothing: The State Space Approach", Springer 2008, ch. 6):
//
//	σ_h² = σ²·[1 + Σ_{j=1}^{h−1} (α(1 + jβ*) + γ·1{j mod m = 0})²]
//	     = σ²·[1 + (h−1)(α² + αβh + β²h(2h−1)/6) + γk(2α + γ + βm(k+1))]
//
// evaluated in closed form (O(1) in h), with σ² the mean squared one-step error over the last
// Seasons·m steps. σ_h grows with h.
//
// Initial states come from a classical decomposition of the first two seasons of the fitting
// window (Hyndman et al. 2008, §2.6.1): a centred moving average (2×m for even m) is the
// trend; the average detrended value at each position of the season, normalised to sum to
// zero, is the seasonal state; a least-squares line through the trend gives level and slope.
// Until 2m values have been observed, HoltWinters forecasts as SeasonalNaive.
//
// A parameter set to a value in (0, 1] is fixed; one left 0 is fitted by minimising the mean
// squared one-step error over the fitting window — the last Seasons·m observations (default 4
// seasons) — with a Nelder–Mead simplex search on the logit of each free parameter, so that
// fitted values stay in (0, 1). Fits happen when 2m values are first held and then every
// RefitEvery steps (default m, once a season); each reinitialises the states from the window
// and reruns the recursions over it, costing O(MaxEvals·Seasons·m) with MaxEvals default
// 300 (a warm-started fit typically converges in 100–250 evaluations). Between fits Observe
// and Forecast are O(1); amortised, a fitted HoltWinters costs a few microseconds per step
// (see the benchmarks), a fixed one tens of nanoseconds.
//
// The Nelder–Mead search is local to this package (Lagarias, Reeds, Wright & Wright, SIAM J.
// Optim. 9(1), 1998, standard coefficients) rather than gonum/optimize, which would pull
// golang.org/x/tools into the module through gonum's stat/distmv.
//
// # Scoring (Tracker)
//
// A Tracker is given, per step, the forecast made h steps earlier, the capacity provisioned,
// the actual demand and the step length in hours, and reports MAE, RMSE, MAPE (percent, over
// the steps whose actual is positive) and the under- and over-provisioned unit-hours
// Σ max(0, actual − provisioned)·Δt and Σ max(0, provisioned − actual)·Δt.
//
// # Determinism and cost
//
// Nothing is random; the same observations give bit-identical forecasts and fits on a given
// platform. Memory is O(Seasons·m) per forecaster: a ring of the last Seasons·m values, a
// ring of as many squared errors, and m seasonal states. Running sums over rings are
// recomputed exactly each time the ring wraps.
//
// # Not modelled
//
//   - Multiplicative seasonality (seasonal swing proportional to the level; FPP3 §8.3):
//     forecast the logarithm, or a Box–Cox transform, of the series instead, and transform back
//     (the mean then needs bias adjustment, FPP3 §5.6).
//   - Multiple seasonalities (daily and weekly together; TBATS, MSTL): one period only. With
//     a weekly period of 2016 five-minute steps, fits cost accordingly more.
//   - Damped trends, exogenous variables (calendar events, announced launches), and changes
//     of regime beyond what smoothing absorbs.
//   - Autocorrelated or heteroscedastic residuals and parameter uncertainty: σ_h assumes
//     uncorrelated one-step errors of constant variance, with the parameters known, so
//     quantiles can under-cover when the model is misspecified; score coverage with Tracker
//     (UnderSteps / Steps against 1 − q).
//   - Missing values: every step must be observed with a finite value.
package forecast
