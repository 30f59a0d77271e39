package failure

import "github.com/dcsim/dcsim/sim"

// timer is a pending transition of one renewal process: a host's own process (id < hosts) or a
// rack's (id = hosts + rack index).
type timer struct {
	t  sim.Time
	id uint32
}

func (a timer) less(b timer) bool { return a.t < b.t || (a.t == b.t && a.id < b.id) }

// timerHeap is a binary min-heap of timers ordered by (time, id). Every process has at most
// one pending timer, so the heap holds at most (grouped hosts + racks) entries.
type timerHeap []timer

func (h *timerHeap) push(x timer) {
	*h = append(*h, x)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[i].less(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

// pop removes and returns the smallest timer; the heap must not be empty.
func (h *timerHeap) pop() timer {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	*h = s
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s[r].less(s[l]) {
			m = r
		}
		if !s[m].less(s[i]) {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	return top
}
