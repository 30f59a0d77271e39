package forecast

import (
	"math"
	"testing"
)

func TestQuantile(t *testing.T) {
	// Φ⁻¹(0.975) = 1.959963984540054.
	if got, want := Quantile(10, 2, 0.975), 10+2*1.959963984540054; math.Abs(got-want) > 1e-9 {
		t.Errorf("Quantile(10, 2, 0.975) = %v, want %v", got, want)
	}
	if got := Quantile(10, 2, 0.5); got != 10 {
		t.Errorf("median = %v, want the mean 10", got)
	}
	if got := Quantile(7, 0, 0.99); got != 7 {
		t.Errorf("sd 0: %v, want 7", got)
	}
	if got := Quantile(1, 10, 0.05); got != 0 {
		t.Errorf("clamp: %v, want 0", got)
	}
	if got := Quantile(-3, 0, 0.9); got != 0 {
		t.Errorf("negative mean: %v, want 0", got)
	}
	if got := Quantile(math.NaN(), 1, 0.9); !math.IsNaN(got) {
		t.Errorf("NaN mean: %v, want NaN", got)
	}
	for _, c := range []struct{ mean, sd, q float64 }{{1, 1, 0}, {1, 1, 1}, {1, 1, math.NaN()}, {1, -1, 0.5}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Quantile(%v, %v, %v) did not panic", c.mean, c.sd, c.q)
				}
			}()
			Quantile(c.mean, c.sd, c.q)
		}()
	}
}

func TestQuantileMonotone(t *testing.T) {
	for _, ms := range [][2]float64{{0, 1}, {50, 3}, {2, 5}, {100, 0}} {
		prev := math.Inf(-1)
		for i := 1; i < 1000; i++ {
			q := float64(i) / 1000
			v := Quantile(ms[0], ms[1], q)
			if v < prev {
				t.Fatalf("Quantile(%v, %v, ·) decreases at q = %v: %v < %v", ms[0], ms[1], q, v, prev)
			}
			if v < 0 {
				t.Fatalf("Quantile(%v, %v, %v) = %v < 0", ms[0], ms[1], q, v)
			}
			prev = v
		}
	}
}

func TestWindow(t *testing.T) {
	w := newWindow(3)
	if w.meanSquare() != 0 {
		t.Fatal("empty window not 0")
	}
	for i, c := range []struct{ e, want float64 }{
		{1, 1}, {2, 5.0 / 2}, {3, 14.0 / 3}, {4, 29.0 / 3}, {-1, 26.0 / 3}, {0, 17.0 / 3}, {2, 5.0 / 3},
	} {
		w.push(c.e)
		if got := w.meanSquare(); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("after push %d: mean square %v, want %v", i, got, c.want)
		}
	}
}

// All forecasters satisfy the contract for h < 1, non-finite observations and no data.
func TestContract(t *testing.T) {
	for name, mk := range map[string]func() Forecaster{
		"SeasonalNaive": func() Forecaster { return &SeasonalNaive{Period: 4} },
		"HoltWinters":   func() Forecaster { return &HoltWinters{Period: 4} },
	} {
		f := mk()
		if mu, sd := f.Forecast(1); !math.IsNaN(mu) || !math.IsNaN(sd) {
			t.Errorf("%s: no data: (%v, %v), want NaNs", name, mu, sd)
		}
		for what, fn := range map[string]func(){
			"h=0":       func() { f.Forecast(0) },
			"y=NaN":     func() { f.Observe(math.NaN()) },
			"y=+Inf":    func() { f.Observe(math.Inf(1)) },
			"Period=0":  func() { mk2 := mk(); setPeriod(mk2, 0); mk2.Observe(1) },
			"Period=-1": func() { mk2 := mk(); setPeriod(mk2, -1); mk2.Observe(1) },
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: %s did not panic", name, what)
					}
				}()
				fn()
			}()
		}
	}
}

func setPeriod(f Forecaster, m int) {
	switch f := f.(type) {
	case *SeasonalNaive:
		f.Period = m
	case *HoltWinters:
		f.Period = m
	}
}

// Two forecasters fed the same data give bit-identical forecasts.
func TestDeterminism(t *testing.T) {
	ys := series{m: 24, base: 100, slope: 0.3, amp: 20, sd: 3, seed: 42}.values(20 * 24)
	for name, mk := range map[string]func() Forecaster{
		"SeasonalNaive": func() Forecaster { return &SeasonalNaive{Period: 24} },
		"HoltWinters":   func() Forecaster { return &HoltWinters{Period: 24} },
		"HoltWinters/refit=7": func() Forecaster {
			return &HoltWinters{Period: 24, RefitEvery: 7, Seasons: 3}
		},
	} {
		a, b := mk(), mk()
		for i, y := range ys {
			a.Observe(y)
			b.Observe(y)
			for _, h := range []int{1, 5, 24, 49} {
				m1, s1 := a.Forecast(h)
				m2, s2 := b.Forecast(h)
				if math.Float64bits(m1) != math.Float64bits(m2) || math.Float64bits(s1) != math.Float64bits(s2) {
					t.Fatalf("%s: step %d h %d: (%v, %v) vs (%v, %v)", name, i, h, m1, s1, m2, s2)
				}
			}
		}
	}
}
