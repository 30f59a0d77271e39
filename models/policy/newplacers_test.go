package policy

import (
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/dcsim/dcsim/models"
)

// Tests of the placers round-robin, power-of-two, tetris and best-fit-2d: hand-checked cases on
// small clusters, then properties over random clusters and demand sequences.

const gib = int64(1) << 30

// hostsWith returns on hosts of capacity cap with the given free capacities.
func hostsWith(cap models.Resources, free ...models.Resources) []models.Host {
	hosts := make([]models.Host, len(free))
	for i, f := range free {
		hosts[i] = models.Host{Cap: cap, Free: f}
	}
	return hosts
}

func res(cpu, memGiB, gpu int64) models.Resources {
	return models.Resources{CPU: cpu, Mem: memGiB * gib, GPU: gpu}
}

// placeCase is a hand-checked sequence: each demand is placed (and allocated when it fits) in
// turn, and the chosen hosts must be want.
type placeCase struct {
	name    string
	hosts   []models.Host
	demands []models.Resources
	want    []int32
}

func runPlaceCases(t *testing.T, policy string, cases []placeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPlacer(policy)
			if err != nil {
				t.Fatal(err)
			}
			hosts := append([]models.Host(nil), tc.hosts...)
			p.Init(hosts, rand.New(rand.NewPCG(1, 2)))
			for i, d := range tc.demands {
				h := p.Place(d)
				if h != tc.want[i] {
					t.Fatalf("demand %d %+v: got host %d, want %d", i, d, h, tc.want[i])
				}
				if h >= 0 {
					hosts[h].Free = hosts[h].Free.Sub(d)
					p.Update(h)
				}
			}
		})
	}
}

func TestRoundRobinCases(t *testing.T) {
	c := res(4000, 8, 0)
	off := hostsWith(c, c, c, c, c)
	off[1].State = models.HostOff
	lowMem := hostsWith(c, c, res(4000, 1, 0), c)
	runPlaceCases(t, "round-robin", []placeCase{
		{"cycles", hostsWith(c, c, c, c), []models.Resources{res(1000, 1, 0), res(1000, 1, 0), res(1000, 1, 0), res(1000, 1, 0)},
			[]int32{0, 1, 2, 0}},
		{"skips off host", off, []models.Resources{res(100, 0, 0), res(100, 0, 0), res(100, 0, 0), res(100, 0, 0)},
			[]int32{0, 2, 3, 0}},
		{"skips hosts that do not fit", lowMem, []models.Resources{res(1000, 2, 0), res(1000, 2, 0), res(1000, 2, 0)},
			[]int32{0, 2, 0}},
		// Host 0 takes 3000 (cursor → 1); 2000 fits nowhere; 1000 goes to host 1 (cursor → 0,
		// wrapped); 900 to host 0; 100 to host 0 again: host 1 is full.
		{"wraps", hostsWith(c, c, res(1000, 8, 0)), []models.Resources{res(3000, 1, 0), res(2000, 1, 0), res(1000, 1, 0), res(900, 1, 0), res(100, 1, 0)},
			[]int32{0, -1, 1, 0, 0}},
		// A failed Place leaves the cursor: the next decision starts after host 0 still.
		{"failure keeps cursor", hostsWith(c, c, c, c), []models.Resources{res(1000, 1, 0), res(5000, 1, 0), res(1000, 1, 0)},
			[]int32{0, -1, 1}},
		{"GPU only on GPU host", []models.Host{{Cap: c, Free: c}, {Cap: res(4000, 8, 2), Free: res(4000, 8, 2)}, {Cap: c, Free: c}},
			[]models.Resources{res(100, 1, 1), res(100, 1, 1), res(100, 1, 1)}, []int32{1, 1, -1}},
	})
}

func TestPowerOfTwoCases(t *testing.T) {
	c := res(8000, 16, 0)
	one := hostsWith(c, res(100, 16, 0), res(100, 16, 0), res(5000, 16, 0), res(100, 16, 0))
	runPlaceCases(t, "power-of-two", []placeCase{
		// With one fitting host it is found (by the fallback if no draw hits it).
		{"only one fits", one, []models.Resources{res(4000, 1, 0), res(4000, 1, 0)}, []int32{2, -1}},
		// With exactly two fitting hosts both are candidates: the one with more free CPU wins.
		{"two fit: more free CPU", hostsWith(c, res(100, 16, 0), res(3000, 16, 0), res(100, 16, 0), res(6000, 16, 0)),
			[]models.Resources{res(2000, 1, 0)}, []int32{3}},
		{"two fit: tie to lower index", hostsWith(c, res(100, 16, 0), res(3000, 16, 0), res(3000, 16, 0)),
			[]models.Resources{res(2000, 1, 0)}, []int32{1}},
		{"none fits", hostsWith(c, c, c), []models.Resources{res(9000, 1, 0)}, []int32{-1}},
	})
}

func TestTetrisCases(t *testing.T) {
	c := res(10000, 100, 0)
	big := res(20000, 200, 0)
	three := hostsWith(c, res(8000, 20, 0), res(3000, 90, 0), res(6000, 60, 0))
	mixed := []models.Host{{Cap: c, Free: res(8000, 20, 0)}, {Cap: big, Free: res(8000, 20, 0)}}
	same := hostsWith(c, c, c, c)
	sameOff := hostsWith(c, c, c, c)
	sameOff[0].State = models.HostOff
	gpu := []models.Host{{Cap: c, Free: c}, {Cap: res(10000, 100, 4), Free: res(2000, 10, 4)}}
	runPlaceCases(t, "tetris", []placeCase{
		// Scores (d/cap · free/cap): CPU-heavy {5000, 1GiB}: 0.5·0.8+0.01·0.2 = 0.402,
		// 0.5·0.3+0.01·0.9 = 0.159, 0.5·0.6+0.01·0.6 = 0.306 → host 0.
		{"cpu-heavy", three, []models.Resources{res(5000, 1, 0)}, []int32{0}},
		// Memory-heavy {500, 50GiB}: 0.05·0.8+0.5·0.2 = 0.14, 0.015+0.45 = 0.465, 0.03+0.3 = 0.33 → host 1.
		{"memory-heavy", three, []models.Resources{res(500, 50, 0)}, []int32{1}},
		// {5000, 50GiB} fits only host 2.
		{"only one fits", three, []models.Resources{res(5000, 50, 0)}, []int32{2}},
		// Same free capacity, different capacity: 0.1·0.8+0.01·0.2 = 0.082 on the small host,
		// 0.05·0.4+0.005·0.1 = 0.0205 on the big one.
		{"normalised by capacity", mixed, []models.Resources{res(1000, 1, 0)}, []int32{0}},
		// Identical hosts tie: the lowest index; after an allocation the others score higher.
		{"ties to lower index", same, []models.Resources{res(1000, 1, 0), res(1000, 1, 0), res(1000, 1, 0)}, []int32{0, 1, 2}},
		{"tie skips off host", sameOff, []models.Resources{res(1000, 1, 0)}, []int32{1}},
		// The GPU term: {1000, 10GiB, 1 GPU} fits only host 1.
		{"gpu", gpu, []models.Resources{res(1000, 10, 1), res(1000, 1, 0)}, []int32{1, 0}},
		{"zero demand takes first on host", sameOff, []models.Resources{{}}, []int32{1}},
		{"none fits", three, []models.Resources{res(9000, 1, 0), res(100, 95, 0)}, []int32{-1, -1}},
	})
}

func TestBestFit2DCases(t *testing.T) {
	c := res(8000, 64, 0)
	hosts := hostsWith(c, res(4000, 2, 0), res(2000, 16, 0), res(2000, 8, 0), res(1000, 64, 0))
	runPlaceCases(t, "best-fit-2d", []placeCase{
		// Least free CPU that fits (2000: hosts 1 and 2), then least free memory (host 2).
		{"cpu then memory", hosts, []models.Resources{res(1500, 4, 0)}, []int32{2}},
		{"memory binds", hosts, []models.Resources{res(1500, 10, 0)}, []int32{1}},
		{"only the big-memory host", hosts, []models.Resources{res(500, 32, 0)}, []int32{3}},
		{"only the big-CPU host", hosts, []models.Resources{res(3000, 1, 0)}, []int32{0}},
		{"none fits", hosts, []models.Resources{res(500, 100, 0)}, []int32{-1}},
		// Packs host 3 until its CPU runs out, then host 2 (least CPU among the rest).
		{"packs", hosts, []models.Resources{res(400, 1, 0), res(400, 1, 0), res(400, 1, 0)}, []int32{3, 3, 2}},
		{"ties to lower index", hostsWith(c, c, c, c), []models.Resources{res(8000, 1, 0), res(100, 1, 0)}, []int32{0, 1}},
	})
}

// newPlacers are the placers this file tests.
var newPlacers = []string{"round-robin", "power-of-two", "tetris", "best-fit-2d"}

// propertyRun places a random demand sequence on a random cluster, with releases and host
// state changes, and checks every decision against an exhaustive scan: the host is on and fits;
// -1 only when no host fits; for round-robin, best-fit-2d and tetris, the exact host of the
// rule. It checks after every step that no host is over-committed (free capacity equals
// capacity minus the demands allocated on it, and is never negative). It returns the decisions.
func propertyRun(t *testing.T, name string, seed uint64) []int32 {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 3))
	n := 1 + rng.IntN(600)
	if seed%4 == 0 {
		n = 1 + rng.IntN(4) // tiny clusters too
	}
	hosts := placeTestCluster(rng, n)
	p, err := NewPlacer(name)
	if err != nil {
		t.Fatal(err)
	}
	p.Init(hosts, rand.New(rand.NewPCG(seed, 9)))
	used := make([]models.Resources, len(hosts))
	var running []placeAlloc
	var decisions []int32
	next := 0 // round-robin's cursor
	for step := 0; step < 2500; step++ {
		switch r := rng.IntN(20); {
		case r < 7 && len(running) > 0: // release
			k := rng.IntN(len(running))
			a := running[k]
			running[k] = running[len(running)-1]
			running = running[:len(running)-1]
			hosts[a.h].Free = hosts[a.h].Free.Add(a.d)
			used[a.h] = used[a.h].Sub(a.d)
			p.Update(a.h)
			continue
		case r == 7: // a host changes state (its tasks stay allocated)
			h := int32(rng.IntN(len(hosts)))
			hosts[h].State = []models.HostState{models.HostOn, models.HostOff, models.HostFailed, models.HostBooting}[rng.IntN(4)]
			p.Update(h)
			continue
		}
		d := placeTestDemand(rng)
		switch rng.IntN(10) {
		case 0: // tiny demands, some with no CPU
			d = models.Resources{CPU: int64(rng.IntN(3)), Mem: rng.Int64N(1 << 20)}
		case 1: // CPU only: hosts in one free-CPU bucket tie
			d.Mem, d.GPU = 0, 0
		}
		h := p.Place(d)
		decisions = append(decisions, h)
		want := int32(-1)
		switch name {
		case "round-robin":
			for k := 0; k < len(hosts) && want < 0; k++ {
				if i := (next + k) % len(hosts); hosts[i].State == models.HostOn && hosts[i].Free.Fits(d) {
					want = int32(i)
				}
			}
		case "best-fit-2d":
			for i := range hosts {
				if hs := &hosts[i]; hs.State == models.HostOn && hs.Free.Fits(d) {
					if w := hosts[max(want, 0)].Free; want < 0 || hs.Free.CPU < w.CPU || (hs.Free.CPU == w.CPU && hs.Free.Mem < w.Mem) {
						want = int32(i)
					}
				}
			}
		case "tetris":
			want, _ = tetrisScan(hosts, d)
		default:
			for i := range hosts {
				if hosts[i].State == models.HostOn && hosts[i].Free.Fits(d) {
					want = int32(i)
					break
				}
			}
		}
		if h < 0 {
			if want >= 0 {
				t.Fatalf("seed %d step %d: %s found no host for %+v but host %d fits", seed, step, name, d, want)
			}
			continue
		}
		if hs := &hosts[h]; hs.State != models.HostOn || !hs.Free.Fits(d) {
			t.Fatalf("seed %d step %d: %s chose host %d (state %v, free %+v) for %+v", seed, step, name, h, hs.State, hs.Free, d)
		}
		if name != "power-of-two" && h != want {
			t.Fatalf("seed %d step %d: %s chose host %d for %+v, the rule gives %d", seed, step, name, h, d, want)
		}
		next = int(h+1) % len(hosts)
		hosts[h].Free = hosts[h].Free.Sub(d)
		used[h] = used[h].Add(d)
		p.Update(h)
		running = append(running, placeAlloc{h, d})
		for i := range hosts {
			if f := hosts[i].Free; f != hosts[i].Cap.Sub(used[i]) || f.CPU < 0 || f.Mem < 0 || f.GPU < 0 {
				t.Fatalf("seed %d step %d: host %d over-committed: free %+v, cap %+v, used %+v", seed, step, i, f, hosts[i].Cap, used[i])
			}
		}
	}
	return decisions
}

// TestNewPlacersProperties checks the new placers on random clusters and demand sequences
// (see propertyRun), and that a run is determined by its seeds.
func TestNewPlacersProperties(t *testing.T) {
	for _, name := range newPlacers {
		t.Run(name, func(t *testing.T) {
			for seed := uint64(1); seed <= 12; seed++ {
				a := propertyRun(t, name, seed)
				if seed <= 3 {
					b := propertyRun(t, name, seed)
					if len(a) != len(b) {
						t.Fatalf("seed %d: runs differ in length", seed)
					}
					for i := range a {
						if a[i] != b[i] {
							t.Fatalf("seed %d: decision %d differs between identical runs: %d, %d", seed, i, a[i], b[i])
						}
					}
				}
			}
		})
	}
}

// TestPowerOfTwoChoice checks the sampling: on a cluster where every host fits and free CPU
// values are distinct, the chosen host is the better of two uniformly drawn distinct hosts, so
// its rank by free CPU (0 worst … 1 best) averages (n+1)/(3(n−1))·2 ≈ 2/3 and the best host is
// chosen with probability 2/n; a different seed gives different choices.
func TestPowerOfTwoChoice(t *testing.T) {
	const n = 200
	hosts := make([]models.Host, n)
	rng := rand.New(rand.NewPCG(5, 5))
	perm := rng.Perm(n)
	for i := range hosts {
		c := res(100000, 64, 0)
		hosts[i] = models.Host{Cap: c, Free: models.Resources{CPU: int64(1000 + 100*perm[i]), Mem: 64 * gib}}
	}
	rank := make([]int, n) // host → rank by free CPU
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return hosts[order[a]].Free.CPU < hosts[order[b]].Free.CPU })
	for r, h := range order {
		rank[h] = r
	}
	run := func(seed uint64) []int32 {
		p := &PowerOfTwo{}
		p.Init(hosts, rand.New(rand.NewPCG(seed, 1)))
		out := make([]int32, 20000)
		for i := range out {
			out[i] = p.Place(res(500, 1, 0)) // not allocated: the cluster stays as it is
		}
		return out
	}
	a := run(1)
	sum, best := 0.0, 0
	for _, h := range a {
		sum += float64(rank[h]) / (n - 1)
		if rank[h] == n-1 {
			best++
		}
	}
	mean, pBest := sum/float64(len(a)), float64(best)/float64(len(a))
	if mean < 0.65 || mean > 0.69 {
		t.Errorf("mean rank %.4f, want about 2/3", mean)
	}
	if pBest < 0.007 || pBest > 0.013 {
		t.Errorf("best host chosen with frequency %.4f, want about 2/n = 0.01", pBest)
	}
	b, same := run(2), 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	if same > len(a)/10 {
		t.Errorf("seeds 1 and 2 agree on %d of %d decisions", same, len(a))
	}
}

func TestNewPlacersRegistered(t *testing.T) {
	for _, n := range newPlacers {
		if !Known("placement", n) {
			t.Errorf("%s not registered", n)
		}
	}
}
