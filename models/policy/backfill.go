package policy

func init() {
	RegisterQueue("easy", func() Queue { return &Backfill{Mode: BackfillEASY} })
	RegisterQueue("conservative", func() Queue { return &Backfill{Mode: BackfillConservative} })
}

// Backfilling modes.
const (
	// BackfillEASY is EASY backfilling (Lifka, "The ANL/IBM SP scheduling system", JSSPP 1995;
	// Mu'alem & Feitelson, IEEE TPDS 2001): jobs start in FCFS order; when the first waiting job
	// does not fit, it gets a reservation at the earliest time enough capacity frees up (its
	// "shadow time", from the running jobs' estimated ends), and a later job may start now if it
	// fits and either ends (by its estimate) before the shadow time or uses only capacity the
	// first job will not need then. Only the first job's reservation is protected.
	BackfillEASY = "easy"
	// BackfillConservative is conservative backfilling (Mu'alem & Feitelson 2001): every waiting
	// job gets a reservation, in FCFS order, at the earliest time it fits in the availability
	// profile without delaying any earlier reservation; a job starts now if its reservation is
	// now. No job is ever delayed by a later one.
	BackfillConservative = "conservative"
)

// Backfill is the queue of the backfilling disciplines: FCFS order with random access, so the
// scheduler can look past a blocked head. The planning itself (reservations from the running
// tasks' estimated ends) is done by the simulator, which knows them; Mode says which rule.
// Planning uses Entry.Estimate (the user's requested time), execution the true run time.
type Backfill struct {
	Mode string
	buf  []Entry
	head int
}

// Push appends e.
func (q *Backfill) Push(e Entry) {
	if q.head > 0 && q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	}
	q.buf = append(q.buf, e)
}

// Front returns the oldest entry.
func (q *Backfill) Front() (Entry, bool) {
	if q.head == len(q.buf) {
		return Entry{}, false
	}
	return q.buf[q.head], true
}

// PopFront removes the oldest entry.
func (q *Backfill) PopFront() {
	q.head++
	if q.head > 1024 && q.head*2 > len(q.buf) { // compact now and then
		n := copy(q.buf, q.buf[q.head:])
		q.buf, q.head = q.buf[:n], 0
	}
}

// Len is the number of waiting entries.
func (q *Backfill) Len() int { return len(q.buf) - q.head }

// At returns the i-th waiting entry in FCFS order (0 is the front).
func (q *Backfill) At(i int) Entry { return q.buf[q.head+i] }

// RemoveRange removes entries i..i+n-1 (FCFS positions), keeping the order of the others.
func (q *Backfill) RemoveRange(i, n int) {
	i += q.head
	q.buf = append(q.buf[:i], q.buf[i+n:]...)
}
