// Package policy defines dcsim's scheduling extension points — a queue discipline decides which
// waiting task to try next, a placement policy decides which host runs it — and a registry that
// finds them by the names used in scenario files.
//
// Each extension point is its own small interface, in the spirit of the Kubernetes scheduling
// framework; placement policies keep an index over the hosts so a decision costs O(log H) or
// close, never a scan of every host. A new policy is one file with a type implementing the
// interface plus one Register call in that file's init function.
package policy

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/sim"
)

// Entry is a waiting task as the queue discipline sees it.
type Entry struct {
	Ref      int32 // the simulator's handle for the task's job (opaque to policies)
	Index    int32 // the task's index within its job
	Job      int64 // job id
	Priority int32 // job priority (higher is more important)
	Stage    int32 // the simulator's index of the task's stage within a DAG job (opaque to policies)
	// Tenant identifies the job's tenant (user, team or account) for usage-aware disciplines
	// (UsageAware): a small number the simulator assigns per tenant name; 0 for other
	// disciplines.
	Tenant  int32
	Submit  sim.Time // job submit time
	Runtime sim.Time // true task run time: what execution takes
	// Estimate is the user's run-time estimate (SWF requested time) where the workload has
	// one, else Runtime. Planning policies (backfilling) must use Estimate, never Runtime.
	Estimate sim.Time
	Demand   models.Resources
}

// Queue is a queue discipline: it orders waiting tasks. The scheduler repeatedly asks for the
// Front entry, tries to place it and, if it was placed, removes it with PopFront. When the front
// entry cannot be placed the scheduling pass stops (head-of-line blocking); disciplines that look
// past a blocked head (backfilling) provide their own Front order.
type Queue interface {
	Push(e Entry)
	Front() (Entry, bool)
	PopFront()
	Len() int
}

// Placer is a placement policy. It owns an index over the hosts, kept current through Update,
// so that Place does not scan every host.
type Placer interface {
	// Init is called once with the cluster's hosts (the slice is never reallocated) and the
	// policy's own random stream.
	Init(hosts []models.Host, rng *rand.Rand)
	// Place returns the index of a host in state on whose free capacity fits d, or -1.
	// It must not modify the hosts; the simulator allocates and then calls Update.
	Place(d models.Resources) int32
	// Update tells the policy that host h's free capacity or state changed.
	Update(h int32)
}

var (
	queues  = map[string]func() Queue{}
	placers = map[string]func() Placer{}
)

// RegisterQueue makes a queue discipline available under name. It panics on a duplicate name
// (a programming error caught at start-up).
func RegisterQueue(name string, f func() Queue) {
	if _, dup := queues[name]; dup {
		panic("policy: duplicate queue discipline " + name)
	}
	queues[name] = f
}

// RegisterPlacer makes a placement policy available under name.
func RegisterPlacer(name string, f func() Placer) {
	if _, dup := placers[name]; dup {
		panic("policy: duplicate placement policy " + name)
	}
	placers[name] = f
}

// NewQueue returns a new queue discipline by name.
func NewQueue(name string) (Queue, error) {
	if f, ok := queues[name]; ok {
		return f(), nil
	}
	return nil, fmt.Errorf("unknown queue discipline %q (known: %v)", name, QueueNames())
}

// NewPlacer returns a new placement policy by name.
func NewPlacer(name string) (Placer, error) {
	if f, ok := placers[name]; ok {
		return f(), nil
	}
	return nil, fmt.Errorf("unknown placement policy %q (known: %v)", name, PlacerNames())
}

// QueueNames lists the registered queue disciplines, sorted.
func QueueNames() []string { return keys(queues) }

// PlacerNames lists the registered placement policies, sorted.
func PlacerNames() []string { return keys(placers) }

// Known reports whether name is registered for kind "queue" or "placement".
func Known(kind, name string) bool {
	switch kind {
	case "queue":
		_, ok := queues[name]
		return ok
	case "placement":
		_, ok := placers[name]
		return ok
	}
	return false
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
