package forecast

import (
	"fmt"
	"math"
)

// Tracker accumulates forecast accuracy and provisioning shortfall, one Record per step.
//
// For each step the caller passes the forecast of the step's demand (made h steps earlier,
// for the caller's lead time h), the capacity it provisioned for the step, the actual demand
// and the step length in hours. With e = actual − forecast over the N recorded steps:
//
//	MAE  = Σ|e| / N
//	RMSE = √(Σe² / N)
//	MAPE = 100 · Σ_{actual>0} |e|/actual / N₊     (percent; N₊ steps with actual > 0)
//
// MAPE skips steps whose actual is 0 (or negative), where the percentage error is undefined
// (FPP3 §5.8); MAPESteps says how many steps it covers. Provisioning is scored in
// unit-hours (host-hours when the unit is hosts, core-hours for cores):
//
//	UnderUnitHours = Σ max(0, actual − provisioned) · stepHours   (demand not covered)
//	OverUnitHours  = Σ max(0, provisioned − actual) · stepHours   (capacity left idle)
//
// A metric over no step is 0. The zero Tracker is ready to use; sums are plain float64 sums
// in recording order, so equal inputs give equal results.
type Tracker struct {
	n          int
	sumAbs     float64
	sumSq      float64
	nPct       int
	sumPct     float64
	under      float64
	over       float64
	underSteps int
	hours      float64
}

// Record adds one step. It panics if any argument is NaN or infinite, or stepHours < 0.
func (t *Tracker) Record(forecast, provisioned, actual, stepHours float64) {
	for _, v := range [4]float64{forecast, provisioned, actual, stepHours} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			panic(fmt.Sprintf("forecast: Tracker.Record(%v, %v, %v, %v): argument not finite", forecast, provisioned, actual, stepHours))
		}
	}
	if stepHours < 0 {
		panic(fmt.Sprintf("forecast: Tracker.Record: negative step length %v h", stepHours))
	}
	e := actual - forecast
	t.n++
	t.sumAbs += math.Abs(e)
	t.sumSq += e * e
	if actual > 0 {
		t.nPct++
		t.sumPct += math.Abs(e) / actual
	}
	if d := actual - provisioned; d > 0 {
		t.under += d * stepHours
		t.underSteps++
	} else {
		t.over += -d * stepHours
	}
	t.hours += stepHours
}

// Steps returns the number of recorded steps.
func (t *Tracker) Steps() int { return t.n }

// Hours returns the recorded time, Σ stepHours.
func (t *Tracker) Hours() float64 { return t.hours }

// MAE returns the mean absolute error.
func (t *Tracker) MAE() float64 {
	if t.n == 0 {
		return 0
	}
	return t.sumAbs / float64(t.n)
}

// RMSE returns the root mean squared error.
func (t *Tracker) RMSE() float64 {
	if t.n == 0 {
		return 0
	}
	return math.Sqrt(t.sumSq / float64(t.n))
}

// MAPE returns the mean absolute percentage error, in percent, over the steps with a positive
// actual.
func (t *Tracker) MAPE() float64 {
	if t.nPct == 0 {
		return 0
	}
	return 100 * t.sumPct / float64(t.nPct)
}

// MAPESteps returns the number of steps MAPE covers (those with a positive actual).
func (t *Tracker) MAPESteps() int { return t.nPct }

// UnderUnitHours returns Σ max(0, actual − provisioned) × stepHours: demand not covered by
// the provisioned capacity, in unit-hours.
func (t *Tracker) UnderUnitHours() float64 { return t.under }

// UnderSteps returns the number of steps whose actual exceeded the provisioned capacity.
func (t *Tracker) UnderSteps() int { return t.underSteps }

// OverUnitHours returns Σ max(0, provisioned − actual) × stepHours: capacity provisioned but
// not needed, in unit-hours.
func (t *Tracker) OverUnitHours() float64 { return t.over }
