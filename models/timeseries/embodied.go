package timeseries

import "math"

// EmbodiedKg returns the embodied (manufacturing) carbon in kg CO2e charged to a run, amortized
// linearly over the hardware's lifetime:
//
//	C_embodied,run = C_embodied,host × provisioned_host_time / lifetime
//
// provisionedUS is the host time provisioned during the run, summed over hosts (host-µs);
// lifetimeUS is one host's service lifetime in µs and must be > 0 (otherwise the result is NaN,
// so that a missing lifetime shows in the results rather than counting as zero).
//
// This is the amortization of the ACT model (Gupta et al., "ACT: Designing sustainable computer
// systems with an architectural carbon modeling tool", ISCA 2022), whose footprint is
// CF = OP_CF + (T / LT) · E_CF: an application running for T on hardware of lifetime LT carries
// the fraction T/LT of the hardware's embodied footprint E_CF. Gupta et al., "Chasing carbon:
// The elusive environmental footprint of computing", HPCA 2021, show that for datacenter
// hardware this embodied share is a large part of the total and cannot be ignored next to
// operational carbon. The model assumes a host is provisioned uniformly over its lifetime (no
// residual value, no end-of-life credit); embodied figures per server (manufacturer product
// carbon footprints, or ACT's per-component estimates) are inputs, not defaults.
func EmbodiedKg(embodiedKgPerHost float64, lifetimeUS, provisionedUS int64) float64 {
	if lifetimeUS <= 0 {
		return math.NaN()
	}
	return embodiedKgPerHost * float64(provisionedUS) / float64(lifetimeUS)
}
