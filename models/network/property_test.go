package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
)

// refFlow is a flow as the naive reference sees it.
type refFlow struct {
	id     FlowID
	route  []ResourceID
	weight float64
	capBps float64 // 0: none
}

// refFill is an independent, deliberately naive weighted progressive filling (Bertsekas &
// Gallager §6.5.2): at each step find the lowest level at which a resource saturates or a flow
// reaches its cap, freeze those flows, repeat. O(steps · flows · route); for tests only.
func refFill(caps []float64, flows []refFlow) []float64 {
	n := len(flows)
	rate := make([]float64, n)
	frozen := make([]bool, n)
	left := n
	t := 0.0
	frozenLoad := make([]float64, len(caps))
	weight := make([]float64, len(caps))
	for left > 0 {
		clear(frozenLoad)
		clear(weight)
		for i, f := range flows {
			for _, r := range f.route {
				if frozen[i] {
					frozenLoad[r] += rate[i]
				} else {
					weight[r] += f.weight
				}
			}
		}
		best, bestRes, bestFlow := math.Inf(1), -1, -1
		for r := range caps {
			if weight[r] > 0 {
				if l := (caps[r] - frozenLoad[r]) / weight[r]; l < best {
					best, bestRes, bestFlow = l, r, -1
				}
			}
		}
		for i, f := range flows {
			if !frozen[i] && f.capBps > 0 {
				if l := f.capBps / f.weight; l < best {
					best, bestRes, bestFlow = l, -1, i
				}
			}
		}
		if best < t {
			best = t
		}
		t = best
		for i, f := range flows {
			if frozen[i] {
				continue
			}
			hit := i == bestFlow
			for _, r := range f.route {
				if int(r) == bestRes {
					hit = true
				}
			}
			if hit {
				frozen[i] = true
				rate[i] = f.weight * t
				left--
			}
		}
	}
	return rate
}

func closeRel(a, b, rel float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))+1e-6
}

// checkAllocation verifies a solver's rates against the reference and the max-min conditions:
// on every resource Σ rates ≤ capacity·(1+1e-9), and every flow is at its cap or has a saturated
// resource on its route on which its rate per weight is the largest.
func checkAllocation(t *testing.T, where string, s *Solver, caps []float64, flows []refFlow) {
	t.Helper()
	checkAllocationTol(t, where, s, caps, flows, 1e-9)
}

// checkAllocationTol is checkAllocation with a relative tolerance rel. It also checks that the
// resource Solver.Bottleneck names is saturated and that the flow's rate per weight is the
// largest on it.
func checkAllocationTol(t *testing.T, where string, s *Solver, caps []float64, flows []refFlow, rel float64) {
	t.Helper()
	want := refFill(caps, flows)
	got := make([]float64, len(flows))
	for i, f := range flows {
		r, ok := s.Rate(f.id)
		if !ok {
			t.Fatalf("%s: flow %d missing", where, f.id)
		}
		got[i] = r
		if !closeRel(r, want[i], rel) {
			t.Fatalf("%s: mode %v flow %d rate %.17g, reference %.17g (rel %.3g)", where, s.Mode(), f.id, r, want[i], math.Abs(r-want[i])/want[i])
		}
	}
	load := make([]float64, len(caps))
	maxLevel := make([]float64, len(caps))
	for i, f := range flows {
		for _, r := range f.route {
			load[r] += got[i]
			maxLevel[r] = math.Max(maxLevel[r], got[i]/f.weight)
		}
	}
	for r := range caps {
		if load[r] > caps[r]*(1+rel)+1e-6 {
			t.Fatalf("%s: resource %d load %.17g > capacity %.17g", where, r, load[r], caps[r])
		}
		l, err := s.Load(ResourceID(r))
		if err != nil || math.Abs(l-load[r]) > 1e-9*math.Max(caps[r], load[r])+1e-6 { // rounding of load updates by difference
			t.Fatalf("%s: resource %d Load %.17g, Σ rates %.17g (%v)", where, r, l, load[r], err)
		}
	}
	bottleneck := func(i int, r ResourceID) bool {
		return load[r] >= caps[r]*(1-rel) && got[i]/flows[i].weight >= maxLevel[r]*(1-rel)
	}
	for i, f := range flows {
		if b, ok := s.Bottleneck(f.id); ok && !bottleneck(i, b) {
			t.Fatalf("%s: flow %d: Bottleneck names resource %d (load %g of %g, top level %g, flow level %g)",
				where, f.id, b, load[b], caps[b], maxLevel[b], got[i]/f.weight)
		}
		if f.capBps > 0 && got[i] >= f.capBps*(1-rel) {
			continue
		}
		ok := false
		for _, r := range f.route {
			ok = ok || bottleneck(i, r)
		}
		if !ok {
			t.Fatalf("%s: flow %d (rate %g) has no bottleneck and is below its cap", where, f.id, got[i])
		}
	}
}

// randomCaps returns n capacities, often repeated (ties are the hard case for snapping).
func randomCaps(rng *rand.Rand, n int) []float64 {
	caps := make([]float64, n)
	tied := rng.IntN(2) == 0
	for i := range caps {
		switch {
		case rng.IntN(40) == 0:
			caps[i] = 0
		case tied:
			caps[i] = float64(1+rng.IntN(3)) * 1e9
		default:
			caps[i] = 1e9 * (0.2 + 5*rng.Float64())
		}
	}
	return caps
}

type routeGen func(rng *rand.Rand, id uint64) []ResourceID

// randomWorld returns capacities and a route generator: either random resource sets, or routes
// between random hosts of a random leaf-spine, fat-tree or custom topology.
func randomWorld(rng *rand.Rand) ([]float64, routeGen, string) {
	switch rng.IntN(4) {
	case 0, 1:
		caps := randomCaps(rng, 1+rng.IntN(12))
		return caps, func(rng *rand.Rand, _ uint64) []ResourceID {
			n := 1 + rng.IntN(min(4, len(caps)))
			perm := rng.Perm(len(caps))[:n]
			route := make([]ResourceID, n)
			for i, p := range perm {
				route[i] = ResourceID(p)
			}
			return route
		}, "random resources"
	case 2:
		var topo *Topology
		var err error
		if rng.IntN(2) == 0 {
			topo, err = FatTree(4, 1e9, 1)
		} else {
			topo, err = LeafSpine(1+rng.IntN(3), 1+rng.IntN(2), 2+rng.IntN(3), float64(1+rng.IntN(2))*1e9, float64(1+rng.IntN(3))*1e9, 1)
		}
		if err != nil {
			panic(err)
		}
		return topoWorld(topo)
	default:
		// A random connected custom network: a ring of switches with chords, hosts on switches.
		nsw := 2 + rng.IntN(4)
		nh := 2 + rng.IntN(5)
		var hosts []string
		var links []LinkSpec
		bw := func() float64 { return float64(1+rng.IntN(3)) * 1e9 }
		for i := 0; i < nsw; i++ {
			links = append(links, LinkSpec{A: fmt.Sprint("s", i), B: fmt.Sprint("s", (i+1)%nsw), BytesPerS: bw(), LatencyUS: 1})
		}
		for i := 0; i < nsw; i++ {
			if rng.IntN(2) == 0 {
				links = append(links, LinkSpec{A: fmt.Sprint("s", i), B: fmt.Sprint("s", rng.IntN(nsw)), BytesPerS: bw(), LatencyUS: 1})
			}
		}
		links = slices.DeleteFunc(links, func(l LinkSpec) bool { return l.A == l.B })
		for h := 0; h < nh; h++ {
			hosts = append(hosts, fmt.Sprint("h", h))
			links = append(links, LinkSpec{A: fmt.Sprint("h", h), B: fmt.Sprint("s", rng.IntN(nsw)), BytesPerS: bw(), LatencyUS: 1})
		}
		topo, err := Custom(hosts, links)
		if err != nil {
			panic(err)
		}
		return topoWorld(topo)
	}
}

func topoWorld(topo *Topology) ([]float64, routeGen, string) {
	caps := make([]float64, len(topo.Links()))
	for i, l := range topo.Links() {
		caps[i] = l.CapacityBytesPerS
	}
	return caps, func(rng *rand.Rand, id uint64) []ResourceID {
		for {
			a, b := rng.IntN(topo.Hosts()), rng.IntN(topo.Hosts())
			if a != b {
				r, _, err := topo.Route(a, b, id)
				if err != nil {
					panic(err)
				}
				return r
			}
		}
	}, "topology"
}

// TestIncrementalEqualsFull drives solvers in the three modes through the same random sequence of
// arrivals, departures and capacity changes, several of them often at one time (one batched
// recomputation), and checks after each step that every mode's rates equal the naive reference
// within 1e-9 relative and satisfy the max-min conditions.
func TestIncrementalEqualsFull(t *testing.T) {
	seeds := 400
	if testing.Short() {
		seeds = 60
	}
	if n, err := strconv.Atoi(os.Getenv("NETWORK_SEEDS")); err == nil {
		seeds = n
	}
	for seed := 0; seed < seeds; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		caps, gen, kind := randomWorld(rng)
		// Differential (default tolerance), Component, Full, Differential with tolerance 0 and
		// Differential with tolerance 1e-6 (checked to 1e-4).
		var solvers [5]*Solver
		tols := []float64{DefaultTolerance, DefaultTolerance, DefaultTolerance, 0, 1e-6}
		for m := range solvers {
			s := NewSolver()
			if err := s.SetMode(Mode(m % 3)); err != nil {
				t.Fatal(err)
			}
			if err := s.SetTolerance(tols[m]); err != nil {
				t.Fatal(err)
			}
			for _, c := range caps {
				if _, err := s.AddResource(c); err != nil {
					t.Fatal(err)
				}
			}
			solvers[m] = s
		}
		var live []refFlow
		now := int64(0)
		next := uint64(0)
		for step := 0; step < 120; step++ {
			if rng.IntN(3) != 0 {
				now += 1 + rng.Int64N(1000)
			}
			switch op := rng.IntN(20); {
			case op < 11 || len(live) == 0:
				next++
				f := refFlow{id: FlowID(next), route: gen(rng, next), weight: 1}
				if len(f.route) == 0 {
					continue
				}
				opt := FlowOptions{}
				if rng.IntN(5) == 0 {
					f.weight = []float64{0.5, 2, 3}[rng.IntN(3)]
					opt.Weight = f.weight
				}
				if rng.IntN(6) == 0 {
					f.capBps = 1e8 * float64(1+rng.IntN(20))
					opt.MaxBytesPerS = f.capBps
				}
				for _, s := range solvers {
					if err := s.StartWith(now, f.id, f.route, 1e15, opt); err != nil {
						t.Fatal(err)
					}
				}
				live = append(live, f)
			case op < 18:
				i := rng.IntN(len(live))
				for _, s := range solvers {
					if _, err := s.Cancel(now, live[i].id); err != nil {
						t.Fatal(err)
					}
				}
				live = slices.Delete(live, i, i+1)
			default:
				r := rng.IntN(len(caps))
				caps[r] = randomCaps(rng, 1)[0]
				for _, s := range solvers {
					if err := s.SetCapacity(now, ResourceID(r), caps[r]); err != nil {
						t.Fatal(err)
					}
				}
			}
			if rng.IntN(3) == 0 { // leave some changes pending, to be batched with the next ones
				continue
			}
			for m, s := range solvers {
				where := fmt.Sprintf("seed %d (%s) step %d tolerance %g", seed, kind, step, tols[m])
				if tols[m] > 1e-9 {
					checkAllocationTol(t, where, s, caps, live, 1e-4)
				} else {
					checkAllocation(t, where, s, caps, live)
				}
			}
		}
	}
}

// TestIncrementalTimeline runs random transfers to completion in Differential and Full mode and
// checks that completion times agree (within the 1 µs of rounding up a float time) and that each
// resource carried exactly the bytes of the flows that crossed it.
func TestIncrementalTimeline(t *testing.T) {
	seeds := 150
	if testing.Short() {
		seeds = 30
	}
	for seed := 0; seed < seeds; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 11))
		caps, gen, _ := randomWorld(rng)
		for i := range caps {
			if caps[i] == 0 {
				caps[i] = 1e9
			}
		}
		type start struct {
			at    int64
			id    FlowID
			route []ResourceID
			bytes float64
		}
		var starts []start
		want := make([]float64, len(caps))
		at := int64(0)
		for i := 0; i < 60; i++ {
			at += rng.Int64N(300000)
			st := start{at: at, id: FlowID(i + 1), route: gen(rng, uint64(i+1)), bytes: 1e6 * float64(1+rng.IntN(1000))}
			starts = append(starts, st)
			for _, r := range st.route {
				want[r] += st.bytes
			}
		}
		run := func(m Mode) (map[FlowID]int64, *Solver) {
			s := NewSolver()
			if err := s.SetMode(m); err != nil {
				t.Fatal(err)
			}
			for _, c := range caps {
				if _, err := s.AddResource(c); err != nil {
					t.Fatal(err)
				}
			}
			doneAt := map[FlowID]int64{}
			var buf []FlowID
			i := 0
			for i < len(starts) || s.NumFlows() > 0 {
				_, tc, ok := s.NextCompletion()
				if i < len(starts) && (!ok || starts[i].at < tc) {
					if err := s.Start(starts[i].at, starts[i].id, starts[i].route, starts[i].bytes); err != nil {
						t.Fatal(err)
					}
					i++
					continue
				}
				if !ok {
					t.Fatalf("seed %d: live flows but no completion", seed)
				}
				var err error
				buf, err = s.Complete(tc, buf[:0])
				if err != nil {
					t.Fatal(err)
				}
				for _, id := range buf {
					doneAt[id] = tc
				}
			}
			return doneAt, s
		}
		d1, s1 := run(Differential)
		d2, _ := run(Full)
		d3, _ := run(Component)
		for id, t2 := range d2 {
			if t1 := d1[id]; t1 < t2-1 || t1 > t2+1 {
				t.Fatalf("seed %d: flow %d completes at %d µs (differential) and %d µs (full)", seed, id, t1, t2)
			}
			if t3 := d3[id]; t3 < t2-1 || t3 > t2+1 {
				t.Fatalf("seed %d: flow %d completes at %d µs (component) and %d µs (full)", seed, id, t3, t2)
			}
		}
		for r := range caps {
			got, err := s1.CarriedBytes(s1.nowUS, ResourceID(r))
			if err != nil || !closeRel(got, want[r], 1e-9) {
				t.Fatalf("seed %d: resource %d carried %.17g bytes, flows crossing it total %.17g (%v)", seed, r, got, want[r], err)
			}
		}
	}
}

// TestIncrementalDenseFatTree: the globally coupled case at a testable size. 3,000 flows between
// random hosts of a k=8 fat-tree (equal link capacities, so many levels tie exactly), then 300
// departures and arrivals; after each, Differential must match a Full solver driven the same way
// within 1e-9 relative, and satisfy the max-min conditions.
func TestIncrementalDenseFatTree(t *testing.T) {
	steps := 300
	if testing.Short() {
		steps = 40
	}
	topo, err := FatTree(8, 1.25e9, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Routes use link indices as resource ids (base 0), so both solvers get the links as
	// resources 0, 1, … in link order.
	caps := make([]float64, len(topo.Links()))
	for i, l := range topo.Links() {
		caps[i] = l.CapacityBytesPerS
	}
	solvers := [2]*Solver{
		newSolver(t, Differential, caps...),
		newSolver(t, Full, caps...),
	}
	rng := rand.New(rand.NewPCG(5, 5))
	var live []refFlow
	next := FlowID(0)
	start := func(now int64) {
		a, b := rng.IntN(topo.Hosts()), rng.IntN(topo.Hosts()-1)
		if b >= a {
			b++
		}
		next++
		route, _, err := topo.Route(a, b, uint64(next))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range solvers {
			if err := s.Start(now, next, route, 1e15); err != nil {
				t.Fatal(err)
			}
		}
		live = append(live, refFlow{id: next, route: route, weight: 1})
	}
	for i := 0; i < 3000; i++ {
		start(0)
	}
	rates := make([]float64, 0, 4000)
	for step := 1; step <= steps; step++ {
		now := int64(step)
		if step%2 == 1 {
			i := rng.IntN(len(live))
			for _, s := range solvers {
				if _, err := s.Cancel(now, live[i].id); err != nil {
					t.Fatal(err)
				}
			}
			live = slices.Delete(live, i, i+1)
		} else {
			start(now)
		}
		rates = rates[:0]
		for _, f := range live {
			r0, _ := solvers[0].Rate(f.id)
			r1, _ := solvers[1].Rate(f.id)
			if !closeRel(r0, r1, 1e-9) {
				t.Fatalf("step %d flow %d: differential %.17g, full %.17g", step, f.id, r0, r1)
			}
			rates = append(rates, r0)
		}
		if step%50 == 0 || step == steps {
			checkMaxMin(t, fmt.Sprintf("step %d", step), caps, live, rates)
		}
	}
}

// checkMaxMin checks feasibility and the bottleneck condition of rates (relative 1e-9).
func checkMaxMin(t *testing.T, where string, caps []float64, flows []refFlow, rates []float64) {
	t.Helper()
	load := make([]float64, len(caps))
	top := make([]float64, len(caps))
	for i, f := range flows {
		for _, r := range f.route {
			load[r] += rates[i]
			top[r] = math.Max(top[r], rates[i]/f.weight)
		}
	}
	for r := range caps {
		if load[r] > caps[r]*(1+1e-9) {
			t.Fatalf("%s: resource %d carries %g > capacity %g", where, r, load[r], caps[r])
		}
	}
	for i, f := range flows {
		ok := f.capBps > 0 && rates[i] >= f.capBps*(1-1e-9)
		for _, r := range f.route {
			ok = ok || (load[r] >= caps[r]*(1-1e-9) && rates[i]/f.weight >= top[r]*(1-1e-9))
		}
		if !ok {
			t.Fatalf("%s: flow %d (rate %g) has no bottleneck", where, f.id, rates[i])
		}
	}
}
