package policy

import (
	"math/rand/v2"

	"github.com/dcsim/dcsim/models"
)

func init() {
	RegisterPlacer("best-fit-2d", func() Placer { return &BestFit2D{} })
}

// BestFit2D places a task on the host with the least free CPU that fits it, as best-fit does
// (the best-fit bin-packing rule, e.g. Garey & Johnson, with CPU as the ranking dimension);
// among those, on the one with the least free memory that fits, then the lowest index.
//
// It differs from best-fit in its index and its tie rule (best-fit breaks ties by host class
// and recency). best-fit's per-class CPU buckets walk, from the demanded CPU upwards, every
// host that has the CPU but not the memory; when memory binds (memory-heavy tasks on a packed
// cluster) that is thousands of hosts per decision (see BenchmarkPlace50k). BestFit2D's
// freeTree keeps, per range of free-CPU values, the maximum free memory, so the first bucket
// holding a host that fits both is found by one descent of a 4-ary tree (O(log C), C the
// largest CPU capacity in millicores), and the host within it in O(log b) expected for a bucket
// of b hosts. GPUs are checked by a per-range maximum, which may backtrack for GPU demands when
// the free-memory and free-GPU maxima of a range come from different hosts. Memory: 16–40 bytes
// per millicore of the largest CPU capacity, plus 40 bytes per host.
type BestFit2D struct {
	nodes *treapNodes
	tree  *freeTree
}

func (p *BestFit2D) Init(hosts []models.Host, _ *rand.Rand) {
	p.nodes = newTreapNodes(hosts)
	all := make([]int32, len(hosts))
	for i := range all {
		all[i] = int32(i)
	}
	p.tree = p.nodes.addTree(all, false)
}

func (p *BestFit2D) Place(d models.Resources) int32 { return p.tree.first(d) }
func (p *BestFit2D) Update(h int32)                 { p.nodes.update(h) }
