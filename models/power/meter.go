package power

// Meter integrates a host's power over simulated time. Power is piecewise constant: it holds
// the value of the latest Set until the next one, so the energy is the exact sum
//
//	E = Σ_i P_i · (t_{i+1} − t_i)
//
// over the intervals between calls, with time in integer microseconds and no time-step
// error. Energy is accumulated in watt-microseconds (µJ) and converted to joules on read.
//
// The zero Meter is ready: it reads 0 W from t = 0. A Meter is a plain value (no allocation);
// it is not safe for concurrent use.
type Meter struct {
	watts   float64 // power since lastUS, W
	lastUS  int64   // time of the latest Set, µs
	energyU float64 // energy accumulated up to lastUS, W·µs (= µJ)
}

// Set records that the power changes to watts at time nowUS (µs) and adds the energy of the
// interval since the previous Set: watts_prev × (nowUS − lastUS) µJ.
//
// Times must not decrease. An earlier nowUS adds no energy and does not move the meter's clock
// back (it only changes the power from the meter's current time on).
func (m *Meter) Set(nowUS int64, watts float64) {
	if nowUS > m.lastUS {
		m.energyU += m.watts * float64(nowUS-m.lastUS)
		m.lastUS = nowUS
	}
	m.watts = watts
}

// EnergyJ returns the energy in joules consumed from t = 0 through nowUS, including the
// still-open interval since the latest Set. It does not change the meter.
func (m *Meter) EnergyJ(nowUS int64) float64 {
	e := m.energyU
	if nowUS > m.lastUS {
		e += m.watts * float64(nowUS-m.lastUS)
	}
	return e / 1e6
}

// Watts returns the current power in watts.
func (m *Meter) Watts() float64 { return m.watts }

// LastUS returns the time in µs of the latest Set that moved the clock.
func (m *Meter) LastUS() int64 { return m.lastUS }
