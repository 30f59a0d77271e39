package policy

import (
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/models"
)

func TestBitsetNextPrev(t *testing.T) {
	for _, n := range []int{1, 63, 64, 65, 4096, 300_000} {
		rng := rand.New(rand.NewPCG(uint64(n), 1))
		b := newBitset(n)
		ref := make([]bool, n)
		for step := 0; step < 3000; step++ {
			i := rng.IntN(n)
			if rng.IntN(3) == 0 {
				b.clear(i)
				ref[i] = false
			} else {
				b.set(i)
				ref[i] = true
			}
			q := rng.IntN(n)
			wantNext, wantPrev := -1, -1
			for j := q; j < n; j++ {
				if ref[j] {
					wantNext = j
					break
				}
			}
			for j := q; j >= 0; j-- {
				if ref[j] {
					wantPrev = j
					break
				}
			}
			if got := b.next(q); got != wantNext {
				t.Fatalf("n=%d next(%d) = %d, want %d", n, q, got, wantNext)
			}
			if got := b.prev(q); got != wantPrev {
				t.Fatalf("n=%d prev(%d) = %d, want %d", n, q, got, wantPrev)
			}
		}
	}
}

// TestPlacersAgainstScan checks every placement policy against a brute-force scan over random
// clusters and random allocate/free sequences: the chosen host is on and fits, it is -1 exactly
// when no host fits, and first/best/worst fit pick a host with the extreme key a scan finds.
func TestPlacersAgainstScan(t *testing.T) {
	for _, name := range PlacerNames() {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 7))
			hosts := make([]models.Host, 200)
			for i := range hosts {
				c := models.Resources{CPU: int64(1+rng.IntN(4)) * 16000, Mem: int64(1+rng.IntN(4)) << 34, GPU: int64(rng.IntN(2) * 4)}
				hosts[i] = models.Host{Cap: c, Free: c}
				if rng.IntN(10) == 0 {
					hosts[i].State = models.HostOff
				}
			}
			p, err := NewPlacer(name)
			if err != nil {
				t.Fatal(err)
			}
			p.Init(hosts, rand.New(rand.NewPCG(1, 2)))
			type alloc struct {
				h int32
				d models.Resources
			}
			var running []alloc
			for step := 0; step < 20000; step++ {
				if len(running) > 0 && rng.IntN(2) == 0 {
					k := rng.IntN(len(running))
					a := running[k]
					running[k] = running[len(running)-1]
					running = running[:len(running)-1]
					hosts[a.h].Free = hosts[a.h].Free.Add(a.d)
					p.Update(a.h)
					continue
				}
				d := models.Resources{CPU: int64(1 + rng.IntN(20000)), Mem: int64(rng.IntN(1 << 34)), GPU: int64(rng.IntN(3)) * int64(rng.IntN(2))}
				h := p.Place(d)
				first, minCPU, maxCPU := int32(-1), int64(1<<62), int64(-1)
				for i := range hosts {
					if hosts[i].State == models.HostOn && hosts[i].Free.Fits(d) {
						if first < 0 {
							first = int32(i)
						}
						minCPU = min(minCPU, hosts[i].Free.CPU)
						maxCPU = max(maxCPU, hosts[i].Free.CPU)
					}
				}
				if h < 0 {
					if first >= 0 {
						t.Fatalf("step %d: no host chosen for %+v but host %d fits", step, d, first)
					}
					continue
				}
				if hosts[h].State != models.HostOn || !hosts[h].Free.Fits(d) {
					t.Fatalf("step %d: host %d does not fit %+v", step, h, d)
				}
				switch name {
				case "first-fit":
					if h != first {
						t.Fatalf("first-fit chose %d, scan %d", h, first)
					}
				case "best-fit":
					if hosts[h].Free.CPU != minCPU {
						t.Fatalf("best-fit chose free CPU %d, scan min %d", hosts[h].Free.CPU, minCPU)
					}
				case "worst-fit":
					if hosts[h].Free.CPU != maxCPU {
						t.Fatalf("worst-fit chose free CPU %d, scan max %d", hosts[h].Free.CPU, maxCPU)
					}
				}
				hosts[h].Free = hosts[h].Free.Sub(d)
				p.Update(h)
				running = append(running, alloc{h, d})
			}
		})
	}
}

func TestFCFSOrder(t *testing.T) {
	var q FCFS
	for i := 0; i < 1000; i++ {
		q.Push(Entry{Ref: int32(i)})
		if i%3 == 0 {
			e, _ := q.Front()
			q.PopFront()
			_ = e
		}
	}
	prev := int32(-1)
	for q.Len() > 0 {
		e, _ := q.Front()
		if e.Ref <= prev {
			t.Fatalf("out of order: %d after %d", e.Ref, prev)
		}
		prev = e.Ref
		q.PopFront()
	}
}

func TestRegistry(t *testing.T) {
	for _, n := range []string{"first-fit", "best-fit", "worst-fit", "random"} {
		if !Known("placement", n) {
			t.Errorf("%s not registered", n)
		}
	}
	if !Known("queue", "fcfs") || Known("queue", "nope") {
		t.Error("queue registry wrong")
	}
	if _, err := NewPlacer("bestfit"); err == nil {
		t.Error("unknown placer accepted")
	}
}

func benchPlacer(b *testing.B, name string) {
	hosts := make([]models.Host, 10000)
	for i := range hosts {
		c := models.Resources{CPU: 64000, Mem: 256 << 30}
		hosts[i] = models.Host{Cap: c, Free: c}
	}
	p, _ := NewPlacer(name)
	p.Init(hosts, rand.New(rand.NewPCG(1, 2)))
	rng := rand.New(rand.NewPCG(3, 4))
	type alloc struct {
		h int32
		d models.Resources
	}
	// Keep the cluster about 80% full: free the oldest allocation whenever a task does not fit.
	var fifo []alloc
	head := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := models.Resources{CPU: int64(500 + rng.IntN(3500)), Mem: int64(rng.IntN(8 << 30))}
		h := p.Place(d)
		if h < 0 {
			a := fifo[head]
			head++
			hosts[a.h].Free = hosts[a.h].Free.Add(a.d)
			p.Update(a.h)
			continue
		}
		hosts[h].Free = hosts[h].Free.Sub(d)
		p.Update(h)
		if head > 1<<16 {
			fifo = append(fifo[:0], fifo[head:]...)
			head = 0
		}
		fifo = append(fifo, alloc{h, d})
	}
}

func BenchmarkBestFit10k(b *testing.B)  { benchPlacer(b, "best-fit") }
func BenchmarkWorstFit10k(b *testing.B) { benchPlacer(b, "worst-fit") }
func BenchmarkFirstFit10k(b *testing.B) { benchPlacer(b, "first-fit") }
func BenchmarkRandom10k(b *testing.B)   { benchPlacer(b, "random") }
