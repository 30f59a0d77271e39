package policy

import (
	"math/rand/v2"

	"github.com/dcsim/dcsim/models"
)

func init() {
	RegisterPlacer("first-fit", func() Placer { return &FirstFit{} })
	RegisterPlacer("best-fit", func() Placer { return &BestFit{} })
	RegisterPlacer("worst-fit", func() Placer { return &WorstFit{} })
	RegisterPlacer("random", func() Placer { return &Random{} })
}

// FirstFit places a task on the lowest-numbered host that fits it (Garey & Johnson's bin
// packing heuristic applied to hosts in index order).
type FirstFit struct{ t maxTree }

func (p *FirstFit) Init(hosts []models.Host, _ *rand.Rand) { p.t.init(hosts) }
func (p *FirstFit) Place(d models.Resources) int32         { return p.t.first(d, 0) }
func (p *FirstFit) Update(h int32)                         { p.t.update(h) }

// BestFit places a task on a host with the least free CPU that fits it, packing hosts tightly
// (CPU is the ranking dimension; memory and GPUs are feasibility constraints). Among hosts with
// equal free CPU, the one in the first host class, most recently changed, is chosen.
type BestFit struct{ c classIndex }

func (p *BestFit) Init(hosts []models.Host, _ *rand.Rand) { p.c.init(hosts) }
func (p *BestFit) Place(d models.Resources) int32         { return p.c.place(d, true) }
func (p *BestFit) Update(h int32)                         { p.c.update(h) }

// WorstFit places a task on a host with the most free CPU that fits it, spreading load.
type WorstFit struct{ c classIndex }

func (p *WorstFit) Init(hosts []models.Host, _ *rand.Rand) { p.c.init(hosts) }
func (p *WorstFit) Place(d models.Resources) int32         { return p.c.place(d, false) }
func (p *WorstFit) Update(h int32)                         { p.c.update(h) }

// Random places a task on a uniformly random host among a few probes; if none of the
// randomTries probes fits, it takes the first host that fits at or after a random index
// (wrapping around), so a feasible host is always found when one exists.
type Random struct {
	t     maxTree
	hosts []models.Host
	rng   *rand.Rand
}

const randomTries = 8

func (p *Random) Init(hosts []models.Host, rng *rand.Rand) {
	p.t.init(hosts)
	p.hosts, p.rng = hosts, rng
}

func (p *Random) Place(d models.Resources) int32 {
	n := len(p.hosts)
	if n == 0 || !p.t.admits(1, d) {
		return -1
	}
	for i := 0; i < randomTries; i++ {
		h := p.rng.IntN(n)
		if hs := &p.hosts[h]; hs.State == models.HostOn && hs.Free.Fits(d) {
			return int32(h)
		}
	}
	start := p.rng.IntN(n)
	if h := p.t.first(d, start); h >= 0 {
		return h
	}
	return p.t.first(d, 0)
}

func (p *Random) Update(h int32) { p.t.update(h) }
