// Package models holds dcsim's core datacenter entities: resources, hosts and their states,
// jobs and tasks. Sub-packages hold the models built on them: power (power, energy, cost,
// carbon), workload (distributions and arrival processes), policy (queue disciplines and
// placement policies) and dc (the cluster simulation that ties them to the engine).
package models

// Resources is a multi-dimensional amount of host capacity or task demand.
type Resources struct {
	CPU int64 // millicores (1000 = one core)
	Mem int64 // bytes
	GPU int64 // whole GPUs
}

// Fits reports whether demand d fits into free capacity r in every dimension.
func (r Resources) Fits(d Resources) bool {
	return d.CPU <= r.CPU && d.Mem <= r.Mem && d.GPU <= r.GPU
}

// Add returns r + d.
func (r Resources) Add(d Resources) Resources {
	return Resources{r.CPU + d.CPU, r.Mem + d.Mem, r.GPU + d.GPU}
}

// Sub returns r − d.
func (r Resources) Sub(d Resources) Resources {
	return Resources{r.CPU - d.CPU, r.Mem - d.Mem, r.GPU - d.GPU}
}

// HostState is the power/availability state of a host.
type HostState uint8

// Host states. Only HostOn hosts accept tasks; HostOn and HostBooting hosts are provisioned
// (they draw power above the off level and accrue capex).
const (
	HostOn HostState = iota
	HostOff
	HostBooting
	HostFailed
)

func (s HostState) String() string {
	switch s {
	case HostOn:
		return "on"
	case HostOff:
		return "off"
	case HostBooting:
		return "booting"
	case HostFailed:
		return "failed"
	}
	return "unknown"
}

// Host is one server. Hosts are identified by their index in the cluster's host slice.
type Host struct {
	Cap   Resources // capacity
	Free  Resources // capacity not allocated to tasks
	Group int32     // index of its host group
	Rack  int32
	State HostState
	Tasks int32 // running tasks
}

// Provisioned reports whether the host is on or booting.
func (h *Host) Provisioned() bool { return h.State == HostOn || h.State == HostBooting }
