package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/dcsim/dcsim/internal/atomicfile"
	"github.com/dcsim/dcsim/internal/runner"
	"github.com/dcsim/dcsim/internal/version"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
	"github.com/dcsim/dcsim/scenarios/plan"
)

const planUsage = `Usage: dcsim plan SCENARIO --vary KEY=LO:HI[:STEP][:int|:float]... [flags]

Searches for the configuration that minimizes a summary metric (--minimize, default cost_usd)
subject to constraints on others (--subject-to), varying scenario keys within bounds. Each
candidate runs over --seeds seeds (the scenario's seed + k, the same for every candidate) and
its metrics are aggregated over them (--aggregate). One key: bisection for the feasibility
boundary (assumes feasibility grows with the key, or shrinks with --direction down). Several
keys: a compass/pattern search on the lattice of key values, feasible candidates first.
Prints the search path and the answer with the --set flags that reproduce it, and writes
DIR/plan.arrow (every candidate), DIR/plan.json (question and answer) and each run into
DIR/candidates/<id>/seed-<k>/ (jobs.arrow removed unless --keep-jobs). A rerun into the same DIR
reuses runs whose scenario is identical. See docs/plan.md.

Exit codes: 0 a feasible configuration was found, 1 none of the candidates is feasible (the
closest one is reported and the files are written) or a run failed, 2 bad input.

Examples:
  dcsim plan default --set horizon=6h --vary cluster.host_groups.0.count=100:800 \
      --subject-to 'slo_violation_rate<=0.01' --seeds 3 -o out/plan
  dcsim plan default --vary cluster.host_groups.0.count=200:800:20 \
      --vary cluster.host_groups.1.count=0:160:10 --subject-to 'p99_wait_s<=600' --budget 60
  dcsim plan autoscale-diurnal --vary provisioning.headroom=0:0.5:float \
      --subject-to 'slo_violation_rate<=0.001' --aggregate max
`

// planSeedDirPrefix names a candidate's run folders: candidates/<id>/seed-<k>.
const planSeedDirPrefix = "seed-"

func cmdPlan(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("plan", planUsage, stderr)
	out := fs.StringP("output", "o", "", "output folder (default out/plan-<scenario name>)")
	varies := fs.StringArray("vary", nil, "a key to vary: KEY=LO:HI[:STEP][:int|:float] (repeatable; integer unless a bound has a '.')")
	minimize := fs.String("minimize", "cost_usd", "the summary metric to minimize")
	subjectTo := fs.StringArray("subject-to", nil, "a constraint METRIC<=X, METRIC>=X, METRIC<X or METRIC>X (repeatable)")
	seeds := fs.Int("seeds", 3, "seeds (runs) per candidate")
	seed := fs.String("seed", "", "root seed: candidate runs use seeds root, root+1, ... (default the scenario's seed)")
	aggregate := fs.String("aggregate", "mean", "how metrics are aggregated over seeds: mean, or max (conservative for <= constraints)")
	method := fs.String("method", "auto", "search method: auto (bisect for one key, pattern for several), bisect, pattern or scan (every point)")
	direction := fs.String("direction", "up", "bisection: up if larger values of the key are more feasible, down if smaller ones are")
	jobs := fs.IntP("jobs", "j", runtime.NumCPU(), "runs at a time")
	budget := fs.Int("budget", 40, "most candidates to evaluate (each runs --seeds times)")
	sets := fs.StringArray("set", nil, "override a scenario key in every run: key.path=value (repeatable)")
	keepJobs := fs.Bool("keep-jobs", false, "keep each run's jobs.arrow (removed by default to save space)")
	allowExec := fs.Bool("allow-exec", false, "allow the scenario to start the external policy program it names")
	quiet := fs.BoolP("quiet", "q", false, "print only the answer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"plan takes one scenario (built-in name or file); see 'dcsim plan --help'"}
	}
	q, err := parsePlanFlags(fs.Arg(0), *varies, *minimize, *subjectTo, *sets, *seed, *aggregate, *method, *direction, *seeds, *budget, *jobs)
	if err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("out", "plan-"+q.base.Name)
	}
	if err := os.MkdirAll(filepath.Join(dir, "candidates"), 0o755); err != nil {
		return err
	}
	ev := &planEval{q: q, dir: dir, jobs: *jobs, keepJobs: *keepJobs, allowExec: *allowExec}
	interruptPlan(dir, stderr)
	start := time.Now()
	printer := &pathPrinter{w: stdout, q: q, quiet: *quiet}
	for _, w := range q.warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	printer.header()
	tuneGCForBatch()
	res, err := plan.Search(q.problem, ev.eval, printer.candidate)
	if err != nil {
		return err
	}
	return finishPlan(stdout, stderr, q, ev, res, dir, time.Since(start))
}

// planQuestion is a parsed and checked plan command line.
type planQuestion struct {
	scenario  string   // the SCENARIO argument
	sets      []string // the user's --set overrides
	base      *scenarios.Scenario
	root      uint64
	seeds     int
	aggregate string
	metrics   []results.SummaryMetric
	objIdx    int   // index of the minimized metric in metrics
	consIdx   []int // index of each constraint's metric
	problem   plan.Problem
	warnings  []string // about the question itself
}

func (q *planQuestion) seedOf(k int) uint64 { return q.root + uint64(k) }

func parsePlanFlags(scenario string, varies []string, minimize string, subjectTo, sets []string, seed, aggregate, method, direction string,
	seeds, budget, jobs int) (*planQuestion, error) {
	q := &planQuestion{scenario: scenario, sets: sets, seeds: seeds, aggregate: aggregate, metrics: results.SummaryMetrics()}
	metricIndex := func(flag, name string) (int, error) {
		for i, m := range q.metrics {
			if m.Name == name {
				return i, nil
			}
		}
		names := make([]string, len(q.metrics))
		for i, m := range q.metrics {
			names[i] = m.Name
		}
		return 0, usageError{fmt.Sprintf("%s: unknown metric %q; summary.arrow's numeric columns are: %s", flag, name, strings.Join(names, ", "))}
	}
	if len(varies) == 0 {
		return nil, usageError{"plan needs at least one --vary KEY=LO:HI, e.g. --vary cluster.host_groups.0.count=100:2000"}
	}
	setKeys := map[string]bool{}
	for _, s := range sets {
		k, _, _ := strings.Cut(s, "=")
		setKeys[strings.TrimSpace(k)] = true
	}
	var keys []plan.Key
	for _, v := range varies {
		k, err := plan.ParseKey(v)
		if err != nil {
			return nil, usageError{fmt.Sprintf("--vary %q: %v", v, err)}
		}
		for _, o := range keys {
			if o.Path == k.Path {
				return nil, usageError{fmt.Sprintf("--vary %q: key %s is varied twice", v, k.Path)}
			}
		}
		if setKeys[k.Path] {
			return nil, usageError{fmt.Sprintf("--vary %q: key %s is also given with --set", v, k.Path)}
		}
		keys = append(keys, k)
	}
	var err error
	if q.objIdx, err = metricIndex("--minimize", minimize); err != nil {
		return nil, err
	}
	var cons []plan.Constraint
	for _, s := range subjectTo {
		c, err := plan.ParseConstraint(s)
		if err != nil {
			return nil, usageError{fmt.Sprintf("--subject-to %q: %v", s, err)}
		}
		i, err := metricIndex(fmt.Sprintf("--subject-to %q", s), c.Metric)
		if err != nil {
			return nil, err
		}
		cons, q.consIdx = append(cons, c), append(q.consIdx, i)
		if aggregate == "max" && !c.Op.Upper() {
			q.warnings = append(q.warnings, fmt.Sprintf("--aggregate max with --subject-to %q: the largest value over the seeds is the optimistic one for a lower bound", s))
		}
	}
	if seeds < 1 {
		return nil, usageError{fmt.Sprintf("--seeds %d: want at least 1", seeds)}
	}
	if budget < 1 {
		return nil, usageError{fmt.Sprintf("--budget %d: want at least 1", budget)}
	}
	if jobs < 1 {
		return nil, usageError{fmt.Sprintf("--jobs %d: want at least 1", jobs)}
	}
	if aggregate != "mean" && aggregate != "max" {
		return nil, usageError{fmt.Sprintf("--aggregate %q: want mean or max", aggregate)}
	}
	m, err := plan.ParseMethod(method)
	if err != nil {
		return nil, usageError{"--method " + err.Error()}
	}
	if m == plan.Bisect && len(keys) != 1 {
		return nil, usageError{fmt.Sprintf("--method bisect varies one key, got %d --vary flags (use --method pattern)", len(keys))}
	}
	dir, err := plan.ParseDirection(direction)
	if err != nil {
		return nil, usageError{"--direction " + err.Error()}
	}
	all := append([]string(nil), sets...)
	if seed != "" {
		if _, err := strconv.ParseUint(seed, 10, 64); err != nil {
			return nil, usageError{fmt.Sprintf("--seed %q: want a non-negative integer", seed)}
		}
		all = append(all, "seed="+seed)
		q.sets = all
	}
	if q.base, err = scenarios.Resolve(scenario, all); err != nil {
		return nil, err
	}
	q.root = q.base.Seed
	// Each key must be valid at both ends of its range (an unknown key, a count of 0, ...).
	for _, k := range keys {
		for _, v := range []float64{k.Lo, k.Value(k.N() - 1)} {
			if _, err := scenarios.Resolve(scenario, append(slices.Clone(all), k.Set(v))); err != nil {
				return nil, fmt.Errorf("--vary %s: %w", k.Set(v), err)
			}
		}
	}
	batch := max(1, (jobs+seeds-1)/seeds)
	q.problem = plan.Problem{Keys: keys, Objective: minimize, Constraints: cons, Method: m, Direction: dir, Budget: budget, Batch: batch}
	return q, nil
}

// candidateID names a candidate's folder: "c" and 12 hex digits of a SHA-256 of its key values,
// so the same values always get the same folder.
func candidateID(keys []plan.Key, values []float64) string {
	h := sha256.New()
	fmt.Fprintf(h, "dcsim-plan-candidate/1\n")
	for i, k := range keys {
		fmt.Fprintf(h, "%s\n", k.Set(values[i]))
	}
	return "c" + hex.EncodeToString(h.Sum(nil))[:12]
}

// planEval runs candidates: each candidate × seed is one runner.Run, up to jobs at a time.
type planEval struct {
	q         *planQuestion
	dir       string
	jobs      int
	keepJobs  bool
	allowExec bool
	mu        sync.Mutex
	runs      int // runs executed
	reused    int // runs found complete in the folder
}

// planCand is what the evaluator keeps about a candidate (Outcome.Extra).
type planCand struct {
	id      string
	metrics []float64 // aggregated over seeds, in q.metrics order
}

func (e *planEval) eval(values [][]float64) ([]plan.Outcome, error) {
	q := e.q
	per := make([][][]float64, len(values)) // candidate → seed → metrics
	ids := make([]string, len(values))
	for i := range values {
		per[i] = make([][]float64, q.seeds)
		ids[i] = candidateID(q.problem.Keys, values[i])
	}
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(e.jobs)
	for i := range values {
		for k := range q.seeds {
			g.Go(func() error {
				if ctx.Err() != nil {
					return nil
				}
				m, err := e.runOne(ids[i], values[i], k)
				if err != nil {
					return err
				}
				per[i][k] = m
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	outs := make([]plan.Outcome, len(values))
	for i := range values {
		agg := aggregateSeeds(per[i], q.aggregate)
		o := plan.Outcome{Objective: agg[q.objIdx], Extra: &planCand{id: ids[i], metrics: agg}}
		for _, j := range q.consIdx {
			o.Values = append(o.Values, agg[j])
		}
		outs[i] = o
	}
	return outs, nil
}

// aggregateSeeds combines the seeds' metric vectors, in seed order (so sums are reproducible):
// the mean, or the largest value; NaN (a null metric) in any seed gives NaN.
func aggregateSeeds(per [][]float64, how string) []float64 {
	agg := make([]float64, len(per[0]))
	for j := range agg {
		acc := per[0][j]
		for _, m := range per[1:] {
			if how == "max" {
				acc = math.Max(acc, m[j])
			} else {
				acc += m[j]
			}
		}
		if how != "max" {
			acc /= float64(len(per))
		}
		agg[j] = acc
	}
	return agg
}

// runOne runs seed k of a candidate into candidates/<id>/seed-<k>/ (written under a temporary
// name and renamed when complete), or reuses that folder when its summary.arrow comes from the
// identical scenario and dcsim version. It returns the run's summary metrics.
func (e *planEval) runOne(id string, values []float64, k int) (ms []float64, err error) {
	q := e.q
	sets := make([]string, 0, len(q.sets)+len(values)+2)
	sets = append(sets, "output.hosts=false") // the plan reads only the summary; --set output.hosts=true keeps hosts.arrow
	sets = append(sets, q.sets...)
	for i, key := range q.problem.Keys {
		sets = append(sets, key.Set(values[i]))
	}
	seed := q.seedOf(k)
	sets = append(sets, "seed="+strconv.FormatUint(seed, 10))
	what := func() string {
		parts := make([]string, len(values))
		for i, key := range q.problem.Keys {
			parts[i] = key.Set(values[i])
		}
		return fmt.Sprintf("candidate %s (%s), seed %d", id, strings.Join(parts, " "), seed)
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%s: internal error (please report): %v\n%s", what(), v, debug.Stack())
		}
	}()
	sc, err := scenarios.Resolve(q.scenario, sets)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what(), err)
	}
	final := filepath.Join(e.dir, "candidates", id, planSeedDirPrefix+strconv.Itoa(k))
	if s, err := runner.Complete(final, sc); err != nil {
		return nil, err
	} else if s != nil {
		e.mu.Lock()
		e.reused++
		e.mu.Unlock()
		return results.SummaryMetricValues(s), nil
	}
	var trim func(string) error
	if !e.keepJobs {
		trim = func(tmp string) error {
			if err := os.Remove(filepath.Join(tmp, "jobs.arrow")); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			return nil
		}
	}
	s, err := runner.RunInto(sc, final, runner.Options{Workers: 1, Format: "arrow", AllowExec: e.allowExec}, trim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what(), err)
	}
	e.mu.Lock()
	e.runs++
	e.mu.Unlock()
	return results.SummaryMetricValues(s), nil
}

// interruptPlan makes Ctrl-C or SIGTERM remove this process's temporary run folders.
func interruptPlan(dir string, stderr io.Writer) {
	onInterrupt(stderr, "plan interrupted; complete runs are kept and reused when the same command runs again",
		filepath.Join(dir, "candidates", "*", fmt.Sprintf(".tmp-%s*-%d", planSeedDirPrefix, os.Getpid())))
}

// pathPrinter prints the search path: one line per evaluated candidate.
type pathPrinter struct {
	w      io.Writer
	q      *planQuestion
	quiet  bool
	widths []int
}

func (p *pathPrinter) header() {
	q := p.q
	var ks []string
	for _, k := range q.problem.Keys {
		ks = append(ks, k.String())
	}
	cons := "no constraint"
	if len(q.problem.Constraints) > 0 {
		var cs []string
		for _, c := range q.problem.Constraints {
			cs = append(cs, c.String())
		}
		cons = "subject to " + strings.Join(cs, ", ")
	}
	fmt.Fprintf(p.w, "plan %s: minimize %s %s over %s; %s from %d (%s), budget %d candidates\n",
		q.base.Name, q.problem.Objective, cons, strings.Join(ks, ", "), nSeeds(q.seeds), q.root, q.aggregate, q.problem.Budget)
	if p.quiet {
		return
	}
	cols := []string{"#"}
	for _, k := range q.problem.Keys {
		cols = append(cols, k.Path)
	}
	cols = append(cols, q.problem.Objective)
	for _, c := range q.problem.Constraints {
		cols = append(cols, c.String())
	}
	cols = append(cols, "feasible")
	for i, c := range cols {
		w := max(len(c), 10)
		if i == 0 {
			w = 4
		}
		p.widths = append(p.widths, w)
	}
	p.row(cols)
}

func (p *pathPrinter) row(cells []string) {
	var b strings.Builder
	for i, c := range cells {
		if i > 0 {
			b.WriteString("  ")
		}
		fmt.Fprintf(&b, "%*s", p.widths[i], c)
	}
	fmt.Fprintln(p.w, strings.TrimRight(b.String(), " "))
}

func nSeeds(n int) string {
	if n == 1 {
		return "1 seed"
	}
	return strconv.Itoa(n) + " seeds"
}

func fmtMetric(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func (p *pathPrinter) candidate(c *plan.Candidate) {
	if p.quiet {
		return
	}
	cells := []string{strconv.Itoa(c.Index)}
	for i, k := range p.q.problem.Keys {
		cells = append(cells, k.Format(c.Values[i]))
	}
	cells = append(cells, fmtMetric(c.Objective))
	for i, con := range p.q.problem.Constraints {
		mark := "✓"
		if !con.Holds(c.Outcome.Values[i]) {
			mark = "✗"
		}
		cells = append(cells, fmtMetric(c.Outcome.Values[i])+" "+mark)
	}
	cells = append(cells, map[bool]string{true: "yes", false: "no"}[c.Feasible])
	p.row(cells)
}

// marshalJSON encodes v without escaping '<' and '>' (constraints hold them), indented by
// indent unless it is empty; the result ends with a newline only when indented.
func marshalJSON(v any, indent string) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	s := b.String()
	if indent == "" {
		s = strings.TrimSuffix(s, "\n")
	}
	return []byte(s), nil
}

// jsonFloat is a float64 that encodes NaN and ±Inf as null (JSON has no such numbers).
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

type planKeyJSON struct {
	Key    string    `json:"key"`
	Lo     jsonFloat `json:"lo"`
	Hi     jsonFloat `json:"hi"`
	Step   jsonFloat `json:"step"`
	Type   string    `json:"type"`
	Unit   string    `json:"unit"`
	Points int       `json:"points"`
}

type planQuestionJSON struct {
	Scenario  string        `json:"scenario"`
	Set       []string      `json:"set"`
	Vary      []planKeyJSON `json:"vary"`
	Minimize  string        `json:"minimize"`
	SubjectTo []string      `json:"subject_to"`
	Seeds     []uint64      `json:"seeds"`
	Aggregate string        `json:"aggregate"`
	Method    string        `json:"method"`
	Direction string        `json:"direction,omitempty"`
	Budget    int           `json:"budget"`
}

type planValueJSON struct {
	Key   string    `json:"key"`
	Value jsonFloat `json:"value"`
}

type planConsJSON struct {
	Constraint string    `json:"constraint"`
	Value      jsonFloat `json:"value"`
	Holds      bool      `json:"holds"`
}

type planAnswerJSON struct {
	Feasible    bool            `json:"feasible"`
	Candidate   int             `json:"candidate"`
	CandidateID string          `json:"candidate_id"`
	Values      []planValueJSON `json:"values"`
	Set         []string        `json:"set"`
	Objective   jsonFloat       `json:"objective"`
	Constraints []planConsJSON  `json:"constraints"`
	Violation   jsonFloat       `json:"violation"`
	Reproduce   string          `json:"reproduce"`
}

type planJSON struct {
	Version    string           `json:"dcsim_version"`
	Question   planQuestionJSON `json:"question"`
	Answer     *planAnswerJSON  `json:"answer"`            // null when no candidate is feasible
	Closest    *planAnswerJSON  `json:"closest,omitempty"` // when no candidate is feasible
	Stop       string           `json:"stop"`
	Candidates int              `json:"candidates"`
	Runs       int              `json:"runs"`
	Notes      []string         `json:"notes"`
	Warnings   []string         `json:"warnings"`
}

func (q *planQuestion) questionJSON(m plan.Method) planQuestionJSON {
	qj := planQuestionJSON{Scenario: q.scenario, Set: append([]string{}, q.sets...), Minimize: q.problem.Objective,
		SubjectTo: []string{}, Aggregate: q.aggregate, Method: string(m), Budget: q.problem.Budget}
	for _, k := range q.problem.Keys {
		typ := "int"
		if !k.Integer {
			typ = "float"
		}
		qj.Vary = append(qj.Vary, planKeyJSON{Key: k.Path, Lo: jsonFloat(k.Lo), Hi: jsonFloat(k.Value(k.N() - 1)), Step: jsonFloat(k.Step),
			Type: typ, Unit: keyUnit(k), Points: k.N()})
	}
	for _, c := range q.problem.Constraints {
		qj.SubjectTo = append(qj.SubjectTo, c.String())
	}
	for k := range q.seeds {
		qj.Seeds = append(qj.Seeds, q.seedOf(k))
	}
	if m == plan.Bisect {
		qj.Direction = q.problem.Direction.String()
	}
	return qj
}

func keyUnit(k plan.Key) string {
	if u := k.Unit(); u != "" {
		return u
	}
	return "1"
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./:=,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (q *planQuestion) answerJSON(c *plan.Candidate) *planAnswerJSON {
	a := &planAnswerJSON{Feasible: c.Feasible, Candidate: c.Index, CandidateID: c.Extra.(*planCand).id,
		Objective: jsonFloat(c.Objective), Violation: jsonFloat(c.Violation), Constraints: []planConsJSON{}}
	cmd := []string{"dcsim", "run", shellQuote(q.scenario)}
	for _, s := range q.sets {
		if !strings.HasPrefix(s, "seed=") {
			cmd = append(cmd, "--set", shellQuote(s))
		}
	}
	for i, k := range q.problem.Keys {
		a.Values = append(a.Values, planValueJSON{Key: k.Path, Value: jsonFloat(c.Values[i])})
		a.Set = append(a.Set, k.Set(c.Values[i]))
		cmd = append(cmd, "--set", shellQuote(k.Set(c.Values[i])))
	}
	for i, con := range q.problem.Constraints {
		a.Constraints = append(a.Constraints, planConsJSON{Constraint: con.String(), Value: jsonFloat(c.Outcome.Values[i]), Holds: con.Holds(c.Outcome.Values[i])})
	}
	a.Reproduce = strings.Join(append(cmd, "--seed", strconv.FormatUint(q.root, 10)), " ")
	return a
}

func finishPlan(stdout, stderr io.Writer, q *planQuestion, ev *planEval, res *plan.Result, dir string, took time.Duration) error {
	qj := q.questionJSON(res.Method)
	question, err := marshalJSON(qj, "")
	if err != nil {
		return err
	}
	keys := make([]results.PlanKey, len(q.problem.Keys))
	for i, k := range q.problem.Keys {
		keys[i] = results.PlanKey{Name: k.Path, Unit: keyUnit(k), Integer: k.Integer}
	}
	rows := make([]results.PlanRow, len(res.Candidates))
	for i := range res.Candidates {
		c := &res.Candidates[i]
		rows[i] = results.PlanRow{Candidate: int64(c.Index), ID: c.Extra.(*planCand).id, Values: c.Values, Feasible: c.Feasible,
			Chosen: i == res.Chosen, Violation: c.Violation, Seeds: int64(q.seeds), Metrics: c.Extra.(*planCand).metrics}
	}
	yaml, err := q.base.YAML()
	if err != nil {
		return err
	}
	meta := results.Meta{Version: version.Version, Scenario: q.base.Name, ScenarioYAML: string(yaml), Seed: q.root}
	if err := results.WritePlan(filepath.Join(dir, "plan.arrow"), meta, keys, q.aggregate, string(question), rows); err != nil {
		return err
	}
	pj := planJSON{Version: version.Version, Question: qj, Stop: res.Stop, Candidates: len(res.Candidates),
		Runs: len(res.Candidates) * q.seeds, Notes: append([]string{}, res.Notes...), Warnings: append(append([]string{}, q.warnings...), res.Warnings...)}
	if res.Chosen >= 0 {
		pj.Answer = q.answerJSON(&res.Candidates[res.Chosen])
	} else if res.Closest >= 0 {
		pj.Closest = q.answerJSON(&res.Candidates[res.Closest])
	}
	data, err := marshalJSON(pj, "  ")
	if err != nil {
		return err
	}
	f, err := atomicfile.Create(filepath.Join(dir, "plan.json"))
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	if err := f.Commit(); err != nil {
		return err
	}

	for _, n := range res.Notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	stop := "converged"
	if res.Stop == plan.StopBudget {
		stop = fmt.Sprintf("stopped at the budget of %d candidates (raise --budget to search further)", q.problem.Budget)
	}
	fmt.Fprintf(stdout, "%s by %s: %d candidates, %d runs (%d run now, %d reused) in %.2f s\n",
		stop, res.Method, len(res.Candidates), len(res.Candidates)*q.seeds, ev.runs, ev.reused, took.Seconds())
	show := func(label string, a *planAnswerJSON) {
		fmt.Fprintf(stdout, "%s: candidate %d (%s): %s\n", label, a.Candidate, a.CandidateID, strings.Join(a.Set, " "))
		unit := q.metrics[q.objIdx].Unit
		fmt.Fprintf(stdout, "  %s = %s %s (%s over %s)\n", q.problem.Objective, fmtMetric(float64(a.Objective)), unit, q.aggregate, nSeeds(q.seeds))
		for _, c := range a.Constraints {
			mark := "✓"
			if !c.Holds {
				mark = "✗ broken"
			}
			fmt.Fprintf(stdout, "  %s: %s %s\n", c.Constraint, fmtMetric(float64(c.Value)), mark)
		}
		seedsNote := ""
		if q.seeds > 1 {
			seedsNote = fmt.Sprintf("   (the plan aggregated --seed %d to %d)", q.root, q.seedOf(q.seeds-1))
		}
		fmt.Fprintf(stdout, "  reproduce: %s%s\n", a.Reproduce, seedsNote)
	}
	fmt.Fprintf(stdout, "wrote %s, %s and %s\n", filepath.Join(dir, "plan.arrow"), filepath.Join(dir, "plan.json"), filepath.Join(dir, "candidates")+string(filepath.Separator))
	if pj.Answer != nil {
		show("chosen", pj.Answer)
		return nil
	}
	if pj.Closest == nil {
		return errors.New("plan: no candidate was evaluated")
	}
	show("no candidate meets the constraints; closest", pj.Closest)
	return fmt.Errorf("none of the %d candidates meets the constraints (the closest is candidate %d); widen the --vary ranges or relax --subject-to",
		len(res.Candidates), pj.Closest.Candidate)
}
