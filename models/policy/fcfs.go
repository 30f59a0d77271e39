package policy

func init() { RegisterQueue("fcfs", func() Queue { return &FCFS{} }) }

// FCFS is first-come-first-served: tasks start in submission order, and a task that does not fit
// blocks those behind it (strict FCFS, as in the M/M/c model and the SWF world's baseline).
// It is a ring buffer, so Push and PopFront are O(1) and allocation-free once grown.
type FCFS struct {
	buf        []Entry
	head, size int
}

// Push appends e at the back.
func (q *FCFS) Push(e Entry) {
	if q.size == len(q.buf) {
		n := 2 * len(q.buf)
		if n == 0 {
			n = 64
		}
		nb := make([]Entry, n)
		for i := 0; i < q.size; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.size)%len(q.buf)] = e
	q.size++
}

// Front returns the oldest entry.
func (q *FCFS) Front() (Entry, bool) {
	if q.size == 0 {
		return Entry{}, false
	}
	return q.buf[q.head], true
}

// PopFront removes the oldest entry.
func (q *FCFS) PopFront() {
	q.head++
	if q.head == len(q.buf) {
		q.head = 0
	}
	q.size--
}

// Len is the number of waiting entries.
func (q *FCFS) Len() int { return q.size }
