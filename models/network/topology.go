package network

import (
	"errors"
	"fmt"
	"math"
)

// Link is one direction of a full-duplex link: a resource of CapacityBytesPerS from node From to
// node To, with a propagation latency. Full-duplex link i is the pair of directed links 2i
// (its first endpoint to its second) and 2i+1 (back).
type Link struct {
	From, To          int // node indices; hosts are 0..Hosts()-1, switches follow
	CapacityBytesPerS float64
	LatencyUS         int64
}

type topoKind uint8

const (
	kindLeafSpine topoKind = iota
	kindFatTree
	kindCustom
)

// Topology is a network of hosts and switches joined by full-duplex links, with a deterministic
// ECMP routing function. Install adds its directed links to a Solver as resources; Route then
// returns routes in that Solver's resource ids.
type Topology struct {
	kind      topoKind
	hosts     int
	names     []string // node names, hosts first
	links     []Link   // directed links
	base      ResourceID
	installed bool

	// leaf-spine
	leaves, spines, perLeaf int
	// fat-tree
	k int
	// custom
	out  [][]int32 // directed links leaving each node, ascending
	dist []int32   // dist[dst*nodes+v]: hops from node v to host dst (−1: unreachable)
}

// maxNodes bounds topology sizes so that index arithmetic cannot overflow.
const maxNodes = 1 << 26

func checkBW(what string, bw float64) error {
	if !(bw > 0) || math.IsInf(bw, 0) {
		return fmt.Errorf("network: %s bandwidth %v B/s must be finite and > 0", what, bw)
	}
	return nil
}

func checkLatency(lat int64) error {
	if lat < 0 {
		return fmt.Errorf("network: latency %d µs must be ≥ 0", lat)
	}
	return nil
}

// addLink appends full-duplex link a–b (two directed links) and returns its index.
func (t *Topology) addLink(a, b int, bw float64, lat int64) {
	t.links = append(t.links,
		Link{From: a, To: b, CapacityBytesPerS: bw, LatencyUS: lat},
		Link{From: b, To: a, CapacityBytesPerS: bw, LatencyUS: lat})
}

// LeafSpine builds a two-tier Clos network: leaves top-of-rack switches with hostsPerLeaf hosts
// each (host h is on leaf h / hostsPerLeaf) and spines spine switches, every leaf linked to every
// spine. Host links carry hostBW, leaf–spine links uplinkBW (bytes/s, per direction); every link
// has latencyUS. A leaf's oversubscription is hostsPerLeaf·hostBW / (spines·uplinkBW).
//
// Nodes: hosts 0..H−1, leaves H..H+leaves−1, spines after. Links: host h's link is full-duplex
// link h (directed 2h up, 2h+1 down); leaf l–spine s is full-duplex link H + l·spines + s.
func LeafSpine(leaves, spines, hostsPerLeaf int, hostBW, uplinkBW float64, latencyUS int64) (*Topology, error) {
	if leaves < 1 || hostsPerLeaf < 1 || spines < 0 {
		return nil, fmt.Errorf("network: leaf-spine needs leaves ≥ 1, hostsPerLeaf ≥ 1, spines ≥ 0 (got %d, %d, %d)", leaves, hostsPerLeaf, spines)
	}
	if leaves > 1 && spines < 1 {
		return nil, fmt.Errorf("network: leaf-spine with %d leaves needs at least one spine", leaves)
	}
	if leaves > maxNodes/hostsPerLeaf || (spines > 0 && leaves > maxNodes/spines) || leaves*hostsPerLeaf+leaves+spines > maxNodes {
		return nil, fmt.Errorf("network: leaf-spine %d×%d hosts, %d spines is too large", leaves, hostsPerLeaf, spines)
	}
	if err := checkBW("host link", hostBW); err != nil {
		return nil, err
	}
	if spines > 0 {
		if err := checkBW("uplink", uplinkBW); err != nil {
			return nil, err
		}
	}
	if err := checkLatency(latencyUS); err != nil {
		return nil, err
	}
	H := leaves * hostsPerLeaf
	t := &Topology{kind: kindLeafSpine, hosts: H, leaves: leaves, spines: spines, perLeaf: hostsPerLeaf}
	t.names = make([]string, 0, H+leaves+spines)
	for h := 0; h < H; h++ {
		t.names = append(t.names, fmt.Sprintf("host%d", h))
	}
	for l := 0; l < leaves; l++ {
		t.names = append(t.names, fmt.Sprintf("leaf%d", l))
	}
	for s := 0; s < spines; s++ {
		t.names = append(t.names, fmt.Sprintf("spine%d", s))
	}
	t.links = make([]Link, 0, 2*(H+leaves*spines))
	for h := 0; h < H; h++ {
		t.addLink(h, H+h/hostsPerLeaf, hostBW, latencyUS)
	}
	for l := 0; l < leaves; l++ {
		for s := 0; s < spines; s++ {
			t.addLink(H+l, H+leaves+s, uplinkBW, latencyUS)
		}
	}
	return t, nil
}

// FatTree builds the k-ary fat-tree of Al-Fares, Loukissas & Vahdat, "A Scalable, Commodity Data
// Center Network Architecture", SIGCOMM 2008, §3.2: k pods, each with k/2 edge and k/2
// aggregation switches of k ports; each edge switch has k/2 hosts and a link to every
// aggregation switch of its pod; (k/2)² core switches, where core (a, c) links to aggregation
// switch a of every pod. k³/4 hosts in all; every link has linkBW bytes/s per direction and
// latencyUS. k must be even, 2 ≤ k ≤ 256.
//
// Host h = p·(k/2)² + e·(k/2) + j is host j of edge switch e of pod p. Nodes: hosts, then edge
// switches (p, e), aggregation switches (p, a), cores (a, c). Full-duplex links: host h's link
// is h; edge (p, e)–aggregation (p, a) is H + (p·k/2 + e)·k/2 + a; aggregation (p, a)–core
// (a, c) is 2H + (p·k/2 + a)·k/2 + c; each goes up first (directed 2i) and down second (2i+1).
func FatTree(k int, linkBW float64, latencyUS int64) (*Topology, error) {
	if k < 2 || k%2 != 0 || k > 256 {
		return nil, fmt.Errorf("network: fat-tree k=%d must be even and in [2, 256]", k)
	}
	if err := checkBW("link", linkBW); err != nil {
		return nil, err
	}
	if err := checkLatency(latencyUS); err != nil {
		return nil, err
	}
	half := k / 2
	H := k * half * half
	t := &Topology{kind: kindFatTree, hosts: H, k: k}
	edge := func(p, e int) int { return H + p*half + e }
	agg := func(p, a int) int { return H + k*half + p*half + a }
	core := func(a, c int) int { return H + 2*k*half + a*half + c }
	t.names = make([]string, 0, H+2*k*half+half*half)
	for h := 0; h < H; h++ {
		t.names = append(t.names, fmt.Sprintf("host%d", h))
	}
	for p := 0; p < k; p++ {
		for e := 0; e < half; e++ {
			t.names = append(t.names, fmt.Sprintf("edge%d.%d", p, e))
		}
	}
	for p := 0; p < k; p++ {
		for a := 0; a < half; a++ {
			t.names = append(t.names, fmt.Sprintf("agg%d.%d", p, a))
		}
	}
	for a := 0; a < half; a++ {
		for c := 0; c < half; c++ {
			t.names = append(t.names, fmt.Sprintf("core%d.%d", a, c))
		}
	}
	t.links = make([]Link, 0, 6*H)
	for h := 0; h < H; h++ {
		t.addLink(h, edge(h/half/half, h/half%half), linkBW, latencyUS)
	}
	for p := 0; p < k; p++ {
		for e := 0; e < half; e++ {
			for a := 0; a < half; a++ {
				t.addLink(edge(p, e), agg(p, a), linkBW, latencyUS)
			}
		}
	}
	for p := 0; p < k; p++ {
		for a := 0; a < half; a++ {
			for c := 0; c < half; c++ {
				t.addLink(agg(p, a), core(a, c), linkBW, latencyUS)
			}
		}
	}
	return t, nil
}

// LinkSpec is a full-duplex link between two named nodes of a Custom topology.
type LinkSpec struct {
	A, B      string
	BytesPerS float64 // per direction
	LatencyUS int64
}

// Custom builds a topology from named hosts (host i is hosts[i]) and full-duplex links; every
// other name that appears in links is a switch, numbered after the hosts in order of first
// appearance. Links are full-duplex links 0, 1, … in the given order; parallel links are allowed.
// Routes are shortest by hop count (breadth-first search); hosts do not forward, so a route only
// crosses switches. Every host must reach every other host.
func Custom(hosts []string, links []LinkSpec) (*Topology, error) {
	if len(hosts) == 0 {
		return nil, errors.New("network: custom topology has no hosts")
	}
	t := &Topology{kind: kindCustom, hosts: len(hosts)}
	id := make(map[string]int, len(hosts))
	for i, n := range hosts {
		if n == "" {
			return nil, fmt.Errorf("network: host %d has an empty name", i)
		}
		if _, dup := id[n]; dup {
			return nil, fmt.Errorf("network: host name %q appears twice", n)
		}
		id[n] = i
		t.names = append(t.names, n)
	}
	node := func(n string) (int, error) {
		if n == "" {
			return 0, errors.New("empty node name")
		}
		if v, ok := id[n]; ok {
			return v, nil
		}
		if len(t.names) >= maxNodes {
			return 0, errors.New("too many nodes")
		}
		id[n] = len(t.names)
		t.names = append(t.names, n)
		return len(t.names) - 1, nil
	}
	for i, l := range links {
		a, err := node(l.A)
		if err != nil {
			return nil, fmt.Errorf("network: link %d: %w", i, err)
		}
		b, err := node(l.B)
		if err != nil {
			return nil, fmt.Errorf("network: link %d: %w", i, err)
		}
		if a == b {
			return nil, fmt.Errorf("network: link %d joins %q to itself", i, l.A)
		}
		if err := checkBW(fmt.Sprintf("link %d (%s–%s)", i, l.A, l.B), l.BytesPerS); err != nil {
			return nil, err
		}
		if err := checkLatency(l.LatencyUS); err != nil {
			return nil, fmt.Errorf("network: link %d (%s–%s): %w", i, l.A, l.B, err)
		}
		t.addLink(a, b, l.BytesPerS, l.LatencyUS)
	}
	N := len(t.names)
	if int64(t.hosts)*int64(N) > maxNodes {
		return nil, fmt.Errorf("network: custom topology with %d hosts and %d nodes is too large for its routing tables (%d entries, limit %d)", t.hosts, N, int64(t.hosts)*int64(N), maxNodes)
	}
	t.out = make([][]int32, N)
	for i, l := range t.links {
		t.out[l.From] = append(t.out[l.From], int32(i))
	}
	// Hop distances to every host, by breadth-first search from it over the (symmetric) links,
	// never expanding through another host.
	t.dist = make([]int32, t.hosts*N)
	queue := make([]int32, 0, N)
	for dst := 0; dst < t.hosts; dst++ {
		d := t.dist[dst*N : (dst+1)*N]
		for i := range d {
			d[i] = -1
		}
		d[dst] = 0
		queue = append(queue[:0], int32(dst))
		for qi := 0; qi < len(queue); qi++ {
			u := queue[qi]
			if int(u) < t.hosts && int(u) != dst {
				continue
			}
			for _, li := range t.out[u] {
				v := t.links[li].To
				if d[v] < 0 {
					d[v] = d[u] + 1
					queue = append(queue, int32(v))
				}
			}
		}
		for src := 0; src < t.hosts; src++ {
			if d[src] < 0 {
				return nil, fmt.Errorf("network: host %q cannot reach host %q", t.names[src], t.names[dst])
			}
		}
	}
	return t, nil
}

// Hosts returns the number of hosts (nodes 0..Hosts()-1).
func (t *Topology) Hosts() int { return t.hosts }

// Nodes returns the number of nodes, hosts and switches.
func (t *Topology) Nodes() int { return len(t.names) }

// NodeName returns the name of node i.
func (t *Topology) NodeName(i int) string { return t.names[i] }

// Links returns the directed links; link i is resource Base()+i once installed. Do not modify.
func (t *Topology) Links() []Link { return t.links }

// Base returns the resource id of directed link 0 (set by Install; 0 before).
func (t *Topology) Base() ResourceID { return t.base }

// Install adds the topology's directed links to s as resources Base()..Base()+len(Links())-1, in
// link order. A topology can be installed once.
func (t *Topology) Install(s *Solver) error {
	if t.installed {
		return errors.New("network: topology already installed")
	}
	if len(t.links) > math.MaxInt32-s.NumResources() {
		return errors.New("network: too many resources")
	}
	t.base = ResourceID(s.NumResources())
	for _, l := range t.links {
		if _, err := s.AddResource(l.CapacityBytesPerS); err != nil {
			return err
		}
	}
	t.installed = true
	return nil
}

// mix64 is the splitmix64 finalizer (Steele, Lea & Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014), a bijection of 64-bit words with good avalanche.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// ecmpHash is the flow hash of deterministic ECMP: a function of (src, dst, flow) only.
func ecmpHash(src, dst int, flow uint64) uint64 {
	return mix64(mix64(mix64(uint64(src))^uint64(dst)) ^ flow)
}

// ecmpPick chooses one of n equal-cost next hops at choice point hop (0, 1, …) of a route.
func ecmpPick(h uint64, hop, n int) int {
	if n == 1 {
		return 0
	}
	return int(mix64(h+uint64(hop)*0xd1b54a32d192ed03) % uint64(n))
}

// Route returns the directed links (as resource ids) from host src to host dst for the flow with
// the given id, and the route's latency (the sum of its links' latencies, µs). Among the
// equal-cost shortest paths it picks one by a hash of (src, dst, flow), independently at every
// switch that has a choice (deterministic ECMP; see the package comment). src == dst gives an
// empty route and zero latency.
func (t *Topology) Route(src, dst int, flow uint64) ([]ResourceID, int64, error) {
	return t.AppendRoute(nil, src, dst, flow)
}

// AppendRoute is Route appending to buf, so a caller can reuse one buffer and not allocate.
func (t *Topology) AppendRoute(buf []ResourceID, src, dst int, flow uint64) ([]ResourceID, int64, error) {
	if src < 0 || src >= t.hosts || dst < 0 || dst >= t.hosts {
		return buf, 0, fmt.Errorf("network: route %d→%d: hosts are 0..%d", src, dst, t.hosts-1)
	}
	if src == dst {
		return buf, 0, nil
	}
	start := len(buf)
	h := ecmpHash(src, dst, flow)
	switch t.kind {
	case kindLeafSpine:
		H, ls, ld := t.hosts, src/t.perLeaf, dst/t.perLeaf
		buf = append(buf, t.link(2*src))
		if ls != ld {
			s := ecmpPick(h, 0, t.spines)
			buf = append(buf, t.link(2*(H+ls*t.spines+s)), t.link(2*(H+ld*t.spines+s)+1))
		}
		buf = append(buf, t.link(2*dst+1))
	case kindFatTree:
		half, H := t.k/2, t.hosts
		ps, es := src/(half*half), src/half%half
		pd, ed := dst/(half*half), dst/half%half
		buf = append(buf, t.link(2*src))
		switch {
		case ps == pd && es == ed:
		case ps == pd:
			a := ecmpPick(h, 0, half)
			buf = append(buf, t.link(2*(H+(ps*half+es)*half+a)), t.link(2*(H+(pd*half+ed)*half+a)+1))
		default:
			a := ecmpPick(h, 0, half)
			c := ecmpPick(h, 1, half)
			buf = append(buf,
				t.link(2*(H+(ps*half+es)*half+a)),
				t.link(2*(2*H+(ps*half+a)*half+c)),
				t.link(2*(2*H+(pd*half+a)*half+c)+1),
				t.link(2*(H+(pd*half+ed)*half+a)+1))
		}
		buf = append(buf, t.link(2*dst+1))
	case kindCustom:
		N := len(t.names)
		d := t.dist[dst*N : (dst+1)*N]
		u, choice := src, 0
		for u != dst {
			var cand [8]int32
			n := 0
			var pick int32 = -1
			// Count the next hops on a shortest path, then take the chosen one, in link order.
			for _, li := range t.out[u] {
				v := t.links[li].To
				if d[v] == d[u]-1 && (int(v) >= t.hosts || int(v) == dst) {
					if n < len(cand) {
						cand[n] = li
					}
					n++
				}
			}
			if n == 0 { // unreachable: Custom checked connectivity
				return buf[:start], 0, fmt.Errorf("network: no route %d→%d", src, dst)
			}
			k := 0
			if n > 1 {
				k = ecmpPick(h, choice, n)
				choice++
			}
			if k < len(cand) {
				pick = cand[k]
			} else {
				i := 0
				for _, li := range t.out[u] {
					v := t.links[li].To
					if d[v] == d[u]-1 && (int(v) >= t.hosts || int(v) == dst) {
						if i == k {
							pick = li
							break
						}
						i++
					}
				}
			}
			buf = append(buf, t.link(int(pick)))
			u = t.links[pick].To
		}
	}
	var lat int64
	for _, r := range buf[start:] {
		lat += t.links[r-t.base].LatencyUS
	}
	return buf, lat, nil
}

func (t *Topology) link(i int) ResourceID { return t.base + ResourceID(i) }
