package workload

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func fp(x float64) *float64 { return &x }

func mustSampler(t testing.TB, spec DistSpec, seed uint64) *Sampler {
	t.Helper()
	s, err := NewSampler(spec, rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	if err != nil {
		t.Fatalf("NewSampler(%+v): %v", spec, err)
	}
	return s
}

func moments(s *Sampler, n int) (mean, variance float64) {
	// Welford's algorithm.
	var m, m2 float64
	for i := 1; i <= n; i++ {
		x := s.Sample()
		d := x - m
		m += d / float64(i)
		m2 += d * (x - m)
	}
	return m, m2 / float64(n-1)
}

func TestSamplerMoments(t *testing.T) {
	const n = 200_000
	ln := func(mu, sigma float64) (float64, float64) {
		s2 := sigma * sigma
		return math.Exp(mu + s2/2), (math.Exp(s2) - 1) * math.Exp(2*mu+s2)
	}
	lnMean1, lnVar1 := ln(1, 0.5)
	tests := []struct {
		name           string
		spec           DistSpec
		mean, variance float64
		// Relative tolerances, about 5 standard errors of the estimator for n draws (the
		// standard error of a sample variance is σ²·sqrt((κ−1)/n), κ the kurtosis).
		tolMean, tolVar float64
	}{
		{"constant", DistSpec{Dist: "constant", Value: 4}, 4, 0, 0, 0},
		{"exponential", DistSpec{Dist: "exponential", Mean: 300}, 300, 300 * 300, 0.012, 0.035},
		{"lognormal mu sigma", DistSpec{Dist: "lognormal", Mu: 1, Sigma: 0.5}, lnMean1, lnVar1, 0.006, 0.04},
		{"lognormal mean cv", DistSpec{Dist: "lognormal", Mean: 300, CV: 0.5}, 300, 150 * 150, 0.006, 0.04},
		{"lognormal mean cv 2 (mean only)", DistSpec{Dist: "lognormal", Mean: 300, CV: 2}, 300, math.NaN(), 0.025, 0},
		// α = 5: variance xm²α/((α−1)²(α−2)), finite fourth moment.
		{"pareto", DistSpec{Dist: "pareto", Xm: 2, Alpha: 5}, 2.5, 4.0 * 5 / (16 * 3), 0.006, 0.2},
		{"uniform", DistSpec{Dist: "uniform", Min: fp(1), Max: fp(8)}, 4.5, 49.0 / 12, 0.005, 0.01},
		// p = .4 .3 .2 .1 on 1 2 4 8: E = .4+.6+.8+.8 = 2.6, E[X²] = .4+1.2+3.2+6.4 = 11.2.
		{"empirical", DistSpec{Dist: "empirical", Values: []float64{1, 2, 4, 8}, Weights: []float64{4, 3, 2, 1}}, 2.6, 11.2 - 2.6*2.6, 0.01, 0.02},
		{"empirical unweighted", DistSpec{Dist: "empirical", Values: []float64{1, 3}}, 2, 1, 0.006, 0.01},
	}
	for i, tt := range tests {
		s := mustSampler(t, tt.spec, uint64(1000+i))
		if got := s.Mean(); math.Abs(got-tt.mean) > 1e-9*math.Abs(tt.mean) {
			t.Errorf("%s: Mean() = %v, want %v", tt.name, got, tt.mean)
		}
		m, v := moments(s, n)
		if math.Abs(m-tt.mean) > tt.tolMean*math.Abs(tt.mean)+1e-12 {
			t.Errorf("%s: sample mean %v, want %v ± %.1f%%", tt.name, m, tt.mean, 100*tt.tolMean)
		}
		if !math.IsNaN(tt.variance) && math.Abs(v-tt.variance) > tt.tolVar*tt.variance+1e-12 {
			t.Errorf("%s: sample variance %v, want %v ± %.1f%%", tt.name, v, tt.variance, 100*tt.tolVar)
		}
	}
}

func TestParetoSemanticsAndMean(t *testing.T) {
	s := mustSampler(t, DistSpec{Dist: "pareto", Xm: 10, Alpha: 1.5}, 7)
	if got := s.Mean(); math.Abs(got-30) > 1e-12 {
		t.Errorf("Mean = %v, want 30", got)
	}
	// P(X > 2·xm) = 2^-α.
	const n = 200_000
	over := 0
	for range n {
		x := s.Sample()
		if x < 10 {
			t.Fatalf("pareto sample %v below xm", x)
		}
		if x > 20 {
			over++
		}
	}
	if p, want := float64(over)/n, math.Pow(2, -1.5); math.Abs(p-want) > 0.005 {
		t.Errorf("P(X > 2xm) = %v, want %v", p, want)
	}
	for _, alpha := range []float64{1, 0.5} {
		s := mustSampler(t, DistSpec{Dist: "pareto", Xm: 1, Alpha: alpha}, 7)
		if !math.IsInf(s.Mean(), 1) {
			t.Errorf("alpha %v: Mean = %v, want +Inf", alpha, s.Mean())
		}
	}
}

func TestEmpiricalFrequencies(t *testing.T) {
	values := []float64{1, 2, 4, 8, 16}
	weights := []float64{5, 0, 3, 1.5, 0.5}
	s := mustSampler(t, DistSpec{Dist: "empirical", Values: values, Weights: weights}, 42)
	const n = 200_000
	counts := map[float64]int{}
	for range n {
		counts[s.Sample()]++
	}
	for i, v := range values {
		p := weights[i] / 10
		got := float64(counts[v]) / n
		// 5 standard errors of a proportion.
		if tol := 5 * math.Sqrt(p*(1-p)/n); math.Abs(got-p) > tol+1e-12 {
			t.Errorf("value %v: frequency %v, want %v ± %v", v, got, p, tol)
		}
	}
	if len(counts) != 4 {
		t.Errorf("drew values %v; zero-weight value 2 must never appear", counts)
	}
}

func TestClamping(t *testing.T) {
	s := mustSampler(t, DistSpec{Dist: "exponential", Mean: 1, Min: fp(0.5), Max: fp(2)}, 3)
	const n = 200_000
	atMin, atMax := 0, 0
	for range n {
		x := s.Sample()
		switch {
		case x < 0.5 || x > 2:
			t.Fatalf("sample %v outside [0.5, 2]", x)
		case x == 0.5:
			atMin++
		case x == 2:
			atMax++
		}
	}
	// P(X < 0.5) = 1 − e^−0.5, P(X > 2) = e^−2.
	if p, want := float64(atMin)/n, 1-math.Exp(-0.5); math.Abs(p-want) > 0.005 {
		t.Errorf("fraction at min %v, want %v", p, want)
	}
	if p, want := float64(atMax)/n, math.Exp(-2); math.Abs(p-want) > 0.005 {
		t.Errorf("fraction at max %v, want %v", p, want)
	}
	if s.Mean() != 1 {
		t.Errorf("Mean ignores clamping: got %v, want 1", s.Mean())
	}

	// Only a max on a pareto; only a min on a constant.
	p := mustSampler(t, DistSpec{Dist: "pareto", Xm: 1, Alpha: 0.8, Max: fp(100)}, 4)
	for range 10_000 {
		if x := p.Sample(); x < 1 || x > 100 {
			t.Fatalf("pareto sample %v outside [1, 100]", x)
		}
	}
	c := mustSampler(t, DistSpec{Dist: "constant", Value: 1, Min: fp(2)}, 4)
	if c.Sample() != 2 {
		t.Errorf("constant clamped by min: got %v", c.Sample())
	}
}

func TestSamplerDeterminism(t *testing.T) {
	specs := []DistSpec{
		{Dist: "exponential", Mean: 3},
		{Dist: "lognormal", Mean: 5, CV: 1.5},
		{Dist: "pareto", Xm: 1, Alpha: 2},
		{Dist: "uniform", Min: fp(-1), Max: fp(1)},
		{Dist: "empirical", Values: []float64{1, 2, 3}, Weights: []float64{1, 1, 2}},
	}
	for _, spec := range specs {
		a := mustSampler(t, spec, 99)
		b := mustSampler(t, spec, 99)
		c := mustSampler(t, spec, 100)
		same := true
		for i := range 1000 {
			x, y, z := a.Sample(), b.Sample(), c.Sample()
			if x != y {
				t.Fatalf("%s: draw %d differs for equal seeds: %v vs %v", spec.Dist, i, x, y)
			}
			same = same && x == z
		}
		if same {
			t.Errorf("%s: different seeds give the same sequence", spec.Dist)
		}
	}
}

// TestGonumEquivalence pins the sampler to gonum's formulas: an exponential draw is
// ExpFloat64/λ of the same stream, a Pareto draw xm·exp(E/α).
func TestGonumEquivalence(t *testing.T) {
	s := mustSampler(t, DistSpec{Dist: "exponential", Mean: 4}, 5)
	r := rand.New(rand.NewPCG(5, 0x9e3779b97f4a7c15))
	for range 100 {
		if x, want := s.Sample(), r.ExpFloat64()*4; math.Abs(x-want) > 1e-12*want {
			t.Fatalf("exponential draw %v, want %v", x, want)
		}
	}
	p := mustSampler(t, DistSpec{Dist: "pareto", Xm: 2, Alpha: 3}, 6)
	r = rand.New(rand.NewPCG(6, 0x9e3779b97f4a7c15))
	for range 100 {
		if x, want := p.Sample(), 2*math.Exp(r.ExpFloat64()/3); math.Abs(x-want) > 1e-12*want {
			t.Fatalf("pareto draw %v, want %v", x, want)
		}
	}
}

func TestNewSamplerErrors(t *testing.T) {
	tests := []struct {
		name string
		spec DistSpec
		want string
	}{
		{"missing kind", DistSpec{}, "missing"},
		{"unknown kind", DistSpec{Dist: "gamma"}, "unknown distribution"},
		{"constant NaN", DistSpec{Dist: "constant", Value: math.NaN()}, "value must be"},
		{"exponential zero mean", DistSpec{Dist: "exponential"}, "mean must be"},
		{"exponential negative mean", DistSpec{Dist: "exponential", Mean: -1}, "mean must be"},
		{"lognormal no sigma", DistSpec{Dist: "lognormal", Mu: 1}, "sigma must be"},
		{"lognormal negative sigma", DistSpec{Dist: "lognormal", Mu: 1, Sigma: -1}, "sigma must be"},
		{"lognormal both forms", DistSpec{Dist: "lognormal", Mu: 1, Sigma: 1, Mean: 3, CV: 1}, "not both"},
		{"lognormal cv without mean", DistSpec{Dist: "lognormal", CV: 1}, "mean must be"},
		{"lognormal negative cv", DistSpec{Dist: "lognormal", Mean: 1, CV: -1}, "cv must be"},
		{"pareto no xm", DistSpec{Dist: "pareto", Alpha: 1}, "xm"},
		{"pareto no alpha", DistSpec{Dist: "pareto", Xm: 1}, "alpha"},
		{"uniform no bounds", DistSpec{Dist: "uniform"}, "required"},
		{"uniform min > max", DistSpec{Dist: "uniform", Min: fp(2), Max: fp(1)}, "must not exceed"},
		{"empirical empty", DistSpec{Dist: "empirical"}, "at least one"},
		{"empirical weight count", DistSpec{Dist: "empirical", Values: []float64{1, 2}, Weights: []float64{1}}, "one weight per value"},
		{"empirical negative weight", DistSpec{Dist: "empirical", Values: []float64{1, 2}, Weights: []float64{1, -1}}, "weights[1]"},
		{"empirical zero weights", DistSpec{Dist: "empirical", Values: []float64{1, 2}, Weights: []float64{0, 0}}, "positive sum"},
		{"empirical NaN value", DistSpec{Dist: "empirical", Values: []float64{math.NaN()}}, "values[0]"},
		{"clamp min > max", DistSpec{Dist: "exponential", Mean: 1, Min: fp(3), Max: fp(2)}, "must not exceed"},
		{"clamp infinite", DistSpec{Dist: "exponential", Mean: 1, Max: fp(math.Inf(1))}, "max must be finite"},
	}
	for _, tt := range tests {
		_, err := NewSampler(tt.spec, rand.NewPCG(1, 2))
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.want)
		}
	}
	if _, err := NewSampler(DistSpec{Dist: "constant", Value: 1}, nil); err == nil {
		t.Error("nil source: no error")
	}
}

func TestSamplerNoAllocs(t *testing.T) {
	specs := []DistSpec{
		{Dist: "constant", Value: 1},
		{Dist: "exponential", Mean: 3},
		{Dist: "lognormal", Mu: 1, Sigma: 1},
		{Dist: "pareto", Xm: 1, Alpha: 2},
		{Dist: "uniform", Min: fp(0), Max: fp(1)},
		{Dist: "empirical", Values: []float64{1, 2, 3}},
	}
	for _, spec := range specs {
		s := mustSampler(t, spec, 1)
		var sink float64
		if n := testing.AllocsPerRun(1000, func() { sink += s.Sample() }); n != 0 {
			t.Errorf("%s: %v allocs per sample", spec.Dist, n)
		}
		_ = sink
	}
}

var sinkF float64

func benchSampler(b *testing.B, spec DistSpec) {
	s := mustSampler(b, spec, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkF += s.Sample()
	}
}

func BenchmarkSampleConstant(b *testing.B) { benchSampler(b, DistSpec{Dist: "constant", Value: 1}) }
func BenchmarkSampleExponential(b *testing.B) {
	benchSampler(b, DistSpec{Dist: "exponential", Mean: 3})
}
func BenchmarkSampleLogNormal(b *testing.B) {
	benchSampler(b, DistSpec{Dist: "lognormal", Mean: 300, CV: 2})
}
func BenchmarkSamplePareto(b *testing.B) {
	benchSampler(b, DistSpec{Dist: "pareto", Xm: 1, Alpha: 1.5, Max: fp(1e6)})
}
func BenchmarkSampleUniform(b *testing.B) {
	benchSampler(b, DistSpec{Dist: "uniform", Min: fp(1), Max: fp(8)})
}
func BenchmarkSampleEmpirical(b *testing.B) {
	benchSampler(b, DistSpec{Dist: "empirical", Values: []float64{1, 2, 4, 8, 16, 32, 64}, Weights: []float64{7, 6, 5, 4, 3, 2, 1}})
}

// BenchmarkRawExpFloat64 is the floor: one exponential draw from the same source, no gonum.
func BenchmarkRawExpFloat64(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkF += r.ExpFloat64() * 3
	}
}
