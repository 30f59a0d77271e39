package report

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// queueEvent is a change of the number of waiting jobs at an integer-microsecond time.
type queueEvent struct {
	t int64 // µs
	d int32 // +1 submit, -1 first start
}

// stepBucket summarizes a piecewise-constant function over [T0, T1): its time-weighted mean,
// minimum and maximum.
type stepBucket struct {
	T0, T1         float64 // s
	Mean, Min, Max float64
}

// queueBuckets turns the submit (+1) and first-start (−1) events of the jobs into the exact
// queue-length step function on [0, end] (µs) and summarizes it in at most n equal-width buckets.
// Events at equal times are applied together, so a job submitted and started at the same
// instant never counts as waiting (a state of zero duration has no weight and is no extreme).
// Events after end are ignored; a job still waiting at end stays counted up to end.
func queueBuckets(ev []queueEvent, end int64, n int) []stepBucket {
	if end <= 0 || n <= 0 {
		return nil
	}
	slices.SortFunc(ev, func(a, b queueEvent) int { return cmp.Compare(a.t, b.t) })
	if int64(n) > end {
		n = int(end)
	}
	bs := make([]stepBucket, n)
	area := make([]float64, n) // job·µs per bucket
	bound := func(i int) int64 { return end/int64(n)*int64(i) + end%int64(n)*int64(i)/int64(n) }
	for i := range bs {
		bs[i] = stepBucket{T0: float64(bound(i)) / 1e6, T1: float64(bound(i+1)) / 1e6, Min: math.Inf(1), Max: math.Inf(-1)}
	}
	// Walk the segments [t, next) with constant level.
	level := int64(0)
	t := int64(0)
	b := 0
	k := 0
	for t < end {
		for k < len(ev) && ev[k].t <= t {
			level += int64(ev[k].d)
			k++
		}
		next := end
		if k < len(ev) && ev[k].t < end {
			next = ev[k].t
		}
		// Spread [t, next) over the buckets it covers.
		for t < next {
			for bound(b+1) <= t {
				b++
			}
			hi := min(next, bound(b+1))
			area[b] += float64(level) * float64(hi-t)
			bs[b].Min = min(bs[b].Min, float64(level))
			bs[b].Max = max(bs[b].Max, float64(level))
			t = hi
		}
	}
	for i := range bs {
		w := float64(bound(i+1) - bound(i))
		if w > 0 {
			bs[i].Mean = area[i] / w
		}
	}
	return bs
}

// waitHist is a histogram of waiting times with one bin for zero and binsPerDecade
// logarithmic bins per decade from 1 µs (the simulator's time resolution) up.
type waitHist struct {
	zero    int64
	counts  []int64 // counts[i]: waits in [edges[i], edges[i+1]); the last bin is open
	total   int64
	invalid int64 // negative or non-finite values (not counted in total)
}

const (
	binsPerDecade = 4
	histMinExp    = -6 // 1 µs
	histMaxExp    = 10 // ~317 years: anything longer lands in the last bin
)

var histEdges = func() []float64 {
	n := (histMaxExp-histMinExp)*binsPerDecade + 1
	e := make([]float64, n)
	for i := range e {
		e[i] = math.Pow(10, float64(histMinExp)+float64(i)/binsPerDecade)
	}
	return e
}()

func newWaitHist() *waitHist { return &waitHist{counts: make([]int64, len(histEdges))} }

func (h *waitHist) add(w float64) {
	switch {
	case math.IsNaN(w) || math.IsInf(w, 0) || w < 0:
		h.invalid++
		return
	case w == 0:
		h.zero++
	default:
		// The bin i with edges[i] <= w < edges[i+1]; below 1 µs counts in the first bin.
		i := sort.SearchFloat64s(histEdges, w)
		if i == len(histEdges) || histEdges[i] != w {
			i--
		}
		h.counts[max(i, 0)]++
	}
	h.total++
}

// quantile7 is the sample quantile of sorted x at probability p by linear interpolation
// between order statistics: Hyndman & Fan (1996), "Sample quantiles in statistical packages",
// The American Statistician 50(4), definition 7 (the default of R and NumPy).
func quantile7(x []float64, p float64) float64 {
	n := len(x)
	if n == 0 {
		return math.NaN()
	}
	h := float64(n-1) * p
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return x[n-1]
	}
	return x[lo] + (h-float64(lo))*(x[lo+1]-x[lo])
}

// boxStats are the figures of one Tukey box plot.
type boxStats struct {
	N                int
	Min, Max         float64
	Q1, Median, Q3   float64
	WhiskLo, WhiskHi float64   // most extreme data within 1.5 IQR of the box
	Outliers         []float64 // data beyond the whiskers
}

// tukeyBox computes a box plot of x (NaN and ±Inf are dropped) after J. W. Tukey, Exploratory
// Data Analysis (1977), §2: the box spans the quartiles, the whiskers reach the most extreme
// data points within 1.5 × IQR of the box (the "inner fences"), points beyond are drawn
// singly. Quartiles are Hyndman & Fan definition 7 (see quantile7). ok is false for no data.
func tukeyBox(x []float64) (b boxStats, ok bool) {
	v := make([]float64, 0, len(x))
	for _, f := range x {
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			v = append(v, f)
		}
	}
	if len(v) == 0 {
		return b, false
	}
	slices.Sort(v)
	b.N = len(v)
	b.Min, b.Max = v[0], v[len(v)-1]
	b.Q1, b.Median, b.Q3 = quantile7(v, 0.25), quantile7(v, 0.5), quantile7(v, 0.75)
	iqr := b.Q3 - b.Q1
	lo, hi := b.Q1-1.5*iqr, b.Q3+1.5*iqr
	b.WhiskLo, b.WhiskHi = b.Q1, b.Q3
	for _, f := range v {
		if f >= lo {
			b.WhiskLo = min(f, b.Q1)
			break
		}
	}
	for i := len(v) - 1; i >= 0; i-- {
		if v[i] <= hi {
			b.WhiskHi = max(v[i], b.Q3)
			break
		}
	}
	for _, f := range v {
		if f < b.WhiskLo || f > b.WhiskHi {
			b.Outliers = append(b.Outliers, f)
		}
	}
	return b, true
}

// paretoFront returns the indices of the points (x[i], y[i]) that no other point dominates when
// both coordinates are minimized (q dominates p if q is no worse in both and better in one),
// sorted by x then y; points with a NaN coordinate are never on the front. It is the maxima
// algorithm of Kung, Luccio & Preparata (1975), "On finding the maxima of a set of vectors",
// JACM 22(4), for two dimensions: sort by x, keep each point whose y is below every earlier y.
// Identical points are all kept.
func paretoFront(x, y []float64) []int {
	idx := make([]int, 0, len(x))
	for i := range x {
		if !math.IsNaN(x[i]) && !math.IsNaN(y[i]) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := cmp.Compare(x[a], x[b]); c != 0 {
			return c
		}
		return cmp.Compare(y[a], y[b])
	})
	var front []int
	best := math.Inf(1)
	var last = -1
	for _, i := range idx {
		switch {
		case y[i] < best:
			front = append(front, i)
			best = y[i]
			last = i
		case last >= 0 && x[i] == x[last] && y[i] == y[last]:
			front = append(front, i) // a duplicate of a front point
		}
	}
	return front
}

func sortStrings(s []string) { slices.Sort(s) }
