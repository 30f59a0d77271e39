package compare

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// tTail is an independent check of gonum's Student's t survival function: the upper tail
// ∫_x^∞ f(s) ds of the density f(s) = Γ((ν+1)/2) / (√(νπ) Γ(ν/2)) · (1 + s²/ν)^(-(ν+1)/2),
// by Simpson's rule after the substitution s = x + u/(1-u), u ∈ [0, 1).
func tTail(x, nu float64) float64 {
	g1, _ := math.Lgamma((nu + 1) / 2)
	g2, _ := math.Lgamma(nu / 2)
	c := math.Exp(g1-g2) / math.Sqrt(nu*math.Pi)
	f := func(u float64) float64 {
		if u >= 1 {
			return 0
		}
		s := x + u/(1-u)
		return c * math.Pow(1+s*s/nu, -(nu+1)/2) / ((1 - u) * (1 - u))
	}
	const n = 200000
	h := 1.0 / n
	sum := f(0) + f(1)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * f(float64(i)*h)
	}
	return sum * h / 3
}

func TestWelchKnownAnswers(t *testing.T) {
	cases := []struct {
		name      string
		a, b      []float64
		wantT     float64
		wantDF    float64
		wantP     float64
		pRelative float64
	}{
		{
			// Means 2 and 5, variances 1 and 1: SE² = 1/3 + 1/3 = 2/3, t = 3/√(2/3) = 3.674235,
			// df = (2/3)² / ((1/3)²/2 + (1/3)²/2) = (4/9)/(1/9) = 4. Student's t with ν = 4 has the
			// closed form F(t) = 1/2 + (3/8)·t/√(1+t²/4)·(1 - t²/(12(1+t²/4))); with t² = 13.5:
			// 1 + t²/4 = 4.375, F = 1/2 + 0.375·(3.674235/2.091650)·(1 - 13.5/52.5) = 0.989334,
			// p = 2(1 - F) = 0.021331 (R: t.test(1:3, 4:6) gives p-value = 0.02131).
			name: "equal variances", a: []float64{1, 2, 3}, b: []float64{4, 5, 6},
			wantT: 3 / math.Sqrt(2.0/3), wantDF: 4,
			wantP: 2 * (0.5 - 0.375*(math.Sqrt(13.5)/math.Sqrt(4.375))*(1-13.5/52.5)), pRelative: 1e-9,
		},
		{
			// b constant: SE² = 1/3, t = 3/√(1/3) = 5.196152, df = (1/3)² / ((1/3)²/2) = 2. With
			// ν = 2, F(t) = 1/2 + t/(2√(2+t²)), so p = 1 - t/√(2+t²) = 1 - 5.196152/√29 = 0.035098.
			name: "one constant sample", a: []float64{1, 2, 3}, b: []float64{5, 5, 5},
			wantT: 3 / math.Sqrt(1.0/3), wantDF: 2,
			wantP: 1 - math.Sqrt(27)/math.Sqrt(29), pRelative: 1e-9,
		},
		{
			// a: mean 2.5, s² = 5/3, n 4 → s²/n = 5/12; b: mean 4, s² = 4, n 3 → s²/n = 4/3.
			// SE² = 5/12 + 4/3 = 7/4, t = 1.5/√1.75 = 1.133893,
			// df = (7/4)² / ((5/12)²/3 + (4/3)²/2) = 3.0625 / (0.0578704 + 0.8888889) = 3.234719.
			// p is checked against the numerical integral tTail (independent of gonum).
			name: "unequal variances and sizes", a: []float64{1, 2, 3, 4}, b: []float64{2, 4, 6},
			wantT: 1.5 / math.Sqrt(1.75), wantDF: 3.0625 / (25.0/144/3 + 16.0/9/2),
			wantP: 2 * tTail(1.5/math.Sqrt(1.75), 3.0625/(25.0/144/3+16.0/9/2)), pRelative: 1e-6,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Welch(c.a, c.b)
			if !near(r.T, c.wantT, 1e-12) || !near(r.DF, c.wantDF, 1e-12) || !near(r.P, c.wantP, c.pRelative) {
				t.Errorf("Welch = t %.9g df %.9g p %.9g, want t %.9g df %.9g p %.9g", r.T, r.DF, r.P, c.wantT, c.wantDF, c.wantP)
			}
			// Swapping the samples flips t and keeps p.
			s := Welch(c.b, c.a)
			if !near(s.T, -r.T, 1e-12) || !near(s.P, r.P, 1e-12) {
				t.Errorf("swapped: t %g p %g, want %g %g", s.T, s.P, -r.T, r.P)
			}
		})
	}
	// The closed forms above against the integral too, so that the three agree.
	if p := 2 * tTail(3/math.Sqrt(2.0/3), 4); !near(p, 0.0213306, 1e-4) {
		t.Errorf("tTail(3.674, 4) = %g", p)
	}
}

func TestDegenerateSamples(t *testing.T) {
	cases := []struct {
		a, b  []float64
		wantP float64
	}{
		{[]float64{5, 5, 5}, []float64{5, 5}, 1},
		{[]float64{5, 5, 5}, []float64{6, 6, 6}, 0},
		{[]float64{0, 0}, []float64{-1, -1}, 0},
	}
	for _, c := range cases {
		if p := Welch(c.a, c.b).P; p != c.wantP {
			t.Errorf("Welch(%v, %v).P = %g, want %g", c.a, c.b, p, c.wantP)
		}
		if p := MannWhitney(c.a, c.b).P; p != c.wantP {
			t.Errorf("MannWhitney(%v, %v).P = %g, want %g", c.a, c.b, p, c.wantP)
		}
	}
}

// bruteP enumerates every way of choosing which m of the N = m+n pooled positions belong to
// the first sample (all C(N, m) equally likely under the null hypothesis without ties), counts
// the U of each, and returns the two-sided p-value of observing u: 2·min(P(U ≤ u), P(U ≥ u)),
// capped at 1. It shares no code with uCounts.
func bruteP(m, n int, u float64) float64 {
	N := m + n
	var total, le, ge float64
	for mask := 0; mask < 1<<N; mask++ {
		if popcount(mask) != m {
			continue
		}
		// U of the first sample: pairs (x in sample, y not) with x ranked above y.
		cnt, below := 0, 0
		for pos := 0; pos < N; pos++ {
			if mask&(1<<pos) != 0 {
				cnt += below
			} else {
				below++
			}
		}
		total++
		if float64(cnt) <= u {
			le++
		}
		if float64(cnt) >= u {
			ge++
		}
	}
	return math.Min(1, 2*math.Min(le, ge)/total)
}

func popcount(x int) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}

func TestMannWhitneyExactAgainstBruteForce(t *testing.T) {
	// Samples without ties, of sizes 1..5 × 1..6, taken from a fixed interleaving.
	pool := []float64{3.1, 9.4, 1.7, 6.2, 8.8, 2.5, 7.3, 4.6, 5.9, 0.4, 10.2}
	for m := 1; m <= 5; m++ {
		for n := 1; n <= 6; n++ {
			for shift := 0; shift < 3; shift++ {
				var a, b []float64
				for i := 0; i < m+n; i++ {
					x := pool[(i+shift*3)%len(pool)]
					if (i+shift)%2 == 0 && len(a) < m || len(b) == n {
						a = append(a, x)
					} else {
						b = append(b, x)
					}
				}
				r := MannWhitney(a, b)
				if !r.Exact && !(constant(a) && constant(b)) {
					t.Fatalf("%v vs %v: not exact", a, b)
				}
				// U of b counts pairs with b above a.
				var u float64
				for _, y := range b {
					for _, x := range a {
						if y > x {
							u++
						}
					}
				}
				if r.U != u {
					t.Errorf("%v vs %v: U = %g, want %g", a, b, r.U, u)
				}
				if m == 1 && n == 1 {
					continue // both samples constant: the degenerate rule applies
				}
				if want := bruteP(n, m, u); !near(r.P, want, 1e-12) {
					t.Errorf("%v vs %v: p = %.12g, brute force %.12g", a, b, r.P, want)
				}
			}
		}
	}
}

func TestMannWhitneyKnownAnswers(t *testing.T) {
	cases := []struct {
		name  string
		a, b  []float64
		wantU float64
		wantP float64
		exact bool
	}{
		// b above every a: U = 9, only 1 of the C(6,3) = 20 orderings is as extreme on each
		// side: p = 2/20 = 0.1 (R: wilcox.test(1:3, 4:6) gives W = 0, p-value = 0.1).
		{"separated 3+3", []float64{1, 2, 3}, []float64{4, 5, 6}, 9, 0.1, true},
		// 4+4 separated: p = 2/C(8,4) = 2/70.
		{"separated 4+4", []float64{1, 2, 3, 4}, []float64{5, 6, 7, 8}, 16, 2.0 / 70, true},
		// Interleaved a < b < a < b: U = 1 + 2 = 3 of 4 pairs; counts over the C(4,2) = 6
		// orderings of U = 0..4 are 1,1,2,1,1, so P(U ≥ 3) = 2/6 and p = 4/6.
		{"interleaved 2+2", []float64{1, 3}, []float64{2, 4}, 3, 4.0 / 6, true},
		// Ties: pooled 1a 2a 2a 2b 3a 3b 4b 5b; mid-ranks 1, 3, 3, 3, 5.5, 5.5, 7, 8.
		// R_b = 3 + 5.5 + 7 + 8 = 23.5, U = 23.5 - 4·5/2 = 13.5, m·n/2 = 8.
		// Tie groups of 3 and 2: Σ(t³-t) = 24 + 6 = 30; σ² = 16/12·(9 - 30/56) = 79/7.
		// z = (|13.5 - 8| - 0.5)/√(79/7) = 1.488350, p = 2(1 - Φ(z)) = erfc(z/√2) = 0.136665.
		{"ties: normal approximation", []float64{1, 2, 2, 3}, []float64{2, 3, 4, 5}, 13.5,
			math.Erfc(5 / math.Sqrt(79.0/7) / math.Sqrt2), false},
	}
	for _, c := range cases {
		r := MannWhitney(c.a, c.b)
		if r.U != c.wantU || !near(r.P, c.wantP, 1e-12) || r.Exact != c.exact {
			t.Errorf("%s: U %g p %.9g exact %v, want U %g p %.9g exact %v", c.name, r.U, r.P, r.Exact, c.wantU, c.wantP, c.exact)
		}
	}
	if p := MannWhitney([]float64{1, 2, 2, 3}, []float64{2, 3, 4, 5}).P; !near(p, 0.136665, 1e-5) {
		t.Errorf("ties: p = %g, want 0.136665", p)
	}
}

func TestMannWhitneyLargeSamplesUseNormal(t *testing.T) {
	var a, b []float64
	for i := 0; i < 60; i++ {
		a = append(a, float64(2*i))
		b = append(b, float64(2*i+1))
	}
	r := MannWhitney(a, b)
	// U = Σ_i (i+1) = 1830 of 3600 pairs, μ = 1800, no ties: σ² = 3600·121/12 = 36300.
	want := math.Erfc((30 - 0.5) / math.Sqrt(36300) / math.Sqrt2)
	if r.Exact || r.U != 1830 || !near(r.P, want, 1e-12) {
		t.Errorf("got %+v, want U 1830, p %g, normal approximation", r, want)
	}
}

func TestUCountsSumToBinomial(t *testing.T) {
	for m := 0; m <= 8; m++ {
		for n := 0; n <= 8; n++ {
			c := uCounts(m, n)
			var sum float64
			for u, v := range c {
				sum += v
				if v != c[len(c)-1-u] {
					t.Fatalf("c(%d,%d) not symmetric: %v", m, n, c)
				}
			}
			lg, _ := math.Lgamma(float64(m + n + 1))
			la, _ := math.Lgamma(float64(m + 1))
			lb, _ := math.Lgamma(float64(n + 1))
			if want := math.Round(math.Exp(lg - la - lb)); sum != want {
				t.Errorf("Σc(%d,%d) = %g, want C(%d,%d) = %g", m, n, sum, m+n, m, want)
			}
		}
	}
}

func TestMinP(t *testing.T) {
	cases := []struct {
		test string
		m, n int
		want float64
	}{
		{TestMannWhitney, 3, 3, 0.1},
		{TestMannWhitney, 4, 4, 2.0 / 70},
		{TestMannWhitney, 2, 2, 1.0 / 3},
		{TestWelch, 2, 2, 0},
	}
	for _, c := range cases {
		if got := minP(c.test, c.m, c.n); !near(got, c.want, 1e-12) {
			t.Errorf("minP(%s, %d, %d) = %g, want %g", c.test, c.m, c.n, got, c.want)
		}
	}
}

func TestPairedKnownAnswers(t *testing.T) {
	cases := []struct {
		name  string
		a, b  []float64
		wantT float64
		wantP float64
	}{
		// d = 1, 1.5, 0.5: mean 1, sd 0.5, t = 1/(0.5/√3) = 3.464102, df 2;
		// p = 1 - t/√(2+t²) = 1 - 3.464102/√14 = 0.074180 (closed form for ν = 2).
		{"three pairs", []float64{100, 101, 99}, []float64{101, 102.5, 99.5}, math.Sqrt(12), 1 - math.Sqrt(12)/math.Sqrt(14)},
		// A 1% shift hidden in ±20% seed noise: d = 1, 1.2, 0.8, mean 1, sd 0.2,
		// t = 1/(0.2/√3) = 8.660254, df 2, p = 1 - t/√(2+t²) = 1 - 8.660254/√77 = 0.013072.
		{"shift under seed noise", []float64{100, 120, 80}, []float64{101, 121.2, 80.8}, 5 * math.Sqrt(3), 1 - 5*math.Sqrt(3)/math.Sqrt(77)},
		{"equal pairs", []float64{1, 2, 3}, []float64{1, 2, 3}, 0, 1},
		{"same shift in every pair", []float64{1, 2, 3}, []float64{2, 3, 4}, math.Inf(1), 0},
	}
	for _, c := range cases {
		r := Paired(c.a, c.b)
		if !near(r.T, c.wantT, 1e-9) && !(math.IsInf(c.wantT, 1) && math.IsInf(r.T, 1)) || !near(r.P, c.wantP, 1e-9) {
			t.Errorf("%s: t %.9g p %.9g, want t %.9g p %.9g", c.name, r.T, r.P, c.wantT, c.wantP)
		}
	}
	// The same 1% shift is invisible to Welch's unpaired test.
	if p := Welch([]float64{100, 120, 80}, []float64{101, 121.2, 80.8}).P; p < 0.9 {
		t.Errorf("Welch p = %g on the noisy shift, expected > 0.9", p)
	}
}
