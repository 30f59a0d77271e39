package forecast_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dcsim/dcsim/models/forecast"
)

// Predictive autoscaling of hosts: 5-minute steps, a daily season of 288 steps, a lead time
// of 2 steps (the time to boot a host), capacity at the 95th percentile of the forecast, in
// whole hosts.
func Example() {
	const (
		m         = 288      // steps per day
		lead      = 2        // steps between deciding and having the capacity
		stepHours = 5.0 / 60 // 5 minutes
	)
	rng := rand.New(rand.NewPCG(1, 2))
	demand := func(i int) float64 { // hosts needed: daily cycle on a slow upward trend, noise
		return 40 + 0.002*float64(i) + 15*math.Sin(2*math.Pi*float64(i)/m) + 2*rng.NormFloat64()
	}
	f := &forecast.HoltWinters{Period: m}
	var tr forecast.Tracker
	planned := make([][2]float64, lead) // forecast and hosts provisioned for step i, at i % lead
	for i := 0; i < 10*m; i++ {
		y := demand(i)
		if i >= 3*m { // score once the forecaster has settled
			tr.Record(planned[i%lead][0], planned[i%lead][1], y, stepHours)
		}
		f.Observe(y)
		mean, sd := f.Forecast(lead)
		planned[i%lead] = [2]float64{mean, math.Ceil(forecast.Quantile(mean, sd, 0.95))}
	}
	fmt.Printf("MAPE %.1f%%, under-provisioned %.1f host-hours over %.0f h (%d of %d steps)\n",
		tr.MAPE(), tr.UnderUnitHours(), tr.Hours(), tr.UnderSteps(), tr.Steps())
	// Output:
	// MAPE 4.3%, under-provisioned 5.3 host-hours over 168 h (74 of 2016 steps)
}
