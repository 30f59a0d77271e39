// Package power models the electrical power of hosts and turns it into energy, money and carbon.
//
// # Power curves
//
// A Curve maps CPU utilization u ∈ [0, 1] to power in watts by linear interpolation between
// evenly spaced points. Two points give the standard linear server power model
//
//	P(u) = P_idle + (P_max − P_idle) · u
//
// of Fan, Weber & Barroso, "Power provisioning for a warehouse-sized computer", ISCA 2007.
// Eleven points (0 %, 10 %, …, 100 %) give a SPECpower_ssj2008 curve, as CloudSim's
// PowerModelSpecPower does (Beloglazov & Buyya, "Optimal online deterministic algorithms and
// adaptive heuristics for energy and performance efficient dynamic consolidation of virtual
// machines in cloud data centers", CCPE 24(13):1397–1420, 2012, doi:10.1002/cpe.1867). Built-in
// published tables are listed by Tables; each carries its source in tables.go.
//
// # Energy
//
// A Meter integrates power over simulated time. Power is constant between two calls of
// Meter.Set (the engine changes a host's utilization only at events), so the integral is the
// exact sum E = Σ P(u_i) · Δt_i, with no time-step error; only float64 rounding remains.
//
// # Cost and carbon
//
// cost.go holds pure functions: straight-line capex amortization, facility energy through PUE,
// energy cost and operational carbon. The scenario defaults are the Default* constants below.
// They are round figures meant as a neutral starting point, not as facts about any fleet; set
// your own values in the scenario when you know them:
//
//   - PUE 1.4 (DefaultPUE). Uptime Institute's annual global data center surveys report an
//     industry-wide average PUE of roughly 1.5–1.6 for recent years, while hyperscale operators
//     publish fleet averages near 1.1 (for example Google's reported trailing-twelve-month PUE).
//     1.4 is a value between the two, not a measured figure.
//   - Electricity 0.10 USD/kWh (DefaultUSDPerKWh). The US EIA's average retail price to
//     industrial customers has been roughly 0.07–0.09 USD/kWh in recent years, commercial
//     customers pay more; 0.10 is a round figure in that range, not a quote.
//   - Carbon intensity 400 gCO2/kWh (DefaultGCO2PerKWh). The global average intensity of
//     electricity generation reported by the IEA and Ember is roughly 400–480 gCO2/kWh; regional
//     grids range from under 50 to over 700. 400 is a round figure at the low end of the
//     global average.
//   - Capex 10 000 USD per host (DefaultCapexUSDPerHost), a rough price of a two-socket
//     commodity server; real prices vary by an order of magnitude with CPU, memory and
//     accelerators.
//   - Lifetime 4 years (DefaultLifetime). Barroso, Hölzle & Ranganathan, "The Datacenter as a
//     Computer", 3rd ed. (2018), ch. 6, amortize servers over a few years (3–4) against 10–15
//     years for the facility; several cloud operators have since lengthened their accounting
//     server lifetimes to 5–6 years.
package power

import "github.com/dcsim/dcsim/models/units"

// Scenario defaults for cost and carbon; see the package comment for where they come from.
const (
	DefaultPUE             = 1.4
	DefaultUSDPerKWh       = 0.10
	DefaultGCO2PerKWh      = 400.0
	DefaultCapexUSDPerHost = 10000.0
	DefaultLifetime        = 4 * units.Year
)
