package network

// Two hand-written indexed binary heaps. Each element records its own position so that a key can
// be changed or an element removed in O(log n) without a search, and no operation allocates once
// the backing slice has grown to its working size.

// Ranks of fill events that fall at the same level: a resource joins the recomputed region before
// any saturation at that level is handled, and saturations come before flow events (a cap, or an
// untouched flow reaching its previous level), so that a flow's consistency check sees every
// resource that saturates at its level.
const (
	rankEntry uint8 = iota
	rankSaturation
	rankFlow
)

// Kinds of fill events.
const (
	kindResource   uint8 = iota // a resource's entry (rankEntry) or saturation (rankSaturation)
	kindCheckpoint              // the next tracked flow in a region resource's checkpoint list
	kindCap                     // a recomputed flow reaching its rate cap
)

// fillItem is one pending event of the progressive filling. item is a resource id (kinds
// resource and checkpoint) or a flow slot (kind cap). Order: level, then rank, then tie
// (resource id or FlowID), so equal levels are handled in a fixed total order.
type fillItem struct {
	key  float64
	tie  uint64
	item int32
	rank uint8
	kind uint8
}

func (a *fillItem) less(b *fillItem) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	return a.tie < b.tie
}

// fillHeap is the event queue of one recomputation; it is empty between recomputations.
type fillHeap struct {
	it []fillItem
	s  *Solver
}

func (h *fillHeap) len() int { return len(h.it) }

// posOf returns the position field of an item.
func (h *fillHeap) posOf(x *fillItem) *int32 {
	switch x.kind {
	case kindResource:
		return &h.s.res[x.item].hpos
	case kindCheckpoint:
		return &h.s.res[x.item].ckHpos
	}
	return &h.s.fh[x.item].hpos
}

func (h *fillHeap) set(i int, x fillItem) {
	h.it[i] = x
	*h.posOf(&x) = int32(i)
}

func (h *fillHeap) up(i int) {
	x := h.it[i]
	for i > 0 {
		p := (i - 1) >> 1
		if !x.less(&h.it[p]) {
			break
		}
		h.set(i, h.it[p])
		i = p
	}
	h.set(i, x)
}

func (h *fillHeap) down(i int) {
	n := len(h.it)
	x := h.it[i]
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h.it[c+1].less(&h.it[c]) {
			c++
		}
		if !h.it[c].less(&x) {
			break
		}
		h.set(i, h.it[c])
		i = c
	}
	h.set(i, x)
}

// push inserts an item that is not in the heap.
func (h *fillHeap) push(x fillItem) {
	h.it = append(h.it, x)
	h.up(len(h.it) - 1)
}

// update sets the key and rank of the item at position i.
func (h *fillHeap) update(i int32, key float64, rank uint8) {
	old := h.it[i]
	h.it[i].key, h.it[i].rank = key, rank
	if h.it[i].less(&old) {
		h.up(int(i))
	} else {
		h.down(int(i))
	}
}

func (h *fillHeap) pop() fillItem {
	top := h.it[0]
	*h.posOf(&top) = -1
	n := len(h.it) - 1
	if n > 0 {
		h.it[0] = h.it[n]
		h.it = h.it[:n]
		h.down(0)
	} else {
		h.it = h.it[:0]
	}
	return top
}

// remove deletes the item at position i.
func (h *fillHeap) remove(i int32) {
	*h.posOf(&h.it[i]) = -1
	n := len(h.it) - 1
	if int(i) != n {
		last := h.it[n]
		h.it = h.it[:n]
		h.it[i] = last
		pos := h.posOf(&last)
		*pos = i
		h.down(int(i))
		h.up(int(*pos))
	} else {
		h.it = h.it[:n]
	}
}

// doneHeap orders live flows by (completion time, FlowID); NextCompletion reads its top.
type doneHeap struct {
	slot []int32
	s    *Solver
}

func (h *doneHeap) less(a, b int32) bool {
	fa, fb := &h.s.fc[a], &h.s.fc[b]
	if fa.doneUS != fb.doneUS {
		return fa.doneUS < fb.doneUS
	}
	return fa.id < fb.id
}

func (h *doneHeap) set(i int, slot int32) {
	h.slot[i] = slot
	h.s.fc[slot].cpos = int32(i)
}

func (h *doneHeap) up(i int) {
	x := h.slot[i]
	for i > 0 {
		p := (i - 1) >> 1
		if !h.less(x, h.slot[p]) {
			break
		}
		h.set(i, h.slot[p])
		i = p
	}
	h.set(i, x)
}

func (h *doneHeap) down(i int) {
	n := len(h.slot)
	x := h.slot[i]
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h.less(h.slot[c+1], h.slot[c]) {
			c++
		}
		if !h.less(h.slot[c], x) {
			break
		}
		h.set(i, h.slot[c])
		i = c
	}
	h.set(i, x)
}

// fix inserts slot (cpos < 0) or restores the order after its doneUS changed.
func (h *doneHeap) fix(slot int32) {
	i := h.s.fc[slot].cpos
	if i < 0 {
		h.slot = append(h.slot, slot)
		h.up(len(h.slot) - 1)
		return
	}
	h.up(int(i))
	h.down(int(h.s.fc[slot].cpos))
}

func (h *doneHeap) remove(slot int32) {
	i := h.s.fc[slot].cpos
	if i < 0 {
		return
	}
	h.s.fc[slot].cpos = -1
	n := len(h.slot) - 1
	if int(i) != n {
		last := h.slot[n]
		h.slot = h.slot[:n]
		h.set(int(i), last)
		h.down(int(i))
		h.up(int(h.s.fc[last].cpos))
	} else {
		h.slot = h.slot[:n]
	}
}
