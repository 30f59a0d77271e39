package compare

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// DefaultMetrics are the metrics shown when Options.Metrics is empty (those present in both
// inputs), followed by any metric a bound names.
var DefaultMetrics = []string{
	"cost_usd", "energy_kwh", "carbon_kg", "mean_wait_s", "p99_wait_s", "mean_bounded_slowdown",
	"slo_violations", "slo_violation_rate", "cpu_utilization", "host_hours",
}

// Options control a comparison.
type Options struct {
	Test    string   // TestWelch (default), TestMannWhitney or TestPaired
	Alpha   float64  // significance level; 0 means 0.05
	Metrics []string // metrics to report; nil: DefaultMetrics; ["all"]: every metric of both inputs
	Ignore  []string // parameter keys not to match on (their runs are pooled)
	FailOn  []Bound  // regression gates
}

// Report is the outcome of a comparison.
type Report struct {
	Base, Candidate *Side
	Test            string
	Alpha           float64
	MatchedOn       []string     // parameter keys the groups were matched on
	Differences     []Difference // what differs between the inputs: the thing being compared
	Ignored         []string     // keys excluded with --ignore
	Pooled          []string     // ignored keys whose runs were pooled because their values vary
	Metrics         []string     // metrics reported, in order
	FailOn          []Bound
	Groups          []Group
	UnmatchedBase   []string // labels of base groups without a candidate group
	UnmatchedCand   []string // labels of candidate groups without a base group
	Warnings        []string
	Regressions     []Regression
}

// Difference is a parameter that is constant within each input but differs between them (or
// exists in only one of them). When no parameter differs (two run folders, or sweeps with
// different fixed overrides), it is a key of the resolved scenarios (dcsim.scenario_yaml) whose
// values differ.
type Difference struct {
	Key       string
	Base      string // value in the base; "" when the base has no such parameter
	Candidate string // value in the candidate; "" when it has no such parameter
}

// Param is one parameter value of a group.
type Param struct {
	Key   string
	Value Value
}

// Group is one matched pair: the runs of a base configuration and those of the candidate
// configuration it was matched with.
type Group struct {
	Label      string  // the matched parameter values, e.g. "cluster.host_groups.0.count=400"; "all runs" without any
	BaseParams []Param // the base group's parameter values (ignored keys excluded)
	CandParams []Param
	BaseRuns   int
	CandRuns   int
	Results    []Result // one per reported metric
}

// Sample describes one side's values of a metric in a group.
type Sample struct {
	N      int     // values (nulls skipped)
	Mean   float64 // NaN when N = 0
	SD     float64 // sample standard deviation; 0 when N < 2
	Values []float64
	Seeds  []string // the seed of each value (for --test paired)
}

// Result is the comparison of one metric in one group.
type Result struct {
	Metric      string
	Unit        string
	Base, Cand  Sample
	Delta       float64  // mean(cand) - mean(base); NaN without data
	ChangePct   float64  // ChangePct(mean(base), mean(cand)); NaN without data
	P           float64  // two-sided p-value; NaN when a side has fewer than two values
	Method      string   // MethodWelch, MethodMannWhitney, MethodN1 or MethodNoData
	Significant bool     // p < alpha, or (MethodN1) the means differ
	Violated    []string // bounds (e.g. "+2%") this result regresses beyond, significantly
}

// How a Result's significance was decided.
const (
	MethodWelch       = TestWelch
	MethodMannWhitney = TestMannWhitney
	MethodPaired      = TestPaired
	MethodN1          = "n=1"     // a side has one run: no test; a difference is deterministic
	MethodNoData      = "no data" // a side has no value (all null)
)

// Regression is one failed gate.
type Regression struct {
	Group  string
	Metric string
	Bound  string // the --fail-on value
	Result *Result
}

// groupOf is one configuration of one side: its runs, in file order.
type groupOf struct {
	key    string // group key: the values of all non-ignored parameters
	match  string // match key: the values of the matched parameters
	params []Param
	label  string
	rows   []int
}

// Compare matches the groups of base and cand and compares every selected metric.
//
// Matching: each side's runs are grouped by the values of its parameters (minus ignored keys).
// Keys both sides have are matched on, except ignored keys and keys that are constant within
// each side but differ between the sides: those are the difference being compared. A base group
// and a candidate group are paired when their matched values agree; keys only one side has keep
// that side's groups apart, so one group of the other side can pair with several.
func Compare(base, cand *Side, opt Options) (*Report, error) {
	if opt.Test == "" {
		opt.Test = TestWelch
	}
	if opt.Test != TestWelch && opt.Test != TestMannWhitney && opt.Test != TestPaired {
		return nil, inputErr("--test %q: want %s, %s or %s", opt.Test, TestWelch, TestMannWhitney, TestPaired)
	}
	if opt.Alpha == 0 {
		opt.Alpha = 0.05
	}
	if !(opt.Alpha > 0 && opt.Alpha < 1) {
		return nil, inputErr("--alpha %v: want a number between 0 and 1", opt.Alpha)
	}
	r := &Report{Base: base, Candidate: cand, Test: opt.Test, Alpha: opt.Alpha, FailOn: opt.FailOn}

	// Metrics.
	if err := r.selectMetrics(opt); err != nil {
		return nil, err
	}

	// Keys.
	ignored := map[string]bool{}
	for _, k := range opt.Ignore {
		if !slices.Contains(base.Params, k) && !slices.Contains(cand.Params, k) {
			return nil, inputErr("--ignore %q: neither input has that parameter (base: %s; candidate: %s)",
				k, listOr(base.Params), listOr(cand.Params))
		}
		if !ignored[k] {
			ignored[k] = true
			r.Ignored = append(r.Ignored, k)
		}
	}
	bvals, cvals := distinct(base), distinct(cand)
	matched := map[string]bool{}
	for _, k := range base.Params {
		if ignored[k] {
			if len(bvals[k]) > 1 || len(cvals[k]) > 1 {
				r.Pooled = append(r.Pooled, k)
			}
			continue
		}
		if !slices.Contains(cand.Params, k) {
			if len(bvals[k]) == 1 {
				r.Differences = append(r.Differences, Difference{Key: k, Base: bvals[k][0]})
			}
			continue
		}
		if len(bvals[k]) == 1 && len(cvals[k]) == 1 && bvals[k][0] != cvals[k][0] {
			r.Differences = append(r.Differences, Difference{Key: k, Base: bvals[k][0], Candidate: cvals[k][0]})
			continue
		}
		matched[k] = true
		r.MatchedOn = append(r.MatchedOn, k)
	}
	for _, k := range cand.Params {
		if ignored[k] {
			if !slices.Contains(base.Params, k) && len(cvals[k]) > 1 {
				r.Pooled = append(r.Pooled, k)
			}
			continue
		}
		if !slices.Contains(base.Params, k) && len(cvals[k]) == 1 {
			r.Differences = append(r.Differences, Difference{Key: k, Candidate: cvals[k][0]})
		}
	}

	// Groups and pairs.
	// A matched key goes into group labels only when it varies; a key only one side has, when it
	// varies on that side.
	label := map[string]bool{}
	for _, k := range base.Params {
		label[k] = !ignored[k] && len(bvals[k]) > 1
	}
	for _, k := range cand.Params {
		label[k] = label[k] || !ignored[k] && len(cvals[k]) > 1
	}
	bg := groupsOf(base, ignored, matched, label)
	cg := groupsOf(cand, ignored, matched, label)
	usedC := make([]bool, len(cg))
	var pairs [][2]int // first row of each paired base and candidate group
	for _, b := range bg {
		found := false
		for ci, c := range cg {
			if c.match != b.match {
				continue
			}
			found, usedC[ci] = true, true
			pairs = append(pairs, [2]int{b.rows[0], c.rows[0]})
			g := r.pair(b, c, matched, label)
			if opt.Test == TestPaired {
				if err := checkPairs(g.Label, base, cand, b, c); err != nil {
					return nil, err
				}
			}
			r.Groups = append(r.Groups, g)
		}
		if !found {
			r.UnmatchedBase = append(r.UnmatchedBase, b.label)
		}
	}
	for ci, c := range cg {
		if !usedC[ci] {
			r.UnmatchedCand = append(r.UnmatchedCand, c.label)
		}
	}
	if len(r.Groups) == 0 {
		return nil, inputErr("no configuration of %s matches one of %s on %s (base has %s; candidate has %s); use --ignore KEY to leave a parameter out of the matching",
			base.Path, cand.Path, strings.Join(r.MatchedOn, ", "), strings.Join(r.UnmatchedBase, "; "), strings.Join(r.UnmatchedCand, "; "))
	}
	for _, l := range r.UnmatchedBase {
		r.Warnings = append(r.Warnings, fmt.Sprintf("base configuration %s has no match in the candidate: not compared", l))
	}
	for _, l := range r.UnmatchedCand {
		r.Warnings = append(r.Warnings, fmt.Sprintf("candidate configuration %s has no match in the base: not compared", l))
	}
	if len(r.Differences) == 0 {
		// Nothing in the parameters tells the inputs apart: compare the resolved scenarios of
		// the first matched pair of runs (a run folder's own, or a sweep run's from its folder),
		// leaving out the parameters and the seed, which differ by design. A sweep-wide --set
		// shows up here. Failing that, name the scenarios when they differ (the difference may
		// also lie outside the files: the code, the dcsim version).
		g := pairs[0]
		ya, yb := base.resolvedYAML(g[0]), cand.resolvedYAML(g[1])
		diffs, more := scenarioDiff(ya, yb, func(k string) bool {
			return k == "seed" || slices.Contains(base.Params, k) || slices.Contains(cand.Params, k)
		})
		r.Differences = diffs
		if more {
			r.Warnings = append(r.Warnings, fmt.Sprintf("the two scenarios differ in more than %d keys; only the first %d (sorted) are listed", maxYAMLDiffs, maxYAMLDiffs))
		}
		if len(r.Differences) == 0 && base.Scenario != cand.Scenario {
			r.Differences = append(r.Differences, Difference{Key: "scenario", Base: base.Scenario, Candidate: cand.Scenario})
		}
	}
	r.gate()
	return r, nil
}

// selectMetrics resolves opt.Metrics and the bounds' metrics against both sides.
func (r *Report) selectMetrics(opt Options) error {
	base, cand := r.Base, r.Candidate
	inBoth := func(m string) bool { return slices.Contains(base.Metrics, m) && slices.Contains(cand.Metrics, m) }
	check := func(m, flag string) error {
		if inBoth(m) {
			if bu, cu := base.Units[m], cand.Units[m]; bu != cu {
				return inputErr("%s: metric %q has unit %q in the base but %q in the candidate", flag, m, bu, cu)
			}
			return nil
		}
		where := "either input"
		switch {
		case slices.Contains(base.Metrics, m):
			where = "the candidate (" + cand.File + ")"
		case slices.Contains(cand.Metrics, m):
			where = "the base (" + base.File + ")"
		}
		return inputErr("%s: no metric %q in %s; metrics: %s", flag, m, where, strings.Join(common(base.Metrics, cand.Metrics), ", "))
	}
	add := func(m string) {
		if !slices.Contains(r.Metrics, m) {
			r.Metrics = append(r.Metrics, m)
		}
	}
	switch {
	case len(opt.Metrics) == 1 && opt.Metrics[0] == "all":
		for _, m := range common(base.Metrics, cand.Metrics) {
			if base.Units[m] != cand.Units[m] {
				r.Warnings = append(r.Warnings, fmt.Sprintf("metric %s left out: unit %q in the base, %q in the candidate", m, base.Units[m], cand.Units[m]))
				continue
			}
			add(m)
		}
	case len(opt.Metrics) > 0:
		for _, m := range opt.Metrics {
			if err := check(m, "--metrics"); err != nil {
				return err
			}
			add(m)
		}
	default:
		for _, m := range DefaultMetrics {
			if inBoth(m) && base.Units[m] == cand.Units[m] {
				add(m)
			}
		}
	}
	for _, b := range opt.FailOn {
		if err := check(b.Metric, "--fail-on "+b.Text); err != nil {
			return err
		}
		add(b.Metric)
	}
	if len(r.Metrics) == 0 {
		return inputErr("no metric in common between %s and %s", base.File, cand.File)
	}
	return nil
}

// pair compares every metric between base group b and candidate group c.
func (r *Report) pair(b, c groupOf, matched, label map[string]bool) Group {
	base, cand := r.Base, r.Candidate
	g := Group{BaseParams: b.params, CandParams: c.params, BaseRuns: len(b.rows), CandRuns: len(c.rows)}
	var parts []string
	for _, p := range b.params {
		if matched[p.Key] && label[p.Key] {
			parts = append(parts, p.Key+"="+p.Value.Text)
		}
	}
	for _, p := range b.params {
		if !matched[p.Key] && label[p.Key] && !slices.Contains(cand.Params, p.Key) {
			parts = append(parts, "base "+p.Key+"="+p.Value.Text)
		}
	}
	for _, p := range c.params {
		if !matched[p.Key] && label[p.Key] && !slices.Contains(base.Params, p.Key) {
			parts = append(parts, "candidate "+p.Key+"="+p.Value.Text)
		}
	}
	g.Label = strings.Join(parts, " ")
	if g.Label == "" {
		g.Label = "all runs"
	}
	for _, m := range r.Metrics {
		g.Results = append(g.Results, r.compareMetric(m, sample(base, b.rows, m), sample(cand, c.rows, m)))
	}
	return g
}

// compareMetric computes one Result.
func (r *Report) compareMetric(metric string, a, b Sample) Result {
	res := Result{Metric: metric, Unit: r.Base.Units[metric], Base: a, Cand: b,
		Delta: math.NaN(), ChangePct: math.NaN(), P: math.NaN()}
	switch {
	case a.N == 0 || b.N == 0:
		res.Method = MethodNoData
		return res
	case a.N == 1 || b.N == 1:
		res.Method = MethodN1
		res.Significant = a.Mean != b.Mean
	case r.Test == TestPaired:
		res.Method = MethodPaired
		pa, pb := pairBySeed(a, b)
		if len(pa) < 2 {
			res.Method = MethodN1
			res.Significant = a.Mean != b.Mean
			break
		}
		res.P = Paired(pa, pb).P
		res.Significant = res.P < r.Alpha
	case r.Test == TestMannWhitney:
		res.Method = MethodMannWhitney
		res.P = MannWhitney(a.Values, b.Values).P
		res.Significant = res.P < r.Alpha
	default:
		res.Method = MethodWelch
		res.P = Welch(a.Values, b.Values).P
		res.Significant = res.P < r.Alpha
	}
	res.Delta = b.Mean - a.Mean
	res.ChangePct = ChangePct(a.Mean, b.Mean)
	return res
}

// gate checks every bound in every group and records regressions and warnings.
func (r *Report) gate() {
	warnedMinP := map[string]bool{}
	for gi := range r.Groups {
		g := &r.Groups[gi]
		for ri := range g.Results {
			res := &g.Results[ri]
			for _, b := range r.FailOn {
				if b.Metric != res.Metric {
					continue
				}
				switch res.Method {
				case MethodNoData:
					r.Warnings = append(r.Warnings, fmt.Sprintf("%s in %s: no values on one side (null); --fail-on %s not checked", res.Metric, g.Label, b.Text))
					continue
				case MethodMannWhitney:
					if mp := minP(r.Test, res.Base.N, res.Cand.N); mp >= r.Alpha {
						k := fmt.Sprintf("%d/%d", res.Base.N, res.Cand.N)
						if !warnedMinP[k] {
							warnedMinP[k] = true
							r.Warnings = append(r.Warnings, fmt.Sprintf("with %d and %d runs the Mann-Whitney test cannot reach p < %g (its smallest p-value is %.3g): these gates can never fail; use more seeds or --test welch",
								res.Base.N, res.Cand.N, r.Alpha, mp))
						}
					}
				}
				if res.Significant && b.Beyond(res.Base.Mean, res.Cand.Mean) {
					res.Violated = append(res.Violated, b.String())
					r.Regressions = append(r.Regressions, Regression{Group: g.Label, Metric: res.Metric, Bound: b.Text, Result: res})
				}
			}
		}
	}
}

// sample collects metric m of the given rows, skipping nulls.
func sample(s *Side, rows []int, m string) Sample {
	j := slices.Index(s.Metrics, m)
	var xs []float64
	var seeds []string
	for _, ri := range rows {
		if x := s.Rows[ri].Values[j]; !math.IsNaN(x) {
			xs = append(xs, x)
			seeds = append(seeds, s.Rows[ri].Seed)
		}
	}
	mean, sd := meanSD(xs)
	return Sample{N: len(xs), Mean: mean, SD: sd, Values: xs, Seeds: seeds}
}

// pairBySeed returns the values of a and b that share a seed, in a's order (checkPairs has made
// sure that seeds are unique within each side of a group).
func pairBySeed(a, b Sample) (pa, pb []float64) {
	for i, s := range a.Seeds {
		if j := slices.Index(b.Seeds, s); j >= 0 {
			pa, pb = append(pa, a.Values[i]), append(pb, b.Values[j])
		}
	}
	return pa, pb
}

// checkPairs makes sure --test paired can pair the runs of a group by seed: every run has a
// seed, no seed repeats within a side, and both sides have the same seeds.
func checkPairs(label string, base, cand *Side, b, c groupOf) error {
	seeds := func(s *Side, g groupOf, which string) ([]string, error) {
		var out []string
		for _, ri := range g.rows {
			sd := s.Rows[ri].Seed
			if sd == "" {
				return nil, inputErr("--test paired: %s has no seed column", s.File)
			}
			if slices.Contains(out, sd) {
				return nil, inputErr("--test paired: in %s, the %s has two runs with seed %s (pooled by --ignore?); pairing needs one run per seed", label, which, sd)
			}
			out = append(out, sd)
		}
		return out, nil
	}
	bs, err := seeds(base, b, "base")
	if err != nil {
		return err
	}
	cs, err := seeds(cand, c, "candidate")
	if err != nil {
		return err
	}
	sb, sc := slices.Clone(bs), slices.Clone(cs)
	slices.Sort(sb)
	slices.Sort(sc)
	if !slices.Equal(sb, sc) {
		return inputErr("--test paired: in %s the seeds differ (base %s; candidate %s); pairing needs the same seeds on both sides",
			label, strings.Join(bs, ", "), strings.Join(cs, ", "))
	}
	return nil
}

// groupsOf groups a side's rows by their non-ignored parameter values, in order of first
// appearance.
func groupsOf(s *Side, ignored, matched, label map[string]bool) []groupOf {
	var gs []groupOf
	index := map[string]int{}
	for ri, row := range s.Rows {
		var key, match strings.Builder
		var params []Param
		var parts []string
		for j, k := range s.Params {
			if ignored[k] {
				continue
			}
			v := row.Params[j]
			fmt.Fprintf(&key, "%q=%q;", k, v.Text)
			if matched[k] {
				fmt.Fprintf(&match, "%q=%q;", k, v.Text)
			}
			params = append(params, Param{Key: k, Value: v})
			if label[k] {
				parts = append(parts, k+"="+v.Text)
			}
		}
		i, ok := index[key.String()]
		if !ok {
			i = len(gs)
			index[key.String()] = i
			label := strings.Join(parts, " ")
			if label == "" {
				label = "all runs"
			}
			gs = append(gs, groupOf{key: key.String(), match: match.String(), params: params, label: label})
		}
		gs[i].rows = append(gs[i].rows, ri)
	}
	return gs
}

// distinct lists each parameter's distinct values (canonical text) in order of appearance.
func distinct(s *Side) map[string][]string {
	out := map[string][]string{}
	for j, k := range s.Params {
		for _, row := range s.Rows {
			if v := row.Params[j].Text; !slices.Contains(out[k], v) {
				out[k] = append(out[k], v)
			}
		}
	}
	return out
}

// common lists the elements of a that b also has, in a's order.
func common(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func listOr(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}
