package sim

import (
	"math/rand/v2"
	"testing"
)

// TestOrderMatchesReferenceHeap drives the engine and the reference 4-ary heap with the same
// random mix of schedules (many at equal times), cancellations and removals, and checks that
// both yield exactly the same sequence: the total order (time, insertion sequence).
func TestOrderMatchesReferenceHeap(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 99))
		eng := NewEngine()
		var ref heap4
		cancelled := map[uint64]bool{}
		var pending []EventID
		var got, want []uint64
		schedule := func() {
			var d Time
			switch rng.IntN(4) {
			case 0:
				d = 0 // ties at the current time
			case 1:
				d = Time(rng.IntN(4)) // dense ties
			default:
				d = Time(rng.Int64N(1 << uint(rng.IntN(40))))
			}
			id := eng.After(d, uint32(rng.IntN(3)), int32(rng.IntN(100)), 0)
			ref.push(Event{Time: eng.Now() + d, seq: uint64(id)})
			pending = append(pending, id)
		}
		for i := 0; i < 50; i++ {
			schedule()
		}
		for steps := 0; steps < 20000; steps++ {
			switch r := rng.IntN(10); {
			case r < 4:
				schedule()
			case r == 4 && len(pending) > 0:
				k := rng.IntN(len(pending))
				id := pending[k]
				if !cancelled[uint64(id)] {
					eng.Cancel(id)
					cancelled[uint64(id)] = true
				}
			case r == 5:
				// A window end: only events before it may come out, and later schedules may land
				// before the queue's last looked-at minimum.
				end := eng.Now() + Time(rng.IntN(8))
				ev, ok := eng.NextBefore(end)
				for ref.len() > 0 && cancelled[ref.ev[0].seq] {
					ref.pop()
				}
				refOK := ref.len() > 0 && ref.ev[0].Time < end
				if ok != refOK {
					t.Fatalf("seed %d: NextBefore(%v) = %v, reference %v", seed, end, ok, refOK)
				}
				if ok {
					got = append(got, ev.seq)
					want = append(want, ref.pop().seq)
					for j, id := range pending {
						if uint64(id) == ev.seq {
							pending = append(pending[:j], pending[j+1:]...)
							break
						}
					}
				}
			default:
				ev, ok := eng.Next()
				for ref.len() > 0 {
					r := ref.pop()
					if !cancelled[r.seq] {
						want = append(want, r.seq)
						break
					}
				}
				if ok {
					got = append(got, ev.seq)
					// Forget handled events so they are never cancelled afterwards.
					for j, id := range pending {
						if uint64(id) == ev.seq {
							pending = append(pending[:j], pending[j+1:]...)
							break
						}
					}
				}
			}
		}
		if len(got) != len(want) {
			t.Fatalf("seed %d: engine returned %d events, reference %d", seed, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("seed %d: event %d: engine seq %d, reference seq %d", seed, i, got[i], want[i])
			}
		}
	}
}

func TestHorizonAndCounts(t *testing.T) {
	eng := NewEngine()
	eng.SetHorizon(10 * Second)
	for _, s := range []Time{1, 5, 10, 11, 20} {
		eng.Schedule(s*Second, 0, 0, 0)
	}
	n := 0
	for {
		if _, ok := eng.Next(); !ok {
			break
		}
		n++
	}
	if n != 3 || eng.Events() != 3 {
		t.Fatalf("handled %d events (counter %d), want 3", n, eng.Events())
	}
	if eng.Now() != 10*Second {
		t.Fatalf("now = %v, want the horizon", eng.Now())
	}
	if eng.Pending() != 2 || eng.PeekTime() != 11*Second {
		t.Fatalf("pending %d, peek %v", eng.Pending(), eng.PeekTime())
	}
	// Extending the horizon and scheduling at the old horizon (before the peeked minimum)
	// must keep the order.
	eng.SetHorizon(MaxTime)
	eng.Schedule(10*Second, 0, 7, 0)
	var times []Time
	for {
		ev, ok := eng.Next()
		if !ok {
			break
		}
		times = append(times, ev.Time)
	}
	want := []Time{10 * Second, 11 * Second, 20 * Second}
	if len(times) != len(want) {
		t.Fatalf("got %v, want %v", times, want)
	}
	for i := range want {
		if times[i] != want[i] {
			t.Fatalf("got %v, want %v", times, want)
		}
	}
}

func TestScheduleInPastPanics(t *testing.T) {
	eng := NewEngine()
	eng.Schedule(5, 0, 0, 0)
	eng.Next()
	defer func() {
		if recover() == nil {
			t.Fatal("scheduling in the past did not panic")
		}
	}()
	eng.Schedule(4, 0, 0, 0)
}

func TestStreamsIndependentAndStable(t *testing.T) {
	a := NewStream(1, "arrivals")
	b := NewStream(1, "arrivals")
	c := NewStream(1, "runtime")
	d := NewStream(2, "arrivals")
	x, y, z, w := a.Uint64(), b.Uint64(), c.Uint64(), d.Uint64()
	if x != y {
		t.Fatal("same seed and name must give the same stream")
	}
	if x == z || x == w {
		t.Fatal("different names or seeds must give different streams")
	}
	// Pin the derivation: changing it silently would change every result file.
	if got := NewStream(42, "default").Uint64(); got != pinnedStream42 {
		t.Fatalf("stream derivation changed: got %d", got)
	}
}

const pinnedStream42 = 15831754851416682340
