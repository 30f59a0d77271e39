package policy

import (
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/models"
)

// p50kClasses are the host classes of the 50,000-host benchmark cluster: capacity and share
// of the hosts. Hosts of a class are contiguous, as the simulator builds host groups.
var p50kClasses = []struct {
	cap   models.Resources
	share int // per cent
}{
	{models.Resources{CPU: 32000, Mem: 128 << 30}, 40},         // general purpose
	{models.Resources{CPU: 64000, Mem: 256 << 30}, 30},         // large
	{models.Resources{CPU: 32000, Mem: 512 << 30}, 15},         // high memory
	{models.Resources{CPU: 96000, Mem: 768 << 30, GPU: 8}, 15}, // GPU
}

// p50kCluster returns n hosts of p50kClasses, all on and empty; shuffle interleaves the
// classes in host-index order instead of keeping each class contiguous.
func p50kCluster(n int, shuffle bool) []models.Host {
	hosts := make([]models.Host, 0, n)
	for k, c := range p50kClasses {
		m := n * c.share / 100
		if k == len(p50kClasses)-1 {
			m = n - len(hosts)
		}
		for i := 0; i < m; i++ {
			hosts = append(hosts, models.Host{Cap: c.cap, Free: c.cap, Group: int32(k)})
		}
	}
	if shuffle {
		rng := rand.New(rand.NewPCG(11, 12))
		rng.Shuffle(len(hosts), func(i, j int) { hosts[i], hosts[j] = hosts[j], hosts[i] })
	}
	return hosts
}

// p50kDemand draws a heterogeneous task demand: half CPU-bound, a third memory-bound, some
// balanced and a few GPU tasks. CPU is any millicore count, so free CPU values spread.
func p50kDemand(rng *rand.Rand) models.Resources {
	const gib = 1 << 30
	switch r := rng.IntN(100); {
	case r < 50: // CPU-bound: 0.5–8 cores, 0.5–2 GiB per core
		c := int64(500 + rng.IntN(7500))
		return models.Resources{CPU: c, Mem: c * int64(512+rng.IntN(1536)) << 20 / 1000}
	case r < 85: // memory-bound: 0.25–2 cores, 8–64 GiB
		return models.Resources{CPU: int64(250 + rng.IntN(1750)), Mem: int64(8*gib + rng.Int64N(56*gib))}
	case r < 96: // balanced: 2–6 cores, 4 GiB per core
		c := int64(2000 + rng.IntN(4000))
		return models.Resources{CPU: c, Mem: c * 4 * gib / 1000}
	default: // GPU: 1–4 GPUs, 4–16 cores, 32–128 GiB
		return models.Resources{CPU: int64(4000 + rng.IntN(12000)), Mem: int64(32*gib + rng.Int64N(96*gib)), GPU: int64(1 + rng.IntN(4))}
	}
}

type placeAlloc struct {
	h int32
	d models.Resources
}

// placeTestCluster returns n hosts of a few random capacity classes (some with GPUs), some off,
// interleaved at random.
func placeTestCluster(rng *rand.Rand, n int) []models.Host {
	classes := make([]models.Resources, 1+rng.IntN(5))
	for k := range classes {
		classes[k] = models.Resources{CPU: int64(8+rng.IntN(120)) * 1000, Mem: int64(16+rng.IntN(1000)) << 30}
		if rng.IntN(3) == 0 {
			classes[k].GPU = int64(1 + rng.IntN(8))
		}
	}
	hosts := make([]models.Host, n)
	for i := range hosts {
		c := classes[rng.IntN(len(classes))]
		hosts[i] = models.Host{Cap: c, Free: c}
		if rng.IntN(20) == 0 {
			hosts[i].State = models.HostOff
		}
	}
	return hosts
}

// placeTestDemand draws a random demand: 0.1–16 cores, up to 64 GiB, a tenth with GPUs.
func placeTestDemand(rng *rand.Rand) models.Resources {
	d := models.Resources{CPU: int64(100 + rng.IntN(16000)), Mem: rng.Int64N(64 << 30)}
	if rng.IntN(10) == 0 {
		d.GPU = int64(1 + rng.IntN(4))
	}
	return d
}

// p50kSteady is a cluster kept at a steady occupancy: newP50kSteady fills hosts through placer
// p with demands (cycled) until CPU or memory is occupancy-full, then churns (steps) up to
// p50kChurn more decisions, replacing the oldest allocations, so that the layout is the
// policy's own. The allocations in flight are a ring, oldest first from head.
type p50kSteady struct {
	hosts   []models.Host
	p       Placer
	demands []models.Resources
	next    int
	ring    []placeAlloc
	head, n int
}

func newP50kSteady(hosts []models.Host, p Placer, demands []models.Resources, occupancy float64) *p50kSteady {
	s := &p50kSteady{hosts: hosts, p: p, demands: demands}
	var capCPU, capMem, useCPU, useMem float64
	for i := range hosts {
		capCPU += float64(hosts[i].Cap.CPU)
		capMem += float64(hosts[i].Cap.Mem)
	}
	var fill []placeAlloc
	for fails := 0; useCPU < occupancy*capCPU && useMem < occupancy*capMem && fails < len(demands); {
		d := s.demand()
		h := p.Place(d)
		if h < 0 {
			fails++
			continue
		}
		fails = 0
		hosts[h].Free = hosts[h].Free.Sub(d)
		p.Update(h)
		fill = append(fill, placeAlloc{h, d})
		useCPU += float64(d.CPU)
		useMem += float64(d.Mem)
	}
	s.ring = make([]placeAlloc, len(fill)+1)
	copy(s.ring, fill)
	s.n = len(fill)
	for i := 0; i < min(s.n, p50kChurn); i++ {
		s.step()
	}
	return s
}

// p50kChurn bounds the churn after the fill (a fifth of the ~530,000 tasks of the benchmark
// cluster): enough to mix the layout, short enough for the slow policies.
const p50kChurn = 100000

func (s *p50kSteady) demand() models.Resources {
	d := s.demands[s.next]
	s.next++
	if s.next == len(s.demands) {
		s.next = 0
	}
	return d
}

// step is one measured decision: place a new demand and allocate it, then release the oldest
// allocation if the number in flight grew. It reports whether the demand was placed.
func (s *p50kSteady) step() bool {
	d := s.demand()
	h := s.p.Place(d)
	if h >= 0 {
		s.hosts[h].Free = s.hosts[h].Free.Sub(d)
		s.p.Update(h)
		t := s.head + s.n
		if t >= len(s.ring) {
			t -= len(s.ring)
		}
		s.ring[t] = placeAlloc{h, d}
		s.n++
	}
	if s.n == len(s.ring) {
		a := s.ring[s.head]
		s.head++
		if s.head == len(s.ring) {
			s.head = 0
		}
		s.n--
		s.hosts[a.h].Free = s.hosts[a.h].Free.Add(a.d)
		s.p.Update(a.h)
	}
	return h >= 0
}

// occupancy returns the allocated fraction of CPU and memory.
func (s *p50kSteady) occupancy() (cpu, mem float64) {
	var cc, cm, fc, fm float64
	for i := range s.hosts {
		cc += float64(s.hosts[i].Cap.CPU)
		cm += float64(s.hosts[i].Cap.Mem)
		fc += float64(s.hosts[i].Free.CPU)
		fm += float64(s.hosts[i].Free.Mem)
	}
	return 1 - fc/cc, 1 - fm/cm
}

func p50kDemands(n int, seed uint64) []models.Resources {
	rng := rand.New(rand.NewPCG(seed, 99))
	ds := make([]models.Resources, n)
	for i := range ds {
		ds[i] = p50kDemand(rng)
	}
	return ds
}

var p50kPolicies = []string{"best-fit", "best-fit-2d", "worst-fit", "first-fit", "round-robin", "power-of-two", "tetris"}

// BenchmarkPlace50k measures one placement decision — Place, allocate (Sub) and Update — plus
// the matching release of the oldest task (Add and Update), on a 50,000-host cluster of four
// host classes kept at about 70% occupancy of its binding resource; it reports decisions/s.
// Run it with a fixed -benchtime (e.g. 200000x): each sub-benchmark first fills and churns the
// cluster, about 630,000 decisions, which takes seconds for the indexed policies and half a
// minute or more for best-fit, worst-fit and first-fit (10^4 decisions/s on this workload).
func BenchmarkPlace50k(b *testing.B) { p50kBench(b, false) }

// BenchmarkPlace50kShuffled is BenchmarkPlace50k with the host classes interleaved at random in
// host-index order (a harder case for the segment-tree bounds).
func BenchmarkPlace50kShuffled(b *testing.B) { p50kBench(b, true) }

func p50kBench(b *testing.B, shuffle bool) {
	demands := p50kDemands(1<<18, 5)
	for _, name := range p50kPolicies {
		b.Run(name, func(b *testing.B) {
			hosts := p50kCluster(50000, shuffle)
			p, err := NewPlacer(name)
			if err != nil {
				b.Fatal(err)
			}
			p.Init(hosts, rand.New(rand.NewPCG(1, 2)))
			s := newP50kSteady(hosts, p, demands, 0.7)
			b.ReportAllocs()
			n, placed := 0, 0
			for b.Loop() {
				if s.step() {
					placed++
				}
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "decisions/s")
			b.ReportMetric(float64(placed)/float64(n), "placed/op")
			cpu, mem := s.occupancy()
			b.ReportMetric(cpu, "cpu-occ")
			b.ReportMetric(mem, "mem-occ")
		})
	}
}
