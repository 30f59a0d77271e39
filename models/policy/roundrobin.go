package policy

import (
	"math/rand/v2"

	"github.com/dcsim/dcsim/models"
)

func init() {
	RegisterPlacer("round-robin", func() Placer { return &RoundRobin{} })
}

// RoundRobin places a task on the next host, in cyclic index order starting just after the host
// it chose last, that is on and fits the demand (next-fit, Johnson 1973, applied to hosts; the
// cursor starts at host 0). It spreads consecutive tasks over the cluster without randomness.
//
// The search is one or two descents of the max-free segment tree (the first fitting host at or
// after the cursor, else the first one from host 0), so a decision costs O(log H) when one
// dimension binds, never a scan of the hosts. A Place that returns -1 leaves the cursor where it
// was.
type RoundRobin struct {
	t    maxTree
	next int // the index after the last chosen host
}

func (p *RoundRobin) Init(hosts []models.Host, _ *rand.Rand) {
	p.t.init(hosts)
	p.next = 0
}

func (p *RoundRobin) Place(d models.Resources) int32 {
	if len(p.t.hosts) == 0 || !p.t.admits(1, d) {
		return -1
	}
	h := p.t.first(d, p.next)
	if h < 0 {
		h = p.t.first(d, 0)
	}
	if h >= 0 {
		p.next = int(h) + 1
		if p.next == len(p.t.hosts) {
			p.next = 0
		}
	}
	return h
}

func (p *RoundRobin) Update(h int32) { p.t.update(h) }
