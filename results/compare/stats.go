package compare

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Test names, as given to --test and reported in the output.
const (
	TestWelch       = "welch"
	TestMannWhitney = "mann-whitney"
	TestPaired      = "paired"
)

// meanSD returns the arithmetic mean and the sample standard deviation (n-1 denominator; 0
// when n < 2) of xs, summed in slice order so that the result is deterministic. Equal values
// give exactly that value and 0 (no rounding residue from the sum).
func meanSD(xs []float64) (mean, sd float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	if constant(xs) {
		return xs[0], 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range xs {
		d := x - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1))
}

// constant reports whether every value of xs equals the first.
func constant(xs []float64) bool {
	for _, x := range xs {
		if x != xs[0] {
			return false
		}
	}
	return true
}

// degenerate handles the case the tests below cannot: both samples constant (zero variance).
// Equal constants give p = 1 (no difference at all); different constants give p = 0: a
// simulation that returns the same value for every seed and a different value after the change
// differs deterministically. ok is false when at least one sample varies.
func degenerate(a, b []float64) (p float64, ok bool) {
	if !constant(a) || !constant(b) {
		return 0, false
	}
	if a[0] == b[0] {
		return 1, true
	}
	return 0, true
}

// WelchResult is the outcome of Welch's t-test.
type WelchResult struct {
	T  float64 // the t statistic, (mean(b) - mean(a)) / standard error; ±Inf for different constants
	DF float64 // Welch–Satterthwaite degrees of freedom; NaN when both samples are constant
	P  float64 // two-sided p-value
}

// Welch runs Welch's unequal-variances t-test of the hypothesis that samples a and b have the
// same mean (each needs at least two values). With sample means m, variances s² (n-1
// denominator) and sizes n:
//
//	t  = (m_b - m_a) / sqrt(s_a²/n_a + s_b²/n_b)
//	df = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a-1) + (s_b²/n_b)²/(n_b-1))
//	p  = 2 · P(T_df > |t|)
//
// with T_df Student's t distribution (gonum distuv.StudentsT). Sources: B. L. Welch, "The
// generalization of 'Student's' problem when several different population variances are
// involved", Biometrika 34 (1947) 28–35; F. E. Satterthwaite, "An approximate distribution of
// estimates of variance components", Biometrics Bulletin 2 (1946) 110–114. When both samples are
// constant the test is undefined; p is then 1 for equal and 0 for different constants (see
// degenerate).
func Welch(a, b []float64) WelchResult {
	if p, ok := degenerate(a, b); ok {
		if p == 1 {
			return WelchResult{T: 0, DF: math.NaN(), P: 1}
		}
		return WelchResult{T: math.Copysign(math.Inf(1), b[0]-a[0]), DF: math.NaN(), P: 0}
	}
	ma, sa := meanSD(a)
	mb, sb := meanSD(b)
	va := sa * sa / float64(len(a))
	vb := sb * sb / float64(len(b))
	se2 := va + vb
	t := (mb - ma) / math.Sqrt(se2)
	df := se2 * se2 / (va*va/float64(len(a)-1) + vb*vb/float64(len(b)-1))
	p := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(t))
	return WelchResult{T: t, DF: df, P: math.Min(1, p)}
}

// PairedResult is the outcome of the paired t-test.
type PairedResult struct {
	T  float64 // mean difference / its standard error; ±Inf for equal non-zero differences
	DF float64 // n - 1
	P  float64 // two-sided p-value
}

// Paired runs Student's paired t-test on the differences d_i = b_i - a_i of n ≥ 2 pairs (a and
// b of equal length, pair i sharing a seed): t = mean(d) / (sd(d)/√n), df = n - 1,
// p = 2·P(T_df > |t|) (Student, "The probable error of a mean", Biometrika 6 (1908) 1–25; the
// paired form e.g. in Montgomery, Design and Analysis of Experiments, §2.5). With common random
// numbers — dcsim sweeps give replicate k the same seed in every configuration — the seed's
// effect cancels in d_i, so the test detects far smaller changes than an unpaired one. Equal
// differences give p = 1 when they are 0 and p = 0 otherwise (a shift identical in every seed).
func Paired(a, b []float64) PairedResult {
	d := make([]float64, len(a))
	for i := range a {
		d[i] = b[i] - a[i]
	}
	df := float64(len(d) - 1)
	if constant(d) {
		if d[0] == 0 {
			return PairedResult{T: 0, DF: df, P: 1}
		}
		return PairedResult{T: math.Copysign(math.Inf(1), d[0]), DF: df, P: 0}
	}
	m, sd := meanSD(d)
	t := m / (sd / math.Sqrt(float64(len(d))))
	p := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(t))
	return PairedResult{T: t, DF: df, P: math.Min(1, p)}
}

// MannWhitneyResult is the outcome of the Mann-Whitney U test.
type MannWhitneyResult struct {
	U     float64 // U of sample b: pairs (a_i, b_j) with b_j > a_i, ties counting one half
	P     float64 // two-sided p-value
	Exact bool    // p from the exact null distribution (no ties, small samples)
}

// exactLimit bounds the sample sizes for which the exact distribution of U is used; larger
// samples, and samples with ties, use the normal approximation. R's wilcox.test uses the same
// rule (exact below 50 values per sample when there are no ties).
const exactLimit = 50

// MannWhitney runs the two-sided Mann-Whitney U (Wilcoxon rank-sum) test of the hypothesis that
// a and b come from the same distribution (H. B. Mann & D. R. Whitney, "On a test of whether one
// of two random variables is stochastically larger than the other", Ann. Math. Statist. 18
// (1947) 50–60). U = R_b - n_b(n_b+1)/2, with R_b the sum of b's ranks in the pooled sample
// (ties get their mean rank). Without ties and with both samples under 50 values, the p-value
// is exact: p = min(1, 2·min(P(U' ≤ U), P(U' ≥ U))) under the null distribution of U', whose
// counts come from the recurrence of Mann & Whitney (1947),
//
//	c(m, n, u) = c(m-1, n, u-n) + c(m, n-1, u),   c(0, n, u) = c(m, 0, u) = [u = 0],
//
// over all C(m+n, m) equally likely rank assignments. Otherwise it uses the normal
// approximation with tie and continuity corrections (as R's wilcox.test and benchstat do):
//
//	z = max(|U - m·n/2| - 1/2, 0) / σ,   σ² = m·n/12 · ((N+1) - Σ(t³-t) / (N(N-1))),
//
// with t the size of each group of tied values, and p = 2·(1 - Φ(z)). Both samples constant
// gives p = 1 for equal and 0 for different values (see degenerate).
func MannWhitney(a, b []float64) MannWhitneyResult {
	m, n := len(a), len(b)
	type obs struct {
		x   float64
		inB bool
	}
	all := make([]obs, 0, m+n)
	for _, x := range a {
		all = append(all, obs{x, false})
	}
	for _, x := range b {
		all = append(all, obs{x, true})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].x < all[j].x })
	// Mid-ranks and tie groups.
	var rb, tieSum float64
	ties := false
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].x == all[i].x {
			j++
		}
		rank := float64(i+j+1) / 2 // mean of ranks i+1 .. j
		for k := i; k < j; k++ {
			if all[k].inB {
				rb += rank
			}
		}
		if t := float64(j - i); t > 1 {
			ties = true
			tieSum += t*t*t - t
		}
		i = j
	}
	u := rb - float64(n*(n+1))/2
	if p, ok := degenerate(a, b); ok {
		return MannWhitneyResult{U: u, P: p}
	}
	if !ties && m < exactLimit && n < exactLimit {
		return MannWhitneyResult{U: u, P: exactP(n, m, int(math.Round(u))), Exact: true}
	}
	N := float64(m + n)
	mn := float64(m) * float64(n)
	sigma := math.Sqrt(mn / 12 * ((N + 1) - tieSum/(N*(N-1))))
	z := math.Max(math.Abs(u-mn/2)-0.5, 0) / sigma
	return MannWhitneyResult{U: u, P: math.Min(1, math.Erfc(z/math.Sqrt2))}
}

// uCounts returns c(m, n, u) for u = 0 .. m·n: the number of orderings of m values of one sample
// and n of the other (no ties) in which the first sample's values exceed u of the pairs.
// Counts are float64: C(98, 49) ≈ 2.5e28 is held with a relative error of 1e-16, ample for a
// p-value.
func uCounts(m, n int) []float64 {
	// prev[j] = c(i-1, j, ·), cur[j] = c(i, j, ·).
	prev := make([][]float64, n+1)
	for j := range prev {
		prev[j] = []float64{1} // c(0, j, u) = [u = 0]
	}
	for i := 1; i <= m; i++ {
		cur := make([][]float64, n+1)
		cur[0] = []float64{1} // c(i, 0, u) = [u = 0]
		for j := 1; j <= n; j++ {
			c := make([]float64, i*j+1)
			for u, v := range prev[j] { // c(i-1, j, u-j): shifted by j
				c[u+j] += v
			}
			for u, v := range cur[j-1] { // c(i, j-1, u)
				c[u] += v
			}
			cur[j] = c
		}
		prev = cur
	}
	return prev[n]
}

// exactP is the exact two-sided p-value of U = u for samples of sizes m (the one U counts for)
// and n, without ties.
func exactP(m, n, u int) float64 {
	c := uCounts(m, n)
	var total, le, ge float64
	for k, v := range c {
		total += v
		if k <= u {
			le += v
		}
		if k >= u {
			ge += v
		}
	}
	return math.Min(1, 2*math.Min(le, ge)/total)
}

// minP is the smallest two-sided p-value the test can give for samples of sizes m and n: for
// Mann-Whitney 2/C(m+n, m) (the most extreme rank assignment), for Welch 0.
func minP(test string, m, n int) float64 {
	if test != TestMannWhitney {
		return 0
	}
	// 2 / C(m+n, m), computed in floating point.
	lc, _ := math.Lgamma(float64(m + n + 1))
	la, _ := math.Lgamma(float64(m + 1))
	lb, _ := math.Lgamma(float64(n + 1))
	return math.Min(1, 2/math.Exp(lc-la-lb))
}
