package policy

import (
	"math/bits"

	"github.com/dcsim/dcsim/models"
)

// bitset is a hierarchical bitset: level 0 has one bit per slot and level k+1 one bit per
// non-empty word of level k, so finding the next or previous set bit costs O(log64 n) word
// operations — three for a quarter of a million slots.
type bitset struct {
	lv [][]uint64
}

func newBitset(n int) bitset {
	var b bitset
	for {
		words := (n + 63) / 64
		b.lv = append(b.lv, make([]uint64, words))
		if words == 1 {
			return b
		}
		n = words
	}
}

func (b *bitset) set(i int) {
	for _, w := range b.lv {
		was := w[i>>6]
		w[i>>6] = was | 1<<(uint(i)&63)
		if was != 0 {
			return
		}
		i >>= 6
	}
}

func (b *bitset) clear(i int) {
	for _, w := range b.lv {
		w[i>>6] &^= 1 << (uint(i) & 63)
		if w[i>>6] != 0 {
			return
		}
		i >>= 6
	}
}

// next returns the smallest set index ≥ i, or -1.
func (b *bitset) next(i int) int {
	if i < 0 {
		i = 0
	}
	k := 0
	for {
		if k == len(b.lv) {
			return -1
		}
		w := b.lv[k]
		if i>>6 >= len(w) {
			return -1
		}
		if m := w[i>>6] >> (uint(i) & 63); m != 0 {
			i += bits.TrailingZeros64(m)
			break
		}
		i = i>>6 + 1 // continue with the next word, one level up
		k++
	}
	for k > 0 { // descend to the lowest set bit below
		k--
		i = i<<6 + bits.TrailingZeros64(b.lv[k][i])
	}
	return i
}

// prev returns the largest set index ≤ i, or -1.
func (b *bitset) prev(i int) int {
	k := 0
	for {
		if i < 0 || k == len(b.lv) {
			return -1
		}
		w := b.lv[k]
		if i>>6 >= len(w) {
			i = len(w)*64 - 1
		}
		if m := w[i>>6] << (63 - uint(i)&63); m != 0 {
			i -= bits.LeadingZeros64(m)
			break
		}
		i = i>>6 - 1
		k++
	}
	for k > 0 {
		k--
		i = i<<6 + 63 - bits.LeadingZeros64(b.lv[k][i])
	}
	return i
}

// cpuBuckets indexes hosts that are on by their exact free CPU (millicores): bucket c holds the
// hosts with c millicores free, as an intrusive doubly-linked list, and a hierarchical bitset
// marks the non-empty buckets. Best fit asks for the first non-empty bucket ≥ the demand, worst
// fit for the last; both then walk that bucket (and, only if memory or GPUs do not fit, the
// following ones). Updates are O(1) plus the bitset's O(log64 n).
type cpuBuckets struct {
	hosts      []models.Host // all hosts; only members are indexed
	head       []int32       // per bucket: first host, -1 if empty
	next, prev []int32       // per host: neighbours in its bucket
	key        []int32       // per host: its bucket, -1 if not indexed
	nonEmpty   bitset
}

// init indexes the hosts listed in members (all hosts if members is nil).
func (b *cpuBuckets) init(hosts []models.Host, members []int32) {
	b.hosts = hosts
	if members == nil {
		members = make([]int32, len(hosts))
		for i := range members {
			members[i] = int32(i)
		}
	}
	var maxCPU int64
	for _, h := range members {
		maxCPU = max(maxCPU, hosts[h].Cap.CPU)
	}
	n := int(maxCPU) + 1
	b.head = make([]int32, n)
	for i := range b.head {
		b.head[i] = -1
	}
	b.next = make([]int32, len(hosts))
	b.prev = make([]int32, len(hosts))
	b.key = make([]int32, len(hosts))
	for i := range b.key {
		b.key[i] = -1
	}
	b.nonEmpty = newBitset(n)
	for _, h := range members {
		b.update(h)
	}
}

func (b *cpuBuckets) update(h int32) {
	want := int32(-1)
	if hs := &b.hosts[h]; hs.State == models.HostOn {
		want = int32(hs.Free.CPU)
	}
	if want == b.key[h] {
		return
	}
	if k := b.key[h]; k >= 0 { // unlink
		p, n := b.prev[h], b.next[h]
		if p >= 0 {
			b.next[p] = n
		} else {
			b.head[k] = n
			if n < 0 {
				b.nonEmpty.clear(int(k))
			}
		}
		if n >= 0 {
			b.prev[n] = p
		}
	}
	b.key[h] = want
	if want >= 0 { // push front
		n := b.head[want]
		b.prev[h], b.next[h] = -1, n
		if n >= 0 {
			b.prev[n] = h
		} else {
			b.nonEmpty.set(int(want))
		}
		b.head[want] = h
	}
}

// bestFit returns a host with the least free CPU that still fits d.
func (b *cpuBuckets) bestFit(d models.Resources) int32 {
	if d.CPU >= int64(len(b.head)) {
		return -1
	}
	for c := b.nonEmpty.next(int(d.CPU)); c >= 0; c = b.nonEmpty.next(c + 1) {
		for h := b.head[c]; h >= 0; h = b.next[h] {
			if b.hosts[h].Free.Fits(d) {
				return h
			}
		}
	}
	return -1
}

// worstFit returns a host with the most free CPU that fits d.
func (b *cpuBuckets) worstFit(d models.Resources) int32 {
	for c := b.nonEmpty.prev(len(b.head) - 1); c >= int(d.CPU); c = b.nonEmpty.prev(c - 1) {
		for h := b.head[c]; h >= 0; h = b.next[h] {
			if b.hosts[h].Free.Fits(d) {
				return h
			}
		}
	}
	return -1
}

// maxTree is a segment tree over host indices holding, per subtree, the maximum free CPU,
// memory and GPUs among hosts that are on (−1 for none). first(d, from) finds the lowest
// index ≥ from that fits d by descending only into subtrees whose maxima admit d: O(log H) when
// one dimension binds, with a little backtracking when different hosts hold the maxima of
// different dimensions.
type maxTree struct {
	hosts []models.Host
	size  int
	cpu   []int64
	mem   []int64
	gpu   []int64
}

func (t *maxTree) init(hosts []models.Host) {
	t.hosts = hosts
	t.size = 1
	for t.size < len(hosts) {
		t.size <<= 1
	}
	t.cpu = make([]int64, 2*t.size)
	t.mem = make([]int64, 2*t.size)
	t.gpu = make([]int64, 2*t.size)
	for i := range t.cpu {
		t.cpu[i], t.mem[i], t.gpu[i] = -1, -1, -1
	}
	for i := range hosts {
		t.setLeaf(int32(i))
	}
	for i := t.size - 1; i >= 1; i-- {
		t.pull(i)
	}
}

func (t *maxTree) setLeaf(h int32) {
	i := t.size + int(h)
	if hs := &t.hosts[h]; hs.State == models.HostOn {
		t.cpu[i], t.mem[i], t.gpu[i] = hs.Free.CPU, hs.Free.Mem, hs.Free.GPU
	} else {
		t.cpu[i], t.mem[i], t.gpu[i] = -1, -1, -1
	}
}

func (t *maxTree) pull(i int) {
	l, r := 2*i, 2*i+1
	t.cpu[i] = max(t.cpu[l], t.cpu[r])
	t.mem[i] = max(t.mem[l], t.mem[r])
	t.gpu[i] = max(t.gpu[l], t.gpu[r])
}

func (t *maxTree) update(h int32) {
	t.setLeaf(h)
	for i := (t.size + int(h)) >> 1; i >= 1; i >>= 1 {
		c, m, g := t.cpu[i], t.mem[i], t.gpu[i]
		t.pull(i)
		if c == t.cpu[i] && m == t.mem[i] && g == t.gpu[i] {
			return // ancestors unchanged
		}
	}
}

func (t *maxTree) admits(i int, d models.Resources) bool {
	return t.cpu[i] >= d.CPU && t.mem[i] >= d.Mem && t.gpu[i] >= d.GPU
}

// first returns the lowest host index ≥ from that fits d, or -1.
func (t *maxTree) first(d models.Resources, from int) int32 {
	if from >= len(t.hosts) {
		return -1
	}
	return t.search(1, 0, t.size, d, from)
}

func (t *maxTree) search(i, lo, hi int, d models.Resources, from int) int32 {
	if hi <= from || !t.admits(i, d) {
		return -1
	}
	if i >= t.size {
		return int32(i - t.size)
	}
	mid := (lo + hi) / 2
	if r := t.search(2*i, lo, mid, d, from); r >= 0 {
		return r
	}
	return t.search(2*i+1, mid, hi, d, from)
}

// classIndex keeps one cpuBuckets per host class (hosts of identical capacity, e.g. a host
// group). A task is only looked for in the classes whose capacity can hold it, so a GPU task
// never walks CPU-only hosts and a large-memory task never walks small-memory ones: the walk
// within a bucket only meets hosts whose capacity fits, which keeps best and worst fit close to
// O(log H) even when a secondary dimension binds.
type classIndex struct {
	all     []models.Host
	caps    []models.Resources
	classes []cpuBuckets
	classOf []int32 // host → class
	lb      []int   // scratch: per class, the first non-empty bucket in search order
	done    []bool
}

func (x *classIndex) init(hosts []models.Host) {
	x.all = hosts
	x.classOf = make([]int32, len(hosts))
	var members [][]int32
	for h := range hosts {
		k := -1
		for i, c := range x.caps {
			if c == hosts[h].Cap {
				k = i
				break
			}
		}
		if k < 0 {
			k = len(x.caps)
			x.caps = append(x.caps, hosts[h].Cap)
			members = append(members, nil)
		}
		x.classOf[h] = int32(k)
		members[k] = append(members[k], int32(h))
	}
	x.lb = make([]int, len(x.caps))
	x.done = make([]bool, len(x.caps))
	x.classes = make([]cpuBuckets, len(x.caps))
	for k := range x.classes {
		x.classes[k].init(hosts, members[k])
	}
}

func (x *classIndex) update(h int32) { x.classes[x.classOf[h]].update(h) }

// place returns the best-fitting (best) or worst-fitting host over the classes that can hold d.
// Classes are searched in the order of their first non-empty bucket (a bound on what they can
// offer), and the search stops as soon as no remaining class can beat the host found; ties go to
// the lower class index. Usually one class is searched.
func (x *classIndex) place(d models.Resources, best bool) int32 {
	for k := range x.classes {
		c := &x.classes[k]
		x.done[k] = !x.caps[k].Fits(d)
		if x.done[k] {
			continue
		}
		if best {
			x.lb[k] = c.nonEmpty.next(int(d.CPU))
		} else {
			x.lb[k] = c.nonEmpty.prev(len(c.head) - 1)
			if x.lb[k] < int(d.CPU) {
				x.lb[k] = -1
			}
		}
		x.done[k] = x.lb[k] < 0
	}
	// better reports whether free CPU a (class ka) beats b (class kb) in search order.
	better := func(a int64, ka int, b int64, kb int) bool {
		if a != b {
			return (a < b) == best
		}
		return ka < kb
	}
	found, foundK, freeCPU := int32(-1), 0, int64(0)
	for {
		k := -1
		for j := range x.classes {
			if !x.done[j] && (k < 0 || better(int64(x.lb[j]), j, int64(x.lb[k]), k)) {
				k = j
			}
		}
		if k < 0 || (found >= 0 && !better(int64(x.lb[k]), k, freeCPU, foundK)) {
			return found
		}
		x.done[k] = true
		var h int32
		if best {
			h = x.classes[k].bestFit(d)
		} else {
			h = x.classes[k].worstFit(d)
		}
		if h < 0 {
			continue
		}
		if f := x.all[h].Free.CPU; found < 0 || better(f, k, freeCPU, foundK) {
			found, foundK, freeCPU = h, k, f
		}
	}
}
