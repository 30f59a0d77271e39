package report

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestQueueBuckets(t *testing.T) {
	type ev = queueEvent
	cases := []struct {
		name string
		ev   []queueEvent
		end  int64
		n    int
		want []stepBucket
	}{
		{"one job waits 2 of 4 µs", []ev{{1, 1}, {3, -1}}, 4, 2,
			[]stepBucket{{T0: 0, T1: 2e-6, Mean: 0.5, Min: 0, Max: 1}, {T0: 2e-6, T1: 4e-6, Mean: 0.5, Min: 0, Max: 1}}},
		{"zero wait never counts", []ev{{2, 1}, {2, -1}}, 4, 1,
			[]stepBucket{{T0: 0, T1: 4e-6, Mean: 0, Min: 0, Max: 0}}},
		{"events in any order", []ev{{3, -1}, {0, 1}, {1, 1}, {2, -1}}, 4, 1,
			[]stepBucket{{T0: 0, T1: 4e-6, Mean: 1, Min: 0, Max: 2}}}, // levels 1, 2, 1, 0
		{"still waiting at the end", []ev{{1, 1}}, 3, 3,
			[]stepBucket{{T0: 0, T1: 1e-6, Mean: 0, Min: 0, Max: 0}, {T0: 1e-6, T1: 2e-6, Mean: 1, Min: 1, Max: 1}, {T0: 2e-6, T1: 3e-6, Mean: 1, Min: 1, Max: 1}}},
		{"more buckets than µs", []ev{{0, 1}}, 2, 10,
			[]stepBucket{{T0: 0, T1: 1e-6, Mean: 1, Min: 1, Max: 1}, {T0: 1e-6, T1: 2e-6, Mean: 1, Min: 1, Max: 1}}},
		{"uneven buckets: 10 µs in 3", []ev{{0, 1}, {5, -1}}, 10, 3,
			[]stepBucket{{T0: 0, T1: 3e-6, Mean: 1, Min: 1, Max: 1}, {T0: 3e-6, T1: 6e-6, Mean: 2.0 / 3, Min: 0, Max: 1}, {T0: 6e-6, T1: 10e-6, Mean: 0, Min: 0, Max: 0}}},
		{"no time", nil, 0, 5, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := queueBuckets(slices.Clone(c.ev), c.end, c.n)
			if len(got) != len(c.want) {
				t.Fatalf("%d buckets, want %d: %+v", len(got), len(c.want), got)
			}
			for i := range got {
				g, w := got[i], c.want[i]
				if math.Abs(g.T0-w.T0) > 1e-15 || math.Abs(g.T1-w.T1) > 1e-15 || math.Abs(g.Mean-w.Mean) > 1e-12 || g.Min != w.Min || g.Max != w.Max {
					t.Errorf("bucket %d: %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

// TestQueueBucketsBruteForce compares the buckets with the queue length evaluated at every
// microsecond.
func TestQueueBucketsBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		end := int64(1 + r.IntN(300))
		var ev []queueEvent
		for j := 0; j < r.IntN(40); j++ {
			s := int64(r.IntN(int(end)))
			ev = append(ev, queueEvent{s, 1})
			if r.IntN(4) > 0 {
				ev = append(ev, queueEvent{s + int64(r.IntN(int(end))), -1})
			}
		}
		level := make([]float64, end) // level over [µ, µ+1)
		for u := int64(0); u < end; u++ {
			for _, e := range ev {
				if e.t <= u {
					level[u] += float64(e.d)
				}
			}
		}
		n := 1 + r.IntN(20)
		bs := queueBuckets(slices.Clone(ev), end, n)
		for _, b := range bs {
			u0, u1 := int64(math.Round(b.T0*1e6)), int64(math.Round(b.T1*1e6))
			sum, lo, hi := 0.0, math.Inf(1), math.Inf(-1)
			for u := u0; u < u1; u++ {
				sum += level[u]
				lo, hi = min(lo, level[u]), max(hi, level[u])
			}
			if math.Abs(sum/float64(u1-u0)-b.Mean) > 1e-9 || lo != b.Min || hi != b.Max {
				t.Fatalf("trial %d [%d,%d): got %+v, want mean %v min %v max %v", trial, u0, u1, b, sum/float64(u1-u0), lo, hi)
			}
		}
		if bs[len(bs)-1].T1 != float64(end)/1e6 {
			t.Fatalf("buckets end at %v, want %v", bs[len(bs)-1].T1, end)
		}
	}
}

func TestWaitHist(t *testing.T) {
	cases := []struct {
		w   float64
		bin int // -1: zero bin, -2: invalid
	}{
		{0, -1}, {1e-6, 0}, {1.5e-6, 0}, {1.7782794e-6, 0}, {1.7782795e-6, 1}, {1, 6 * binsPerDecade},
		{10, 7 * binsPerDecade}, {9.999, 7*binsPerDecade - 1}, {1e-9, 0}, {1e12, len(histEdges) - 1},
		{-1, -2}, {math.NaN(), -2}, {math.Inf(1), -2},
	}
	for _, c := range cases {
		h := newWaitHist()
		h.add(c.w)
		switch c.bin {
		case -1:
			if h.zero != 1 || h.total != 1 {
				t.Errorf("%v: not in the zero bin", c.w)
			}
		case -2:
			if h.invalid != 1 || h.total != 0 {
				t.Errorf("%v: not invalid", c.w)
			}
		default:
			if h.counts[c.bin] != 1 {
				i := slices.IndexFunc(h.counts, func(n int64) bool { return n > 0 })
				t.Errorf("%v: in bin %d, want %d", c.w, i, c.bin)
			}
		}
	}
}

func TestQuantile7(t *testing.T) {
	x := []float64{1, 2, 3, 4, 10}
	cases := []struct{ p, want float64 }{{0, 1}, {0.25, 2}, {0.5, 3}, {0.75, 4}, {1, 10}, {0.9, 7.6}, {0.1, 1.4}}
	for _, c := range cases {
		if got := quantile7(x, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("p %v: %v, want %v", c.p, got, c.want)
		}
	}
	if !math.IsNaN(quantile7(nil, 0.5)) {
		t.Error("quantile of nothing is not NaN")
	}
}

func TestTukeyBox(t *testing.T) {
	cases := []struct {
		name string
		x    []float64
		want boxStats
	}{
		// Q1 = 2, Q3 = 4, IQR = 2, fences −1 and 7: 10 is an outlier, the upper whisker ends at 4.
		{"outlier", []float64{1, 2, 3, 4, 10}, boxStats{N: 5, Min: 1, Max: 10, Q1: 2, Median: 3, Q3: 4, WhiskLo: 1, WhiskHi: 4, Outliers: []float64{10}}},
		{"one value", []float64{5}, boxStats{N: 1, Min: 5, Max: 5, Q1: 5, Median: 5, Q3: 5, WhiskLo: 5, WhiskHi: 5}},
		{"NaN dropped", []float64{math.NaN(), 3, 1, 2}, boxStats{N: 3, Min: 1, Max: 3, Q1: 1.5, Median: 2, Q3: 2.5, WhiskLo: 1, WhiskHi: 3}},
		{"both sides", []float64{-50, 10, 11, 12, 13, 14, 60}, boxStats{N: 7, Min: -50, Max: 60, Q1: 10.5, Median: 12, Q3: 13.5, WhiskLo: 10, WhiskHi: 14, Outliers: []float64{-50, 60}}},
	}
	for _, c := range cases {
		got, ok := tukeyBox(c.x)
		if !ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	if _, ok := tukeyBox([]float64{math.NaN()}); ok {
		t.Error("box of no data")
	}
}

func TestParetoFront(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name string
		x, y []float64
		want []int
	}{
		{"staircase", []float64{1, 2, 3, 4}, []float64{4, 3, 5, 1}, []int{0, 1, 3}},
		{"equal x keeps the lower y", []float64{1, 1, 2}, []float64{5, 3, 1}, []int{1, 2}},
		{"duplicates both kept", []float64{1, 1, 2}, []float64{3, 3, 4}, []int{0, 1}},
		{"equal y, larger x dominated", []float64{1, 2}, []float64{3, 3}, []int{0}},
		{"NaN never on the front", []float64{nan, 1, 0}, []float64{0, 1, nan}, []int{1}},
		{"empty", nil, nil, nil},
	}
	for _, c := range cases {
		if got := paretoFront(c.x, c.y); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestParetoFrontBruteForce: a point is on the front exactly when no other point dominates it.
func TestParetoFrontBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		n := r.IntN(12)
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], y[i] = float64(r.IntN(5)), float64(r.IntN(5))
		}
		on := map[int]bool{}
		for _, i := range paretoFront(x, y) {
			on[i] = true
		}
		for i := range x {
			dominated := false
			for j := range x {
				if x[j] <= x[i] && y[j] <= y[i] && (x[j] < x[i] || y[j] < y[i]) {
					dominated = true
				}
			}
			if on[i] == dominated {
				t.Fatalf("x %v y %v: point %d on front %v, dominated %v", x, y, i, on[i], dominated)
			}
		}
	}
}

func TestNiceScale(t *testing.T) {
	cases := []struct {
		lo, hi       float64
		n            int
		wlo, whi, ws float64
		labels       []string
	}{
		{0, 24, 7, 0, 30, 10, []string{"0", "10", "20", "30"}},
		{0, 1, 6, 0, 1, 0.2, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{2800, 3520, 6, 2800, 3600, 200, []string{"2800", "3000", "3200", "3400", "3600"}},
		{5, 5, 6, 4.4, 5.6, 0.2, []string{"4.4", "4.6", "4.8", "5.0", "5.2", "5.4", "5.6"}},
		{0, 0, 6, 0, 1, 0.2, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{math.NaN(), 3, 6, 0, 1, 0.2, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
	}
	for _, c := range cases {
		s := niceScale(c.lo, c.hi, c.n, 0, 100)
		var labels []string
		for _, tk := range s.ticks() {
			labels = append(labels, tk.Label)
		}
		if math.Abs(s.Lo-c.wlo) > 1e-9 || math.Abs(s.Hi-c.whi) > 1e-9 || s.Step != c.ws || !slices.Equal(labels, c.labels) {
			t.Errorf("[%v, %v]: [%v, %v] step %v %v, want [%v, %v] step %v %v", c.lo, c.hi, s.Lo, s.Hi, s.Step, labels, c.wlo, c.whi, c.ws, c.labels)
		}
	}
	// A tight time axis keeps its ends and ticks inside.
	s := tightScale(0, 7.5, 7, 0, 100)
	var labels []string
	for _, tk := range s.ticks() {
		labels = append(labels, tk.Label)
	}
	if want := []string{"0", "1", "2", "3", "4", "5", "6", "7"}; !slices.Equal(labels, want) || s.Hi != 7.5 {
		t.Errorf("tight [0, 7.5]: %v hi %v, want %v", labels, s.Hi, want)
	}
}

func TestFmtNum(t *testing.T) {
	cases := []struct {
		x    float64
		want string
	}{
		{0, "0"}, {1, "1"}, {14384.37, "14384"}, {17.1858, "17.186"}, {0.53679, "0.53679"}, {0.0014, "0.0014"},
		{0.000123456, "0.00012346"}, {1.5e9, "1.5e+09"}, {-2.5, "-2.5"}, {math.NaN(), "NaN"}, {math.Inf(1), "+Inf"},
		{263963, "263963"}, {1e-12, "1e-12"},
	}
	for _, c := range cases {
		if got := fmtNum(c.x); got != c.want {
			t.Errorf("fmtNum(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}
