package report

import (
	"math"
	"strconv"
	"strings"
)

// niceNum rounds x to a "nice" number (1, 2, 5 or 10 times a power of ten), rounding to the
// nearest one if round, else up: P. S. Heckbert, "Nice numbers for graph labels", Graphics
// Gems (1990), pp. 61–63.
func niceNum(x float64, round bool) float64 {
	if x <= 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return 1
	}
	e := math.Floor(math.Log10(x))
	f := x / math.Pow(10, e)
	var nf float64
	if round {
		switch {
		case f < 1.5:
			nf = 1
		case f < 3:
			nf = 2
		case f < 7:
			nf = 5
		default:
			nf = 10
		}
	} else {
		switch {
		case f <= 1:
			nf = 1
		case f <= 2:
			nf = 2
		case f <= 5:
			nf = 5
		default:
			nf = 10
		}
	}
	return nf * math.Pow(10, e)
}

// scale maps data values in [Lo, Hi] linearly onto pixels [P0, P1].
type scale struct {
	Lo, Hi float64
	P0, P1 float64
	Step   float64 // tick spacing
}

// niceScale returns a scale over [lo, hi] widened to nice tick marks, about n ticks, with
// Heckbert's loose labelling (see niceNum). An empty or degenerate range becomes [lo−1, lo+1]
// (or [0, 1] for lo = 0).
func niceScale(lo, hi float64, n int, p0, p1 float64) scale {
	if math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0) {
		lo, hi = 0, 1
	}
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		if lo == 0 {
			hi = 1
		} else {
			d := math.Abs(lo) * 0.1
			lo, hi = lo-d, hi+d
		}
	}
	r := niceNum(hi-lo, false)
	step := niceNum(r/float64(max(n-1, 1)), true)
	return scale{Lo: math.Floor(lo/step) * step, Hi: math.Ceil(hi/step) * step, P0: p0, P1: p1, Step: step}
}

// tightScale returns a scale over exactly [lo, hi] (hi > lo) with nice tick marks inside it,
// about n of them.
func tightScale(lo, hi float64, n int, p0, p1 float64) scale {
	if !(hi > lo) {
		return niceScale(lo, hi, n, p0, p1)
	}
	return scale{Lo: lo, Hi: hi, P0: p0, P1: p1, Step: niceNum((hi-lo)/float64(max(n-1, 1)), true)}
}

// at maps v to pixels.
func (s scale) at(v float64) float64 {
	if s.Hi == s.Lo {
		return s.P0
	}
	return s.P0 + (v-s.Lo)/(s.Hi-s.Lo)*(s.P1-s.P0)
}

// ticks are the tick positions and labels of s, labels with as many decimals as the step needs.
func (s scale) ticks() []tick {
	if s.Step <= 0 {
		return nil
	}
	dec := max(0, int(-math.Floor(math.Log10(s.Step)+1e-9)))
	var ts []tick
	k0 := math.Ceil(s.Lo/s.Step - 1e-9)
	n := int(math.Floor(s.Hi/s.Step+1e-9) - k0)
	for i := 0; i <= n && i <= 100; i++ {
		v := (k0 + float64(i)) * s.Step
		if math.Abs(v) < s.Step*1e-9 {
			v = 0
		}
		ts = append(ts, tick{Pos: px(s.at(v)), Label: fmtTick(v, dec)})
	}
	return ts
}

func fmtTick(v float64, dec int) string {
	if math.Abs(v) >= 1e6 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}

// px rounds a pixel coordinate to 0.1 px, which keeps the SVG small and the output stable.
func px(v float64) float64 { return math.Round(v*10) / 10 }

// pxs formats a pixel coordinate.
func pxs(v float64) string { return strconv.FormatFloat(px(v), 'f', -1, 64) }

// pathBuilder builds an SVG path's d attribute.
type pathBuilder struct {
	b     strings.Builder
	moved bool
}

func (p *pathBuilder) moveTo(x, y float64) {
	if p.b.Len() > 0 {
		p.b.WriteByte(' ')
	}
	p.b.WriteString("M" + pxs(x) + "," + pxs(y))
	p.moved = true
}

func (p *pathBuilder) lineTo(x, y float64) {
	if !p.moved {
		p.moveTo(x, y)
		return
	}
	p.b.WriteString(" L" + pxs(x) + "," + pxs(y))
}

func (p *pathBuilder) close() { p.b.WriteString(" Z") }

func (p *pathBuilder) String() string { return p.b.String() }

// timeUnit picks the unit of a time axis spanning span seconds: days, hours, minutes or
// seconds, so that the axis shows a few units at least.
func timeUnit(span float64) (name string, div float64) {
	switch {
	case span >= 3*86400:
		return "d", 86400
	case span >= 3*3600:
		return "h", 3600
	case span >= 3*60:
		return "min", 60
	}
	return "s", 1
}

// fmtNum formats a table value with about five significant digits, without an exponent
// between 0.001 and a million.
func fmtNum(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	case x == 0:
		return "0"
	}
	a := math.Abs(x)
	if a >= 1e9 || a < 1e-3 {
		return strconv.FormatFloat(x, 'g', 5, 64)
	}
	dec := max(0, 4-int(math.Floor(math.Log10(a))))
	s := strconv.FormatFloat(x, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
