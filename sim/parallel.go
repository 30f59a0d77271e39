package sim

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Msg is a timestamped message from one partition to another. Messages are delivered in the
// order (Time, Src, seq) — never in the order they happened to be produced — so delivery does not
// depend on how partitions were spread over goroutines.
type Msg[P any] struct {
	Time    Time
	Src     int32
	Dst     int32
	seq     uint64
	Payload P
}

// Outbox collects a partition's outgoing messages during a window. Only its own partition
// appends to it, so sending takes no lock.
type Outbox[P any] struct {
	src       int32
	seq       uint64
	lookahead Time
	msgs      []Msg[P]
}

// Send sends p to partition dst, to be handled there at time at. The lookahead is the model's
// promise that at ≥ now + lookahead; breaking it would let a message land inside a window that
// another partition may already have processed, so it panics (a model bug, not bad input).
func (o *Outbox[P]) Send(now Time, dst int32, at Time, p P) {
	if at < now+o.lookahead {
		panic(fmt.Sprintf("sim: partition %d sent a message for %v at %v, inside the lookahead %v", o.src, at, now, o.lookahead))
	}
	o.seq++
	o.msgs = append(o.msgs, Msg[P]{Time: at, Src: o.src, Dst: dst, seq: o.seq, Payload: p})
}

// Partition is one part of a partitioned simulation: its own event queue and state, touched only
// by the goroutine currently advancing it.
type Partition[P any] interface {
	// NextTime is the time of its earliest pending event, MaxTime if none.
	NextTime() Time
	// Advance handles every local event with time < end (and ≤ the horizon), sending messages
	// through out.
	Advance(end Time, out *Outbox[P])
	// Receive takes the messages addressed to it, in delivery order; it schedules them as
	// local events at their times (all ≥ the end of the window just processed).
	Receive(msgs []Msg[P])
}

// ParallelStats describes a parallel run. Wall-clock figures (Busy, Wait) are for reporting only
// and never influence the simulation.
type ParallelStats struct {
	Windows  int64
	Messages int64
	Workers  int
	Wall     time.Duration
	Serial   time.Duration // time in the coordinator's serial phases (message exchange, OnWindow)
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

	outs  []Outbox[P]
	inbox [][]Msg[P]
}

// Run runs the simulation to the horizon or until no events or messages remain.
func (p *Parallel[P]) Run() ParallelStats {
	if p.Lookahead <= 0 {
		panic("sim: Parallel needs a positive lookahead")
	}
	n := len(p.Parts)
	p.outs = make([]Outbox[P], n)
	p.inbox = make([][]Msg[P], n)
	for i := range p.outs {
		p.outs[i] = Outbox[P]{src: int32(i), lookahead: p.Lookahead}
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
		t := MaxTime
		for _, part := range p.Parts {
			t = min(t, part.NextTime())
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
			t0 := time.Now()
			for i, part := range p.Parts {
				part.Advance(end, &p.outs[i])
			}
			st.Busy += time.Since(t0)
		} else {
			pool.window(end)
		}
		s0 := time.Now()
		st.Messages += p.exchange()
		if p.OnWindow != nil {
			p.OnWindow(end)
		}
		st.Serial += time.Since(s0)
	}
	if pool != nil {
		st.Busy, st.Wait = pool.busy(), pool.wait()
	}
	st.Wall = time.Since(start)
	return st
}

// exchange moves every outbox's messages to their destinations in (Time, Src, seq) order.
func (p *Parallel[P]) exchange() int64 {
	var count int64
	for i := range p.outs {
		o := &p.outs[i]
		for _, m := range o.msgs {
			p.inbox[m.Dst] = append(p.inbox[m.Dst], m)
		}
		count += int64(len(o.msgs))
		clear(o.msgs) // drop payload references
		o.msgs = o.msgs[:0]
	}
	for d, in := range p.inbox {
		if len(in) == 0 {
			continue
		}
		// Sources were appended in index order and each source's messages in seq order, so a
		// stable sort by time yields (Time, Src, seq).
		slices.SortStableFunc(in, func(a, b Msg[P]) int {
			switch {
			case a.Time < b.Time:
				return -1
			case a.Time > b.Time:
				return 1
			}
			return 0
		})
		p.Parts[d].Receive(in)
		clear(in)
		p.inbox[d] = in[:0]
	}
	return count
}

// workerPool advances partitions on persistent goroutines. In each window every worker takes
// partitions from a shared atomic counter until none are left (dynamic load balancing: a
// partition's result does not depend on which worker advanced it).
type workerPool[P any] struct {
	p       *Parallel[P]
	n       int
	next    atomic.Int64
	end     Time
	start   []chan struct{}
	done    sync.WaitGroup
	busyNs  []atomic.Int64
	waitNs  []atomic.Int64
	stopped bool
}

func newWorkerPool[P any](p *Parallel[P], workers int) *workerPool[P] {
	wp := &workerPool[P]{p: p, n: workers, start: make([]chan struct{}, workers),
		busyNs: make([]atomic.Int64, workers), waitNs: make([]atomic.Int64, workers)}
	for w := 1; w < workers; w++ { // worker 0 is the coordinator's own goroutine
		wp.start[w] = make(chan struct{}, 1)
		go wp.loop(w)
	}
	return wp
}

func (wp *workerPool[P]) loop(w int) {
	for {
		t0 := time.Now()
		if _, ok := <-wp.start[w]; !ok {
			return
		}
		wp.waitNs[w].Add(int64(time.Since(t0)))
		wp.work(w)
		wp.done.Done()
	}
}

func (wp *workerPool[P]) work(w int) {
	t0 := time.Now()
	parts := wp.p.Parts
	for {
		i := int(wp.next.Add(1)) - 1
		if i >= len(parts) {
			break
		}
		parts[i].Advance(wp.end, &wp.p.outs[i])
	}
	wp.busyNs[w].Add(int64(time.Since(t0)))
}

// window advances every partition to end and returns when all are done.
func (wp *workerPool[P]) window(end Time) {
	wp.end = end
	wp.next.Store(0)
	wp.done.Add(wp.n - 1)
	for w := 1; w < wp.n; w++ {
		wp.start[w] <- struct{}{}
	}
	wp.work(0)
	t0 := time.Now()
	wp.done.Wait()
	wp.waitNs[0].Add(int64(time.Since(t0)))
}

func (wp *workerPool[P]) stop() {
	if !wp.stopped {
		wp.stopped = true
		for w := 1; w < wp.n; w++ {
			close(wp.start[w])
		}
	}
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
