package forecast

import (
	"math"
	"testing"
)

// Noiseless trend + season: after fitting, forecasts at lead times 1 and m are within 1%.
// The classical decomposition recovers a linear trend plus a zero-mean periodic term exactly,
// so the second case changes the slope after 13 seasons, inside the scored span, and the
// filter must adapt.
func TestHoltWintersNoiseless(t *testing.T) {
	const m = 24
	for _, c := range []struct {
		name string
		s    series
	}{
		{"trend+season", series{m: m, base: 100, slope: 0.5, amp: 20}},
		{"slope change", series{m: m, base: 100, slope: 0.5, amp: 20, breakAt: 13 * m, slope2: -0.2}},
	} {
		ys := c.s.values(20 * m)
		for _, h := range []int{1, m} {
			f := &HoltWinters{Period: m}
			tr := score(f, ys, h, 10*m, 0.5)
			a, b, g := f.Params()
			t.Logf("%s h=%d: MAPE %.3g%% RMSE %.3g, α %.3g β* %.3g γ %.3g", c.name, h, tr.MAPE(), tr.RMSE(), a, b, g)
			if tr.MAPE() >= 1 {
				t.Errorf("%s h=%d: MAPE %v%% ≥ 1%%", c.name, h, tr.MAPE())
			}
		}
	}
}

// On a noisy trended series, Holt–Winters beats seasonal-naive (which ignores the trend: its
// forecast lags by slope·m), and its error approaches the noise.
func TestHoltWintersBeatsSeasonalNaive(t *testing.T) {
	const m = 24
	for _, seed := range []uint64{1, 2, 3} {
		ys := series{m: m, base: 200, slope: 0.4, amp: 30, sd: 3, seed: seed}.values(30 * m)
		for _, h := range []int{1, 6, m} {
			hw := score(&HoltWinters{Period: m}, ys, h, 6*m, 0.5)
			sn := score(&SeasonalNaive{Period: m}, ys, h, 6*m, 0.5)
			if !(hw.RMSE() < sn.RMSE() && hw.MAPE() < sn.MAPE()) {
				t.Errorf("seed %d h %d: HW RMSE %.3g MAPE %.3g%%, SN RMSE %.3g MAPE %.3g%%", seed, h, hw.RMSE(), hw.MAPE(), sn.RMSE(), sn.MAPE())
			}
			if h == 1 && hw.RMSE() > 1.5*3 {
				t.Errorf("seed %d: one-step RMSE %.3g, noise sd 3", seed, hw.RMSE())
			}
		}
	}
}

// Fitted parameters lie strictly inside (0, 1), whatever the series.
func TestHoltWintersParamsInUnitInterval(t *testing.T) {
	const m = 12
	cases := map[string][]float64{
		"noisy":    series{m: m, base: 50, slope: 0.2, amp: 10, sd: 2, seed: 9}.values(10 * m),
		"noise":    series{m: m, base: 50, sd: 5, seed: 10}.values(10 * m),
		"constant": series{m: m, base: 50}.values(10 * m),
		"break":    series{m: m, base: 50, slope: 1, amp: 5, sd: 0.5, breakAt: 4 * m, slope2: -1, seed: 11}.values(10 * m),
	}
	for name, ys := range cases {
		f := &HoltWinters{Period: m}
		for i, y := range ys {
			f.Observe(y)
			if i+1 >= 2*m {
				a, b, g := f.Params()
				for _, p := range []float64{a, b, g} {
					if !(p > 0 && p < 1) {
						t.Fatalf("%s after %d: parameters %v %v %v not in (0, 1)", name, i+1, a, b, g)
					}
				}
			}
		}
	}
}

// The fit lowers the mean squared one-step error below that at the starting parameters and
// at a few fixed choices.
func TestHoltWintersFitImproves(t *testing.T) {
	const m = 24
	ys := series{m: m, base: 100, slope: 0.2, amp: 25, sd: 4, breakAt: 3 * m, slope2: -0.1, seed: 5}.values(4 * m)
	f := &HoltWinters{Period: m, RefitEvery: -1}
	for _, y := range ys[:2*m] {
		f.Observe(y)
	}
	for _, y := range ys[2*m:] {
		f.Observe(y)
	}
	// Refit on the full window, then compare its objective with others.
	f.fit()
	x := f.x[:len(ys)]
	a, b, g := f.Params()
	best := f.sse(x, 0, a, b, g)
	for _, p := range [][3]float64{{startAlpha, startBeta, startGamma}, {0.5, 0.5, 0.5}, {0.1, 0.01, 0.01}, {0.9, 0.1, 0.05}} {
		if v := f.sse(x, 0, p[0], p[1], p[2]); v < best {
			t.Errorf("fitted (%v %v %v) MSE %v > MSE %v at %v", a, b, g, best, v, p)
		}
	}
}

// Partly fixed parameters stay as given; fully fixed ones never refit.
func TestHoltWintersFixedParams(t *testing.T) {
	const m = 12
	ys := series{m: m, base: 50, slope: 0.2, amp: 10, sd: 2, seed: 9}.values(8 * m)
	f := &HoltWinters{Period: m, Alpha: 0.2, Beta: 0.1, Gamma: 0.3}
	g := &HoltWinters{Period: m, Gamma: 0.3}
	for _, y := range ys {
		f.Observe(y)
		g.Observe(y)
	}
	if a, b, c := f.Params(); a != 0.2 || b != 0.1 || c != 0.3 || f.Fits() != 1 {
		t.Errorf("fixed: %v %v %v, %d fits", a, b, c, f.Fits())
	}
	if _, _, c := g.Params(); c != 0.3 || g.Fits() != 1+(8*m-2*m)/m {
		t.Errorf("γ fixed: γ %v, %d fits", c, g.Fits())
	}
}

// Refit cadence and bounded history.
func TestHoltWintersRefitCadence(t *testing.T) {
	const m = 10
	ys := series{m: m, base: 50, slope: 0.2, amp: 10, sd: 2, seed: 9}.values(13 * m)
	for _, c := range []struct{ every, seasons, want int }{
		{0, 0, 1 + 11},
		{7, 3, 1 + 11*m/7},
		{-1, 0, 1},
	} {
		f := &HoltWinters{Period: m, RefitEvery: c.every, Seasons: c.seasons}
		for _, y := range ys {
			f.Observe(y)
		}
		k := c.seasons
		if k == 0 {
			k = DefaultSeasons
		}
		if f.Fits() != c.want || len(f.hist) != k*m || len(f.errs.sq) != k*m {
			t.Errorf("RefitEvery %d Seasons %d: %d fits (want %d), history %d, errors %d",
				c.every, c.seasons, f.Fits(), c.want, len(f.hist), len(f.errs.sq))
		}
	}
}

// Before 2m values, Holt–Winters forecasts as seasonal-naive does.
func TestHoltWintersWarmup(t *testing.T) {
	const m = 6
	ys := series{m: m, base: 50, slope: 1, amp: 10, sd: 2, seed: 4}.values(2 * m)
	f := &HoltWinters{Period: m}
	s := &SeasonalNaive{Period: m, Seasons: 1}
	for i, y := range ys {
		f.Observe(y)
		s.Observe(y)
		for h := 1; h <= 2*m; h++ {
			m1, s1 := f.Forecast(h)
			m2, s2 := s.Forecast(h)
			if i+1 < 2*m && (m1 != m2 || s1 != s2) {
				t.Fatalf("step %d h %d: (%v, %v), seasonal-naive (%v, %v)", i, h, m1, s1, m2, s2)
			}
		}
	}
	if f.Fits() != 1 {
		t.Errorf("%d fits after 2m values, want 1", f.Fits())
	}
}

// The standard deviation grows with the horizon, and its closed form matches the sum.
func TestHoltWintersSDGrows(t *testing.T) {
	const m = 24
	f := &HoltWinters{Period: m}
	for _, y := range (series{m: m, base: 200, slope: 0.4, amp: 30, sd: 3, seed: 8}).values(6 * m) {
		f.Observe(y)
	}
	_, prev := f.Forecast(1)
	if !(prev > 0) || math.Abs(prev-f.Sigma()) > 1e-12 {
		t.Fatalf("sd(1) = %v, σ = %v", prev, f.Sigma())
	}
	for h := 2; h <= 4*m; h++ {
		_, sd := f.Forecast(h)
		if !(sd > prev) {
			t.Fatalf("sd(%d) = %v ≤ sd(%d) = %v", h, sd, h-1, prev)
		}
		prev = sd
	}
}

func TestVarianceFactor(t *testing.T) {
	for _, p := range [][3]float64{{0.3, 0.05, 0.1}, {0.9, 0.9, 0.9}, {0.01, 0.5, 0.99}} {
		for _, m := range []int{2, 3, 7, 24} {
			for h := 1; h <= 5*m; h++ {
				want := 1.0
				for j := 1; j < h; j++ {
					c := p[0] * (1 + float64(j)*p[1])
					if j%m == 0 {
						c += p[2]
					}
					want += c * c
				}
				if got := varianceFactor(h, m, p[0], p[1], p[2]); math.Abs(got-want) > 1e-9*want {
					t.Fatalf("params %v m %d h %d: closed form %v, sum %v", p, m, h, got, want)
				}
			}
		}
	}
}

// Classical decomposition recovers level, slope and season of a noiseless series exactly,
// for even and odd m and a window that starts mid-season.
func TestHoltWintersDecompose(t *testing.T) {
	for _, m := range []int{4, 7, 24} {
		for _, w0 := range []int{0, 3} {
			s := series{m: m, base: 10, slope: 0.7, amp: 3}
			ys := s.values(w0 + 2*m)
			f := &HoltWinters{Period: m}
			f.setup()
			f.decompose(ys[w0:], w0)
			// Level at the step before the window, index w0−1.
			if want := 10 + 0.7*float64(w0-1); math.Abs(f.init.level-want) > 1e-9 || math.Abs(f.init.trend-0.7) > 1e-9 {
				t.Errorf("m %d w0 %d: level %v trend %v, want %v 0.7", m, w0, f.init.level, f.init.trend, want)
			}
			for p := 0; p < m; p++ {
				if want := 3 * math.Sin(2*math.Pi*float64(p)/float64(m)); math.Abs(f.init.season[p]-want) > 1e-9 {
					t.Errorf("m %d w0 %d: season[%d] = %v, want %v", m, w0, p, f.init.season[p], want)
				}
			}
		}
	}
}

func TestHoltWintersConfigPanics(t *testing.T) {
	for name, f := range map[string]*HoltWinters{
		"Period 1":   {Period: 1},
		"Alpha 1.5":  {Period: 4, Alpha: 1.5},
		"Beta -0.1":  {Period: 4, Beta: -0.1},
		"Gamma NaN":  {Period: 4, Gamma: math.NaN()},
		"Seasons 1":  {Period: 4, Seasons: 1},
		"MaxEvals<0": {Period: 4, MaxEvals: -1},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f.Observe(1)
		}()
	}
}

func TestNelderMead(t *testing.T) {
	rosen := func(x []float64) float64 {
		a, b := 1-x[0], x[1]-x[0]*x[0]
		return a*a + 100*b*b
	}
	x, fx := nelderMead(rosen, []float64{-1.2, 1}, 1, 2000, 1e-14, 1e-7)
	if math.Abs(x[0]-1) > 1e-3 || math.Abs(x[1]-1) > 1e-3 || fx > 1e-6 {
		t.Errorf("Rosenbrock: %v, f %v", x, fx)
	}
	quad := func(x []float64) float64 { return (x[0] - 3) * (x[0] - 3) }
	if x, _ := nelderMead(quad, []float64{0}, 1, 200, 1e-14, 1e-7); math.Abs(x[0]-3) > 1e-4 {
		t.Errorf("1-D quadratic: %v", x)
	}
	// The evaluation budget is respected (to within one iteration's evaluations).
	n := 0
	nelderMead(func(x []float64) float64 { n++; return rosen(x) }, []float64{-1.2, 1}, 1, 30, 0, 0)
	if n > 30+3 {
		t.Errorf("%d evaluations for a budget of 30", n)
	}
}

// The fit's objective (sse, the unrolled loop) and the recursions of Observe (step) agree.
func TestHoltWintersObjectiveMatchesStep(t *testing.T) {
	const m = 12
	ys := series{m: m, base: 50, slope: 0.3, amp: 10, sd: 2, seed: 12}.values(4*m + 5)
	f := &HoltWinters{Period: m, Seasons: 5, RefitEvery: -1}
	for _, y := range ys {
		f.Observe(y)
	}
	f.fit() // the window is all 4m+5 values, starting at global index 0
	a, b, g := f.Params()
	if got, want := f.sse(f.x[:len(ys)], 0, a, b, g), f.errs.meanSquare(); math.Abs(got-want) > 1e-12*want {
		t.Errorf("objective %v, mean square of the filtered errors %v", got, want)
	}
	// And from a window that starts mid-season (w0 = 5).
	w := f.x[:len(ys)-5]
	copy(w, ys[5:])
	f.decompose(w, 5)
	l, tr := f.init.level, f.init.trend
	season := append([]float64(nil), f.init.season...)
	s := 0.0
	for j, y := range w {
		e := f.step(&l, &tr, season, 5+j, y, a, b, g)
		s += e * e
	}
	if got, want := f.sse(w, 5, a, b, g), s/float64(len(w)); got != want {
		t.Errorf("mid-season window: objective %v, step %v", got, want)
	}
}
