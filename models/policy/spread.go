package policy

import (
	"math/rand/v2"

	"github.com/dcsim/dcsim/models"
)

func init() { RegisterPlacer("spread", func() Placer { return &Spread{} }) }

// JobAware is implemented by placement policies that need to know which job a task belongs to:
// the simulator calls ForJob before placing a job's tasks and JobEnded when the job reaches its
// terminal state.
type JobAware interface {
	ForJob(job int64)
	JobEnded(job int64)
}

// Spread places a job's tasks on different racks (rack anti-affinity, as Borg's and
// Kubernetes' topology spread constraints do for failure domains): the first fitting host, in
// index order, on a rack where the job has no task yet; when every rack that could take the
// task already holds one of the job's, the first fitting host on a rack holding the fewest.
// Racks are contiguous host ranges (host h is on rack Host.Rack, assigned in index order).
// Place costs O(k log H) for k racks skipped; memory holds the racks used by live jobs.
type Spread struct {
	t      maxTree
	hosts  []models.Host
	job    int64
	perJob map[int64]map[int32]int32 // job → rack → tasks placed (never decremented: tasks end with their job)
}

func (p *Spread) Init(hosts []models.Host, _ *rand.Rand) {
	p.hosts = hosts
	p.t.init(hosts)
	p.perJob = map[int64]map[int32]int32{}
}

// ForJob sets the job the next placements are for.
func (p *Spread) ForJob(job int64) { p.job = job }

// JobEnded forgets the job's racks.
func (p *Spread) JobEnded(job int64) { delete(p.perJob, job) }

func (p *Spread) Place(d models.Resources) int32 {
	used := p.perJob[p.job]
	best, bestN := int32(-1), int32(-1)
	for from := 0; from < len(p.hosts); {
		h := p.t.first(d, from)
		if h < 0 {
			break
		}
		r := p.hosts[h].Rack
		n := used[r]
		if n == 0 {
			best = h
			break
		}
		if best < 0 || n < bestN {
			best, bestN = h, n
		}
		for from = int(h) + 1; from < len(p.hosts) && p.hosts[from].Rack == r; from++ { // skip the rest of the rack
		}
	}
	if best >= 0 {
		if used == nil {
			used = map[int32]int32{}
			p.perJob[p.job] = used
		}
		used[p.hosts[best].Rack]++
	}
	return best
}

func (p *Spread) Update(h int32) { p.t.update(h) }
