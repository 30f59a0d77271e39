package failure

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/sim"
)

func TestDistValidate(t *testing.T) {
	tests := []struct {
		d    Dist
		want string // "" for valid
	}{
		{Dist{Kind: "exponential", MeanS: 3600}, ""},
		{Dist{Kind: "Exponential", MeanS: 3600}, ""},
		{Dist{Kind: "weibull", Shape: 0.7, ScaleS: 3600}, ""},
		{Dist{Kind: "weibull", Shape: 0.7, MeanS: 3600}, ""},
		{Dist{Kind: "lognormal", Mu: 0, Sigma: 1}, ""},
		{Dist{Kind: "lognormal", MedianS: 600, Sigma: 1}, ""},
		{Dist{Kind: "lognormal", MeanS: 600, Sigma: 1}, ""},
		{Dist{Kind: "constant", MeanS: 0}, ""},
		{Dist{Kind: "constant", MeanS: 5}, ""},
		{Dist{}, "distribution kind is missing; want exponential, weibull, lognormal or constant"},
		{Dist{Kind: "gamma"}, `unknown distribution kind "gamma"; want exponential, weibull, lognormal or constant`},
		{Dist{Kind: "exponential"}, "exponential: mean_s must be a finite number > 0, got 0"},
		{Dist{Kind: "exponential", MeanS: math.Inf(1)}, "exponential: mean_s must be a finite number > 0, got +Inf"},
		{Dist{Kind: "exponential", MeanS: math.NaN()}, "exponential: mean_s must be a finite number > 0, got NaN"},
		{Dist{Kind: "exponential", MeanS: 1, Shape: 2}, "exponential: takes no shape (got 2)"},
		{Dist{Kind: "weibull", ScaleS: 1}, "weibull: shape must be a finite number > 0, got 0"},
		{Dist{Kind: "weibull", Shape: 1}, "weibull: needs scale_s or mean_s"},
		{Dist{Kind: "weibull", Shape: 1, ScaleS: 1, MeanS: 1}, "weibull: give scale_s or mean_s, not both"},
		{Dist{Kind: "weibull", Shape: 1, ScaleS: -1}, "weibull: scale_s must be a finite number > 0, got -1"},
		{Dist{Kind: "weibull", Shape: 1, ScaleS: 1, Sigma: 1}, "weibull: takes no sigma (got 1)"},
		{Dist{Kind: "weibull", Shape: 1e-3, ScaleS: 1}, "weibull: shape 0.001 with this scale gives no finite mean"},
		{Dist{Kind: "lognormal", Mu: 1}, "lognormal: sigma must be a finite number > 0, got 0"},
		{Dist{Kind: "lognormal", Mu: 1, MedianS: 2, Sigma: 1}, "lognormal: give one of mu, median_s or mean_s"},
		{Dist{Kind: "lognormal", MeanS: 1, MedianS: 2, Sigma: 1}, "lognormal: give one of mu, median_s or mean_s"},
		{Dist{Kind: "lognormal", MedianS: -2, Sigma: 1}, "lognormal: median_s must be a finite number > 0, got -2"},
		{Dist{Kind: "lognormal", Mu: math.Inf(-1), Sigma: 1}, "lognormal: mu must be a finite number, got -Inf"},
		{Dist{Kind: "lognormal", Mu: 800, Sigma: 1}, "lognormal: mu 800 and sigma 1 give no finite mean"},
		{Dist{Kind: "lognormal", Mu: 1, Sigma: 1, Shape: 1}, "lognormal: takes no shape (got 1)"},
		{Dist{Kind: "constant", MeanS: -1}, "constant: mean_s must be a finite number ≥ 0, got -1"},
		{Dist{Kind: "constant", MeanS: 1, Mu: 1}, "constant: takes no mu (got 1)"},
	}
	for _, tt := range tests {
		err := tt.d.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: unexpected error %v", tt.d, err)
		case tt.want != "" && (err == nil || err.Error() != tt.want):
			t.Errorf("%+v: error %v, want %q", tt.d, err, tt.want)
		}
	}
	if _, err := NewSampler(Dist{Kind: "constant"}, nil); err == nil || !strings.Contains(err.Error(), "random source") {
		t.Errorf("NewSampler without source: %v", err)
	}
}

// TestSampleMeans checks sample means against the analytic means within 2 %:
//
//	exponential   E[X] = mean
//	weibull       E[X] = λ·Γ(1 + 1/k)
//	lognormal     E[X] = exp(μ + σ²/2)
//
// With n = 200 000 draws the standard error of the mean is CV/√n: about 0.35 % for the Weibull
// of shape 0.7 (CV ≈ 1.56) and 0.29 % for the lognormal of σ = 1 (CV = √(e − 1) ≈ 1.31), so 2 %
// is more than 5 standard errors.
func TestSampleMeans(t *testing.T) {
	const n = 200_000
	h := float64(sim.Hour / sim.Second) // 3600 s
	tests := []struct {
		name string
		d    Dist
		mean float64 // seconds
	}{
		{"exponential", Dist{Kind: "exponential", MeanS: 100 * h}, 100 * h},
		{"weibull shape scale", Dist{Kind: "weibull", Shape: 0.7, ScaleS: 100 * h}, 100 * h * math.Gamma(1+1/0.7)},
		{"weibull shape mean", Dist{Kind: "weibull", Shape: 0.7, MeanS: 100 * h}, 100 * h},
		{"weibull shape 2", Dist{Kind: "weibull", Shape: 2, ScaleS: 10 * h}, 10 * h * math.Gamma(1.5)},
		{"lognormal mu sigma", Dist{Kind: "lognormal", Mu: math.Log(3 * h), Sigma: 1}, math.Exp(math.Log(3*h) + 0.5)},
		{"lognormal median sigma", Dist{Kind: "lognormal", MedianS: 3 * h, Sigma: 1}, 3 * h * math.Exp(0.5)},
		{"lognormal mean sigma", Dist{Kind: "lognormal", MeanS: 3 * h, Sigma: 1}, 3 * h},
		{"constant", Dist{Kind: "constant", MeanS: 1.5}, 1.5},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSampler(tt.d, rand.NewPCG(uint64(i), 42))
			if err != nil {
				t.Fatal(err)
			}
			if m := s.MeanSeconds(); math.Abs(m-tt.mean) > 1e-9*tt.mean {
				t.Errorf("analytic mean %v s, want %v s", m, tt.mean)
			}
			sum := 0.0
			for range n {
				x := s.Sample()
				if x < 1 || x > MaxSample {
					t.Fatalf("sample %d µs out of [1, MaxSample]", x)
				}
				sum += x.Seconds()
			}
			got := sum / n
			if rel := math.Abs(got-tt.mean) / tt.mean; rel > 0.02 {
				t.Errorf("sample mean %.6g s, analytic %.6g s (relative error %.3g%%)", got, tt.mean, 100*rel)
			}
		})
	}
}

func TestSampleClamp(t *testing.T) {
	src := rand.NewPCG(1, 2)
	s, _ := NewSampler(Dist{Kind: "constant", MeanS: 0}, src)
	if got := s.Sample(); got != 1 {
		t.Errorf("constant 0 s: got %d µs, want 1 µs", got)
	}
	s, _ = NewSampler(Dist{Kind: "constant", MeanS: 2.5e-6}, src)
	if got := s.Sample(); got != 3 { // math.Round rounds half away from zero
		t.Errorf("constant 2.5 µs: got %d µs, want 3 µs", got)
	}
	s, _ = NewSampler(Dist{Kind: "constant", MeanS: 1e300}, src)
	if got := s.Sample(); got != MaxSample {
		t.Errorf("constant 1e300 s: got %d µs, want MaxSample", got)
	}
}

func TestSampleNoAllocs(t *testing.T) {
	for _, d := range []Dist{
		{Kind: "exponential", MeanS: 1},
		{Kind: "weibull", Shape: 0.7, ScaleS: 1},
		{Kind: "lognormal", Mu: 0, Sigma: 1},
	} {
		s, err := NewSampler(d, rand.NewPCG(1, 2))
		if err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(100, func() { s.Sample() }); a != 0 {
			t.Errorf("%s: %v allocations per Sample", d.Kind, a)
		}
	}
}
