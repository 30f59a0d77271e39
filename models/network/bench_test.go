package network

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fatTreeWorld is a k=16 fat-tree (1,024 hosts, 6,144 directed links of 12.5 GB/s = 100 Gb/s)
// carrying n long flows between random host pairs, all started at time 0.
type fatTreeWorld struct {
	s    *Solver
	topo *Topology
	rng  *rand.Rand
	live []FlowID
	next FlowID
	buf  []ResourceID
}

func newFatTreeWorld(tb testing.TB, n int, mode Mode, tol float64) *fatTreeWorld {
	topo, err := FatTree(16, 12.5e9, 1)
	if err != nil {
		tb.Fatal(err)
	}
	s := NewSolver()
	if err := s.SetMode(mode); err != nil {
		tb.Fatal(err)
	}
	if err := s.SetTolerance(tol); err != nil {
		tb.Fatal(err)
	}
	if err := topo.Install(s); err != nil {
		tb.Fatal(err)
	}
	w := &fatTreeWorld{s: s, topo: topo, rng: rand.New(rand.NewPCG(2024, 16))}
	for i := 0; i < n; i++ {
		w.live = append(w.live, w.start(tb, 0))
	}
	s.NextCompletion() // one batched recomputation of all n flows
	return w
}

// start begins a 1 PB flow (it never completes here) between two random distinct hosts.
func (w *fatTreeWorld) start(tb testing.TB, now int64) FlowID {
	H := w.topo.Hosts()
	src := w.rng.IntN(H)
	dst := w.rng.IntN(H - 1)
	if dst >= src {
		dst++
	}
	w.next++
	var err error
	w.buf, _, err = w.topo.AppendRoute(w.buf[:0], src, dst, uint64(w.next))
	if err != nil {
		tb.Fatal(err)
	}
	if err := w.s.Start(now, w.next, w.buf, 1e15); err != nil {
		tb.Fatal(err)
	}
	return w.next
}

// churn replaces one random live flow by a new one: a departure and an arrival, each followed
// by its own recomputation.
func (w *fatTreeWorld) churn(tb testing.TB, now int64) {
	i := w.rng.IntN(len(w.live))
	if _, err := w.s.Cancel(now, w.live[i]); err != nil {
		tb.Fatal(err)
	}
	w.s.NextCompletion()
	w.live[i] = w.start(tb, now)
	w.s.NextCompletion()
}

// maxRelErrVsFull recomputes every rate from scratch and returns the largest relative difference
// from the rates the solver held.
func (w *fatTreeWorld) maxRelErrVsFull(tb testing.TB, now int64) float64 {
	before := make([]float64, len(w.live))
	for i, id := range w.live {
		before[i], _ = w.s.Rate(id)
	}
	mode := w.s.Mode()
	if err := w.s.SetMode(Full); err != nil {
		tb.Fatal(err)
	}
	c, _ := w.s.Capacity(0)
	if err := w.s.SetCapacity(now, 0, c); err != nil { // any change triggers a recomputation
		tb.Fatal(err)
	}
	worst := 0.0
	for i, id := range w.live {
		r, _ := w.s.Rate(id)
		worst = math.Max(worst, math.Abs(r-before[i])/r)
	}
	if err := w.s.SetMode(mode); err != nil {
		tb.Fatal(err)
	}
	return worst
}

// BenchmarkFatTree100k measures one departure plus one arrival (two recomputations) among
// 100,000 concurrent flows on a k=16 fat-tree, for each recomputation rule. Metrics, per
// recomputation (op): flows-recomputed (flows whose rate was re-derived), flows-changed (of
// those, the flows whose rate actually changed), flows-scanned (flow–resource incidences read),
// resources-recomputed (of 6,144); and recomputations/s and max-rel-err (the largest relative
// rate difference from a from-scratch recomputation at the end).
func BenchmarkFatTree100k(b *testing.B) {
	cases := []struct {
		name string
		mode Mode
		tol  float64
	}{
		{"differential", Differential, DefaultTolerance},
		{"differential-tol1e-6", Differential, 1e-6},
		{"differential-tol1e-3", Differential, 1e-3},
		{"component", Component, DefaultTolerance},
		{"full", Full, DefaultTolerance},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			w := newFatTreeWorld(b, 100_000, c.mode, c.tol)
			st0 := w.s.Stats()
			now := int64(0)
			for b.Loop() {
				now++
				w.churn(b, now)
			}
			st := w.s.Stats()
			n := float64(st.Recomputations - st0.Recomputations)
			b.ReportMetric(n/b.Elapsed().Seconds(), "recomputations/s")
			b.ReportMetric(float64(st.FlowsRecomputed-st0.FlowsRecomputed)/n, "flows-recomputed/op")
			b.ReportMetric(float64(st.FlowsScanned-st0.FlowsScanned)/n, "flows-scanned/op")
			b.ReportMetric(float64(st.ResourcesRecomputed-st0.ResourcesRecomputed)/n, "resources-recomputed/op")
			b.ReportMetric(w.maxRelErrVsFull(b, now+1), "max-rel-err")
			b.ReportMetric(float64(st.FlowsChanged-st0.FlowsChanged)/n, "flows-changed/op")
		})
	}
}

// BenchmarkLeafSpineRackLocal is a contrasting workload where the sharing graph falls apart: 20,000
// flows that stay within their rack on a 64-leaf leaf-spine, so a change touches only its rack.
func BenchmarkLeafSpineRackLocal(b *testing.B) {
	for _, mode := range []Mode{Differential, Component, Full} {
		b.Run(mode.String(), func(b *testing.B) {
			topo, err := LeafSpine(64, 8, 16, 3.125e9, 12.5e9, 1)
			if err != nil {
				b.Fatal(err)
			}
			s := NewSolver()
			if err := s.SetMode(mode); err != nil {
				b.Fatal(err)
			}
			if err := topo.Install(s); err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(7, 7))
			var buf []ResourceID
			start := func(now int64, id FlowID) {
				leaf := rng.IntN(64)
				a, c := rng.IntN(16), rng.IntN(15)
				if c >= a {
					c++
				}
				buf, _, _ = topo.AppendRoute(buf[:0], leaf*16+a, leaf*16+c, uint64(id))
				if err := s.Start(now, id, buf, 1e15); err != nil {
					b.Fatal(err)
				}
			}
			var live []FlowID
			for id := FlowID(1); id <= 20_000; id++ {
				start(0, id)
				live = append(live, id)
			}
			s.NextCompletion()
			next := FlowID(20_000)
			st0 := s.Stats()
			now := int64(0)
			for b.Loop() {
				now++
				i := rng.IntN(len(live))
				if _, err := s.Cancel(now, live[i]); err != nil {
					b.Fatal(err)
				}
				s.NextCompletion()
				next++
				start(now, next)
				live[i] = next
				s.NextCompletion()
			}
			st := s.Stats()
			n := float64(st.Recomputations - st0.Recomputations)
			b.ReportMetric(n/b.Elapsed().Seconds(), "recomputations/s")
			b.ReportMetric(float64(st.FlowsRecomputed-st0.FlowsRecomputed)/n, "flows-recomputed/op")
		})
	}
}
