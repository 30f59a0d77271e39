package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/results"
)

// chartIDs lists the ids of the charts (<svg class="chart" id="chart-…">) in a report.
func chartIDs(html string) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`<svg class="chart" id="chart-([a-z0-9_-]+)"`).FindAllStringSubmatch(html, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestRunReport(t *testing.T) {
	run, _ := fixtures(t)
	html := render(t, run, Options{})
	if got, want := strings.Join(chartIDs(html), ","), "utilization,power,queue,waits"; got != want {
		t.Errorf("charts %s, want %s", got, want)
	}
	for _, want := range []string{
		"<title>dcsim report: default</title>",
		"GPU (GPU hosts)",                          // the default cluster has GPU hosts
		`<td><code>slo_violation_rate</code></td>`, // the summary table holds every column
		`<table id="sources">`, "short-batch",      // jobs by source
		"simulated time (min)", "jobs waiting", "wait (s, logarithmic)", "power (kW)", "utilization (%)",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	tbl, err := results.ReadTable(filepath.Join(run, "summary.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if got, want := strings.Count(html, "<tr><td><code>"), int(tbl.NumCols()); got != want {
		t.Errorf("summary table has %d rows, summary.arrow %d columns", got, want)
	}
}

// TestDeterministic: the same folder gives the same bytes, also when copied elsewhere, and
// Write leaves no temporary file.
func TestDeterministic(t *testing.T) {
	run, sw := fixtures(t)
	for _, dir := range []string{run, sw} {
		a, b := render(t, dir, Options{}), render(t, dir, Options{})
		if a != b {
			t.Fatalf("%s: two renders differ", dir)
		}
		cp := filepath.Join(t.TempDir(), "copy")
		copyDir(t, dir, cp)
		if c := render(t, cp, Options{}); c != a {
			t.Fatalf("%s: a copy of the folder renders differently", dir)
		}
		out := filepath.Join(t.TempDir(), "r.html")
		if err := Write(cp, out, Options{}); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(out)
		if err != nil || string(got) != a {
			t.Fatalf("Write: %v, same bytes %v", err, string(got) == a)
		}
		left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*"))
		if len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSweepReport(t *testing.T) {
	_, sw := fixtures(t)
	ids := runIDs(t, sw)
	if len(ids) != 12 {
		t.Fatalf("%d runs, want 12", len(ids))
	}
	cases := []struct {
		name    string
		opt     Options
		groupBy string
		run     string
		groups  []string
	}{
		{"defaults", Options{}, "scheduler.placement", ids[0], []string{"first-fit", "best-fit", "random"}},
		{"group by count", Options{GroupBy: "cluster.host_groups.0.count", Run: ids[5]}, "cluster.host_groups.0.count", ids[5], []string{"8", "9"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			html := render(t, sw, c.opt)
			want := "tradeoff,box-cost_usd,box-slo_violation_rate,box-mean_wait_s,box-cpu_utilization,utilization,power,queue,waits"
			if got := strings.Join(chartIDs(html), ","); got != want {
				t.Errorf("charts %s, want %s", got, want)
			}
			if !strings.Contains(html, "Over seeds, by <code>"+c.groupBy+"</code>") {
				t.Errorf("box plots not grouped by %s", c.groupBy)
			}
			if !strings.Contains(html, "<h2>Run "+c.run+"</h2>") {
				t.Errorf("run %s not shown", c.run)
			}
			if n := strings.Count(html, "<tr class=\"selected\">") + strings.Count(html, "<tr class=\"pareto selected\">"); n != 1 {
				t.Errorf("%d selected rows, want 1", n)
			}
			if got := strings.Count(html, "\n<tr") - strings.Count(html, "<tr><td><code>"); got < len(ids) {
				t.Errorf("runs table has %d rows, want %d", got, len(ids))
			}
			box := html[strings.Index(html, `id="chart-box-cost_usd"`):]
			box = box[:strings.Index(box, "</svg>")]
			for _, g := range c.groups {
				if !strings.Contains(box, ">"+g+"</text>") {
					t.Errorf("box plot lacks group %q", g)
				}
			}
			if !strings.Contains(html, "(Pareto front)</title>") {
				t.Error("no run marked on the Pareto front")
			}
		})
	}
}

func runIDs(t *testing.T, sw string) []string {
	t.Helper()
	_, _, rows, err := results.ReadSweepSummary(filepath.Join(sw, "summary.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.RunID)
	}
	return ids
}

// allowedTags are the only elements a report may contain.
var allowedTags = map[string]bool{
	"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true, "main": true,
	"h1": true, "h2": true, "h3": true, "p": true, "b": true, "code": true, "div": true, "figure": true,
	"figcaption": true, "svg": true, "g": true, "rect": true, "line": true, "text": true, "path": true,
	"circle": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
	"span": true, "details": true, "summary": true, "pre": true, "footer": true,
}

// checkSafe fails if unsafeParts finds anything.
func checkSafe(t *testing.T, html string) {
	t.Helper()
	for _, p := range unsafeParts(html) {
		t.Error(p)
	}
}

// unsafeParts lists the elements outside allowedTags, event-handler and URL-bearing
// attributes, and anything that could load from elsewhere. Text is escaped, so every "<" starts
// a real tag.
func unsafeParts(html string) []string {
	var bad []string
	if strings.Count(html, "<style>") != 1 || !strings.Contains(html, "</style>") {
		return []string{"want exactly one <style> element"}
	}
	style := html[strings.Index(html, "<style>")+len("<style>") : strings.Index(html, "</style>")]
	for _, b := range []string{"url(", "@import", "http", "<"} {
		if strings.Contains(style, b) {
			bad = append(bad, "style sheet contains "+b)
		}
	}
	for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(html, -1) {
		name := strings.ToLower(strings.TrimLeft(regexp.MustCompile(`^</?[a-zA-Z0-9!-]*`).FindString(tag), "</"))
		if !allowedTags[name] && name != "!doctype" {
			bad = append(bad, "unexpected element "+tag)
		}
		// Attribute names only (values are quoted, quotes inside them escaped).
		names := strings.ToLower(regexp.MustCompile(`"[^"]*"`).ReplaceAllString(tag, `""`))
		for _, b := range []string{"src=", "href=", "style=", "xlink", "action="} {
			if strings.Contains(names, b) {
				bad = append(bad, "tag "+tag+" has "+b)
			}
		}
		if regexp.MustCompile(`\son[a-z]+\s*=`).MatchString(names) {
			bad = append(bad, "tag "+tag+" has an event-handler attribute")
		}
		for _, b := range []string{"http:", "https:", "javascript:", "url("} {
			if strings.Contains(strings.ToLower(tag), b) {
				bad = append(bad, "tag "+tag+" contains "+b)
			}
		}
	}
	return bad
}

// TestUnsafeParts checks the checker.
func TestUnsafeParts(t *testing.T) {
	const head = "<!DOCTYPE html><html><head><style>p{color:red}</style></head><body>"
	cases := []struct {
		body string
		bad  bool
	}{
		{`<p title="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;">&lt;script&gt;</p>`, false},
		{`<svg class="chart"><path d="M1,2 L3,4"/></svg>`, false},
		{`<script>alert(1)</script>`, true},
		{`<p><img src=x onerror=alert(1)></p>`, true},
		{`<p onclick="x()">a</p>`, true},
		{`<svg><a href="https://example.com">x</a></svg>`, true},
		{`<div style="background:url(x)">`, true},
		{`<link rel="stylesheet">`, true},
	}
	for _, c := range cases {
		if got := len(unsafeParts(head+c.body+"</body></html>")) > 0; got != c.bad {
			t.Errorf("%s: unsafe %v, want %v", c.body, got, c.bad)
		}
	}
}

func TestSelfContained(t *testing.T) {
	run, sw := fixtures(t)
	checkSafe(t, render(t, run, Options{}))
	checkSafe(t, render(t, sw, Options{}))
	if !strings.Contains(render(t, run, Options{}), `content="default-src 'none'; style-src 'unsafe-inline'"`) {
		t.Error("no content security policy")
	}
}

const hostile = `<script>alert(1)</script>`
const hostile2 = `"><img src=x onerror=alert(2)>`

// hostileRun writes a run folder whose strings (scenario name and YAML, source, tenant, trace
// ids, host group) try to break out of the page.
func hostileRun(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	meta := results.Meta{Version: "test", Scenario: hostile, Seed: 3,
		ScenarioYAML: "name: x\ndescription: '" + hostile + hostile2 + "</pre></details>'\n"}
	jw, err := results.NewJobsWriter(filepath.Join(dir, "jobs.arrow"), meta)
	if err != nil {
		t.Fatal(err)
	}
	for i := range int64(50) {
		r := results.JobRow{JobID: i, Source: hostile2, Tenant: hostile, Tasks: 1, CPUMilli: 1000, SubmitUS: i * 1e6,
			StartUS: i*1e6 + i*i*1000, EndUS: i*1e6 + i*i*1000 + 5e6, RuntimeUS: 5e6, DeadlineUS: -1,
			Status: results.StatusFinished, HostID: 0, TraceJob: hostile, TraceTask: hostile2}
		if err := jw.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := jw.Close(); err != nil {
		t.Fatal(err)
	}
	hw, err := results.NewHostsWriter(filepath.Join(dir, "hosts.arrow"), meta)
	if err != nil {
		t.Fatal(err)
	}
	for k := range int64(10) {
		r := results.HostRow{TimeUS: k * 10e6, IntervalUS: 10e6, Group: hostile, CPUUtil: 0.5, MemUtil: 0.25, PowerW: 200, EnergyJ: 2000, OnFrac: 1}
		if err := hw.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := hw.Close(); err != nil {
		t.Fatal(err)
	}
	s := results.Summary{Scenario: hostile, Seed: 3, JobsSubmitted: 50, JobsFinished: 50, SimTimeS: 100, GPUUtilization: -1, ForecastMAPE: -1}
	if err := results.WriteSummary(filepath.Join(dir, "summary.arrow"), meta, &s); err != nil {
		t.Fatal(err)
	}
}

// TestEscaping: every string from a scenario, a trace or a sweep reaches the page escaped.
func TestEscaping(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	hostileRun(t, run)
	html := render(t, run, Options{})
	checkSafe(t, html)
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;"} {
		if !strings.Contains(html, want) {
			t.Errorf("escaped %q not found", want)
		}
	}
	if got := strings.Join(chartIDs(html), ","); got != "utilization,power,queue,waits" {
		t.Errorf("charts %s", got)
	}

	// A sweep whose name, parameter names and values are hostile.
	sw := filepath.Join(dir, "sweep")
	id := "r000000000001"
	copyDir(t, run, filepath.Join(sw, "runs", id))
	sum, _, err := results.ReadSummary(filepath.Join(run, "summary.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	params := []results.ParamColumn{{Name: "scheduler.placement" + hostile, Kind: results.ParamString}, {Name: hostile2, Kind: results.ParamInt}}
	rows := []results.SweepRow{
		{RunID: id, Replicate: 0, Params: []string{hostile2, "1"}, Summary: sum},
		{RunID: "r000000000002", Replicate: 0, Params: []string{hostile, "2"}, Summary: sum},
	}
	meta := results.Meta{Version: "test", Scenario: hostile, Seed: 1, ScenarioYAML: "name: '" + hostile + "'\n"}
	if err := results.WriteSweepSummary(filepath.Join(sw, "summary.arrow"), meta, params, rows); err != nil {
		t.Fatal(err)
	}
	html = render(t, sw, Options{})
	checkSafe(t, html)
	if !strings.Contains(html, "Over seeds, by <code>scheduler.placement&lt;script&gt;") {
		t.Error("hostile parameter not chosen as group or not escaped")
	}
	if got := strings.Join(chartIDs(html), ","); !strings.HasPrefix(got, "tradeoff,box-cost_usd") {
		t.Errorf("charts %s", got)
	}
}

func TestBadInput(t *testing.T) {
	run, sw := fixtures(t)
	dir := t.TempDir()
	mk := func(name string, files map[string][]byte) string {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for f, b := range files {
			if err := os.WriteFile(filepath.Join(d, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	summary, _ := os.ReadFile(filepath.Join(run, "summary.arrow"))
	jobs, _ := os.ReadFile(filepath.Join(run, "jobs.arrow"))
	negative := filepath.Join(dir, "negative")
	hostileRun(t, negative)
	{ // a job submitted before time 0
		meta := results.Meta{Version: "test", Scenario: "neg"}
		jw, _ := results.NewJobsWriter(filepath.Join(negative, "jobs.arrow"), meta)
		jw.Write(&results.JobRow{SubmitUS: -5e6, StartUS: -1, EndUS: -1, DeadlineUS: -1, Status: results.StatusUnfinished, HostID: -1})
		if err := jw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		dir  string
		opt  Options
		want string // in the message
	}{
		{"missing folder", filepath.Join(dir, "nope"), Options{}, "is not a folder"},
		{"a file", filepath.Join(run, "summary.arrow"), Options{}, "is not a folder"},
		{"empty folder", mk("empty", nil), Options{}, "no summary.arrow"},
		{"parquet only", mk("parquet", map[string][]byte{"summary.parquet": []byte("PAR1")}), Options{}, "Parquet"},
		{"garbage summary", mk("garbage", map[string][]byte{"summary.arrow": []byte("not arrow at all")}), Options{}, "summary.arrow"},
		{"jobs holds a summary", mk("swapped", map[string][]byte{"summary.arrow": summary, "jobs.arrow": summary}), Options{}, `jobs.arrow: holds the "summary" table`},
		{"summary holds jobs", mk("swapped2", map[string][]byte{"summary.arrow": jobs}), Options{}, `"jobs" table`},
		{"truncated jobs", mk("trunc", map[string][]byte{"summary.arrow": summary, "jobs.arrow": jobs[:len(jobs)/2]}), Options{}, "jobs.arrow"},
		{"negative submit", negative, Options{}, "jobs.arrow: row 0: submit_s = -5"},
		{"run folder with --run", run, Options{Run: "r1"}, "--run and --group-by apply to sweep folders"},
		{"unknown run", sw, Options{Run: "r000000000000"}, `--run "r000000000000": no such run`},
		{"unknown group", sw, Options{GroupBy: "seed"}, `--group-by "seed": not a parameter`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Render(c.dir, c.opt, &bytes.Buffer{})
			if !errors.Is(err, ErrInput) {
				t.Fatalf("err %v, want ErrInput", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %q lacks %q", err, c.want)
			}
		})
	}
}

// TestSweepMissingRunFolder: a sweep whose runs/ were not kept still renders, with a note.
func TestSweepMissingRunFolder(t *testing.T) {
	_, sw := fixtures(t)
	cp := filepath.Join(t.TempDir(), "sw")
	copyDir(t, sw, cp)
	if err := os.RemoveAll(filepath.Join(cp, "runs")); err != nil {
		t.Fatal(err)
	}
	html := render(t, cp, Options{})
	if !strings.Contains(html, "is missing: no run charts") {
		t.Error("no note about the missing run folder")
	}
	if got := strings.Join(chartIDs(html), ","); got != "tradeoff,box-cost_usd,box-slo_violation_rate,box-mean_wait_s,box-cpu_utilization" {
		t.Errorf("charts %s", got)
	}
}

// TestEmptySweep: a sweep summary without rows renders without charts.
func TestEmptySweep(t *testing.T) {
	d := t.TempDir()
	params := []results.ParamColumn{{Name: "scheduler.queue", Kind: results.ParamString}}
	if err := results.WriteSweepSummary(filepath.Join(d, "summary.arrow"), results.Meta{Scenario: "x"}, params, nil); err != nil {
		t.Fatal(err)
	}
	html := render(t, d, Options{})
	if ids := chartIDs(html); len(ids) != 0 {
		t.Errorf("charts %v for no runs", ids)
	}
	if !strings.Contains(html, "0 completed runs") {
		t.Error("run count missing")
	}
}

// TestSweepWithoutParams: a sweep of seeds only has one box per metric.
func TestSweepWithoutParams(t *testing.T) {
	run, _ := fixtures(t)
	d := t.TempDir()
	sum, _, err := results.ReadSummary(filepath.Join(run, "summary.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	rows := []results.SweepRow{{RunID: "ra", Summary: sum}, {RunID: "rb", Replicate: 1, Summary: sum}}
	if err := results.WriteSweepSummary(filepath.Join(d, "summary.arrow"), results.Meta{Scenario: "x"}, nil, rows); err != nil {
		t.Fatal(err)
	}
	html := render(t, d, Options{})
	if !strings.Contains(html, "Over seeds, by <code>sweep</code>") || !strings.Contains(html, ">all runs</text>") {
		t.Error("no single group for a sweep without parameters")
	}
	if got := strings.Join(chartIDs(html), ","); got != "tradeoff,box-cost_usd,box-slo_violation_rate,box-mean_wait_s,box-cpu_utilization" {
		t.Errorf("charts %s", got)
	}
	if err := Render(d, Options{GroupBy: "x"}, &bytes.Buffer{}); !errors.Is(err, ErrInput) {
		t.Errorf("--group-by without parameters: %v", err)
	}
}

// TestLargeSweepTable: beyond maxTableRows the table keeps the Pareto front and the selected
// run, and says how many rows it left out.
func TestLargeSweepTable(t *testing.T) {
	d := t.TempDir()
	n := maxTableRows + 10
	rows := make([]results.SweepRow, n)
	for i := range rows {
		rows[i] = results.SweepRow{RunID: fmt.Sprintf("r%012d", i), Summary: results.Summary{CostUSD: float64(3*n - i), GPUUtilization: -1, ForecastMAPE: -1}}
	}
	if err := results.WriteSweepSummary(filepath.Join(d, "summary.arrow"), results.Meta{Scenario: "x"}, nil, rows); err != nil {
		t.Fatal(err)
	}
	sel := rows[maxTableRows+3].RunID
	html := render(t, d, Options{Run: sel})
	for _, want := range []string{rows[n-1].RunID + "</td>", sel + "</td>", "8 more runs are in summary.arrow"} {
		if !strings.Contains(html, want) {
			t.Errorf("no %q", want)
		}
	}
	if strings.Contains(html, rows[maxTableRows].RunID+"</td>") {
		t.Error("row beyond the limit listed")
	}
}
