package plan

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Method is a search method.
type Method string

// The search methods.
const (
	Auto    Method = "auto"    // Bisect for one key, Pattern for several
	Bisect  Method = "bisect"  // bisection for the feasibility boundary of one key
	Pattern Method = "pattern" // compass/pattern search on the lattice, feasibility-first
	Scan    Method = "scan"    // every lattice point, in order (brute force, for small spaces)
)

// ParseMethod parses a --method value.
func ParseMethod(s string) (Method, error) {
	switch m := Method(s); m {
	case Auto, Bisect, Pattern, Scan:
		return m, nil
	}
	return "", fmt.Errorf("%q: want auto, bisect, pattern or scan", s)
}

// Direction tells bisection in which direction of its key feasibility grows.
type Direction int8

// The directions.
const (
	Up   Direction = 1  // larger values are more feasible (more hosts meet the SLO more easily)
	Down Direction = -1 // smaller values are more feasible
)

// ParseDirection parses a --direction value.
func ParseDirection(s string) (Direction, error) {
	switch s {
	case "up":
		return Up, nil
	case "down":
		return Down, nil
	}
	return 0, fmt.Errorf("%q: want up or down", s)
}

func (d Direction) String() string {
	if d == Down {
		return "down"
	}
	return "up"
}

// Problem is a search: minimize the objective over the keys' lattice subject to the constraints.
type Problem struct {
	Keys        []Key
	Objective   string       // name of the minimized metric, for messages
	Constraints []Constraint // all must hold for a candidate to be feasible
	Method      Method       // "" means Auto
	Direction   Direction    // bisection only; 0 means Up
	Budget      int          // most distinct candidates to evaluate, >= 1
	Batch       int          // scan: most candidates per Evaluator call (0: all at once)
}

// Outcome is what evaluating one candidate gives: its metrics aggregated over seeds.
type Outcome struct {
	Objective float64   // the minimized metric; NaN ranks after every number
	Values    []float64 // the metric of each constraint, in Problem.Constraints order
	Extra     any       // anything the evaluator wants back in the Candidate (not used here)
}

// Candidate is one evaluated point.
type Candidate struct {
	Index  int       // position in evaluation order, from 0
	Point  []int     // lattice index of each key
	Values []float64 // value of each key
	Outcome
	Violation float64 // sum of the constraints' Violation; 0 when feasible
	Feasible  bool
}

// Evaluator evaluates candidates given by their key values and returns their outcomes in the
// same order. It must be deterministic: a point's outcome may not depend on which other points
// are in the call (the CLI runs every candidate on the same seeds).
type Evaluator func(values [][]float64) ([]Outcome, error)

// Stop reasons.
const (
	StopConverged = "converged" // the method's own end
	StopBudget    = "budget"    // --budget candidates evaluated
)

// Result is the outcome of a search.
type Result struct {
	Method     Method      // the method used (Auto resolved)
	Candidates []Candidate // in evaluation order
	Chosen     int         // the feasible candidate with the least objective; -1 if none is feasible
	Closest    int         // Chosen, or when none is feasible the one with the least violation
	Stop       string      // StopConverged or StopBudget
	Notes      []string    // the assumptions the answer rests on
	Warnings   []string    // evidence against those assumptions, found in the evaluated points
}

// errBudget is returned by an evaluation that the budget does not cover.
var errBudget = errors.New("budget exhausted")

// Search runs the problem's method with eval and returns every evaluated candidate. seen, if
// not nil, is called with each candidate as soon as its batch is evaluated, in evaluation order.
// The search is deterministic: the same problem and outcomes give the same candidates in the
// same order, and no point is evaluated twice.
func Search(p Problem, eval Evaluator, seen func(*Candidate)) (*Result, error) {
	if len(p.Keys) == 0 {
		return nil, errors.New("plan: no key to vary")
	}
	if p.Budget < 1 {
		return nil, fmt.Errorf("plan: budget %d, want at least 1", p.Budget)
	}
	if p.Direction == 0 {
		p.Direction = Up
	}
	m := p.Method
	if m == "" || m == Auto {
		m = Pattern
		if len(p.Keys) == 1 {
			m = Bisect
		}
	}
	if m == Bisect && len(p.Keys) != 1 {
		return nil, fmt.Errorf("plan: bisection varies exactly one key, got %d (use --method pattern)", len(p.Keys))
	}
	s := &searcher{p: p, eval: eval, seen: seen, memo: map[string]int{}}
	r := &Result{Method: m, Stop: StopConverged}
	var err error
	switch m {
	case Bisect:
		err = s.bisect(r)
	case Pattern:
		err = s.pattern(r)
	case Scan:
		err = s.scan()
	default:
		return nil, fmt.Errorf("plan: unknown method %q", m)
	}
	if errors.Is(err, errBudget) {
		r.Stop, err = StopBudget, nil
	}
	if err != nil {
		return nil, err
	}
	r.Candidates = s.cands
	r.Chosen, r.Closest = choose(s.cands)
	if len(p.Keys) == 1 && m != Pattern {
		r.Warnings = append(r.Warnings, monotonyWarnings(p, s.cands, r.Chosen)...)
	}
	return r, nil
}

type searcher struct {
	p     Problem
	eval  Evaluator
	seen  func(*Candidate)
	cands []Candidate
	memo  map[string]int // point → candidate index
}

func pointKey(pt []int) string {
	var b strings.Builder
	for i, v := range pt {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(v))
	}
	return b.String()
}

// evaluate returns the candidate index of each point, evaluating in one Evaluator call those
// not seen before (each once, in the order given). When the budget does not cover them all, the
// first ones that fit are evaluated and errBudget is returned with -1 for the others.
func (s *searcher) evaluate(points [][]int) ([]int, error) {
	idx := make([]int, len(points))
	var todo [][]int
	var vals [][]float64
	pending := map[string]int{}
	short := false
	for i, pt := range points {
		k := pointKey(pt)
		if j, ok := s.memo[k]; ok {
			idx[i] = j
			continue
		}
		if j, ok := pending[k]; ok {
			idx[i] = j
			continue
		}
		if len(s.cands)+len(todo) >= s.p.Budget {
			idx[i], short = -1, true
			continue
		}
		j := len(s.cands) + len(todo)
		pending[k], idx[i] = j, j
		todo = append(todo, append([]int(nil), pt...))
		v := make([]float64, len(pt))
		for d, x := range pt {
			v[d] = s.p.Keys[d].Value(x)
		}
		vals = append(vals, v)
	}
	if len(todo) > 0 {
		outs, err := s.eval(vals)
		if err != nil {
			return nil, err
		}
		if len(outs) != len(todo) {
			return nil, fmt.Errorf("plan: evaluator returned %d outcomes for %d candidates", len(outs), len(todo))
		}
		for i, o := range outs {
			if len(o.Values) != len(s.p.Constraints) {
				return nil, fmt.Errorf("plan: outcome has %d constraint values, want %d", len(o.Values), len(s.p.Constraints))
			}
			c := Candidate{Index: len(s.cands), Point: todo[i], Values: vals[i], Outcome: o, Feasible: true}
			for j, con := range s.p.Constraints {
				v := con.Violation(o.Values[j])
				c.Violation += v
				c.Feasible = c.Feasible && v == 0
			}
			s.memo[pointKey(c.Point)] = c.Index
			s.cands = append(s.cands, c)
			if s.seen != nil {
				s.seen(&s.cands[c.Index])
			}
		}
	}
	if short {
		return idx, errBudget
	}
	return idx, nil
}

// objective orders NaN after every number.
func objective(c *Candidate) float64 {
	if math.IsNaN(c.Objective) {
		return math.Inf(1)
	}
	return c.Objective
}

// better is the feasibility-first order of K. Deb (2000: "An efficient constraint
// handling method for genetic algorithms", Comput. Methods Appl. Mech. Engrg. 186): a feasible
// candidate beats an infeasible one; of two feasible ones, the smaller objective wins; of two
// infeasible ones, the smaller total normalised violation wins (then the smaller objective).
// It is strict: equal candidates are not better than each other, so ties keep the earlier one.
func better(a, b *Candidate) bool {
	if a.Feasible != b.Feasible {
		return a.Feasible
	}
	if !a.Feasible && a.Violation != b.Violation {
		return a.Violation < b.Violation
	}
	return objective(a) < objective(b)
}

// choose returns the best feasible candidate (-1 if none) and the best by the feasibility-first
// order (the closest to feasible when none is); ties go to the earlier candidate.
func choose(cs []Candidate) (chosen, closest int) {
	chosen, closest = -1, -1
	for i := range cs {
		if closest < 0 || better(&cs[i], &cs[closest]) {
			closest = i
		}
	}
	if closest >= 0 && cs[closest].Feasible {
		chosen = closest
	}
	return chosen, closest
}

// bisect finds the feasibility boundary of the single key: with Up, the smallest feasible
// lattice value, assuming every larger value is feasible too (Down: the largest, every smaller
// value feasible). It evaluates both ends first, then halves the bracket [infeasible, feasible]
// until the two are neighbours, then checks the value one step beyond the boundary:
// ⌈log2(N−1)⌉ + 3 candidates at most for N lattice points.
func (s *searcher) bisect(r *Result) error {
	k := s.p.Keys[0]
	n := k.N()
	up := s.p.Direction == Up
	// rank r is the point whose feasibility is assumed non-decreasing in r.
	pt := func(rank int) []int {
		if up {
			return []int{rank}
		}
		return []int{n - 1 - rank}
	}
	side := "smallest"
	grow := "larger"
	if !up {
		side, grow = "largest", "smaller"
	}
	r.Notes = append(r.Notes, fmt.Sprintf("bisection assumes feasibility is monotone in %s (%s values are more feasible: --direction %s)"+
		" and %s increasing toward the more feasible side, so the %s feasible value is the cheapest",
		k.Path, grow, s.p.Direction, s.p.Objective, side))
	ends := [][]int{{0}}
	if n > 1 {
		ends = append(ends, []int{n - 1})
	}
	idx, err := s.evaluate(ends)
	if err != nil {
		return err
	}
	lo, hi := 0, n-1 // ranks
	loC, hiC := idx[0], idx[len(idx)-1]
	if !up {
		loC, hiC = hiC, loC
	}
	if !s.cands[hiC].Feasible {
		r.Notes = append(r.Notes, fmt.Sprintf("%s=%s, the most feasible end, does not meet the constraints: no value in the range does if feasibility is monotone",
			k.Path, k.Format(s.cands[hiC].Values[0])))
		return nil
	}
	if s.cands[loC].Feasible {
		return nil
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		idx, err := s.evaluate([][]int{pt(mid)})
		if err != nil {
			return err
		}
		if s.cands[idx[0]].Feasible {
			hi = mid
		} else {
			lo = mid
		}
	}
	// The check step: the next value on the feasible side must be feasible too. Bisection's own
	// points can never contradict monotony (every infeasible one lies below every feasible one),
	// so this is the one point that can; near the boundary, seed noise shows here first.
	if hi+1 < n {
		if _, err := s.evaluate([][]int{pt(hi + 1)}); err != nil {
			return err
		}
	}
	return nil
}

// scan evaluates every lattice point in lexicographic order (the last key varies fastest).
func (s *searcher) scan() error {
	pt := make([]int, len(s.p.Keys))
	batch := s.p.Batch
	var pts [][]int
	for {
		pts = append(pts, append([]int(nil), pt...))
		if batch > 0 && len(pts) == batch {
			if _, err := s.evaluate(pts); err != nil {
				return err
			}
			pts = pts[:0]
		}
		d := len(pt) - 1
		for ; d >= 0; d-- {
			if pt[d]++; pt[d] < s.p.Keys[d].N() {
				break
			}
			pt[d] = 0
		}
		if d < 0 {
			break
		}
		if len(s.cands)+len(pts) >= s.p.Budget+1 {
			break // the budget cannot cover more; evaluate reports it
		}
	}
	_, err := s.evaluate(pts)
	if err == nil && len(s.cands) < total(s.p.Keys) {
		err = errBudget
	}
	return err
}

func total(keys []Key) int {
	t := 1
	for _, k := range keys {
		if t > MaxPoints/k.N() {
			return MaxPoints + 1
		}
		t *= k.N()
	}
	return t
}

// coarseGrid returns the 3^n points whose coordinates are each key's low end, middle and high
// end (fewer where a key has fewer than three values), in lexicographic order.
func coarseGrid(keys []Key) [][]int {
	pts := [][]int{{}}
	for _, k := range keys {
		vals := []int{0}
		if m := (k.N() - 1) / 2; m > 0 {
			vals = append(vals, m)
		}
		if k.N()-1 > (k.N()-1)/2 {
			vals = append(vals, k.N()-1)
		}
		var next [][]int
		for _, p := range pts {
			for _, v := range vals {
				next = append(next, append(append([]int(nil), p...), v))
			}
			if len(next) > MaxPoints/3 {
				return next // far beyond any budget; the caller falls back to the middle
			}
		}
		pts = next
	}
	return pts
}

// pattern is compass (coordinate pattern) search on the lattice, the generating-set search of
// T. G. Kolda, R. M. Lewis & V. Torczon ("Optimization by direct search: new perspectives on
// some classical and modern methods", SIAM Review 45(3), 2003), ordered by
// Deb's feasibility-first rule (better), started from several points.
//
// Search step (in generating-set search any finite set of lattice points may be tried before polling
// without affecting convergence): when it takes at most half the budget, it evaluates as one
// batch the coarse grid of every key's low end, middle and high end (3^n points), and runs the
// local search from each of the best n+1 grid points in turn (a multistart; the evaluations are
// shared, so a start that leads to a point seen before costs little). Otherwise it starts once,
// from the middle of the box. Several starts matter on a lattice: exchanging four small hosts for
// one large host is not a unit move, so a local search among configurations of small hosts may
// never see the cheaper ones with large hosts; a start from the large-host side does.
//
// Local search from x: the steps start at a quarter of each key's range (at least one lattice
// unit). Each iteration polls the 2n points x ± s_i·e_i (clamped to the bounds) as one batch
// and moves to the best of them if it beats x. When none does, it polls the 2n(n−1) diagonal
// points x ± s_i·e_i ± s_j·e_j (i < j), which follow a constraint boundary that is not aligned
// with the axes, where compass moves alone stall (Kolda et al. discuss this failure of
// compass search at constraint boundaries); when these fail too,
// every step is halved (rounded down, at least 1). It ends when no poll at unit steps improves:
// a local optimum of the lattice in the feasibility-first order. Steps are whole lattice units,
// so every point is a lattice point and nothing needs rounding; moves strictly improve, so the
// finite lattice guarantees termination.
func (s *searcher) pattern(r *Result) error {
	n := len(s.p.Keys)
	mid := make([]int, n)
	for i, k := range s.p.Keys {
		mid[i] = (k.N() - 1) / 2
	}
	grid := coarseGrid(s.p.Keys)
	if len(grid) > s.p.Budget/2 {
		r.Notes = append(r.Notes, "pattern search ends at a lattice point that no compass or diagonal move of one lattice unit improves:"+
			" a local optimum, the global one when the objective and constraints are convex-like over the box (it started from the middle;"+
			" a budget of twice the 3^n coarse grid also starts it from the best n+1 grid points)")
		_, err := s.local(mid)
		return err
	}
	r.Notes = append(r.Notes, fmt.Sprintf("pattern search ran from the best %d points of the %d-point coarse grid; each run ends at a lattice point"+
		" that no compass or diagonal move of one lattice unit improves: a local optimum, the global one when the objective and"+
		" constraints are convex-like over the box", min(n+1, len(grid)), len(grid)))
	idx, err := s.evaluate(grid)
	if err != nil {
		return err
	}
	order := append([]int(nil), idx...)
	sort.SliceStable(order, func(a, b int) bool { return better(&s.cands[order[a]], &s.cands[order[b]]) })
	for _, j := range order[:min(n+1, len(order))] {
		if _, err := s.local(s.cands[j].Point); err != nil {
			return err
		}
	}
	return nil
}

// local runs the compass/diagonal local search of pattern from x0 and returns the candidate
// index it ends at.
func (s *searcher) local(x0 []int) (int, error) {
	n := len(s.p.Keys)
	x := append([]int(nil), x0...)
	step := make([]int, n)
	for i, k := range s.p.Keys {
		step[i] = max(1, (k.N()-1)/4)
	}
	idx, err := s.evaluate([][]int{x})
	if err != nil {
		return -1, err
	}
	cur := idx[0]
	clamp := func(i, v int) int { return min(max(v, 0), s.p.Keys[i].N()-1) }
	poll := func(points [][]int) (bool, error) {
		var ps [][]int
		for _, p := range points {
			if pointKey(p) != pointKey(x) {
				ps = append(ps, p)
			}
		}
		idx, err := s.evaluate(ps)
		best := -1
		for _, j := range idx {
			if j >= 0 && (best < 0 || better(&s.cands[j], &s.cands[best])) {
				best = j
			}
		}
		moved := best >= 0 && better(&s.cands[best], &s.cands[cur])
		if moved {
			cur = best
			copy(x, s.cands[best].Point)
		}
		return moved, err
	}
	for {
		var compass [][]int
		for i := range n {
			for _, sg := range []int{1, -1} {
				p := append([]int(nil), x...)
				p[i] = clamp(i, x[i]+sg*step[i])
				compass = append(compass, p)
			}
		}
		moved, err := poll(compass)
		if err != nil {
			return cur, err
		}
		if moved {
			continue
		}
		var diag [][]int
		for i := range n {
			for j := i + 1; j < n; j++ {
				for _, si := range []int{1, -1} {
					for _, sj := range []int{1, -1} {
						p := append([]int(nil), x...)
						p[i], p[j] = clamp(i, x[i]+si*step[i]), clamp(j, x[j]+sj*step[j])
						diag = append(diag, p)
					}
				}
			}
		}
		if moved, err = poll(diag); err != nil {
			return cur, err
		}
		if moved {
			continue
		}
		done := true
		for i := range step {
			if step[i] > 1 {
				done = false
			}
			step[i] = max(1, step[i]/2)
		}
		if done {
			return cur, nil
		}
	}
}

// monotonyWarnings checks bisection's assumptions on the evaluated points of a one-key search:
// feasibility must not drop toward the more feasible side, and the objective must not fall
// toward it (else a more feasible value could be cheaper).
func monotonyWarnings(p Problem, cs []Candidate, chosen int) []string {
	k := p.Keys[0]
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	// rank order: from the least to the most feasible side.
	sort.Slice(order, func(a, b int) bool {
		pa, pb := cs[order[a]].Point[0], cs[order[b]].Point[0]
		if p.Direction == Down {
			return pa > pb
		}
		return pa < pb
	})
	var w []string
	for a := 0; a < len(order); a++ {
		ca := &cs[order[a]]
		if !ca.Feasible {
			continue
		}
		for b := a + 1; b < len(order); b++ {
			if cb := &cs[order[b]]; !cb.Feasible {
				w = append(w, fmt.Sprintf("feasibility is not monotone in %s: %s meets the constraints but %s does not; bisection's answer may not be the boundary (try --method scan or more --seeds)",
					k.Path, k.Format(ca.Values[0]), k.Format(cb.Values[0])))
				a = len(order)
				break
			}
		}
	}
	for a := 0; a+1 < len(order); a++ {
		ca, cb := &cs[order[a]], &cs[order[a+1]]
		if objective(cb) < objective(ca) {
			w = append(w, fmt.Sprintf("%s is not increasing toward more feasible values of %s: %g at %s=%s but %g at %s; the boundary may not be the cheapest feasible value",
				p.Objective, k.Path, ca.Objective, k.Path, k.Format(ca.Values[0]), cb.Objective, k.Format(cb.Values[0])))
			break
		}
	}
	if chosen >= 0 {
		// The boundary is the least feasible-side feasible point in rank order.
		for _, i := range order {
			if cs[i].Feasible {
				if i != chosen {
					w = append(w, fmt.Sprintf("the cheapest feasible candidate (%s=%s) is not the feasibility boundary (%s=%s)",
						k.Path, k.Format(cs[chosen].Values[0]), k.Path, k.Format(cs[i].Values[0])))
				}
				break
			}
		}
	}
	return w
}
