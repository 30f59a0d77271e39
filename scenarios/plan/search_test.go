package plan

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

func mustKey(t testing.TB, s string) Key {
	t.Helper()
	k, err := ParseKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustCons(t testing.TB, ss ...string) []Constraint {
	t.Helper()
	var cs []Constraint
	for _, s := range ss {
		c, err := ParseConstraint(s)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	return cs
}

// synthetic is an evaluator over a function of the key values: obj gives the objective and
// cons the value of each constraint's metric. It counts evaluations per point and fails the
// test if a point is evaluated twice.
type synthetic struct {
	t     testing.TB
	obj   func(x []float64) float64
	cons  func(x []float64) []float64
	calls int
	seen  map[string]int
}

func (s *synthetic) eval(vals [][]float64) ([]Outcome, error) {
	s.calls++
	if s.seen == nil {
		s.seen = map[string]int{}
	}
	out := make([]Outcome, len(vals))
	for i, x := range vals {
		k := fmt.Sprint(x)
		if s.seen[k]++; s.seen[k] > 1 {
			s.t.Errorf("point %v evaluated twice", x)
		}
		out[i] = Outcome{Objective: s.obj(x), Values: s.cons(x)}
	}
	return out, nil
}

func chosenValues(r *Result) []float64 {
	if r.Chosen < 0 {
		return nil
	}
	return r.Candidates[r.Chosen].Values
}

// TestBisectStep: feasibility is the step function x >= t and the objective is x, so the answer
// is the smallest lattice value >= t, found in at most ⌈log2(N−1)⌉ + 3 candidates.
func TestBisectStep(t *testing.T) {
	for _, tc := range []struct {
		key       string
		threshold float64
		dir       Direction
		want      float64 // NaN: no feasible value
	}{
		{"n=100:2000", 1234, Up, 1234},
		{"n=100:2000", 100, Up, 100},
		{"n=100:2000", 50, Up, 100},
		{"n=100:2000", 2000, Up, 2000},
		{"n=100:2000", 2001, Up, math.NaN()},
		{"n=100:2000", 101, Up, 101},
		{"n=100:2000:100", 1234, Up, 1300},
		{"n=7:7", 3, Up, 7},
		{"n=7:7", 8, Up, math.NaN()},
		{"n=0:1", 1, Up, 1},
		{"h=0:0.5", 0.3217, Up, 0.3217},
		{"h=0:0.5:0.01", 0.3217, Up, 0.33},
		// Down: smaller values are more feasible (x <= t), the objective falls with x.
		{"u=0:100", 63, Down, 63},
		{"u=0:100", 100, Down, 100},
		{"u=0:100", -1, Down, math.NaN()},
		{"u=0.5:0.95:0.05", 0.8, Down, 0.8},
	} {
		k := mustKey(t, tc.key)
		syn := &synthetic{t: t}
		if tc.dir == Up {
			syn.obj = func(x []float64) float64 { return x[0] }
			syn.cons = func(x []float64) []float64 { return []float64{x[0] - tc.threshold} }
		} else {
			syn.obj = func(x []float64) float64 { return -x[0] }
			syn.cons = func(x []float64) []float64 { return []float64{tc.threshold - x[0]} }
		}
		p := Problem{Keys: []Key{k}, Objective: "cost", Constraints: mustCons(t, "gap>=0"), Direction: tc.dir, Budget: 100}
		r, err := Search(p, syn.eval, nil)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%s threshold %v %v", tc.key, tc.threshold, tc.dir)
		got := chosenValues(r)
		if math.IsNaN(tc.want) {
			if got != nil {
				t.Errorf("%s: chose %v, want none", name, got)
			}
		} else if got == nil || got[0] != tc.want {
			t.Errorf("%s: chose %v, want %v", name, got, tc.want)
		}
		if r.Method != Bisect || r.Stop != StopConverged {
			t.Errorf("%s: method %s stop %s", name, r.Method, r.Stop)
		}
		if limit := int(math.Ceil(math.Log2(float64(max(k.N()-1, 1))))) + 3; len(r.Candidates) > limit {
			t.Errorf("%s: %d candidates, more than %d", name, len(r.Candidates), limit)
		}
		if len(r.Warnings) > 0 {
			t.Errorf("%s: warnings %q", name, r.Warnings)
		}
		if r.Chosen < 0 && math.IsNaN(tc.want) && r.Closest < 0 {
			t.Errorf("%s: no closest candidate", name)
		}
	}
}

// TestBisectCheckStepWarns: feasibility x >= 50 except at 51; bisection finds 50, and its check
// step at 51 shows that feasibility is not monotone.
func TestBisectCheckStepWarns(t *testing.T) {
	syn := &synthetic{t: t,
		obj: func(x []float64) float64 { return x[0] },
		cons: func(x []float64) []float64 {
			if x[0] >= 50 && x[0] != 51 {
				return []float64{0}
			}
			return []float64{1}
		}}
	p := Problem{Keys: []Key{mustKey(t, "n=0:100")}, Objective: "cost", Constraints: mustCons(t, "bad<=0"), Budget: 40}
	r, err := Search(p, syn.eval, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := chosenValues(r); got == nil || got[0] != 50 {
		t.Fatalf("chose %v", got)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "not monotone") || !strings.Contains(r.Warnings[0], "51") {
		t.Errorf("warnings %q", r.Warnings)
	}
}

// TestBisectObjectiveWarns: the objective falls at the top of the range, so the smallest
// feasible value is not the cheapest evaluated one; the search says so and chooses the cheapest.
func TestBisectObjectiveWarns(t *testing.T) {
	syn := &synthetic{t: t,
		obj: func(x []float64) float64 {
			if x[0] == 100 {
				return 1
			}
			return x[0]
		},
		cons: func(x []float64) []float64 { return []float64{x[0]} }}
	p := Problem{Keys: []Key{mustKey(t, "n=0:100")}, Objective: "cost", Constraints: mustCons(t, "x>=30"), Budget: 40}
	r, err := Search(p, syn.eval, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := chosenValues(r); got == nil || got[0] != 100 {
		t.Fatalf("chose %v, want the cheapest evaluated feasible value 100", got)
	}
	w := strings.Join(r.Warnings, "\n")
	if !strings.Contains(w, "cost is not increasing") || !strings.Contains(w, "not the feasibility boundary (n=30)") {
		t.Errorf("warnings %q", r.Warnings)
	}
}

func TestBisectBudget(t *testing.T) {
	syn := &synthetic{t: t, obj: func(x []float64) float64 { return x[0] }, cons: func(x []float64) []float64 { return []float64{x[0]} }}
	p := Problem{Keys: []Key{mustKey(t, "n=0:1000")}, Objective: "cost", Constraints: mustCons(t, "x>=377"), Budget: 5}
	r, err := Search(p, syn.eval, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Stop != StopBudget || len(r.Candidates) != 5 {
		t.Fatalf("stop %s after %d candidates", r.Stop, len(r.Candidates))
	}
	// 0, 1000, 500, 250, 375: the best feasible so far is 500.
	if got := chosenValues(r); got == nil || got[0] != 500 {
		t.Errorf("chose %v", got)
	}
}

// TestPatternConvexUnconstrained: a separable convex quadratic; compass search reaches its
// lattice minimum exactly, in far fewer candidates than the 10,201-point scan.
func TestPatternConvexUnconstrained(t *testing.T) {
	syn := &synthetic{t: t,
		obj:  func(x []float64) float64 { return (x[0]-30)*(x[0]-30) + 2*(x[1]-71)*(x[1]-71) },
		cons: func(x []float64) []float64 { return nil }}
	p := Problem{Keys: []Key{mustKey(t, "a=0:100"), mustKey(t, "b=0:100")}, Objective: "f", Budget: 500}
	r, err := Search(p, syn.eval, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := chosenValues(r); !reflect.DeepEqual(got, []float64{30, 71}) || r.Method != Pattern || r.Stop != StopConverged {
		t.Errorf("chose %v (%s, %s)", got, r.Method, r.Stop)
	}
	if len(r.Candidates) > 150 {
		t.Errorf("%d candidates", len(r.Candidates))
	}
}

// TestPatternConstrainedMatchesScan: minimize a convex function whose unconstrained optimum is
// infeasible, subject to a constraint whose boundary is diagonal (a + b >= 100) and a second one;
// compass moves alone stall on such a boundary, the diagonal poll does not. The answer must equal
// the brute-force scan's.
func TestPatternConstrainedMatchesScan(t *testing.T) {
	for _, tc := range []struct {
		name string
		obj  func(x []float64) float64
	}{
		{"quadratic", func(x []float64) float64 { return (x[0]-20)*(x[0]-20) + (x[1]-20)*(x[1]-20) }},
		{"weighted", func(x []float64) float64 { return (x[0]-10)*(x[0]-10) + 3*(x[1]-25)*(x[1]-25) }},
		{"cost", func(x []float64) float64 { return 3*x[0] + 2*x[1] + 0.01*x[0]*x[1] }},
	} {
		cons := func(x []float64) []float64 { return []float64{x[0] + x[1], x[0] - 2*x[1]} }
		p := Problem{Keys: []Key{mustKey(t, "a=0:100"), mustKey(t, "b=0:60")}, Objective: "f",
			Constraints: mustCons(t, "cap>=100", "balance<=40"), Budget: 400}
		syn := &synthetic{t: t, obj: tc.obj, cons: cons}
		r, err := Search(p, syn.eval, nil)
		if err != nil {
			t.Fatal(err)
		}
		p.Method, p.Budget = Scan, 10000
		all := &synthetic{t: t, obj: tc.obj, cons: cons}
		want, err := Search(p, all.eval, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Candidates) != 101*61 || want.Stop != StopConverged {
			t.Fatalf("%s: scan evaluated %d (%s)", tc.name, len(want.Candidates), want.Stop)
		}
		g, w := r.Candidates[r.Chosen], want.Candidates[want.Chosen]
		if g.Objective != w.Objective {
			t.Errorf("%s: pattern chose %v (f = %v), scan %v (f = %v)", tc.name, g.Values, g.Objective, w.Values, w.Objective)
		}
		if len(r.Candidates) > 200 {
			t.Errorf("%s: %d candidates", tc.name, len(r.Candidates))
		}
	}
}

// TestPatternInfeasibleStart: the start (the box's middle) is infeasible; feasibility-first
// ordering walks to the feasible region first.
func TestPatternInfeasibleStart(t *testing.T) {
	syn := &synthetic{t: t,
		obj:  func(x []float64) float64 { return x[0] + x[1] },
		cons: func(x []float64) []float64 { return []float64{x[0], x[1]} }}
	p := Problem{Keys: []Key{mustKey(t, "a=0:100"), mustKey(t, "b=0:100")}, Objective: "f",
		Constraints: mustCons(t, "a>=90", "b>=80"), Budget: 200}
	r, err := Search(p, syn.eval, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Candidates[0].Feasible {
		t.Fatal("start is feasible")
	}
	if got := chosenValues(r); !reflect.DeepEqual(got, []float64{90, 80}) {
		t.Errorf("chose %v", got)
	}
}

// TestNoneFeasible: nothing meets the constraint; the closest candidate is the one with the
// least violation.
func TestNoneFeasible(t *testing.T) {
	for _, m := range []Method{Bisect, Pattern, Scan} {
		syn := &synthetic{t: t, obj: func(x []float64) float64 { return x[0] }, cons: func(x []float64) []float64 { return []float64{x[0]} }}
		p := Problem{Keys: []Key{mustKey(t, "n=0:20")}, Objective: "cost", Constraints: mustCons(t, "x>=50"), Method: m, Budget: 40}
		r, err := Search(p, syn.eval, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Chosen != -1 || r.Closest < 0 || r.Candidates[r.Closest].Values[0] != 20 {
			t.Errorf("%s: chosen %d closest %d", m, r.Chosen, r.Closest)
		}
	}
}

// TestMemoAndDeterminism: repeated searches give identical candidates, no point is evaluated
// twice (synthetic fails the test otherwise), and the evaluator is called in batches.
func TestMemoAndDeterminism(t *testing.T) {
	obj := func(x []float64) float64 { return math.Abs(x[0]-0.37) + math.Abs(x[1]-12) + x[2]/100 }
	cons := func(x []float64) []float64 { return []float64{x[0] * x[1]} }
	p := Problem{Keys: []Key{mustKey(t, "h=0:1:0.01"), mustKey(t, "n=1:40"), mustKey(t, "m=0:30:3")}, Objective: "f",
		Constraints: mustCons(t, "prod>=5"), Budget: 300}
	var runs []*Result
	var order [][]string
	for range 3 {
		syn := &synthetic{t: t, obj: obj, cons: cons}
		var seen []string
		r, err := Search(p, syn.eval, func(c *Candidate) { seen = append(seen, fmt.Sprint(c.Index, c.Values)) })
		if err != nil {
			t.Fatal(err)
		}
		if syn.calls >= len(r.Candidates) {
			t.Errorf("%d evaluator calls for %d candidates: polls are not batched", syn.calls, len(r.Candidates))
		}
		runs, order = append(runs, r), append(order, seen)
	}
	for i := 1; i < len(runs); i++ {
		if !reflect.DeepEqual(runs[i], runs[0]) || !reflect.DeepEqual(order[i], order[0]) {
			t.Fatal("searches differ")
		}
	}
	r := runs[0]
	for i, c := range r.Candidates {
		if c.Index != i {
			t.Fatalf("candidate %d has index %d", i, c.Index)
		}
	}
	if got := chosenValues(r); got == nil || got[1] < 5 || got[2] != 0 {
		t.Errorf("chose %v", got)
	}
}

func TestPatternBudget(t *testing.T) {
	syn := &synthetic{t: t, obj: func(x []float64) float64 { return x[0] + x[1] }, cons: func(x []float64) []float64 { return nil }}
	p := Problem{Keys: []Key{mustKey(t, "a=0:100"), mustKey(t, "b=0:100")}, Objective: "f", Budget: 7}
	r, err := Search(p, syn.eval, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Stop != StopBudget || len(r.Candidates) != 7 {
		t.Errorf("stop %s after %d", r.Stop, len(r.Candidates))
	}
}

func TestScanBatchesAndBudget(t *testing.T) {
	syn := &synthetic{t: t, obj: func(x []float64) float64 { return -x[0] * x[1] }, cons: func(x []float64) []float64 { return nil }}
	p := Problem{Keys: []Key{mustKey(t, "a=0:4"), mustKey(t, "b=0:2")}, Objective: "f", Method: Scan, Budget: 100, Batch: 4}
	r, err := Search(p, syn.eval, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Candidates) != 15 || syn.calls != 4 || r.Stop != StopConverged {
		t.Errorf("%d candidates in %d calls, %s", len(r.Candidates), syn.calls, r.Stop)
	}
	if got := chosenValues(r); !reflect.DeepEqual(got, []float64{4, 2}) {
		t.Errorf("chose %v", got)
	}
	if c := r.Candidates[5]; !reflect.DeepEqual(c.Values, []float64{1, 2}) {
		t.Errorf("scan order: candidate 5 is %v", c.Values)
	}
	p.Budget = 6
	syn = &synthetic{t: t, obj: syn.obj, cons: syn.cons}
	if r, err = Search(p, syn.eval, nil); err != nil || len(r.Candidates) != 6 || r.Stop != StopBudget {
		t.Errorf("budget 6: %d candidates, %s, %v", len(r.Candidates), r.Stop, err)
	}
}

func TestSearchErrors(t *testing.T) {
	syn := &synthetic{t: t, obj: func(x []float64) float64 { return 0 }, cons: func(x []float64) []float64 { return nil }}
	k := mustKey(t, "a=0:1")
	for _, tc := range []struct {
		p   Problem
		err string
	}{
		{Problem{Budget: 1}, "no key"},
		{Problem{Keys: []Key{k}}, "budget 0"},
		{Problem{Keys: []Key{k, k}, Method: Bisect, Budget: 5}, "exactly one key"},
		{Problem{Keys: []Key{k}, Method: "simplex", Budget: 5}, "unknown method"},
		{Problem{Keys: []Key{k}, Constraints: mustCons(t, "a<=1"), Budget: 5}, "constraint values"},
	} {
		if _, err := Search(tc.p, syn.eval, nil); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%+v: error %v, want %q", tc.p, err, tc.err)
		}
	}
	bad := func(v [][]float64) ([]Outcome, error) { return nil, fmt.Errorf("boom") }
	if _, err := Search(Problem{Keys: []Key{k}, Budget: 3}, bad, nil); err == nil || err.Error() != "boom" {
		t.Errorf("evaluator error: %v", err)
	}
}

func TestParseMethodDirection(t *testing.T) {
	for _, s := range []string{"auto", "bisect", "pattern", "scan"} {
		if m, err := ParseMethod(s); err != nil || string(m) != s {
			t.Errorf("ParseMethod(%q) = %q, %v", s, m, err)
		}
	}
	if _, err := ParseMethod("nelder-mead"); err == nil {
		t.Error("ParseMethod accepted nelder-mead")
	}
	if d, err := ParseDirection("down"); err != nil || d != Down || d.String() != "down" {
		t.Errorf("down: %v %v", d, err)
	}
	if _, err := ParseDirection("sideways"); err == nil {
		t.Error("ParseDirection accepted sideways")
	}
}

// TestPatternExchange: hosts of two sizes, the large one four times the small one's capacity
// for less than four times its price. From small-host configurations, swapping four small hosts
// for one large one is not a unit move; the coarse grid of the search step finds the large-host
// basin, and the answer equals the scan's.
func TestPatternExchange(t *testing.T) {
	obj := func(x []float64) float64 { return 3000*x[0] + 10000*x[1] }
	cons := func(x []float64) []float64 { return []float64{2*x[0] + 8*x[1]} }
	p := Problem{Keys: []Key{mustKey(t, "small=1:12"), mustKey(t, "big=1:6")}, Objective: "capex",
		Constraints: mustCons(t, "cores>=18"), Budget: 40}
	r, err := Search(p, (&synthetic{t: t, obj: obj, cons: cons}).eval, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.Method, p.Budget = Scan, 100
	all, err := Search(p, (&synthetic{t: t, obj: obj, cons: cons}).eval, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := chosenValues(r), chosenValues(all); !reflect.DeepEqual(g, w) || !reflect.DeepEqual(w, []float64{1, 2}) {
		t.Errorf("pattern chose %v, scan %v", g, w)
	}
	if len(r.Candidates) > 30 {
		t.Errorf("%d candidates", len(r.Candidates))
	}
}
