package forecast

import (
	"math"
	"testing"
)

// After one season, seasonal-naive reproduces a noiseless periodic series exactly, at every
// horizon, with standard deviation 0 once seasonal differences exist.
func TestSeasonalNaivePeriodicExact(t *testing.T) {
	pattern := []float64{3, 9, 4, 0, 12.5, 7, 7, 1}
	m := len(pattern)
	f := &SeasonalNaive{Period: m}
	for i := 0; i < 5*m; i++ {
		f.Observe(pattern[i%m])
		if i+1 < m {
			continue
		}
		for h := 1; h <= 3*m; h++ {
			mu, sd := f.Forecast(h)
			if want := pattern[(i+h)%m]; mu != want {
				t.Fatalf("after %d values, h %d: %v, want %v", i+1, h, mu, want)
			}
			if i+1 > m && sd != 0 {
				t.Fatalf("after %d values, h %d: sd %v, want 0", i+1, h, sd)
			}
		}
	}
}

// The general index y[t+h−m·⌈h/m⌉] on an arbitrary series.
func TestSeasonalNaiveIndex(t *testing.T) {
	ys := series{m: 5, base: 10, slope: 1, amp: 3, sd: 2, seed: 3}.values(23)
	m := 5
	f := &SeasonalNaive{Period: m}
	for i, y := range ys {
		f.Observe(y)
		if i+1 < m {
			continue
		}
		for h := 1; h <= 12; h++ {
			ceil := (h + m - 1) / m
			if mu, _ := f.Forecast(h); mu != ys[i+h-m*ceil] {
				t.Fatalf("t %d h %d: %v, want y[%d] = %v", i, h, mu, i+h-m*ceil, ys[i+h-m*ceil])
			}
		}
	}
}

// Naive fallback before a full season, and the standard deviations, on hand-worked numbers.
func TestSeasonalNaiveHandWorked(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12 }
	f := &SeasonalNaive{Period: 3, Seasons: 1}
	f.Observe(1)
	if mu, sd := f.Forecast(2); mu != 1 || sd != 0 {
		t.Fatalf("one value: (%v, %v), want (1, 0)", mu, sd)
	}
	f.Observe(3) // naive differences: 2
	if mu, sd := f.Forecast(4); mu != 3 || !near(sd, 2*2) {
		t.Fatalf("two values: (%v, %v), want (3, 2·√4 = 4)", mu, sd)
	}
	f.Observe(2) // naive differences: 2, −1 → σ² = 2.5; now a full season [1 3 2]
	if mu, sd := f.Forecast(1); mu != 1 || !near(sd, math.Sqrt(2.5)) {
		t.Fatalf("one season: (%v, %v), want (1, √2.5)", mu, sd)
	}
	f.Observe(2) // seasonal differences: 2−1 = 1
	f.Observe(5) // 5−3 = 2 → σ² = (1 + 4)/2 = 2.5
	// history 1 3 2 2 5; t = 4: h=1 → y[2] = 2, h=2 → y[3] = 2, h=3 → y[4] = 5, h=4 → y[2].
	for _, c := range []struct {
		h     int
		mu, v float64
	}{{1, 2, 2.5}, {2, 2, 2.5}, {3, 5, 2.5}, {4, 2, 5}, {7, 2, 7.5}} {
		if mu, sd := f.Forecast(c.h); mu != c.mu || !near(sd, math.Sqrt(c.v)) {
			t.Errorf("h %d: (%v, %v), want (%v, √%v)", c.h, mu, sd, c.mu, c.v)
		}
	}
	// Seasons = 1 keeps m = 3 errors: 1, 2, then 4−2 = 2, then 0−2 = −2 pushes out the 1.
	f.Observe(4)
	f.Observe(0) // errors held: 2, 2, −2 → σ² = 4
	if _, sd := f.Forecast(1); !near(sd, 2) {
		t.Errorf("window: sd %v, want 2", sd)
	}
}

// Period 1 is the naive method: last value, σ·√h.
func TestSeasonalNaivePeriodOne(t *testing.T) {
	f := &SeasonalNaive{Period: 1}
	for _, y := range []float64{4, 6, 5, 7} { // differences 2, −1, 2 → σ² = 3
		f.Observe(y)
	}
	for h := 1; h <= 5; h++ {
		mu, sd := f.Forecast(h)
		if mu != 7 || math.Abs(sd-math.Sqrt(3*float64(h))) > 1e-12 {
			t.Errorf("h %d: (%v, %v), want (7, √%d)", h, mu, sd, 3*h)
		}
	}
}
