package sim

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Msg is a timestamped message from one partition to another. Messages take effect in the
// order (Time, Src, seq) — never in the order they happened to be produced — so delivery does not
// depend on how partitions were spread over goroutines.
type Msg[P any] struct {
	Time    Time
	Src     int32
	Dst     int32
	seq     uint64
	Payload P
}

// Outbox collects a partition's outgoing messages, one slice per destination, in two sets:
// during window k the partition appends to set k mod 2 while, at the start of their own
// Advance, the destinations take what it sent in window k−1 from the other set. Only the owner
// appends and only destination d empties slice d, and the barrier separates the two uses of a
// set, so message passing takes no lock and no serial copying.
type Outbox[P any] struct {
	src       int32
	seq       uint64
	lookahead Time
	cur       int
	sets      [2][][]Msg[P] // [set][destination]
	dsts      [2][]int32    // destinations with messages in each set, in first-send order
	min       [2]Time       // earliest message time in each set
	sent      int64
	_         [64]byte // keep outboxes of partitions on different workers off shared cache lines
}

func (o *Outbox[P]) init(src int32, n int, lookahead Time) {
	o.src, o.lookahead = src, lookahead
	for k := range o.sets {
		o.sets[k] = make([][]Msg[P], n)
		o.min[k] = MaxTime
	}
}

// Send sends p to partition dst, to be handled there at time at. The lookahead is the model's
// promise that at ≥ now + lookahead; breaking it would let a message land inside a window that
// another partition may already have processed, so it panics (a model bug, not bad input).
func (o *Outbox[P]) Send(now Time, dst int32, at Time, p P) {
	if at < now+o.lookahead {
		panic(fmt.Sprintf("sim: partition %d sent a message for %v at %v, inside the lookahead %v", o.src, at, now, o.lookahead))
	}
	o.seq++
	o.sent++
	if o.sets[0] == nil { // a stand-alone outbox (a partition run outside Parallel): drop
		return
	}
	b := o.sets[o.cur]
	if len(b[dst]) == 0 {
		o.dsts[o.cur] = append(o.dsts[o.cur], dst)
	}
	b[dst] = append(b[dst], Msg[P]{Time: at, Src: o.src, Dst: dst, seq: o.seq, Payload: p})
	o.min[o.cur] = min(o.min[o.cur], at)
}

// Partition is one part of a partitioned simulation: its own event queue and state, touched only
// by the goroutine currently advancing it.
type Partition[P any] interface {
	// NextTime is the time of its earliest pending event, MaxTime if none.
	NextTime() Time
	// Advance handles every local event with time < end (and ≤ the horizon), sending messages
	// through out.
	Advance(end Time, out *Outbox[P])
	// Receive takes the messages addressed to it, in (Src, seq) order, and schedules them as
	// local engine events at their times (all ≥ the end of the window just processed); the
	// engine's insertion-order tie-break then yields (Time, Src, seq).
	// It may be called several times per window (once per sending partition, in index order).
	Receive(msgs []Msg[P])
}

// ParallelStats describes a parallel run. Wall-clock figures (Busy, Wait) are for reporting only
// and never influence the simulation.
type ParallelStats struct {
	Windows  int64
	Messages int64
	Workers  int
	Wall     time.Duration
	Serial   time.Duration // time in the coordinator's serial phase between windows (OnWindow)
	Busy     time.Duration // summed over workers: time spent advancing partitions
	Wait     time.Duration // summed over workers: time spent waiting at barriers
}

// WaitShare is the fraction of worker time spent waiting at barriers.
func (s ParallelStats) WaitShare() float64 {
	if t := s.Busy + s.Wait; t > 0 {
		return float64(s.Wait) / float64(t)
	}
	return 0
}

// Parallel runs partitions under conservative synchronization with windowed barriers
// (Lubachevsky's bounded-lag / Nicol's YAWNS protocol): with T the earliest pending event time
// over all partitions and L the lookahead, every partition handles its events in [T, T+L)
// independently — no message sent in the window can land in it, because every message travels at
// least L — then all partitions meet at a barrier, where messages are exchanged in
// (time, source, sequence) order. Window boundaries and delivery order depend only on simulation
// state, so results are identical for any number of workers.
type Parallel[P any] struct {
	Parts     []Partition[P]
	Lookahead Time // > 0
	Horizon   Time // MaxTime for none
	Workers   int  // goroutines advancing partitions; <= 1 runs everything on the caller's goroutine
	// OnWindow, if set, runs on the coordinator after each window's messages are delivered, with
	// the window's end; partitions are quiescent then (e.g. to drain their result rows in
	// partition order).
	OnWindow func(end Time)
	// Overlap, if set, runs on the coordinator at the start of every window, while the other
	// workers already advance partitions; the coordinator joins them when it returns (work
	// stealing absorbs the delay). It must not touch partition state: it is for draining what
	// OnWindow set aside (e.g. writing the previous window's result rows).
	Overlap func()

	outs []Outbox[P]
	srcs [][]int32 // per destination: the sources with messages for it in the last window, ascending
}

// Run runs the simulation to the horizon or until no events or messages remain.
func (p *Parallel[P]) Run() ParallelStats {
	if p.Lookahead <= 0 {
		panic("sim: Parallel needs a positive lookahead")
	}
	n := len(p.Parts)
	p.outs = make([]Outbox[P], n)
	p.srcs = make([][]int32, n)
	for i := range p.outs {
		p.outs[i].init(int32(i), n, p.Lookahead)
	}
	workers := min(max(p.Workers, 1), n)
	st := ParallelStats{Workers: workers}
	start := time.Now()

	var pool *workerPool[P]
	if workers > 1 {
		pool = newWorkerPool(p, workers)
		defer pool.stop()
	}
	for {
		// Messages sent in the last window now wait in the outboxes' other set.
		t := MaxTime
		for i, part := range p.Parts {
			o := &p.outs[i]
			o.cur ^= 1 // the set its destinations emptied in the last window becomes current
			o.min[o.cur] = MaxTime
			old := o.cur ^ 1
			for _, d := range o.dsts[old] {
				p.srcs[d] = append(p.srcs[d], int32(i))
			}
			o.dsts[old] = o.dsts[old][:0]
			t = min(t, part.NextTime(), o.min[old])
		}
		if t == MaxTime || t > p.Horizon {
			break
		}
		end := t + p.Lookahead
		if end < t || end > p.Horizon { // overflow, or past the horizon: events at the horizon still run
			end = min(p.Horizon, MaxTime-1) + 1
		}
		st.Windows++
		if pool == nil {
			if p.Overlap != nil {
				p.Overlap()
			}
			t0 := time.Now()
			for i := range p.Parts {
				p.advance(i, end)
			}
			st.Busy += time.Since(t0)
		} else {
			pool.window(end)
		}
		s0 := time.Now()
		if p.OnWindow != nil {
			p.OnWindow(end)
		}
		st.Serial += time.Since(s0)
	}
	// Deliver what is still in flight, so partitions can account for it.
	for d := range p.Parts {
		p.deliver(d)
	}
	for i := range p.outs {
		st.Messages += p.outs[i].sent
	}
	if pool != nil {
		st.Busy, st.Wait = pool.busy(), pool.wait()
	}
	st.Wall = time.Since(start)
	return st
}

// deliver hands partition d the messages sent to it in the previous window: grouped by source
// partition in index order, each source's in send order, i.e. (Src, seq). A partition that
// schedules them as engine events — whose ties are broken by insertion order — handles them in
// (Time, Src, seq) order.
func (p *Parallel[P]) deliver(d int) {
	for _, src := range p.srcs[d] {
		o := &p.outs[src]
		old := o.cur ^ 1
		in := o.sets[old][d]
		p.Parts[d].Receive(in)
		clear(in) // drop payload references
		o.sets[old][d] = in[:0]
	}
	p.srcs[d] = p.srcs[d][:0]
}

// advance delivers partition i's messages, then advances it to end.
func (p *Parallel[P]) advance(i int, end Time) {
	p.deliver(i)
	p.Parts[i].Advance(end, &p.outs[i])
}

// workerPool advances partitions on persistent goroutines. Each worker owns a contiguous range
// of partitions and advances those first, so a partition's state stays in one core's cache from
// window to window; a worker that finishes early steals partitions from the others' ranges
// (load balancing). A partition's result never depends on which worker advanced it. Between windows a worker
// first polls for the next window, yielding its processor to other goroutines (such as the
// result writers) between polls, and parks only if the wait is long: with windows of a few
// hundred microseconds this avoids a futex wake-up per worker per window.
type workerPool[P any] struct {
	p       *Parallel[P]
	n       int
	ranges  []workRange
	end     Time
	epoch   atomic.Uint64 // incremented to start a window
	pending atomic.Int32  // workers other than the coordinator still in the window
	stopped atomic.Bool
	mu      sync.Mutex
	cond    *sync.Cond
	busyNs  []atomic.Int64
	waitNs  []atomic.Int64
}

const spinPolls = 256

// workRange is a worker's partitions [next, hi) still to do in this window, padded to its own
// cache line.
type workRange struct {
	next atomic.Int64
	hi   int64
	lo   int64
	_    [40]byte
}

func newWorkerPool[P any](p *Parallel[P], workers int) *workerPool[P] {
	wp := &workerPool[P]{p: p, n: workers, busyNs: make([]atomic.Int64, workers), waitNs: make([]atomic.Int64, workers)}
	wp.cond = sync.NewCond(&wp.mu)
	wp.ranges = make([]workRange, workers)
	n := len(p.Parts)
	for w := range wp.ranges {
		wp.ranges[w].lo, wp.ranges[w].hi = int64(w*n/workers), int64((w+1)*n/workers)
	}
	for w := 1; w < workers; w++ { // worker 0 is the coordinator's own goroutine
		go wp.loop(w)
	}
	return wp
}

func (wp *workerPool[P]) loop(w int) {
	var seen uint64
	for {
		t0 := time.Now()
		for i := 0; wp.epoch.Load() == seen && !wp.stopped.Load(); i++ {
			if i < spinPolls {
				runtime.Gosched()
				continue
			}
			wp.mu.Lock()
			for wp.epoch.Load() == seen && !wp.stopped.Load() {
				wp.cond.Wait()
			}
			wp.mu.Unlock()
		}
		if wp.stopped.Load() {
			return
		}
		seen = wp.epoch.Load()
		wp.waitNs[w].Add(int64(time.Since(t0)))
		wp.work(w)
		wp.pending.Add(-1)
	}
}

func (wp *workerPool[P]) work(w int) {
	t0 := time.Now()
	for k := 0; k < wp.n; k++ { // own range first, then steal from the next workers'
		r := &wp.ranges[(w+k)%wp.n]
		for {
			i := r.next.Add(1) - 1
			if i >= r.hi {
				break
			}
			wp.p.advance(int(i), wp.end)
		}
	}
	wp.busyNs[w].Add(int64(time.Since(t0)))
}

// window advances every partition to end and returns when all are done.
func (wp *workerPool[P]) window(end Time) {
	wp.end = end
	for i := range wp.ranges {
		wp.ranges[i].next.Store(wp.ranges[i].lo)
	}
	wp.pending.Store(int32(wp.n - 1))
	wp.mu.Lock()
	wp.epoch.Add(1)
	wp.cond.Broadcast()
	wp.mu.Unlock()
	if wp.p.Overlap != nil {
		wp.p.Overlap()
	}
	wp.work(0)
	t0 := time.Now()
	for wp.pending.Load() > 0 {
		runtime.Gosched()
	}
	wp.waitNs[0].Add(int64(time.Since(t0)))
}

func (wp *workerPool[P]) stop() {
	wp.mu.Lock()
	wp.stopped.Store(true)
	wp.cond.Broadcast()
	wp.mu.Unlock()
}

func (wp *workerPool[P]) busy() time.Duration {
	var t int64
	for i := range wp.busyNs {
		t += wp.busyNs[i].Load()
	}
	return time.Duration(t)
}

func (wp *workerPool[P]) wait() time.Duration {
	var t int64
	for i := range wp.waitNs {
		t += wp.waitNs[i].Load()
	}
	return time.Duration(t)
}
