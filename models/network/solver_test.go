package network

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

const gbps = 1e9 // 1 GB/s in bytes per second

// newSolver returns a solver in the given mode with resources of the given capacities.
func newSolver(t testing.TB, mode Mode, caps ...float64) *Solver {
	t.Helper()
	s := NewSolver()
	if err := s.SetMode(mode); err != nil {
		t.Fatal(err)
	}
	for _, c := range caps {
		if _, err := s.AddResource(c); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

var allModes = []Mode{Differential, Component, Full}

// wantRates checks the rates of flows 1..len(want) within 1e-12 relative.
func wantRates(t *testing.T, s *Solver, want []float64) {
	t.Helper()
	for i, w := range want {
		got, ok := s.Rate(FlowID(i + 1))
		if !ok || !closeRel(got, w, 1e-12) {
			t.Errorf("mode %v: flow %d rate %.6g B/s, want %.6g", s.Mode(), i+1, got, w)
		}
	}
}

// TestDumbbell: n flows, each from its own access link (10 GB/s) over one shared bottleneck of
// C = 1 GB/s to its own egress link. Progressive filling raises all n rates together; the
// bottleneck fills first, at n·t = C, so every flow gets C/n and the bottleneck is its bottleneck.
func TestDumbbell(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 10, 64} {
		for _, mode := range allModes {
			caps := []float64{gbps} // resource 0: bottleneck
			for i := 0; i < 2*n; i++ {
				caps = append(caps, 10*gbps)
			}
			s := newSolver(t, mode, caps...)
			want := make([]float64, n)
			for i := 0; i < n; i++ {
				route := []ResourceID{ResourceID(1 + 2*i), 0, ResourceID(2 + 2*i)}
				if err := s.Start(0, FlowID(i+1), route, 1e12); err != nil {
					t.Fatal(err)
				}
				want[i] = gbps / float64(n)
			}
			wantRates(t, s, want)
			if b, ok := s.Bottleneck(1); !ok || b != 0 {
				t.Errorf("n=%d mode %v: bottleneck %d %v, want resource 0", n, mode, b, ok)
			}
			if l, _ := s.Load(0); !closeRel(l, gbps, 1e-12) {
				t.Errorf("n=%d: bottleneck load %g, want %g", n, l, gbps)
			}
		}
	}
}

// TestParkingLot: k links of capacity C in a row; a long flow crosses all of them and short
// flows cross one link each (B&G §6.5.2's example).
func TestParkingLot(t *testing.T) {
	const C = gbps
	cases := []struct {
		name   string
		shorts []int     // short flows per link
		long   float64   // long flow's rate
		short  []float64 // rate of the short flows on each link
	}{
		// One short flow per link: every link has two flows; all links fill at 2t = C, so
		// every flow, the long one included, gets C/2.
		{"k=2 one each", []int{1, 1}, C / 2, []float64{C / 2, C / 2}},
		{"k=5 one each", []int{1, 1, 1, 1, 1}, C / 2, []float64{C / 2, C / 2, C / 2, C / 2, C / 2}},
		// Link 0 has two short flows: it fills first at 3t = C, freezing the long flow and its
		// own shorts at C/3. Links 1 and 2 then carry C/3 (long) + t, full at t = 2C/3.
		{"k=3 two on first", []int{2, 1, 1}, C / 3, []float64{C / 3, 2 * C / 3, 2 * C / 3}},
		// No short flow on link 1: links 0 and 2 fill at 2t = C; link 1 carries only C/2.
		{"k=3 none in middle", []int{1, 0, 1}, C / 2, []float64{C / 2, 0, C / 2}},
	}
	for _, c := range cases {
		for _, mode := range allModes {
			k := len(c.shorts)
			caps := make([]float64, k)
			route := make([]ResourceID, k)
			for i := range caps {
				caps[i] = C
				route[i] = ResourceID(i)
			}
			s := newSolver(t, mode, caps...)
			if err := s.Start(0, 1, route, 1e12); err != nil {
				t.Fatal(err)
			}
			want := []float64{c.long}
			id := FlowID(2)
			for link, n := range c.shorts {
				for j := 0; j < n; j++ {
					if err := s.Start(0, id, []ResourceID{ResourceID(link)}, 1e12); err != nil {
						t.Fatal(err)
					}
					want = append(want, c.short[link])
					id++
				}
			}
			t.Run(c.name+"/"+mode.String(), func(t *testing.T) { wantRates(t, s, want) })
		}
	}
}

// TestLeafSpineOversubscription: 2 leaves of 4 hosts, host links 2.5 GB/s (20 Gb/s).
func TestLeafSpineOversubscription(t *testing.T) {
	// One spine, uplinks 2 GB/s: each leaf offers 4 × 2.5 = 10 GB/s to 2 GB/s of uplink, 5:1.
	// Hosts 0-3 each send to hosts 4-7: the four flows share leaf 0's uplink, which fills at
	// 4t = 2 GB/s, so each gets 0.5 GB/s though its host link could carry 2.5. Host 0 also sends
	// to host 1 on the same leaf: its host link carries 0.5 (frozen) + t, full at t = 2 GB/s.
	topo, err := LeafSpine(2, 1, 4, 2.5*gbps, 2*gbps, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := topo.Hosts(); got != 8 {
		t.Fatalf("hosts %d, want 8", got)
	}
	s := NewSolver()
	if err := topo.Install(s); err != nil {
		t.Fatal(err)
	}
	pairs := [][2]int{{0, 4}, {1, 5}, {2, 6}, {3, 7}, {0, 1}}
	for i, p := range pairs {
		route, lat, err := topo.Route(p[0], p[1], uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		wantHops := 4
		if i == 4 {
			wantHops = 2
		}
		if len(route) != wantHops || lat != int64(2*wantHops) {
			t.Fatalf("route %v: %d hops, latency %d µs; want %d hops, %d µs", p, len(route), lat, wantHops, 2*wantHops)
		}
		if err := s.Start(0, FlowID(i+1), route, 1e12); err != nil {
			t.Fatal(err)
		}
	}
	wantRates(t, s, []float64{0.5 * gbps, 0.5 * gbps, 0.5 * gbps, 0.5 * gbps, 2 * gbps})

	// Two spines, uplinks 2 GB/s (2.5:1): choose flow ids so that ECMP puts flows 0→4 and 1→5 on
	// spine 0 and 2→6 and 3→7 on spine 1. Each uplink then carries two flows and fills at
	// 2t = 2 GB/s: 1 GB/s each.
	topo, err = LeafSpine(2, 2, 4, 2.5*gbps, 2*gbps, 1)
	if err != nil {
		t.Fatal(err)
	}
	s = NewSolver()
	if err := topo.Install(s); err != nil {
		t.Fatal(err)
	}
	spineOf := func(route []ResourceID) int { // the leaf→spine link is full-duplex H + leaf·2 + spine
		return (int(route[1])/2 - 8) % 2
	}
	id := uint64(0)
	for i, p := range pairs[:4] {
		for {
			id++
			route, _, err := topo.Route(p[0], p[1], id)
			if err != nil {
				t.Fatal(err)
			}
			if spineOf(route) == i/2 {
				if err := s.Start(0, FlowID(i+1), route, 1e12); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
	}
	wantRates(t, s, []float64{gbps, gbps, gbps, gbps})
}

// TestRateCap: flows with caps and weights on one 1 GB/s link.
func TestRateCap(t *testing.T) {
	cases := []struct {
		name string
		opts []FlowOptions
		want []float64
	}{
		// A is capped at 0.3: it freezes at t = 0.3; B continues alone to 1 − 0.3 = 0.7.
		{"cap frees capacity", []FlowOptions{{MaxBytesPerS: 0.3 * gbps}, {}}, []float64{0.3 * gbps, 0.7 * gbps}},
		// One of three capped at 0.1: the other two share 0.9, 0.45 each.
		{"one of three capped", []FlowOptions{{}, {MaxBytesPerS: 0.1 * gbps}, {}}, []float64{0.45 * gbps, 0.1 * gbps, 0.45 * gbps}},
		// A cap above the fair share does not bind: 0.5 each.
		{"cap not binding", []FlowOptions{{MaxBytesPerS: 0.8 * gbps}, {}}, []float64{0.5 * gbps, 0.5 * gbps}},
		// Weights 1 and 3: rates t and 3t, full at 4t = 1.
		{"weights", []FlowOptions{{}, {Weight: 3}}, []float64{0.25 * gbps, 0.75 * gbps}},
		// Weight 3 with cap 0.6: that flow freezes at 3t = 0.6 (t = 0.2); the other goes on to 0.4.
		{"weight and cap", []FlowOptions{{}, {Weight: 3, MaxBytesPerS: 0.6 * gbps}}, []float64{0.4 * gbps, 0.6 * gbps}},
	}
	for _, c := range cases {
		for _, mode := range allModes {
			s := newSolver(t, mode, gbps)
			for i, o := range c.opts {
				if err := s.StartWith(0, FlowID(i+1), []ResourceID{0}, 1e12, o); err != nil {
					t.Fatal(err)
				}
			}
			t.Run(c.name+"/"+mode.String(), func(t *testing.T) { wantRates(t, s, c.want) })
		}
	}
	// The capped flow's bottleneck is its cap.
	s := newSolver(t, Differential, gbps)
	if err := s.StartWith(0, 1, []ResourceID{0}, 1e12, FlowOptions{MaxBytesPerS: 1e8}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Bottleneck(1); ok {
		t.Error("a flow held by its cap reports a bottleneck resource")
	}
}

// TestCompletionTimes checks completion times exactly, in µs.
func TestCompletionTimes(t *testing.T) {
	type start struct {
		at    int64
		id    FlowID
		bytes float64
	}
	type done struct {
		id FlowID
		at int64
	}
	cases := []struct {
		name   string
		capBps float64
		starts []start
		want   []done
	}{
		// 1 GB and 2 GB start together on 1 GB/s: 0.5 GB/s each. The first sends its 1 GB by
		// 2 s; the second has 1 GB left and goes on alone at 1 GB/s: 3 s.
		{"together", gbps, []start{{0, 1, 1e9}, {0, 2, 2e9}}, []done{{1, 2_000_000}, {2, 3_000_000}}},
		// 3 GB starts at 0 alone (1 GB/s); 1 GB joins at 1 s with 2 GB of the first left. Both at
		// 0.5 GB/s: the second is done at 1 + 2 = 3 s, the first then has 1 GB left: 4 s.
		{"staggered", gbps, []start{{0, 1, 3e9}, {1_000_000, 2, 1e9}}, []done{{2, 3_000_000}, {1, 4_000_000}}},
		// Equal times break ties by FlowID.
		{"tie", gbps, []start{{0, 7, 1e9}, {0, 3, 1e9}}, []done{{3, 2_000_000}, {7, 2_000_000}}},
		// 1 byte at 3 B/s takes 333,333.3 µs: rounded up, never early.
		{"round up", 3, []start{{0, 1, 1}}, []done{{1, 333_334}}},
		// No bytes: done at once.
		{"empty", gbps, []start{{5, 1, 0}}, []done{{1, 5}}},
	}
	for _, c := range cases {
		for _, mode := range allModes {
			t.Run(c.name+"/"+mode.String(), func(t *testing.T) {
				s := newSolver(t, mode, c.capBps)
				var got []done
				i := 0
				var buf []FlowID
				for i < len(c.starts) || s.NumFlows() > 0 {
					_, at, ok := s.NextCompletion()
					if i < len(c.starts) && (!ok || c.starts[i].at < at) {
						st := c.starts[i]
						if err := s.Start(st.at, st.id, []ResourceID{0}, st.bytes); err != nil {
							t.Fatal(err)
						}
						i++
						continue
					}
					var err error
					if buf, err = s.Complete(at, buf[:0]); err != nil {
						t.Fatal(err)
					}
					for _, id := range buf {
						got = append(got, done{id, at})
					}
				}
				if len(got) != len(c.want) {
					t.Fatalf("completions %v, want %v", got, c.want)
				}
				for j := range got {
					if got[j] != c.want[j] {
						t.Fatalf("completions %v, want %v", got, c.want)
					}
				}
			})
		}
	}
}

// TestCarriedBytes: the staggered case above carries 4 GB over [0, 4 s]: 100 % utilization;
// over [0, 1 s] it carries 1 GB; a cancelled flow counts the bytes it sent.
func TestCarriedBytes(t *testing.T) {
	s := newSolver(t, Differential, gbps)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Start(0, 1, []ResourceID{0}, 3e9))
	if c, _ := s.CarriedBytes(1_000_000, 0); !closeRel(c, 1e9, 1e-12) {
		t.Errorf("carried by 1 s: %g, want 1e9", c)
	}
	must(s.Start(1_000_000, 2, []ResourceID{0}, 1e9))
	// At 2 s flow 2 has sent 0.5 GB: cancel it, 0.5 GB left.
	rem, err := s.Cancel(2_000_000, 2)
	must(err)
	if !closeRel(rem, 0.5e9, 1e-12) {
		t.Errorf("cancelled flow has %g bytes left, want 5e8", rem)
	}
	// Flow 1: 1 GB by 1 s, 0.5 GB in [1 s, 2 s], 1.5 GB left at 1 GB/s: done at 3.5 s.
	id, at, ok := s.NextCompletion()
	if !ok || id != 1 || at != 3_500_000 {
		t.Fatalf("next completion %d at %d (%v), want 1 at 3500000", id, at, ok)
	}
	if _, err := s.Complete(at, nil); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.CarriedBytes(4_000_000, 0); !closeRel(c, 3.5e9, 1e-12) {
		t.Errorf("carried %g bytes, want 3.5e9 (3 GB + 0.5 GB of the cancelled flow)", c)
	}
	if r, _ := s.Remaining(4_000_000, 1); r != 0 {
		t.Errorf("remaining of a completed flow: %g", r)
	}
}

// TestZeroCapacity: a failed link stalls its flows until it comes back.
func TestZeroCapacity(t *testing.T) {
	s := newSolver(t, Differential, gbps)
	if err := s.Start(0, 1, []ResourceID{0}, 1e9); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCapacity(500_000, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.NextCompletion(); ok {
		t.Fatal("a flow on a zero-capacity link completes")
	}
	if err := s.SetCapacity(2_000_000, 0, gbps); err != nil {
		t.Fatal(err)
	}
	// 0.5 GB sent before the failure, 0.5 GB after 2 s: done at 2.5 s.
	if id, at, ok := s.NextCompletion(); !ok || id != 1 || at != 2_500_000 {
		t.Fatalf("next completion %d at %d (%v), want 1 at 2500000", id, at, ok)
	}
}

// TestIncrementalLocality: a change recomputes only what it can affect.
func TestIncrementalLocality(t *testing.T) {
	// Two separate dumbbells of 10 flows each: resources 0 and 1. Cancelling a flow of the first
	// recomputes its 9 companions and nothing of the second, in Differential and Component mode.
	for _, mode := range []Mode{Differential, Component} {
		s := newSolver(t, mode, gbps, gbps)
		for i := 0; i < 20; i++ {
			if err := s.Start(0, FlowID(i+1), []ResourceID{ResourceID(i / 10)}, 1e12); err != nil {
				t.Fatal(err)
			}
		}
		before := s.Stats()
		if _, err := s.Cancel(1, 1); err != nil {
			t.Fatal(err)
		}
		after := s.Stats()
		if n := after.FlowsRecomputed - before.FlowsRecomputed; n != 9 {
			t.Errorf("mode %v: %d flows recomputed, want 9", mode, n)
		}
		if n := after.ResourcesRecomputed - before.ResourcesRecomputed; n != 1 {
			t.Errorf("mode %v: %d resources recomputed, want 1", mode, n)
		}
		wantRates(t, s, nil)
		if r, _ := s.Rate(2); !closeRel(r, gbps/9, 1e-12) {
			t.Errorf("mode %v: rate %g, want %g", mode, r, gbps/9)
		}
	}
	// One component, two levels: resource 0 (1 GB/s) carries flows 1-4, resource 1 (1 GB/s)
	// carries flow 4 and flow 5. Flows 1-4 get 0.25 (resource 0 fills first); flow 5 gets 0.75.
	// Cancelling flow 5 frees resource 1, but flow 4 is held by resource 0 below: in Differential
	// mode nothing but resource 1 is recomputed (flow 4 is checked, not recomputed), Component
	// recomputes the whole component.
	for _, c := range []struct {
		mode  Mode
		flows uint64
	}{{Differential, 0}, {Component, 4}} {
		s := newSolver(t, c.mode, gbps, gbps)
		for i, r := range [][]ResourceID{{0}, {0}, {0}, {0, 1}, {1}} {
			if err := s.Start(0, FlowID(i+1), r, 1e12); err != nil {
				t.Fatal(err)
			}
		}
		wantRates(t, s, []float64{0.25 * gbps, 0.25 * gbps, 0.25 * gbps, 0.25 * gbps, 0.75 * gbps})
		before := s.Stats()
		if _, err := s.Cancel(1, 5); err != nil {
			t.Fatal(err)
		}
		wantRates(t, s, []float64{0.25 * gbps, 0.25 * gbps, 0.25 * gbps, 0.25 * gbps})
		if n := s.Stats().FlowsRecomputed - before.FlowsRecomputed; n != c.flows {
			t.Errorf("mode %v: %d flows recomputed, want %d", c.mode, n, c.flows)
		}
	}
}

// TestDeferredUnsaturated: resource 0 (1 GB/s) carries flows 1-4; flow 4 also crosses
// resource 1 (100 GB/s), which 50 more flows cross, each limited to 1 GB/s by a link of its own
// (resources 2-51). Resource 1 carries 50.25 GB/s: it limits nobody. Cancelling flow 1 raises
// flows 2-4 from 0.25 to 1/3 GB/s; in Differential mode resource 1 is only watched (it cannot
// fill up), so the recomputation reads resource 0's three flows and nothing else. Component mode
// recomputes all 53 flows of the component.
func TestDeferredUnsaturated(t *testing.T) {
	for _, c := range []struct {
		mode      Mode
		flows     uint64
		resources uint64
		scanned   uint64
	}{{Differential, 3, 1, 3}, {Component, 53, 52, 3 + 51 + 50}} {
		caps := []float64{gbps, 100 * gbps}
		for i := 0; i < 50; i++ {
			caps = append(caps, gbps)
		}
		s := newSolver(t, c.mode, caps...)
		for i, r := range [][]ResourceID{{0}, {0}, {0}, {0, 1}} {
			if err := s.Start(0, FlowID(i+1), r, 1e12); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 50; i++ {
			if err := s.Start(0, FlowID(10+i), []ResourceID{1, ResourceID(2 + i)}, 1e12); err != nil {
				t.Fatal(err)
			}
		}
		before := s.Stats()
		if _, err := s.Cancel(1, 1); err != nil {
			t.Fatal(err)
		}
		for id := FlowID(2); id <= 4; id++ {
			if r, _ := s.Rate(id); !closeRel(r, gbps/3, 1e-12) {
				t.Errorf("mode %v: flow %d rate %g, want %g", c.mode, id, r, gbps/3)
			}
		}
		if l, _ := s.Load(1); !closeRel(l, 50*gbps+gbps/3, 1e-12) {
			t.Errorf("mode %v: resource 1 load %g, want %g", c.mode, l, 50*gbps+gbps/3)
		}
		after := s.Stats()
		if got := [3]uint64{after.FlowsRecomputed - before.FlowsRecomputed, after.ResourcesRecomputed - before.ResourcesRecomputed,
			after.FlowsScanned - before.FlowsScanned}; got != [3]uint64{c.flows, c.resources, c.scanned} {
			t.Errorf("mode %v: recomputed %d flows, %d resources, scanned %d; want %d, %d, %d",
				c.mode, got[0], got[1], got[2], c.flows, c.resources, c.scanned)
		}
	}
}

// TestSolverErrors: bad input gives errors, never panics.
func TestSolverErrors(t *testing.T) {
	s := newSolver(t, Differential, gbps, gbps)
	if _, err := s.AddResource(-1); err == nil {
		t.Error("negative capacity accepted")
	}
	if _, err := s.AddResource(math.Inf(1)); err == nil {
		t.Error("infinite capacity accepted")
	}
	if _, err := s.AddResource(math.NaN()); err == nil {
		t.Error("NaN capacity accepted")
	}
	if err := s.Start(10, 1, []ResourceID{0}, 1e9); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		err  error
	}{
		{"duplicate id", s.Start(10, 1, []ResourceID{1}, 1)},
		{"unknown resource", s.Start(10, 2, []ResourceID{5}, 1)},
		{"negative resource", s.Start(10, 2, []ResourceID{-1}, 1)},
		{"repeated resource", s.Start(10, 2, []ResourceID{0, 1, 0}, 1)},
		{"negative bytes", s.Start(10, 2, []ResourceID{0}, -1)},
		{"NaN bytes", s.Start(10, 2, []ResourceID{0}, math.NaN())},
		{"negative weight", s.StartWith(10, 2, []ResourceID{0}, 1, FlowOptions{Weight: -1})},
		{"negative cap", s.StartWith(10, 2, []ResourceID{0}, 1, FlowOptions{MaxBytesPerS: -1})},
		{"time backwards", s.Start(9, 2, []ResourceID{0}, 1)},
		{"capacity NaN", s.SetCapacity(10, 0, math.NaN())},
		{"capacity of unknown", s.SetCapacity(10, 9, 1)},
		{"tolerance", s.SetTolerance(0.5)},
		{"mode", s.SetMode(Mode(9))},
		{"long route", s.Start(10, 2, make([]ResourceID, 300), 1)},
	}
	for _, c := range checks {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if _, err := s.Cancel(10, 42); !errors.Is(err, ErrUnknownFlow) {
		t.Errorf("cancel unknown: %v", err)
	}
	if _, err := s.Complete(5, nil); !errors.Is(err, ErrTimeBackwards) {
		t.Errorf("complete in the past: %v", err)
	}
	if _, err := s.Load(7); !errors.Is(err, ErrBadResource) {
		t.Errorf("load of unknown resource: %v", err)
	}
	// The failed calls changed nothing.
	if s.NumFlows() != 1 {
		t.Errorf("%d flows, want 1", s.NumFlows())
	}
	wantRates(t, s, []float64{gbps})
}

// churnScenario runs a fixed random sequence of starts, cancels and completions on a k=4
// fat-tree and returns every (flow, completion time) and the final carried bytes.
func churnScenario(t testing.TB, mode Mode) ([]FlowID, []int64, []float64) {
	topo, err := FatTree(4, 1.25*gbps, 2)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSolver()
	if err := s.SetMode(mode); err != nil {
		t.Fatal(err)
	}
	if err := topo.Install(s); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(99, 1))
	var ids []FlowID
	var ats []int64
	var buf []FlowID
	now := int64(0)
	for id := FlowID(1); id <= 400; id++ {
		now += rng.Int64N(20_000)
		for {
			_, at, ok := s.NextCompletion()
			if !ok || at > now {
				break
			}
			if buf, err = s.Complete(at, buf[:0]); err != nil {
				t.Fatal(err)
			}
			for _, d := range buf {
				ids, ats = append(ids, d), append(ats, at)
			}
		}
		a, b := rng.IntN(16), rng.IntN(16)
		route, _, err := topo.Route(a, b, uint64(id))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(now, id, route, float64(1+rng.IntN(100))*1e6); err != nil {
			t.Fatal(err)
		}
		if rng.IntN(10) == 0 {
			if _, err := s.Cancel(now, id-FlowID(rng.IntN(3))); err != nil && !errors.Is(err, ErrUnknownFlow) {
				t.Fatal(err)
			}
		}
	}
	for {
		_, at, ok := s.NextCompletion()
		if !ok {
			break
		}
		if buf, err = s.Complete(at, buf[:0]); err != nil {
			t.Fatal(err)
		}
		for _, d := range buf {
			ids, ats = append(ids, d), append(ats, at)
		}
	}
	carried := make([]float64, s.NumResources())
	for r := range carried {
		carried[r], _ = s.CarriedBytes(now, ResourceID(r))
	}
	return ids, ats, carried
}

// TestDeterminism: the same calls give bit-identical results.
func TestDeterminism(t *testing.T) {
	ids1, ats1, c1 := churnScenario(t, Differential)
	ids2, ats2, c2 := churnScenario(t, Differential)
	if len(ids1) == 0 || len(ids1) != len(ids2) {
		t.Fatalf("%d and %d completions", len(ids1), len(ids2))
	}
	for i := range ids1 {
		if ids1[i] != ids2[i] || ats1[i] != ats2[i] {
			t.Fatalf("completion %d: flow %d at %d vs flow %d at %d", i, ids1[i], ats1[i], ids2[i], ats2[i])
		}
	}
	for r := range c1 {
		if math.Float64bits(c1[r]) != math.Float64bits(c2[r]) {
			t.Fatalf("resource %d carried %v vs %v", r, c1[r], c2[r])
		}
	}
}

// TestNoAllocSteadyState: once warmed up, a departure, an arrival and their recomputations
// allocate nothing. (Per-resource lists grow by append until each has reached the largest
// number of flows it carries; AllocsPerRun truncates, so 0 means fewer than one per 1,000 runs.)
func TestNoAllocSteadyState(t *testing.T) {
	w := newFatTreeWorld(t, 500, Differential, DefaultTolerance)
	now := int64(0)
	for i := 0; i < 20000; i++ { // warm up slices and the id map
		now++
		w.churn(t, now)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		now++
		w.churn(t, now)
	})
	if allocs > 0 {
		t.Errorf("%.2f allocations per departure+arrival, want 0", allocs)
	}
}
