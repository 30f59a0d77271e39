package forecast

import (
	"math"
	"testing"
)

func TestTrackerHandWorked(t *testing.T) {
	var tr Tracker
	// forecast, provisioned, actual, hours
	tr.Record(10, 12, 8, 0.5)  // e −2, |e|/a = 0.25, over (12−8)·0.5 = 2
	tr.Record(10, 11, 14, 0.5) // e 4, 4/14, under (14−11)·0.5 = 1.5
	tr.Record(5, 5, 0, 0.5)    // e −5, no MAPE term, over 5·0.5 = 2.5
	tr.Record(20, 18, 20, 1)   // e 0, 0, under 2·1 = 2
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"MAE", tr.MAE(), (2 + 4 + 5 + 0) / 4.0},
		{"RMSE", tr.RMSE(), math.Sqrt((4 + 16 + 25 + 0) / 4.0)},
		{"MAPE", tr.MAPE(), 100 * (0.25 + 4.0/14 + 0) / 3}, // = 500/28 ≈ 17.857 %
		{"UnderUnitHours", tr.UnderUnitHours(), 3.5},
		{"OverUnitHours", tr.OverUnitHours(), 4.5},
		{"Hours", tr.Hours(), 2.5},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if tr.Steps() != 4 || tr.MAPESteps() != 3 || tr.UnderSteps() != 2 {
		t.Errorf("steps %d, MAPE steps %d, under steps %d; want 4, 3, 2", tr.Steps(), tr.MAPESteps(), tr.UnderSteps())
	}
	if !near(tr.MAPE(), 500.0/28) {
		t.Errorf("MAPE %v, want 500/28", tr.MAPE())
	}
}

func TestTrackerEmptyAndPanics(t *testing.T) {
	var tr Tracker
	if tr.MAE() != 0 || tr.RMSE() != 0 || tr.MAPE() != 0 || tr.UnderUnitHours() != 0 || tr.Steps() != 0 {
		t.Error("empty tracker not all 0")
	}
	tr.Record(1, 1, 0, 1)
	if tr.MAPE() != 0 || tr.MAPESteps() != 0 || tr.MAE() != 1 {
		t.Errorf("zero actual: MAPE %v over %d steps, MAE %v", tr.MAPE(), tr.MAPESteps(), tr.MAE())
	}
	for name, args := range map[string][4]float64{
		"NaN forecast":   {math.NaN(), 1, 1, 1},
		"Inf actual":     {1, 1, math.Inf(1), 1},
		"negative hours": {1, 1, 1, -1},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			tr.Record(args[0], args[1], args[2], args[3])
		}()
	}
}
