package sim

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// pholdPart is one partition of parallel PHOLD: lps logical processes with one pending event
// each; handling an event schedules the next one after an exponential increment (mean 1 s), on
// another partition with probability remote (the message then also travels the lookahead).
type pholdPart struct {
	id, parts int32
	eng       *Engine
	rng       *rand.Rand
	lps       int
	remote    float64
	lookahead Time
	hash      uint64 // order-sensitive digest of the handled events
	handled   int64
	_         [64]byte // no false sharing between partitions on different workers
}

func newPholdPart(id, parts int32, lps int, remote float64, lookahead Time) *pholdPart {
	p := &pholdPart{id: id, parts: parts, eng: NewEngine(), rng: rand.New(NewStream(1, fmt.Sprint("phold/", id))),
		lps: lps, remote: remote, lookahead: lookahead}
	for i := 0; i < lps; i++ {
		p.eng.Schedule(Time(p.rng.ExpFloat64()*1e6), 0, int32(i), 0)
	}
	return p
}

func (p *pholdPart) NextTime() Time { return p.eng.PeekTime() }

func (p *pholdPart) Advance(end Time, out *Outbox[int32]) {
	for {
		ev, ok := p.eng.NextBefore(end)
		if !ok {
			return
		}
		p.handled++
		p.hash = (p.hash ^ uint64(ev.Time) ^ uint64(ev.A)<<40) * 1099511628211
		d := Time(p.rng.ExpFloat64()*1e6) + 1
		lp := int32(p.rng.IntN(p.lps))
		if p.parts > 1 && p.rng.Float64() < p.remote {
			dst := int32(p.rng.IntN(int(p.parts) - 1))
			if dst >= p.id {
				dst++
			}
			out.Send(ev.Time, dst, ev.Time+p.lookahead+d, lp)
		} else {
			p.eng.After(d, 0, lp, 0)
		}
	}
}

func (p *pholdPart) Receive(msgs []Msg[int32]) {
	for i := range msgs {
		p.eng.Schedule(msgs[i].Time, 0, msgs[i].Payload, 0)
	}
}

func runParallelPHOLD(parts, lps, workers int, remote float64, lookahead, horizon Time) ([]*pholdPart, ParallelStats) {
	ps := make([]*pholdPart, parts)
	pp := make([]Partition[int32], parts)
	for i := range ps {
		ps[i] = newPholdPart(int32(i), int32(parts), lps, remote, lookahead)
		pp[i] = ps[i]
	}
	run := &Parallel[int32]{Parts: pp, Lookahead: lookahead, Horizon: horizon, Workers: workers}
	return ps, run.Run()
}

// TestParallelDeterminism: the events every partition handles, in order, are identical for
// 1, 2, 3, 4, 8 and 16 workers.
func TestParallelDeterminism(t *testing.T) {
	for _, remote := range []float64{0, 0.1, 0.9} {
		var want []uint64
		for _, w := range []int{1, 2, 3, 4, 8, 16} {
			ps, st := runParallelPHOLD(8, 200, w, remote, 100*Millisecond, 200*Second)
			var got []uint64
			for _, p := range ps {
				got = append(got, p.hash, uint64(p.handled))
			}
			if want == nil {
				want = got
				if st.Windows == 0 || (remote > 0 && st.Messages == 0) {
					t.Fatalf("remote %.1f: nothing happened: %+v", remote, st)
				}
				continue
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("remote %.1f: %d workers differ from 1 worker in partition %d", remote, w, i/2)
				}
			}
		}
	}
}

// TestParallelMatchesSequentialWhenIsolated: with no remote events, each partition is a plain
// sequential PHOLD, so its digest must match an engine run alone with the same stream.
func TestParallelMatchesSequentialWhenIsolated(t *testing.T) {
	ps, _ := runParallelPHOLD(4, 100, 2, 0, 50*Millisecond, 100*Second)
	for i, p := range ps {
		alone := newPholdPart(int32(i), 4, 100, 0, 50*Millisecond) // same draws, never remote
		alone.eng.SetHorizon(100 * Second)
		alone.Advance(MaxTime, &Outbox[int32]{})
		if alone.hash != p.hash || alone.handled != p.handled {
			t.Fatalf("partition %d: %d events in parallel, %d alone", i, p.handled, alone.handled)
		}
	}
}

// BenchmarkParallelPHOLD: 16 partitions × 2,000 LPs, 10% remote events, lookahead 1 s
// (mean increment 1 s). Reports events/s and the share of worker time waiting at barriers.
func BenchmarkParallelPHOLD(b *testing.B) {
	for _, w := range []int{1, 2, 4, 8, 16} {
		if w > 2*runtime.NumCPU() {
			continue
		}
		for _, la := range []Time{100 * Millisecond, Second} {
			b.Run(fmt.Sprintf("workers=%d/lookahead=%v", w, la), func(b *testing.B) {
				var events int64
				var wait float64
				for i := 0; i < b.N; i++ {
					ps, st := runParallelPHOLD(16, 2000, w, 0.1, la, 200*Second)
					for _, p := range ps {
						events += p.handled
					}
					wait += st.WaitShare()
				}
				b.ReportMetric(float64(events)/b.Elapsed().Seconds()/1e6, "Mevents/s")
				b.ReportMetric(100*wait/float64(b.N), "barrier-wait-%")
			})
		}
	}
}

// BenchmarkParallelOverhead runs the same 10,000-LP PHOLD partition directly on its engine
// ("direct") and as the single partition of the parallel engine with one worker and 1 s windows
// ("windows"): the difference is the cost of the partitioning machinery on the sequential path.
func BenchmarkParallelOverhead(b *testing.B) {
	for _, mode := range []string{"direct", "windows"} {
		b.Run(mode, func(b *testing.B) {
			p := newPholdPart(0, 1, 10_000, 0, Second)
			horizon := Time(float64(b.N)/10_000*1e6) + 1 // about b.N events at 10,000 per second
			b.ResetTimer()
			if mode == "direct" {
				p.eng.SetHorizon(horizon)
				p.Advance(MaxTime, &Outbox[int32]{})
			} else {
				run := &Parallel[int32]{Parts: []Partition[int32]{p}, Lookahead: Second, Horizon: horizon, Workers: 1}
				run.Run()
			}
			b.StopTimer()
			b.ReportMetric(float64(p.handled)/b.Elapsed().Seconds()/1e6, "Mevents/s")
		})
	}
}
