package policy

import (
	"math"
	"math/rand/v2"

	"github.com/dcsim/dcsim/models"
)

func init() {
	RegisterPlacer("tetris", func() Placer { return &Tetris{} })
}

// Tetris places a task by multi-resource packing (Grandl, Ananthanarayanan, Kandula, Rao &
// Akella, "Multi-resource packing for cluster schedulers", SIGCOMM 2014): among the hosts that
// are on and fit demand d it chooses the one with the highest alignment score, the dot product
// of the task's demand and the host's free capacity, both normalised by the host's capacity in
// each dimension,
//
//	score(h) = Σ_k (d_k / cap_k) · (free_k / cap_k),   k ∈ {CPU, memory, GPU},
//
// ties to the lower host index; a dimension the host has none of (cap_k = 0) contributes 0. Only
// Tetris's alignment term is modelled (not its remaining-work term, fairness knob or barrier
// hints).
//
// The choice is exact: the host an exhaustive scan with tetrisScore picks, the score being
// evaluated in float64 as Σ_k d_k · (free_k · (1/cap_k²)) in a fixed order without fused
// operations, so every platform rounds alike. It is found by best-first branch and bound over
// one freeTree per host class (hosts of identical capacity, whose score weights d_k/cap_k² are
// equal). A node's bound is the smaller of two upper bounds on the score of any host below it,
// from what the node keeps: the "corner" Σ_k d_k·max(free_k)/cap_k² (free CPU at most the top of
// the node's bucket range) and, writing x, y for a host's free CPU and memory shares free/cap,
// α = d_cpu/cap_cpu, β = d_mem/cap_mem and μ = min(α, β), the "diagonal"
// μ·max(x+y) + (α−μ)·max(x) + (β−μ)·max(y) (plus the GPU term), which stays tight when the
// CPU-richest and the memory-richest hosts differ. As the freeTree is ordered by free CPU, a
// node's maxima also prove that a host fitting CPU and memory lies below it (except on the CPU
// demand's boundary path), so the search does not wander into subtrees that only seem to fit.
//
// The search keeps a frontier (a binary heap by bound): it takes the node with the highest
// bound, dives from it into the child with the highest bound down to a bucket, and puts back
// only the siblings whose bound still reaches the best score; it stops when no frontier bound
// does. Within a bucket (one free-CPU value) hosts are scored exactly, and a subtree's bound is
// itself an exact score, so hosts tying with the best one are skipped by their minimum index
// rather than explored. Inner bounds carry a relative slack of 1e-6 for rounding (the share
// sums are float32), so pruning never loses the exact best.
//
// Cost: about 15–26 index nodes (cache lines) per decision on the packed 50,000-host cluster of
// BenchmarkPlace50k, whose four classes give four trees; updates as freeTree's. Demands with
// many exact score ties across free-CPU buckets (a task demanding no CPU on a cluster whose hosts
// all have the same free memory) can visit many more. A demand of zero in every dimension takes
// the first host that is on. Memory: per host class, 16–40 bytes per millicore of its CPU
// capacity; 40 bytes per host.
type Tetris struct {
	hosts   []models.Host
	nodes   *treapNodes
	classes []tetrisClass
	on      bitset // hosts that are on

	// per decision
	d          models.Resources
	wc, wm, wg float64
	bestScore  float64
	bestHost   int32
	heap       []tetrisItem // scratch: the best-first frontier
	visited    int          // index nodes visited in the last decision (for tests)
}

type tetrisClass struct {
	cap        models.Resources
	ic, im, ig float64 // 1/cap_k², 0 where cap_k = 0
	tree       *freeTree

	// per decision: the bound weights (see setWeights)
	sS, sC, sM, sG, a, b float64
}

// tetrisEta is the relative slack that keeps the diagonal bound above float scores.
const tetrisEta = 1e-6

// tetrisInv returns 1/cap² as the score uses it (0 where cap is 0).
func tetrisInv(cap int64) float64 {
	if cap <= 0 {
		return 0
	}
	c := float64(cap)
	return 1 / float64(c*c)
}

// tetrisDot returns the score from the demand (dc, dm, dg), the free capacity (fc, fm, fg) and
// the inverse squared capacities, in a fixed order; the explicit conversions forbid fused
// multiply-adds. It is monotone in each free value.
func tetrisDot(dc, dm, dg, fc, fm, fg, ic, im, ig float64) float64 {
	c := float64(dc * float64(fc*ic))
	m := float64(dm * float64(fm*im))
	g := float64(dg * float64(fg*ig))
	return float64(float64(c+m) + g)
}

// tetrisScore is the Tetris alignment score of demand d on a host with capacity cap and free
// capacity free, exactly as the policy evaluates it.
func tetrisScore(cap, free, d models.Resources) float64 {
	return tetrisDot(float64(d.CPU), float64(d.Mem), float64(d.GPU),
		float64(free.CPU), float64(free.Mem), float64(free.GPU),
		tetrisInv(cap.CPU), tetrisInv(cap.Mem), tetrisInv(cap.GPU))
}

func (p *Tetris) Init(hosts []models.Host, _ *rand.Rand) {
	p.hosts = hosts
	p.nodes = newTreapNodes(hosts)
	classOf := map[models.Resources]int{}
	var members [][]int32
	for h := range hosts {
		k, ok := classOf[hosts[h].Cap]
		if !ok {
			k = len(members)
			classOf[hosts[h].Cap] = k
			members = append(members, nil)
		}
		members[k] = append(members[k], int32(h))
	}
	p.classes = make([]tetrisClass, len(members))
	for k, m := range members {
		c := hosts[m[0]].Cap
		p.classes[k] = tetrisClass{cap: c, ic: tetrisInv(c.CPU), im: tetrisInv(c.Mem), ig: tetrisInv(c.GPU),
			tree: p.nodes.addTree(m, true)}
	}
	p.heap = make([]tetrisItem, 0, 64)
	p.on = newBitset(max(len(hosts), 1))
	for h := range hosts {
		p.setOn(int32(h))
	}
}

func (p *Tetris) setOn(h int32) {
	was := p.on.lv[0][h>>6]>>(uint(h)&63)&1 != 0
	if on := p.hosts[h].State == models.HostOn; on != was {
		if on {
			p.on.set(int(h))
		} else {
			p.on.clear(int(h))
		}
	}
}

func (p *Tetris) Update(h int32) {
	p.nodes.update(h)
	p.setOn(h)
}

func (p *Tetris) Place(d models.Resources) int32 {
	p.visited = 0
	if d.CPU <= 0 && d.Mem <= 0 && d.GPU <= 0 { // every fitting host scores 0
		for h := p.on.next(0); h >= 0; h = p.on.next(h + 1) {
			if p.hosts[h].Free.Fits(d) {
				return int32(h)
			}
		}
		return -1
	}
	p.d = d
	p.wc, p.wm, p.wg = float64(d.CPU), float64(d.Mem), float64(d.GPU)
	p.bestScore, p.bestHost = -1, -1
	p.heap = p.heap[:0]
	for k := range p.classes {
		c := &p.classes[k]
		f := c.tree
		if n := &f.seg[3]; c.cap.Fits(d) && d.CPU <= f.maxCPU && n.mem >= d.Mem && int64(n.gpu) >= d.GPU {
			p.setWeights(c)
			width := 1
			for j := 0; j < f.levels; j++ {
				width *= 4
			}
			p.push(tetrisItem{p.nodeBound(c, n, 0, width), int32(k), 3, 0, int32(width)})
		}
	}
	var sibs [64]tetrisItem // siblings set aside during a dive: at most 3 per level
	dCPU, dMem, dGPU := int(d.CPU), d.Mem, d.GPU
	for len(p.heap) > 0 && p.heap[0].b >= p.bestScore {
		it := p.pop()
		c := &p.classes[it.k]
		f := c.tree
		s, lo, width := int(it.s), int(it.lo), int(it.width)
		ns := 0
		for { // dive
			p.visited++
			if width == 1 {
				p.bucket(c, f.nodes.t, f.seg[s].aux, float64(lo), f.seg[s].mem)
				break
			}
			width /= 4
			cs := 4*s - 8
			bj, bb := -1, -1.0
			for j := 0; j < 4; j++ {
				clo := lo + j*width
				if clo+width <= dCPU || clo >= f.nb {
					continue
				}
				n := &f.seg[cs+j]
				if n.mem < dMem || int64(n.gpu) < dGPU {
					continue
				}
				b := p.nodeBound(c, n, clo, width)
				k := j
				if b >= bb { // ties: the child with more free CPU
					k, bj, b, bb = bj, j, bb, b
				}
				if k >= 0 {
					sibs[ns] = tetrisItem{b, it.k, int32(cs + k), int32(lo + k*width), int32(width)}
					ns++
				}
			}
			if bj < 0 || bb < p.bestScore {
				break
			}
			s, lo = cs+bj, lo+bj*width
		}
		for _, it := range sibs[:ns] {
			if it.b >= p.bestScore {
				p.push(it)
			}
		}
	}
	return p.bestHost
}

// setWeights prepares class c's diagonal-bound weights for the current demand: in free shares
// x, y, z (free/cap of CPU, memory, GPUs) the score is αx + βy + γz with α = d_cpu/cap_cpu,
// β = d_mem/cap_mem, γ = d_gpu/cap_gpu, and with μ = min(α, β) it is at most
// μ·max(x+y) + (α−μ)·max(x) + (β−μ)·max(y) + γ·max(z); the weights apply to raw free values.
// It also sets the corner bound's weights d_k/cap_k².
func (p *Tetris) setWeights(c *tetrisClass) {
	ac, am := inv1(c.cap.CPU), inv1(c.cap.Mem)
	alpha, beta := p.wc*ac, p.wm*am
	mu := min(alpha, beta)
	c.sS, c.sC, c.sM, c.sG = mu, (alpha-mu)*ac, (beta-mu)*am, p.wg*c.ig
	c.a, c.b = p.wc*c.ic, p.wm*c.im // the corner bound's
}

// nodeBound bounds the score of every host below freeTree node n, covering buckets
// [lo, lo+width) (so free CPU at most lo+width−1): the smaller of the corner and diagonal
// bounds, with the relative slack tetrisEta for rounding (including the float32 share). The
// bucket search then scores hosts exactly.
func (p *Tetris) nodeBound(c *tetrisClass, n *segNode, lo, width int) float64 {
	fc := float64(min(int64(lo+width-1), c.tree.maxCPU))
	fm, fg := float64(n.mem), float64(n.gpu)
	gz := c.sG * fg
	corner := c.a*fc + c.b*fm + gz
	if width > 1 {
		s := float64(math.Float32frombits(uint32(n.aux)))
		corner = min(corner, c.sS*s+c.sC*fc+c.sM*fm+gz)
	}
	return corner * (1 + tetrisEta)
}

// bucket searches the treap at x, the hosts with free CPU fc, whose free memory is at most ub,
// for hosts that beat the best so far. A subtree's bound is the exact score of the point
// (fc, ub, its maximum free GPUs), so a subtree of hosts tying with the best one is skipped by
// its minimum index. Where a right subtree may hold more free memory it is searched first;
// where it holds the same (ub = the node's), the left one (lower indices) is.
func (p *Tetris) bucket(c *tetrisClass, t []treapNode, x int32, fc float64, ub int64) {
	for x >= 0 && ub >= p.d.Mem {
		n := &t[x]
		if int64(n.aggG) < p.d.GPU {
			return
		}
		p.visited++
		b := tetrisDot(p.wc, p.wm, p.wg, fc, float64(ub), float64(n.aggG), c.ic, c.im, c.ig)
		if b < p.bestScore || (b == p.bestScore && n.minI >= p.bestHost) {
			return
		}
		if ub > n.fm {
			p.bucket(c, t, n.r, fc, ub)
			p.score(c, x, fc)
			x, ub = n.l, n.fm
		} else {
			p.bucket(c, t, n.l, fc, n.fm)
			p.score(c, x, fc)
			x = n.r
		}
	}
}

// score considers host x, of free CPU fc, as the best.
func (p *Tetris) score(c *tetrisClass, x int32, fc float64) {
	n := &p.nodes.t[x]
	if n.fm >= p.d.Mem && int64(n.fg) >= p.d.GPU {
		s := tetrisDot(p.wc, p.wm, p.wg, fc, float64(n.fm), float64(n.fg), c.ic, c.im, c.ig)
		if s > p.bestScore || (s == p.bestScore && x < p.bestHost) {
			p.bestScore, p.bestHost = s, x
		}
	}
}

// tetrisItem is a freeTree node on the frontier: its bound, class, slot and bucket range.
type tetrisItem struct {
	b               float64
	k, s, lo, width int32
}

func (p *Tetris) push(it tetrisItem) {
	h := append(p.heap, it)
	j := len(h) - 1
	for j > 0 {
		u := (j - 1) / 2
		if h[u].b >= it.b {
			break
		}
		h[j] = h[u]
		j = u
	}
	h[j] = it
	p.heap = h
}

func (p *Tetris) pop() tetrisItem {
	h := p.heap
	top, last := h[0], h[len(h)-1]
	h = h[:len(h)-1]
	n, j := len(h), 0
	for {
		c := 2*j + 1
		if c >= n {
			break
		}
		if c+1 < n && h[c+1].b > h[c].b {
			c++
		}
		if h[c].b <= last.b {
			break
		}
		h[j] = h[c]
		j = c
	}
	if n > 0 {
		h[j] = last
	}
	p.heap = h
	return top
}
