package policy_test

// This file is the worked example of docs/policies.md (a test checks the two agree): a complete
// placement policy in one file, registered by name, usable from any scenario as
// `scheduler: {placement: most-free-memory}`.

import (
	"math/rand/v2"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/policy"
)

func init() {
	policy.RegisterPlacer("most-free-memory", func() policy.Placer { return &MostFreeMemory{} })
}

// MostFreeMemory places a task on the host, among those that are on and fit it, with the most
// free memory (ties: the lowest index): a spreading policy for memory-bound work. It keeps a
// max-heap of hosts by free memory, updated in O(log H) when a host changes; Place pops hosts
// that do not fit the CPU or GPU demand into a scratch list and pushes them back, so it costs
// O(k log H) for the k hosts it skips.
type MostFreeMemory struct {
	hosts []models.Host
	heap  []int32 // host indices, a max-heap by (free memory, -index)
	pos   []int32 // position of each host in heap
	skip  []int32
}

func (p *MostFreeMemory) Init(hosts []models.Host, _ *rand.Rand) {
	p.hosts = hosts
	p.heap = make([]int32, len(hosts))
	p.pos = make([]int32, len(hosts))
	for h := range hosts {
		p.heap[h], p.pos[h] = int32(h), int32(h)
	}
	for i := len(p.heap)/2 - 1; i >= 0; i-- {
		p.down(i)
	}
}

func (p *MostFreeMemory) Place(d models.Resources) int32 {
	best := int32(-1)
	for len(p.heap) > 0 {
		h := p.heap[0]
		hs := &p.hosts[h]
		if hs.State == models.HostOn && hs.Free.Mem < d.Mem {
			break // the most free memory of all is not enough
		}
		if hs.State == models.HostOn && hs.Free.Fits(d) {
			best = h
			break
		}
		p.skip = append(p.skip, h) // set aside: off, or short of CPU or GPUs
		p.remove(0)
	}
	for _, h := range p.skip {
		p.push(h)
	}
	p.skip = p.skip[:0]
	return best
}

func (p *MostFreeMemory) Update(h int32) {
	i := int(p.pos[h])
	p.up(i)
	p.down(int(p.pos[h]))
}

func (p *MostFreeMemory) less(a, b int32) bool { // a before b
	ma, mb := p.hosts[a].Free.Mem, p.hosts[b].Free.Mem
	return ma > mb || ma == mb && a < b
}

func (p *MostFreeMemory) swap(i, j int) {
	p.heap[i], p.heap[j] = p.heap[j], p.heap[i]
	p.pos[p.heap[i]], p.pos[p.heap[j]] = int32(i), int32(j)
}

func (p *MostFreeMemory) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !p.less(p.heap[i], p.heap[parent]) {
			return
		}
		p.swap(i, parent)
		i = parent
	}
}

func (p *MostFreeMemory) down(i int) {
	for {
		l, best := 2*i+1, i
		if l < len(p.heap) && p.less(p.heap[l], p.heap[best]) {
			best = l
		}
		if r := l + 1; r < len(p.heap) && p.less(p.heap[r], p.heap[best]) {
			best = r
		}
		if best == i {
			return
		}
		p.swap(i, best)
		i = best
	}
}

func (p *MostFreeMemory) remove(i int) {
	last := len(p.heap) - 1
	p.swap(i, last)
	p.heap = p.heap[:last]
	if i < last {
		p.down(i)
		p.up(i)
	}
}

func (p *MostFreeMemory) push(h int32) {
	p.heap = append(p.heap, h)
	p.pos[h] = int32(len(p.heap) - 1)
	p.up(len(p.heap) - 1)
}
