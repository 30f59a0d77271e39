package policy

import (
	"math"

	"github.com/dcsim/dcsim/models"
)

// freeTree indexes a set of hosts that are on by their free capacity, exactly in CPU and memory.
// Hosts are kept in buckets by their exact free CPU (one bucket per millicore value, from 0 to
// the largest capacity); within a bucket, in a treap ordered by (free memory, host index) and
// augmented with the subtree's maximum free GPUs and minimum host index. Over the buckets lies a
// 4-ary segment tree whose nodes hold the maximum free memory and GPUs of the hosts below (and,
// for Tetris, the maximum sum of free CPU and memory shares).
//
// Because the tree is ordered by free CPU, a node whose bucket range lies wholly at or above a
// CPU demand and whose memory maximum reaches the memory demand does hold a host that fits both.
// So a search never descends into a subtree that only appears to fit, as it may in the
// host-index maxTree, whose CPU and memory maxima may come from different hosts (on a packed
// cluster with memory-bound tasks, that costs first-fit and best-fit thousands of steps per
// decision). Only the nodes whose range straddles the CPU demand (one per level), and GPU
// demands (a per-subtree maximum, as in maxTree), can still lead into a subtree without a
// fitting host. Memory grows with the CPU capacity in millicores: 16–40 bytes per millicore
// of the largest capacity (about 1.4 MB for a 64-core host class).
//
// A node is 16 bytes and its four children share one 64-byte cache line; a search or update
// touches about log4 of the number of buckets lines (8 for a 32-core host class). Updates stop
// at the first ancestor that does not change; a bucket's treap costs O(log b) expected for b
// hosts (typically one or two).
type freeTree struct {
	nodes      *treapNodes
	maxCPU     int64
	nb         int       // buckets: maxCPU+1
	levels     int       // leaves are at this depth (the root at 0)
	leaf0      int       // slot of bucket 0's leaf
	seg        []segNode // slot 3 is the root; the children of slot s are slots 4s−8 … 4s−5
	invC, invM float64   // 1/cap for the free-share sums (0: not kept)
}

// segNode is one freeTree node: the maximum free memory and GPUs below (-1: no host), and aux:
// for an inner node the maximum over its hosts of free_cpu/cap_cpu + free_mem/cap_mem as
// float32 bits (rounded to nearest; users allow for that), for a leaf its treap root (-1: empty).
type segNode struct {
	mem int64
	gpu int32
	aux int32
}

var (
	noLeaf  = segNode{-1, -1, -1}
	noInner = segNode{-1, -1, 0}
)

func clampGPU(g int64) int32 { return int32(min(g, math.MaxInt32)) }

// treapNodes are the per-host treap nodes shared by the freeTrees over disjoint host sets. A
// host's free memory and GPUs are recorded when it is indexed (the simulator changes Free
// before Update).
type treapNodes struct {
	hosts []models.Host
	t     []treapNode
	where []treapWhere // per host: its freeTree and bucket
	trees []*freeTree
}

// treapNode is one host's node (32 bytes). GPU counts are clamped to MaxInt32.
type treapNode struct {
	fm         int64
	l, r, minI int32
	prio       uint32
	fg, aggG   int32 // free GPUs, and the subtree's maximum
}

// treapWhere says which freeTree indexes a host and in which bucket (-1: not indexed).
type treapWhere struct{ tree, bucket int32 }

func newTreapNodes(hosts []models.Host) *treapNodes {
	n := len(hosts)
	t := &treapNodes{hosts: hosts, t: make([]treapNode, n), where: make([]treapWhere, n)}
	for h := range hosts {
		t.where[h].bucket = -1
		// A fixed hash of the host index: balanced like random priorities, but deterministic
		// and independent of any random stream.
		z := uint64(h)*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019
		z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
		z = (z ^ z>>27) * 0x94D049BB133111EB
		t.t[h] = treapNode{l: -1, r: -1, minI: int32(h), prio: uint32((z ^ z>>31) >> 32)}
	}
	return t
}

// addTree creates a freeTree over members (host indices) and indexes them. With shares, the
// members must have equal capacity; their free-share sums are kept.
func (t *treapNodes) addTree(members []int32, shares bool) *freeTree {
	var maxCPU int64
	for _, h := range members {
		maxCPU = max(maxCPU, t.hosts[h].Cap.CPU, t.hosts[h].Free.CPU)
	}
	f := &freeTree{nodes: t, maxCPU: maxCPU, nb: int(maxCPU) + 1}
	if shares && len(members) > 0 {
		f.invC, f.invM = inv1(t.hosts[members[0]].Cap.CPU), inv1(t.hosts[members[0]].Cap.Mem)
	}
	f.leaf0 = 3
	for width := 1; width < f.nb; width *= 4 {
		f.levels++
		f.leaf0 = 4*f.leaf0 - 8
	}
	f.seg = make([]segNode, f.leaf0+(f.nb+3)&^3)
	for i := range f.seg {
		f.seg[i] = noInner
		if i >= f.leaf0 {
			f.seg[i] = noLeaf
		}
	}
	k := int32(len(t.trees))
	t.trees = append(t.trees, f)
	for _, h := range members {
		t.where[h].tree = k
		if b := f.bucketOf(&t.hosts[h]); b >= 0 {
			t.where[h].bucket = b
			t.record(h)
			l := &f.seg[f.leaf0+int(b)]
			l.aux = t.insert(l.aux, h)
		}
	}
	for c := 0; c < f.nb; c++ {
		f.setLeaf(c)
	}
	for s := f.leaf0 - 1; s >= 3; s-- {
		if 4*s-8 < len(f.seg) {
			f.pull(s)
		}
	}
	return f
}

func inv1(cap int64) float64 {
	if cap <= 0 {
		return 0
	}
	return 1 / float64(cap)
}

// bucketOf returns the bucket of a host, or -1 if it is not to be indexed. Free ≤ Cap, so the
// clamp only guards invalid states (where it keeps every fitting host findable).
func (f *freeTree) bucketOf(hs *models.Host) int32 {
	if hs.State != models.HostOn || hs.Free.CPU < 0 {
		return -1
	}
	return int32(min(hs.Free.CPU, f.maxCPU))
}

func (t *treapNodes) record(h int32) {
	hs, x := &t.hosts[h], &t.t[h]
	x.fm, x.fg = hs.Free.Mem, clampGPU(hs.Free.GPU)
}

// update re-indexes host h after its free capacity or state changed.
func (t *treapNodes) update(h int32) {
	w := &t.where[h]
	f := t.trees[w.tree]
	hs, x := &t.hosts[h], &t.t[h]
	nb, ob := f.bucketOf(hs), w.bucket
	if nb == ob && (nb < 0 || (x.fm == hs.Free.Mem && x.fg == clampGPU(hs.Free.GPU))) {
		return
	}
	if ob >= 0 {
		l := &f.seg[f.leaf0+int(ob)]
		l.aux = t.remove(l.aux, h)
		x.l, x.r = -1, -1
		if ob != nb {
			f.refresh(int(ob))
		}
	}
	w.bucket = nb
	if nb >= 0 {
		t.record(h)
		l := &f.seg[f.leaf0+int(nb)]
		l.aux = t.insert(l.aux, h)
		f.refresh(int(nb))
	}
}

// less orders treap nodes by free memory, then host index.
func (t *treapNodes) less(a, b int32) bool {
	if fa, fb := t.t[a].fm, t.t[b].fm; fa != fb {
		return fa < fb
	}
	return a < b
}

func (t *treapNodes) pull(i int32) {
	x := &t.t[i]
	g, mi := x.fg, i
	if l := x.l; l >= 0 {
		g, mi = max(g, t.t[l].aggG), min(mi, t.t[l].minI)
	}
	if r := x.r; r >= 0 {
		g, mi = max(g, t.t[r].aggG), min(mi, t.t[r].minI)
	}
	x.aggG, x.minI = g, mi
}

// insert adds node x (l, r = −1) to the treap rooted at root and returns the new root.
func (t *treapNodes) insert(root, x int32) int32 {
	if root < 0 {
		t.pull(x)
		return x
	}
	if t.t[x].prio > t.t[root].prio {
		l, r := t.split(root, x)
		t.t[x].l, t.t[x].r = l, r
		t.pull(x)
		return x
	}
	if t.less(x, root) {
		t.t[root].l = t.insert(t.t[root].l, x)
	} else {
		t.t[root].r = t.insert(t.t[root].r, x)
	}
	t.pull(root)
	return root
}

// split divides the treap at root into the nodes ordered before x and those after it.
func (t *treapNodes) split(root, x int32) (int32, int32) {
	if root < 0 {
		return -1, -1
	}
	if t.less(root, x) {
		a, b := t.split(t.t[root].r, x)
		t.t[root].r = a
		t.pull(root)
		return root, b
	}
	a, b := t.split(t.t[root].l, x)
	t.t[root].l = b
	t.pull(root)
	return a, root
}

// remove deletes node x from the treap at root and returns the new root.
func (t *treapNodes) remove(root, x int32) int32 {
	if root == x {
		return t.merge(t.t[x].l, t.t[x].r)
	}
	if t.less(x, root) {
		t.t[root].l = t.remove(t.t[root].l, x)
	} else {
		t.t[root].r = t.remove(t.t[root].r, x)
	}
	t.pull(root)
	return root
}

func (t *treapNodes) merge(a, b int32) int32 {
	if a < 0 {
		return b
	}
	if b < 0 {
		return a
	}
	if t.t[a].prio > t.t[b].prio {
		t.t[a].r = t.merge(t.t[a].r, b)
		t.pull(a)
		return a
	}
	t.t[b].l = t.merge(a, t.t[b].l)
	t.pull(b)
	return b
}

// last returns the last node in order of the treap at x (the most free memory).
func (t *treapNodes) last(x int32) int32 {
	for x >= 0 && t.t[x].r >= 0 {
		x = t.t[x].r
	}
	return x
}

// setLeaf sets bucket c's leaf maxima from its treap.
func (f *freeTree) setLeaf(c int) {
	l := &f.seg[f.leaf0+c]
	if x := l.aux; x >= 0 {
		l.mem, l.gpu = f.nodes.t[f.nodes.last(x)].fm, f.nodes.t[x].aggG
	} else {
		*l = noLeaf
	}
}

// share returns the free-share sum of a host with free CPU c and free memory m.
func (f *freeTree) share(c int, m int64) float32 {
	return float32(float64(c)*f.invC + float64(m)*f.invM)
}

// pull recomputes inner node s from its children.
func (f *freeTree) pull(s int) {
	c := 4*s - 8
	ch := f.seg[c : c+4 : c+4]
	mem := max(ch[0].mem, ch[1].mem, ch[2].mem, ch[3].mem)
	gpu := max(ch[0].gpu, ch[1].gpu, ch[2].gpu, ch[3].gpu)
	var sh float32
	if f.invC != 0 || f.invM != 0 {
		if c >= f.leaf0 {
			for j := range ch {
				if ch[j].aux >= 0 {
					sh = max(sh, f.share(c-f.leaf0+j, ch[j].mem))
				}
			}
		} else {
			for j := range ch {
				sh = max(sh, math.Float32frombits(uint32(ch[j].aux)))
			}
		}
	}
	f.seg[s] = segNode{mem, gpu, int32(math.Float32bits(sh))}
}

// refresh recomputes bucket c's leaf and its ancestors, stopping when one is unchanged.
func (f *freeTree) refresh(c int) {
	s := f.leaf0 + c
	old := f.seg[s]
	f.setLeaf(c)
	if old.mem == f.seg[s].mem && old.gpu == f.seg[s].gpu && (old.aux < 0) == (f.seg[s].aux < 0) {
		return // the root changed at most
	}
	for s > 3 {
		s = (s + 8) >> 2
		old := f.seg[s]
		f.pull(s)
		if old == f.seg[s] {
			return
		}
	}
}

// first returns the host that fits d with the least free CPU, then the least free memory, then
// the lowest index, or -1.
func (f *freeTree) first(d models.Resources) int32 {
	if d.CPU > f.maxCPU || f.seg[3].mem < d.Mem || int64(f.seg[3].gpu) < d.GPU {
		return -1
	}
	width := 1
	for k := 0; k < f.levels; k++ {
		width *= 4
	}
	return f.firstIn(3, 0, width, &d)
}

// firstIn searches slot s, covering buckets [lo, lo+width).
func (f *freeTree) firstIn(s, lo, width int, d *models.Resources) int32 {
	if width == 1 {
		return f.nodes.firstFit(f.seg[s].aux, d)
	}
	width /= 4
	c := 4*s - 8
	for j := 0; j < 4; j++ {
		clo := lo + j*width
		if clo+width <= int(d.CPU) || clo >= f.nb {
			continue
		}
		if n := &f.seg[c+j]; n.mem < d.Mem || int64(n.gpu) < d.GPU {
			continue
		}
		if h := f.firstIn(c+j, clo, width, d); h >= 0 {
			return h
		}
	}
	return -1
}

// firstFit returns the first node in order of the treap at x with free memory and GPUs ≥ d's.
func (t *treapNodes) firstFit(x int32, d *models.Resources) int32 {
	for x >= 0 && int64(t.t[x].aggG) >= d.GPU {
		n := &t.t[x]
		if n.fm < d.Mem { // everything to the left has less memory
			x = n.r
			continue
		}
		if h := t.firstFit(n.l, d); h >= 0 {
			return h
		}
		if int64(n.fg) >= d.GPU {
			return x
		}
		x = n.r
	}
	return -1
}
