package power

import (
	"fmt"
	"math"
	"strings"
)

// Curve is a host power model: power in watts as a piecewise-linear function of CPU utilization
// u ∈ [0, 1] through n evenly spaced points (u = i/(n−1), i = 0..n−1), plus the power drawn while
// the host is off or failed. It is a small value type: no pointers, no allocation, no interface
// calls. The zero Curve draws 0 W everywhere; build real ones with NewCurve.
type Curve struct {
	pointsW [SPECpowerPoints]float64 // power at u = i/(n−1), watts; only the first n are used
	n       int                      // number of points in use, 2..SPECpowerPoints (0 for the zero Curve)
	offW    float64                  // power while off or failed, watts
	gpuIdle float64                  // per GPU, idle, watts
	gpuMax  float64                  // per GPU, allocated, watts
}

// NewCurve builds the Curve that spec describes.
//
//   - Model "linear" (or ""): P(u) = P_idle + (P_max − P_idle) · u (Fan, Weber & Barroso, ISCA
//     2007). Needs 0 ≤ idle ≤ max and max > 0; table and points must be empty.
//   - Model "specpower": the 11 points of a SPECpower_ssj2008 result at 0 %, 10 %, …, 100 % target
//     load, interpolated linearly (as CloudSim's PowerModelSpecPower). Exactly one of table (the
//     name of a built-in table, see Tables) or points (11 custom values) must be given; points
//     must be finite, ≥ 0 and non-decreasing. idle and max must be left empty.
//
// For both models off must be finite and ≥ 0 (default 0 W).
func NewCurve(spec Spec) (Curve, error) {
	var c Curve
	off := float64(spec.Off)
	if !(off >= 0) || math.IsInf(off, 0) {
		return c, fmt.Errorf("power: off must be a finite power ≥ 0 W, got %v W", off)
	}
	c.offW = off
	gi, gm := float64(spec.GPUIdle), float64(spec.GPUMax)
	if !(gi >= 0) || math.IsInf(gi, 0) || !(gm >= 0) || math.IsInf(gm, 0) || gi > gm && gm != 0 {
		return c, fmt.Errorf("power: gpu_idle (%v W) and gpu_max (%v W) must be finite, ≥ 0, and idle ≤ max", gi, gm)
	}
	if gm == 0 {
		gm = gi
	}
	c.gpuIdle, c.gpuMax = gi, gm

	switch strings.ToLower(spec.Model) {
	case "", "linear":
		if spec.Table != "" || len(spec.Points) != 0 {
			return c, fmt.Errorf("power: model linear takes idle and max, not table or points (use model: specpower)")
		}
		idle, max := float64(spec.Idle), float64(spec.Max)
		if !(idle >= 0) || math.IsInf(idle, 0) {
			return c, fmt.Errorf("power: linear: idle must be a finite power ≥ 0 W, got %v W", idle)
		}
		if !(max > 0) || math.IsInf(max, 0) {
			return c, fmt.Errorf("power: linear: max must be a finite power > 0 W, got %v W", max)
		}
		if idle > max {
			return c, fmt.Errorf("power: linear: idle (%v W) must not exceed max (%v W)", idle, max)
		}
		c.pointsW[0], c.pointsW[1] = idle, max
		c.n = 2
		return c, nil

	case "specpower":
		if spec.Idle != 0 || spec.Max != 0 {
			return c, fmt.Errorf("power: model specpower takes table or points, not idle and max (use model: linear)")
		}
		switch {
		case spec.Table != "" && len(spec.Points) != 0:
			return c, fmt.Errorf("power: specpower: give either table or points, not both")
		case spec.Table != "":
			t, ok := specTables[spec.Table]
			if !ok {
				return c, fmt.Errorf("power: specpower: unknown table %q (built-in tables: %s)",
					spec.Table, strings.Join(tableNames, ", "))
			}
			c.pointsW = t
		case len(spec.Points) != SPECpowerPoints:
			return c, fmt.Errorf("power: specpower: points must hold %d values (0%%, 10%%, ..., 100%% load), got %d",
				SPECpowerPoints, len(spec.Points))
		default:
			for i, p := range spec.Points {
				w := float64(p)
				if !(w >= 0) || math.IsInf(w, 0) {
					return c, fmt.Errorf("power: specpower: points[%d] (%d%% load) must be a finite power ≥ 0 W, got %v W",
						i, 10*i, w)
				}
				if i > 0 && w < c.pointsW[i-1] {
					return c, fmt.Errorf("power: specpower: points must not decrease, but points[%d] = %v W < points[%d] = %v W",
						i, w, i-1, c.pointsW[i-1])
				}
				c.pointsW[i] = w
			}
		}
		c.n = SPECpowerPoints
		return c, nil

	default:
		return c, fmt.Errorf("power: unknown model %q (want linear or specpower)", spec.Model)
	}
}

// Watts returns the power in watts at CPU utilization u. u is clamped to [0, 1] (NaN counts as
// 0); between two points the power is interpolated linearly:
//
//	P(u) = P_i + (P_{i+1} − P_i) · (u·(n−1) − i),  i = ⌊u·(n−1)⌋
//
// For a two-point curve this is exactly P_idle + (P_max − P_idle) · u.
func (c Curve) Watts(u float64) float64 {
	if !(u > 0) { // also catches NaN
		return c.pointsW[0]
	}
	last := c.n - 1
	if u >= 1 || last < 1 {
		return c.pointsW[max(last, 0)]
	}
	x := u * float64(last)
	i := int(x)
	if i >= last { // guard against x rounding up to last
		i = last - 1
	}
	p0 := c.pointsW[i]
	return p0 + (c.pointsW[i+1]-p0)*(x-float64(i))
}

// GPUWatts is the power of a host's GPUs, total gpus of which allocated are allocated to tasks:
//
//	P_gpu = gpus · P_gpu,idle + allocated · (P_gpu,max − P_gpu,idle)
//
// Allocation stands for utilization (a task holding a GPU is taken to use it fully), the
// usual first-order GPU power model (e.g. the linear idle-to-TDP model of Patel et al.,
// "POLCA", 2023, and NVIDIA's idle and board power ratings, such as 60 W and 700 W for an
// H100 SXM). 0 when the curve has no GPU power.
func (c Curve) GPUWatts(gpus, allocated int64) float64 {
	return float64(gpus)*c.gpuIdle + float64(allocated)*(c.gpuMax-c.gpuIdle)
}

// Idle returns the power in watts at zero utilization (SPECpower's "active idle").
func (c Curve) Idle() float64 { return c.pointsW[0] }

// Max returns the power in watts at full utilization.
func (c Curve) Max() float64 { return c.pointsW[max(c.n-1, 0)] }

// Off returns the power in watts drawn while the host is off or failed.
func (c Curve) Off() float64 { return c.offW }

// Points returns the number of interpolation points (2 for linear, 11 for specpower).
func (c Curve) Points() int { return c.n }
