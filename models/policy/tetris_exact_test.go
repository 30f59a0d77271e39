package policy

import (
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/models"
)

// tetrisScan returns the exact Tetris choice by exhaustive scan: the fitting host with the
// highest tetrisScore, ties to the lower index, and its score; -1 when none fits.
func tetrisScan(hosts []models.Host, d models.Resources) (int32, float64) {
	best, bestS := int32(-1), -1.0
	for i := range hosts {
		hs := &hosts[i]
		if hs.State != models.HostOn || !hs.Free.Fits(d) {
			continue
		}
		if s := tetrisScore(hs.Cap, hs.Free, d); s > bestS {
			best, bestS = int32(i), s
		}
	}
	return best, bestS
}

// tetrisGap accumulates the quality of Tetris decisions against the exhaustive scan.
type tetrisGap struct {
	n, exact, visited, maxVisited int
	sumGap, worst                 float64
}

func (g *tetrisGap) add(t *testing.T, hosts []models.Host, p *Tetris, d models.Resources) {
	t.Helper()
	h := p.Place(d)
	g.visited += p.visited
	g.maxVisited = max(g.maxVisited, p.visited)
	want, wantS := tetrisScan(hosts, d)
	if (h < 0) != (want < 0) {
		t.Fatalf("tetris chose %d for %+v, scan %d", h, d, want)
	}
	if h < 0 {
		return
	}
	if hs := &hosts[h]; hs.State != models.HostOn || !hs.Free.Fits(d) {
		t.Fatalf("tetris chose host %d that does not fit %+v", h, d)
	}
	g.n++
	if h == want {
		g.exact++
		return
	}
	gap := 0.0
	if wantS > 0 {
		gap = (wantS - tetrisScore(hosts[h].Cap, hosts[h].Free, d)) / wantS
	}
	g.sumGap += gap
	g.worst = max(g.worst, gap)
}

func (g *tetrisGap) report(t *testing.T, label string) {
	t.Helper()
	t.Logf("%-30s decisions %6d  exact-best %7.3f%%  mean gap %.2e  worst gap %.2e  nodes/decision mean %.1f max %d",
		label, g.n, 100*float64(g.exact)/float64(g.n), g.sumGap/float64(g.n), g.worst,
		float64(g.visited)/float64(g.n), g.maxVisited)
	if g.exact != g.n {
		t.Errorf("%s: %d of %d decisions differ from the exhaustive scan", label, g.n-g.exact, g.n)
	}
}

// TestTetrisExact checks Tetris against the exhaustive scan (tetrisScan) on random clusters
// churned by Tetris itself and on the steady 50,000-host benchmark cluster: every decision must
// pick the scan's host (score and tie-break). Run with -v for the figures (relative score gap,
// share of decisions that pick the exact best, index nodes visited per decision).
func TestTetrisExact(t *testing.T) {
	var g tetrisGap
	rng := rand.New(rand.NewPCG(21, 22))
	for c := 0; c < 20; c++ {
		hosts := placeTestCluster(rng, 500+rng.IntN(3000))
		p := &Tetris{}
		p.Init(hosts, nil)
		var running []placeAlloc
		for step := 0; step < 6000; step++ {
			if len(running) > 0 && rng.IntN(5) < 2 {
				k := rng.IntN(len(running))
				a := running[k]
				running[k] = running[len(running)-1]
				running = running[:len(running)-1]
				hosts[a.h].Free = hosts[a.h].Free.Add(a.d)
				p.Update(a.h)
				continue
			}
			if rng.IntN(200) == 0 { // power a host off or on
				h := int32(rng.IntN(len(hosts)))
				if hosts[h].State == models.HostOn {
					hosts[h].State = models.HostOff
				} else {
					hosts[h].State = models.HostOn
				}
				p.Update(h)
			}
			d := placeTestDemand(rng)
			if step%4 == 0 {
				g.add(t, hosts, p, d)
			}
			if h := p.Place(d); h >= 0 {
				hosts[h].Free = hosts[h].Free.Sub(d)
				p.Update(h)
				running = append(running, placeAlloc{h, d})
			}
		}
	}
	g.report(t, "random clusters")
	if testing.Short() {
		return
	}
	for _, shuffle := range []bool{false, true} {
		hosts := p50kCluster(50000, shuffle)
		p := &Tetris{}
		p.Init(hosts, nil)
		s := newP50kSteady(hosts, p, p50kDemands(1<<18, 5), 0.7)
		var g tetrisGap
		for q := 0; q < 500; q++ {
			g.add(t, hosts, p, s.demands[(s.next+q*7)%len(s.demands)])
		}
		label := "50k steady (contiguous)"
		if shuffle {
			label = "50k steady (shuffled)"
		}
		g.report(t, label)
	}
}
