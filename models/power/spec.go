package power

import "github.com/dcsim/dcsim/models/units"

// Spec selects and parameterises a host power model in a scenario file. NewCurve turns it into a
// Curve; its doc comment lists the rules a Spec must follow.
//
//	power: {model: linear, idle: 120 W, max: 350 W}
//	power: {model: specpower, table: ibm-x3550-xeon-x5675}   # see Tables() for the built-in names
//	power: {model: specpower, points: [60 W, 80 W, ..., 300 W]}   # 11 points, 0%..100%
type Spec struct {
	Model  string        `yaml:"model"`  // "linear" (default) or "specpower"
	Idle   units.Power   `yaml:"idle"`   // linear: power at 0% utilization
	Max    units.Power   `yaml:"max"`    // linear: power at 100% utilization
	Table  string        `yaml:"table"`  // specpower: name of a built-in published table
	Points []units.Power `yaml:"points"` // specpower: 11 custom points at 0%,10%,...,100%
	Off    units.Power   `yaml:"off"`    // power drawn while the host is off or failed (default 0 W)
	// GPUIdle and GPUMax are each GPU's power while idle and while allocated (default 0 W:
	// GPUs not modelled). They add to the CPU curve while the host is on.
	GPUIdle units.Power `yaml:"gpu_idle"`
	GPUMax  units.Power `yaml:"gpu_max"`
}
