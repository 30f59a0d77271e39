package network

import (
	"fmt"
	"math"
	"testing"
)

// checkPath verifies that route is a chain of directed links from host src to host dst.
func checkPath(t *testing.T, topo *Topology, route []ResourceID, src, dst int) {
	t.Helper()
	links := topo.Links()
	at := src
	for i, r := range route {
		l := links[r-topo.Base()]
		if l.From != at {
			t.Fatalf("route %d→%d hop %d leaves node %d, expected %d (%v)", src, dst, i, l.From, at, route)
		}
		if i > 0 && l.From < topo.Hosts() {
			t.Fatalf("route %d→%d forwards through host %d", src, dst, l.From)
		}
		at = l.To
	}
	if at != dst {
		t.Fatalf("route %d→%d ends at node %d", src, dst, at)
	}
}

// TestFatTreeShape: Al-Fares et al. §3.2: k³/4 hosts, k pods of k/2 edge and k/2 aggregation
// switches, (k/2)² cores, 3·k³/4 full-duplex links (host, edge–aggregation, aggregation–core),
// and routes of 2, 4 and 6 hops within an edge switch, within a pod and across pods.
func TestFatTreeShape(t *testing.T) {
	for _, k := range []int{2, 4, 8, 16} {
		topo, err := FatTree(k, 12.5e9, 3)
		if err != nil {
			t.Fatal(err)
		}
		half := k / 2
		H := k * k * k / 4
		if topo.Hosts() != H {
			t.Errorf("k=%d: %d hosts, want %d", k, topo.Hosts(), H)
		}
		if want := H + k*k + half*half; topo.Nodes() != want {
			t.Errorf("k=%d: %d nodes, want %d", k, topo.Nodes(), want)
		}
		if want := 2 * 3 * H; len(topo.Links()) != want {
			t.Errorf("k=%d: %d directed links, want %d", k, len(topo.Links()), want)
		}
		// Every switch has k ports (cores k, one per pod): count full-duplex link ends.
		ports := make([]int, topo.Nodes())
		for _, l := range topo.Links() {
			ports[l.From]++
		}
		for v := H; v < topo.Nodes(); v++ {
			if ports[v] != k {
				t.Fatalf("k=%d: switch %s has %d ports, want %d", k, topo.NodeName(v), ports[v], k)
			}
		}
		s := NewSolver()
		if err := topo.Install(s); err != nil {
			t.Fatal(err)
		}
		step := max(1, H/64)
		for src := 0; src < H; src += step {
			for dst := 0; dst < H; dst += step {
				route, lat, err := topo.Route(src, dst, uint64(src*H+dst))
				if err != nil {
					t.Fatal(err)
				}
				var want int
				switch {
				case src == dst:
					want = 0
				case src/half == dst/half:
					want = 2
				case src/(half*half) == dst/(half*half):
					want = 4
				default:
					want = 6
				}
				if len(route) != want || lat != int64(3*want) {
					t.Fatalf("k=%d %d→%d: %d hops, %d µs; want %d hops", k, src, dst, len(route), lat, want)
				}
				checkPath(t, topo, route, src, dst)
			}
		}
	}
}

// TestFatTreeECMP: flows between two pods spread over the (k/2)² core paths, and flows within a
// pod over the k/2 aggregation switches, roughly evenly.
func TestFatTreeECMP(t *testing.T) {
	const k = 8
	topo, err := FatTree(k, 12.5e9, 1)
	if err != nil {
		t.Fatal(err)
	}
	half, H := k/2, k*k*k/4
	core := func(route []ResourceID) int { // third hop: aggregation (p,a)→core (a,c), link 2H + (p·half+a)·half + c
		i := int(route[2])/2 - 2*H
		return (i/half%half)*half + i%half
	}
	const n = 32000
	count := make([]int, half*half)
	for f := 0; f < n; f++ {
		route, _, err := topo.Route(0, H-1, uint64(f)) // pod 0 to pod k-1
		if err != nil {
			t.Fatal(err)
		}
		count[core(route)]++
	}
	if chi2 := chiSquare(count); chi2 > 37.7 { // χ² with 15 degrees of freedom, p = 0.001
		t.Errorf("one pair, %d flows over %d core paths: %v (χ² = %.1f)", n, len(count), count, chi2)
	}
	// Random pairs across pods, one flow each: every core path is used about equally.
	clear(count)
	pairs := 0
	for src := 0; src < H; src++ {
		for dst := 0; dst < H; dst++ {
			if src/(half*half) != dst/(half*half) {
				route, _, _ := topo.Route(src, dst, 1)
				count[core(route)]++
				pairs++
			}
		}
	}
	if chi2 := chiSquare(count); chi2 > 37.7 {
		t.Errorf("all %d cross-pod pairs over %d core paths: %v (χ² = %.1f)", pairs, len(count), count, chi2)
	}
	// Within a pod: host 0 to host 4 (another edge switch of pod 0) over the k/2 aggregations.
	agg := make([]int, half)
	for f := 0; f < 8000; f++ {
		route, _, _ := topo.Route(0, half, uint64(f))
		i := int(route[1])/2 - H // edge (p,e)–aggregation (p,a) link H + (p·half+e)·half + a
		agg[i%half]++
	}
	if chi2 := chiSquare(agg); chi2 > 16.3 { // 3 degrees of freedom, p = 0.001
		t.Errorf("within a pod, 8000 flows over %d aggregation switches: %v (χ² = %.1f)", half, agg, chi2)
	}
}

// chiSquare is Pearson's χ² statistic of counts against a uniform distribution.
func chiSquare(count []int) float64 {
	total := 0
	for _, c := range count {
		total += c
	}
	e := float64(total) / float64(len(count))
	x := 0.0
	for _, c := range count {
		x += (float64(c) - e) * (float64(c) - e) / e
	}
	return x
}

func TestTopologyErrors(t *testing.T) {
	bad := []struct {
		name string
		err  error
	}{}
	add := func(name string, _ *Topology, err error) {
		bad = append(bad, struct {
			name string
			err  error
		}{name, err})
	}
	for _, k := range []int{-2, 0, 1, 3, 258} {
		topo, err := FatTree(k, 1, 0)
		add(fmt.Sprintf("fat-tree k=%d", k), topo, err)
	}
	topo, err := FatTree(4, 0, 0)
	add("fat-tree zero bandwidth", topo, err)
	topo, err = FatTree(4, math.NaN(), 0)
	add("fat-tree NaN bandwidth", topo, err)
	topo, err = FatTree(4, 1, -1)
	add("fat-tree negative latency", topo, err)
	topo, err = LeafSpine(0, 1, 1, 1, 1, 0)
	add("leaf-spine no leaves", topo, err)
	topo, err = LeafSpine(2, 0, 1, 1, 1, 0)
	add("leaf-spine no spines", topo, err)
	topo, err = LeafSpine(2, 1, 0, 1, 1, 0)
	add("leaf-spine no hosts", topo, err)
	topo, err = LeafSpine(2, 1, 1, 1, math.Inf(1), 0)
	add("leaf-spine infinite uplink", topo, err)
	topo, err = LeafSpine(1<<20, 1<<20, 1<<20, 1, 1, 0)
	add("leaf-spine too large", topo, err)
	topo, err = Custom(nil, nil)
	add("custom no hosts", topo, err)
	topo, err = Custom([]string{"a", "a"}, nil)
	add("custom duplicate host", topo, err)
	topo, err = Custom([]string{"a", ""}, nil)
	add("custom empty name", topo, err)
	topo, err = Custom([]string{"a", "b"}, []LinkSpec{{A: "a", B: "a", BytesPerS: 1}})
	add("custom self-loop", topo, err)
	topo, err = Custom([]string{"a", "b"}, []LinkSpec{{A: "a", B: "s", BytesPerS: 0}, {A: "b", B: "s", BytesPerS: 1}})
	add("custom zero bandwidth", topo, err)
	topo, err = Custom([]string{"a", "b"}, []LinkSpec{{A: "a", B: "s", BytesPerS: 1, LatencyUS: -1}, {A: "b", B: "s", BytesPerS: 1}})
	add("custom negative latency", topo, err)
	topo, err = Custom([]string{"a", "b"}, []LinkSpec{{A: "a", B: "s", BytesPerS: 1}})
	add("custom disconnected", topo, err)
	topo, err = Custom([]string{"a", "b", "c"}, []LinkSpec{{A: "a", B: "b", BytesPerS: 1}, {A: "b", B: "c", BytesPerS: 1}})
	add("custom route through a host", topo, err)
	for _, b := range bad {
		if b.err == nil {
			t.Errorf("%s: no error", b.name)
		}
	}

	ft, err := FatTree(4, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]int{{-1, 0}, {0, 16}, {16, 0}} {
		if _, _, err := ft.Route(p[0], p[1], 0); err == nil {
			t.Errorf("route %v: no error", p)
		}
	}
	s := NewSolver()
	if err := ft.Install(s); err != nil {
		t.Fatal(err)
	}
	if err := ft.Install(s); err == nil {
		t.Error("second Install: no error")
	}
}

// TestCustom: a diamond with two equal-cost paths between the hosts' switches, hop-count routing
// (a longer but faster detour is not taken), per-link latencies summed, ECMP over both paths.
func TestCustom(t *testing.T) {
	// h0 — s0 ⟨ s1, s2 ⟩ s3 — h1, plus a detour s0 — s4 — s5 — s3 (one hop longer).
	links := []LinkSpec{
		{A: "h0", B: "s0", BytesPerS: 1e9, LatencyUS: 1},
		{A: "s0", B: "s1", BytesPerS: 1e9, LatencyUS: 10},
		{A: "s0", B: "s2", BytesPerS: 1e9, LatencyUS: 20},
		{A: "s1", B: "s3", BytesPerS: 1e9, LatencyUS: 10},
		{A: "s2", B: "s3", BytesPerS: 1e9, LatencyUS: 20},
		{A: "s3", B: "h1", BytesPerS: 1e9, LatencyUS: 1},
		{A: "s0", B: "s4", BytesPerS: 1e12, LatencyUS: 0},
		{A: "s4", B: "s5", BytesPerS: 1e12, LatencyUS: 0},
		{A: "s5", B: "s3", BytesPerS: 1e12, LatencyUS: 0},
	}
	topo, err := Custom([]string{"h0", "h1"}, links)
	if err != nil {
		t.Fatal(err)
	}
	if topo.Hosts() != 2 || topo.Nodes() != 8 || topo.NodeName(2) != "s0" {
		t.Fatalf("hosts %d nodes %d node 2 %q", topo.Hosts(), topo.Nodes(), topo.NodeName(2))
	}
	s := NewSolver()
	if _, err := s.AddResource(5e8); err != nil { // a storage pool before the links
		t.Fatal(err)
	}
	if err := topo.Install(s); err != nil {
		t.Fatal(err)
	}
	if topo.Base() != 1 {
		t.Fatalf("base %d, want 1", topo.Base())
	}
	via := map[int64]int{}
	for f := uint64(0); f < 2000; f++ {
		route, lat, err := topo.Route(0, 1, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(route) != 4 {
			t.Fatalf("flow %d: %d hops, want 4", f, len(route))
		}
		checkPath(t, topo, route, 0, 1)
		if lat != 22 && lat != 42 {
			t.Fatalf("flow %d: latency %d µs, want 22 (via s1) or 42 (via s2)", f, lat)
		}
		via[lat]++
	}
	if via[22] < 900 || via[42] < 900 {
		t.Errorf("ECMP split %v over 2000 flows", via)
	}
	// Same host: empty route.
	if route, lat, err := topo.Route(1, 1, 5); err != nil || len(route) != 0 || lat != 0 {
		t.Errorf("same-host route %v %d %v", route, lat, err)
	}
	// A flow from the storage pool (resource 0) through the network: bottleneck 0.5 GB/s.
	route, _, _ := topo.Route(0, 1, 7)
	if err := s.Start(0, 1, append([]ResourceID{0}, route...), 1e9); err != nil {
		t.Fatal(err)
	}
	if _, at, _ := s.NextCompletion(); at != 2_000_000 {
		t.Errorf("1 GB through a 0.5 GB/s pool completes at %d µs, want 2000000", at)
	}
}

// TestRouteNoAlloc: AppendRoute into a reused buffer does not allocate.
func TestRouteNoAlloc(t *testing.T) {
	ft, _ := FatTree(16, 1, 1)
	ls, _ := LeafSpine(8, 4, 16, 1, 1, 1)
	cu, _ := Custom([]string{"a", "b"}, []LinkSpec{{A: "a", B: "s", BytesPerS: 1}, {A: "s", B: "b", BytesPerS: 1}})
	buf := make([]ResourceID, 0, 8)
	for _, topo := range []*Topology{ft, ls, cu} {
		f := uint64(0)
		allocs := testing.AllocsPerRun(100, func() {
			f++
			buf, _, _ = topo.AppendRoute(buf[:0], 0, topo.Hosts()-1, f)
		})
		if allocs != 0 {
			t.Errorf("%.1f allocations per route", allocs)
		}
	}
}
