package policy

import (
	"math/rand/v2"

	"github.com/dcsim/dcsim/models"
)

func init() {
	RegisterPlacer("power-of-two", func() Placer { return &PowerOfTwo{} })
}

// PowerOfTwo places a task by the power of two choices (Mitzenmacher, "The power of two choices
// in randomized load balancing", IEEE TPDS 12(10), 2001; Azar, Broder, Karlin & Upfal, STOC
// 1994): it samples two distinct hosts that are on and fit the demand and takes the less loaded
// one — the one with more free CPU (millicores), ties to the lower host index.
//
// Sampling uniformly among the fitting hosts needs no per-demand index: the rule is rejection
// sampling with a bounded number of draws, then an index-based fallback.
//
//  1. Draw up to powerOfTwoDraws host indices uniformly at random (with replacement) from the
//     policy's random stream. A draw that is on, fits and is not already a candidate becomes a
//     candidate; drawing stops at two candidates. Conditioned on success, the two candidates
//     are a uniformly random pair of distinct fitting hosts.
//  2. If fewer than two were found (when a fraction f of the hosts fit, this happens with
//     probability (1−f)^16 + 16f(1−f)^15: 6% at f = 1/4, 0.03% at f = 1/2), the missing
//     candidates come from the max-free segment tree: the first fitting host at or after a
//     random index (wrapping around) and, if that is already a candidate, the next fitting host
//     after it (wrapping). This finds a host whenever one fits, and a second whenever two fit,
//     in O(log H); these fallback candidates are not uniform (a fitting host after a long run
//     of non-fitting ones is favoured).
//
// It returns -1 exactly when no host is on and fits.
type PowerOfTwo struct {
	t     maxTree
	hosts []models.Host
	rng   *rand.Rand
}

// powerOfTwoDraws bounds the rejection-sampling draws per decision.
const powerOfTwoDraws = 16

func (p *PowerOfTwo) Init(hosts []models.Host, rng *rand.Rand) {
	p.t.init(hosts)
	p.hosts, p.rng = hosts, rng
}

func (p *PowerOfTwo) Place(d models.Resources) int32 {
	n := len(p.hosts)
	if n == 0 || !p.t.admits(1, d) {
		return -1
	}
	a, b := int32(-1), int32(-1)
	for i := 0; i < powerOfTwoDraws; i++ {
		h := int32(p.rng.IntN(n))
		if hs := &p.hosts[h]; hs.State != models.HostOn || !hs.Free.Fits(d) || h == a {
			continue
		}
		if a < 0 {
			a = h
			continue
		}
		b = h
		break
	}
	if b < 0 {
		c := p.firstFrom(d, p.rng.IntN(n))
		if c < 0 {
			return -1 // a < 0 too: a candidate would have been found
		}
		if c == a || a < 0 {
			if a < 0 {
				a = c
			}
			c = p.firstFrom(d, int(a)+1)
		}
		if c == a {
			return a // the only fitting host
		}
		b = c
	}
	fa, fb := p.hosts[a].Free.CPU, p.hosts[b].Free.CPU
	if fb > fa || (fb == fa && b < a) {
		return b
	}
	return a
}

// firstFrom returns the first fitting host at or after index from, wrapping around, or -1.
func (p *PowerOfTwo) firstFrom(d models.Resources, from int) int32 {
	if from < len(p.hosts) {
		if h := p.t.first(d, from); h >= 0 {
			return h
		}
	}
	return p.t.first(d, 0)
}

func (p *PowerOfTwo) Update(h int32) { p.t.update(h) }
