package sim

import "math/bits"

// radixQueue is a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, "Faster algorithms for the
// shortest path problem", JACM 1990) specialised for discrete-event simulation, whose keys are
// monotone: no event is ever scheduled before the last one removed. Bucket i holds the events
// whose time differs from `last` (the time of the last minimum) first in bit i-1, so a push is
// an append and each event is moved at most 64 times over its life — in practice once or twice.
// Bucket 0 holds the events at exactly `last`, kept as a FIFO in insertion (seq) order, which
// gives the same total order (time, seq) as the heap.
type radixQueue struct {
	last  uint64
	n     int
	head0 int // read position in b[0]
	b     [65][]Event
	// early holds events scheduled before `last`: this happens when the minimum was looked at
	// (advancing `last`) but not taken — a partition that stopped at its window's end and then
	// received messages for earlier times, or a run extended past its horizon. It is a small heap
	// with the same (time, seq) order.
	early     heap4
	fromEarly bool // the event returned by min is early's top
}

func (q *radixQueue) len() int { return q.n + q.early.len() }

func (q *radixQueue) push(e Event) {
	k := uint64(e.Time)
	if k < q.last {
		q.early.push(e)
		return
	}
	i := bits.Len64(k ^ q.last)
	q.b[i] = append(q.b[i], e)
	q.n++
}

// min makes the minimum event available and returns a pointer to it; removeMin removes it.
// The queue must not be empty.
func (q *radixQueue) min() *Event {
	if len(q.early.ev) == 0 {
		q.fromEarly = false
		return q.radixMin()
	}
	if q.n == 0 {
		q.fromEarly = true
		return &q.early.ev[0]
	}
	r := q.radixMin()
	q.fromEarly = before(&q.early.ev[0], r)
	if q.fromEarly {
		return &q.early.ev[0]
	}
	return r
}

func (q *radixQueue) radixMin() *Event {
	if q.head0 < len(q.b[0]) {
		return &q.b[0][q.head0]
	}
	q.b[0] = q.b[0][:0]
	q.head0 = 0
	i := 1
	for len(q.b[i]) == 0 {
		i++
	}
	src := q.b[i]
	m := uint64(src[0].Time)
	for j := 1; j < len(src); j++ {
		if t := uint64(src[j].Time); t < m {
			m = t
		}
	}
	q.last = m
	for j := range src {
		k := bits.Len64(uint64(src[j].Time) ^ m)
		q.b[k] = append(q.b[k], src[j])
	}
	q.b[i] = src[:0]
	if len(q.b[0]) > 1 {
		sortBySeq(q.b[0])
	}
	return &q.b[0][0]
}

// removeMin removes the event returned by the last call to min.
func (q *radixQueue) removeMin() {
	if q.fromEarly {
		q.early.pop()
		return
	}
	q.head0++
	q.n--
}

// sortBySeq is an insertion sort by seq: the slices it sees are almost always of length 1-3.
func sortBySeq(ev []Event) {
	for i := 1; i < len(ev); i++ {
		x := ev[i]
		j := i
		for j > 0 && ev[j-1].seq > x.seq {
			ev[j] = ev[j-1]
			j--
		}
		ev[j] = x
	}
}
