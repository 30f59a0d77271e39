package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dcsim/dcsim/internal/atomicfile"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios/sweep"
)

// Options choose what a report shows.
type Options struct {
	// Run is the run of a sweep whose charts are shown (a run_id); "" means the first run.
	Run string
	// GroupBy is the sweep parameter the box plots and the scatter colours group by; "" picks
	// the first parameter whose name contains "placement", "queue" or "policy", else the first.
	GroupBy string
}

// Write renders the report of the run or sweep folder dir into the file out, atomically.
func Write(dir, out string, opt Options) error {
	var buf bytes.Buffer
	if err := Render(dir, opt, &buf); err != nil {
		return err
	}
	f, err := atomicfile.Create(out)
	if err != nil {
		return inputErr("report: %v", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Abort()
		return fmt.Errorf("report: %w", err)
	}
	return f.Commit()
}

// Render writes the self-contained HTML report of the run or sweep folder dir to w. The same
// folder always gives the same bytes.
func Render(dir string, opt Options, w io.Writer) error {
	p, err := build(dir, opt)
	if err != nil {
		return err
	}
	return pageTmpl.Execute(w, p)
}

// page is the template's data.
type page struct {
	Title   string
	Version string
	Sweep   *sweepView
	Run     *runView
}

type summaryRow struct{ Name, Value, Unit, Desc string }

type runView struct {
	Heading     string
	Scenario    string
	Description string
	Seed        string
	Notes       []string
	Charts      []*chart
	Summary     []summaryRow
	Status      []summaryRow
	Sources     []sourceRow
	YAML        string
}

type sourceRow struct {
	Name                                            string
	Jobs, Finished, Rejected, Unfinished, SLO, Wait string
}

type headCell struct{ Name, Unit, Desc string }

type tableRow struct {
	Cells    []string
	Pareto   bool
	Selected bool
}

type sweepView struct {
	Name, Base, Seed string
	Runs, Failures   int
	Params           []string
	GroupBy          string
	Selected         string
	Charts           []*chart
	Boxes            []*chart
	Head             []headCell
	Rows             []tableRow
	YAML             string
	Notes            []string
	TableNote        string
}

// maxTableRows bounds the rows of the runs table (Pareto-front runs and the selected run are
// always listed), so that a sweep of many thousand runs still gives a page a browser opens.
const maxTableRows = 2000

func build(dir string, opt Options) (*page, error) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, inputErr("report: %s is not a folder", dir)
	}
	sp := join(dir, "summary.arrow")
	if !exists(sp) {
		if exists(join(dir, "summary.parquet")) {
			return nil, inputErr("report: %s holds Parquet files only; the report reads Arrow files (run with --format arrow or both)", dir)
		}
		return nil, inputErr("report: %s: no summary.arrow (not a run or sweep folder)", dir)
	}
	sum, err := readSumTable(sp, "")
	if err != nil {
		return nil, err
	}
	switch sum.Meta[results.MetaKeyTable] {
	case results.TableSweepSummary:
		return buildSweep(dir, sum, opt)
	case results.TableSummary, "":
		if opt.Run != "" || opt.GroupBy != "" {
			return nil, inputErr("report: %s is a run folder; --run and --group-by apply to sweep folders", dir)
		}
		rv, err := buildRun(dir, sum, "")
		if err != nil {
			return nil, err
		}
		return &page{Title: "dcsim report: " + rv.Scenario, Version: sum.Meta[results.MetaKeyVersion], Run: rv}, nil
	default:
		return nil, inputErr("report: %s holds the %q table, not a run's or a sweep's summary", sp, sum.Meta[results.MetaKeyTable])
	}
}

// scenarioDoc is the part of a scenario's YAML the report shows.
type scenarioDoc struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
}

func describe(y string) string {
	var d scenarioDoc
	if yaml.Unmarshal([]byte(y), &d) != nil {
		return ""
	}
	return strings.TrimSpace(d.Description)
}

// numCharts is the number of buckets of the queue chart.
const queueBucketsN = maxPoints

func buildRun(dir string, sum *sumTable, heading string) (*runView, error) {
	if sum.Rows != 1 {
		return nil, inputErr("report: %s: summary has %d rows, want 1", join(dir, "summary.arrow"), sum.Rows)
	}
	rv := &runView{Heading: heading, Scenario: sum.Meta[results.MetaKeyScenario], Seed: sum.Meta[results.MetaKeySeed],
		YAML: sum.Meta[results.MetaKeyScenarioYAML]}
	if c := sum.col("scenario"); c != nil && rv.Scenario == "" {
		rv.Scenario = c.Text[0]
	}
	rv.Description = describe(rv.YAML)
	for _, c := range sum.Cols {
		rv.Summary = append(rv.Summary, summaryRow{Name: c.Name, Value: c.Text[0], Unit: c.Unit, Desc: c.Desc})
	}
	end := math.NaN()
	if c := sum.col("sim_time_s"); c != nil {
		end = c.Num[0]
	}
	// Utilization and power.
	hp := tableFile(dir, "hosts")
	if hp != "" {
		hs, err := readHosts(hp)
		if err != nil {
			return nil, err
		}
		if len(hs.T1) > 0 && !(hs.T1[len(hs.T1)-1] <= end) {
			end = hs.T1[len(hs.T1)-1]
		}
		if len(hs.T0) == 0 {
			rv.Notes = append(rv.Notes, "hosts.arrow has no rows: no utilization or power chart.")
		} else {
			ls := []lineSeries{{"CPU", series{hs.T0, hs.T1, hs.CPU}}, {"memory", series{hs.T0, hs.T1, hs.Mem}}}
			if hs.HasGPU {
				ls = append(ls, lineSeries{"GPU (GPU hosts)", series{hs.T0, hs.T1, hs.GPU}})
			}
			rv.Charts = append(rv.Charts,
				stepChart("utilization", "Utilization over time",
					fmt.Sprintf("Mean over the %d hosts of each host's exact time-weighted allocated share of its capacity per interval (hosts.arrow; every host counts alike, time off counts as idle).", hs.Hosts),
					"utilization (%)", end, 100, ls),
				stepChart("power", "IT power over time",
					"Total mean IT power of all hosts per interval (Σ power_w of hosts.arrow), facility overhead (PUE) not included.",
					"power (kW)", end, 0, []lineSeries{{"IT power", series{hs.T0, hs.T1, hs.PowerKW}}}))
			if hs.PartlyOff {
				rv.Charts = append(rv.Charts, stepChart("hosts-on", "Hosts on over time",
					"Hosts provisioned (on) per interval: Σ on_fraction of hosts.arrow.", "hosts on", end, 0,
					[]lineSeries{{"hosts on", series{hs.T0, hs.T1, hs.HostsOn}}}))
			}
		}
	} else {
		rv.Notes = append(rv.Notes, "No hosts.arrow or hosts.parquet in this run (output.hosts: false): no utilization or power chart.")
	}
	// Queue and waits.
	jp := tableFile(dir, "jobs")
	if jp != "" {
		js, _, err := readJobs(jp)
		if err != nil {
			return nil, err
		}
		endUS := js.MaxTimeUS
		if ok(end) && end >= 0 && end*1e6 < 1<<62 {
			endUS = max(endUS, int64(math.Round(end*1e6)))
		}
		if endUS > 0 {
			rv.Charts = append(rv.Charts, queueChart(js.queue(endUS, queueBucketsN), float64(endUS)/1e6))
		}
		rv.Charts = append(rv.Charts, histChart(js.Hist))
		if js.Hist.invalid > 0 {
			rv.Notes = append(rv.Notes, fmt.Sprintf("%d jobs have a negative or non-finite wait_s; they are not in the histogram.", js.Hist.invalid))
		}
		for _, s := range []string{results.StatusFinished, results.StatusRejected, results.StatusUnfinished, results.StatusFailed, results.StatusPreempted} {
			if n, ok := js.Status[s]; ok {
				rv.Status = append(rv.Status, summaryRow{Name: s, Value: strconv.FormatInt(n, 10)})
			}
		}
		for _, s := range sortedKeys(js.Status) {
			switch s {
			case results.StatusFinished, results.StatusRejected, results.StatusUnfinished, results.StatusFailed, results.StatusPreempted:
			default:
				rv.Status = append(rv.Status, summaryRow{Name: s, Value: strconv.FormatInt(js.Status[s], 10)})
			}
		}
		for _, s := range js.Sources {
			w := ""
			if s.Started > 0 {
				w = fmtNum(s.WaitSum / float64(s.Started))
			}
			rv.Sources = append(rv.Sources, sourceRow{Name: s.Name, Jobs: itoa(s.Jobs), Finished: itoa(s.Finished),
				Rejected: itoa(s.Rejected), Unfinished: itoa(s.Unfinished), SLO: itoa(s.SLO), Wait: w})
		}
	} else {
		rv.Notes = append(rv.Notes, "No jobs.arrow or jobs.parquet in this run: no queue or wait-time chart.")
	}
	return rv, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func sortedKeys(m map[string]int64) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sortStrings(ks)
	return ks
}

// sweepMetrics are the summary columns the sweep table shows, in order.
var sweepMetrics = []string{"jobs_submitted", "mean_wait_s", "p99_wait_s", "slo_violation_rate", "cpu_utilization", "energy_kwh", "cost_usd", "carbon_kg"}

// boxMetrics are the box plots of a sweep: column, title, axis label, factor.
var boxMetrics = []struct {
	col, title, axis string
	factor           float64
}{
	{"cost_usd", "Cost", "cost (USD)", 1},
	{"slo_violation_rate", "SLO-violation rate", "SLO violations (% of submitted jobs)", 100},
	{"mean_wait_s", "Mean wait", "mean wait (s)", 1},
	{"cpu_utilization", "CPU utilization", "CPU utilization (%)", 100},
}

func buildSweep(dir string, sum *sumTable, opt Options) (*page, error) {
	sp := join(dir, "summary.arrow")
	var params []string
	if s := sum.Meta[results.MetaKeyParams]; s != "" {
		if err := json.Unmarshal([]byte(s), &params); err != nil {
			return nil, inputErr("report: %s: metadata %s: %v", sp, results.MetaKeyParams, err)
		}
	}
	for _, p := range params {
		if sum.col(p) == nil {
			return nil, inputErr("report: %s: parameter %q has no column", sp, p)
		}
	}
	for _, name := range []string{"run_id", "cost_usd", "slo_violation_rate"} {
		if sum.col(name) == nil {
			return nil, inputErr("report: %s: no %s column", sp, name)
		}
	}
	sv := &sweepView{Base: sum.Meta[results.MetaKeyScenario], Seed: sum.Meta[results.MetaKeySeed],
		YAML: sum.Meta[results.MetaKeyScenarioYAML], Params: params, Runs: sum.Rows}
	if mp := join(dir, "sweep.json"); exists(mp) {
		m, err := sweep.ReadManifest(mp)
		if err != nil {
			return nil, inputErr("report: %v", err)
		}
		sv.Name = m.Name
		for _, r := range m.Runs {
			if r.Status == "failed" {
				sv.Failures++
			}
		}
		if !m.Finished {
			sv.Notes = append(sv.Notes, "sweep.json says this sweep has not finished: runs may be missing.")
		}
	}
	if sv.Name == "" {
		sv.Name = sv.Base
	}
	// Group-by parameter.
	gk := opt.GroupBy
	if gk == "" {
		for _, p := range params {
			l := strings.ToLower(p)
			if strings.Contains(l, "placement") || strings.Contains(l, "queue") || strings.Contains(l, "policy") {
				gk = p
				break
			}
		}
		if gk == "" && len(params) > 0 {
			gk = params[0]
		}
	} else if !contains(params, gk) {
		return nil, inputErr("report: --group-by %q: not a parameter of this sweep (parameters: %s)", gk, strings.Join(params, ", "))
	}
	ids := sum.col("run_id").Text
	var groupOf []int
	var groups []string
	if gk != "" {
		gi := map[string]int{}
		for _, v := range sum.col(gk).Text {
			k, ok := gi[v]
			if !ok {
				k = len(groups)
				gi[v] = k
				groups = append(groups, v)
			}
			groupOf = append(groupOf, k)
		}
	} else {
		groups = []string{"all runs"}
		groupOf = make([]int, sum.Rows)
		gk = "sweep"
	}
	sv.GroupBy = gk
	// Scatter and Pareto front.
	cost, slo := sum.col("cost_usd").Num, sum.col("slo_violation_rate").Num
	xs := make([]float64, sum.Rows)
	pts := make([]point, sum.Rows)
	for i := range pts {
		xs[i] = 100 * slo[i]
		title := ids[i]
		for _, p := range params {
			title += ", " + p + " = " + sum.col(p).Text[i]
		}
		if c := sum.col("replicate"); c != nil {
			title += ", replicate " + c.Text[i]
		}
		title += fmt.Sprintf(": cost %s USD, SLO violations %s%%", fmtNum(cost[i]), fmtNum(xs[i]))
		pts[i] = point{X: xs[i], Y: cost[i], Group: groupOf[i], Title: title}
	}
	front := paretoFront(xs, cost)
	onFront := map[int]bool{}
	for _, i := range front {
		onFront[i] = true
	}
	if sum.Rows > 0 {
		sv.Charts = append(sv.Charts, scatterChart(pts, front, groups, gk))
		for _, m := range boxMetrics {
			c := sum.col(m.col)
			if c == nil || !c.Numeric {
				continue
			}
			vals := make([][]float64, len(groups))
			for i, v := range c.Num {
				vals[groupOf[i]] = append(vals[groupOf[i]], v*m.factor)
			}
			sv.Boxes = append(sv.Boxes, boxChart("box-"+m.col, m.title+" by "+gk, m.axis, groups, gk, vals))
		}
	}
	// Table.
	cols := []string{"run_id"}
	if sum.col("replicate") != nil {
		cols = append(cols, "replicate")
	}
	cols = append(cols, params...)
	for _, m := range sweepMetrics {
		if sum.col(m) != nil && !contains(cols, m) {
			cols = append(cols, m)
		}
	}
	for _, name := range cols {
		c := sum.col(name)
		sv.Head = append(sv.Head, headCell{Name: name, Unit: c.Unit, Desc: c.Desc})
	}
	// The run shown in detail.
	sel := opt.Run
	if sel == "" && sum.Rows > 0 {
		sel = ids[0]
	}
	if sel != "" && !contains(ids, sel) {
		return nil, inputErr("report: --run %q: no such run in %s", sel, sp)
	}
	sv.Selected = sel
	hidden := 0
	for i := 0; i < sum.Rows; i++ {
		if i >= maxTableRows && !onFront[i] && ids[i] != sel {
			hidden++
			continue
		}
		r := tableRow{Pareto: onFront[i], Selected: ids[i] == sel}
		for _, name := range cols {
			r.Cells = append(r.Cells, sum.col(name).Text[i])
		}
		sv.Rows = append(sv.Rows, r)
	}
	if hidden > 0 {
		sv.TableNote = fmt.Sprintf("The table lists the first %d runs, the Pareto front and the selected run; %d more runs are in summary.arrow.", maxTableRows, hidden)
	}
	p := &page{Title: "dcsim sweep report: " + sv.Name, Version: sum.Meta[results.MetaKeyVersion], Sweep: sv}
	if sel != "" {
		rd := join(join(dir, "runs"), sel)
		rs := join(rd, "summary.arrow")
		if !validRunID(sel) || !exists(rs) {
			sv.Notes = append(sv.Notes, "The folder of run "+sel+" (runs/"+sel+"/summary.arrow) is missing: no run charts.")
		} else {
			rsum, err := readSumTable(rs, results.TableSummary)
			if err != nil {
				return nil, err
			}
			rv, err := buildRun(rd, rsum, "Run "+sel)
			if err != nil {
				return nil, err
			}
			p.Run = rv
		}
	}
	return p, nil
}

// validRunID accepts run ids that are plain folder names (no separators, not . or ..).
func validRunID(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	return !strings.ContainsAny(s, "/\\\x00")
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

//go:embed report.html.tmpl
var pageSrc string

var pageTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"add": func(a, b float64) float64 { return a + b },
	"sub": func(a, b float64) float64 { return a - b },
}).Parse(pageSrc))
