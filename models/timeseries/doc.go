// Package timeseries holds piecewise-constant time series of a non-negative value over
// simulated time — grid carbon intensity in gCO2/kWh, electricity price in USD/kWh — with exact
// integration for energy accounting, and the linear amortization of embodied carbon.
//
// # File format
//
// A CSV file, plain or gzip-compressed (recognised by its magic bytes 1f 8b), of two columns
// timestamp,value, for example
//
//	timestamp,value
//	2023-01-01T00:00:00Z,412.5
//	2023-01-01T01:00:00Z,398
//
// The rules:
//
//   - Header: optional. The first non-blank line is a header when its first field starts with
//     a letter (A–Z, a–z); a header must have two fields too. Blank lines are skipped; a UTF-8
//     byte order mark is ignored; fields are trimmed of spaces and may be wrapped in double
//     quotes (without commas inside). Every row has exactly two fields.
//   - Timestamp, one of (all rows absolute, or all relative):
//     RFC 3339 ("2023-01-01T00:00:00Z", "2023-01-01T01:00:00+01:00", fractions allowed);
//     "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" in UTC;
//     or a non-negative decimal number of seconds from the series' start ("0", "3600",
//     "1.5"; at most 6 decimal places, no exponent). Precision is 1 µs: finer digits of an
//     absolute time are truncated.
//   - Timestamps strictly increase. Data are expected hourly or finer; Options.MaxGap
//     (e.g. time.Hour) makes a longer gap an error, otherwise the value before a gap holds
//     across it.
//   - Value: a finite number ≥ 0 (strconv.ParseFloat syntax).
//
// Errors name the file, the line and the field: `carbon.csv:7: field "timestamp":
// 2023-01-01T01:00:00Z is not after the previous timestamp 2023-01-01T02:00:00Z (line 6)`.
//
// # Mapping to simulated time
//
// Simulated time 0 is Options.Start for absolute timestamps (default: the first timestamp),
// and offset 0 for relative seconds. Each value holds from its timestamp up to the next one;
// the last value holds for ever after the last timestamp, and the first value is also used
// before the first timestamp (so a series that starts late, or a run that outlasts it, extends
// its end values flat rather than failing or reading zero). Extend the file to cover the run
// when that matters.
//
// # Exact integration
//
// For a piecewise-constant v with steps [τ_i, τ_{i+1}) and value v_i,
//
//	∫_{t0}^{t1} v(t) dt = Σ_i v_i × |[t0, t1) ∩ [τ_i, τ_{i+1})|
//
// is computed exactly in value·µs (integer overlaps; only float64 rounding of the products and
// the sum): Series.Integrate finds the first step by binary search, O(log n + steps), and a
// Cursor does the same for monotone queries without the binary search. The simulator's power
// is piecewise constant too (it changes only at events), so for power P over [t0, t1)
//
//	E_v = ∫ P·v(t) dt = P × Integrate(t0, t1) / 3.6·10¹²     (kWh × value unit)
//
// is WeightedEnergy: grams of CO2 for a gCO2/kWh series, USD for a USD/kWh series, with no
// time-step error. This follows the project's rule that energy is integrated exactly over
// piecewise-constant utilization (see models/power); multiply by PUE for facility energy, and
// divide grams by 1000 for kg.
//
// # Embodied carbon
//
// EmbodiedKg amortizes a host's embodied (manufacturing) carbon linearly over its lifetime,
// C_run = C_host × provisioned host-time / lifetime, as in the ACT model (Gupta et al., ISCA
// 2022: CF = OP_CF + (T/LT)·E_CF) and motivated by Gupta et al., "Chasing Carbon", HPCA 2021 —
// the carbon analogue of power.CapexUSD's straight-line capex amortization.
//
// # Not modelled
//
// Interpolation between samples (values are steps, not ramps), marginal versus average
// emission factors (the series is whatever the file holds), time zones other than the
// timestamps' own offsets (no daylight-saving local times), market rules such as demand
// charges or tiered prices, and the variation of embodied carbon with utilization or the
// replacement of failed parts.
package timeseries
