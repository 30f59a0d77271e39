package sim

// heap4 is a 4-ary min-heap with the same (time, seq) order as radixQueue. The engine used it as
// its main queue before the radix heap (about 9.5 M events/s on PHOLD-10k against 16 M); it now
// holds the radix queue's few "early" events, and tests use it to cross-check the radix order.
type heap4 struct {
	ev []Event
}

func (h *heap4) len() int { return len(h.ev) }

func (h *heap4) push(e Event) {
	h.ev = append(h.ev, e)
	ev := h.ev
	i := len(ev) - 1
	x := ev[i]
	for i > 0 {
		p := (i - 1) >> 2
		if !before(&x, &ev[p]) {
			break
		}
		ev[i] = ev[p]
		i = p
	}
	ev[i] = x
}

func (h *heap4) pop() Event {
	top := h.ev[0]
	n := len(h.ev) - 1
	h.ev[0] = h.ev[n]
	h.ev = h.ev[:n]
	ev := h.ev
	if n == 0 {
		return top
	}
	i, x := 0, ev[0]
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for j := c + 1; j < c+4 && j < n; j++ {
			if before(&ev[j], &ev[m]) {
				m = j
			}
		}
		if !before(&ev[m], &x) {
			break
		}
		ev[i] = ev[m]
		i = m
	}
	ev[i] = x
	return top
}
