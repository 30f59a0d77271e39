package power

// JoulesPerKWh is the number of joules in one kilowatt-hour (1000 W × 3600 s).
const JoulesPerKWh = 3.6e6

// JToKWh converts joules to kilowatt-hours: kWh = J / 3.6·10⁶.
func JToKWh(j float64) float64 { return j / JoulesPerKWh }

// CapexUSD returns the share of a host's purchase price charged to a run, amortized straight-line
// over the server's lifetime:
//
//	capex_run = capex_per_host × provisioned_host_time / lifetime
//
// provisionedHostUS is the host time provisioned during the run, summed over hosts (host-µs);
// lifetimeUS must be > 0. Straight-line amortization of server capex over its lifetime is the
// treatment of Barroso, Hölzle & Ranganathan, "The Datacenter as a Computer", 3rd ed. (2018),
// ch. 6 (Modeling costs); interest (cost of capital) is ignored here.
func CapexUSD(capexPerHost float64, lifetimeUS, provisionedHostUS int64) float64 {
	return capexPerHost * float64(provisionedHostUS) / float64(lifetimeUS)
}

// FacilityEnergyKWh returns the energy drawn by the whole facility for itKWh of IT energy:
//
//	E_facility = E_IT × PUE
//
// by the definition of Power Usage Effectiveness, PUE = total facility energy / IT equipment
// energy (The Green Grid, White Paper #49, "PUE: A comprehensive examination of the metric",
// 2012; also ISO/IEC 30134-2).
func FacilityEnergyKWh(itKWh, pue float64) float64 { return itKWh * pue }

// EnergyUSD returns the electricity cost of itKWh of IT energy at a flat price:
//
//	cost = E_IT × PUE × price_per_kWh
func EnergyUSD(itKWh, pue, usdPerKWh float64) float64 {
	return FacilityEnergyKWh(itKWh, pue) * usdPerKWh
}

// CarbonKg returns the operational (scope 2, location-based) carbon emissions in kg CO2(e) of
// itKWh of IT energy at a constant grid carbon intensity:
//
//	CO2_kg = E_IT × PUE × intensity_g_per_kWh / 1000
//
// Embodied carbon of the hardware is not included.
func CarbonKg(itKWh, pue, gPerKWh float64) float64 {
	return FacilityEnergyKWh(itKWh, pue) * gPerKWh / 1000
}
