package forecast

import (
	"math"
	"math/rand/v2"
)

// series is a synthetic demand: base + slope·i + amp·sin(2πi/m) + noise·N(0,1), with the
// noise drawn from a PCG seeded by seed. A slope change at step breakAt (if > 0) to slope2
// tests adaptation.
type series struct {
	m                    int
	base, slope, amp, sd float64
	breakAt              int
	slope2               float64
	seed                 uint64
}

func (s series) values(n int) []float64 {
	r := rand.New(rand.NewPCG(s.seed, 7))
	y := make([]float64, n)
	for i := range y {
		tr := s.slope * float64(i)
		if s.breakAt > 0 && i > s.breakAt {
			tr = s.slope*float64(s.breakAt) + s.slope2*float64(i-s.breakAt)
		}
		y[i] = s.base + tr + s.amp*math.Sin(2*math.Pi*float64(i)/float64(s.m))
		if s.sd > 0 {
			y[i] += s.sd * r.NormFloat64()
		}
	}
	return y
}

// score feeds ys to f and records, from step `from` on, the forecast made h steps earlier
// (provisioned at that forecast's q-quantile) against the actual, one hour per step.
func score(f Forecaster, ys []float64, h, from int, q float64) *Tracker {
	var tr Tracker
	pending := make([][2]float64, h) // ring of (mean, provisioned) made for step i
	for i, y := range ys {
		if i >= from && i >= h {
			p := pending[i%h]
			tr.Record(p[0], p[1], y, 1)
		}
		f.Observe(y)
		mu, sd := f.Forecast(h)
		pending[(i+h)%h] = [2]float64{mu, Quantile(mu, sd, q)}
	}
	return &tr
}
