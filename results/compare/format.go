package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Output formats.
const (
	FormatText     = "text"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

// Write writes the report in the given format.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case FormatText, "":
		return r.WriteText(w)
	case FormatMarkdown:
		return r.WriteMarkdown(w)
	case FormatJSON:
		return r.WriteJSON(w)
	}
	return inputErr("--format %q: want text, markdown or json", format)
}

// Failed reports whether any bound was violated.
func (r *Report) Failed() bool { return len(r.Regressions) > 0 }

func testName(t string) string {
	switch t {
	case TestMannWhitney:
		return "Mann-Whitney U test"
	case TestPaired:
		return "paired t-test (runs paired by seed)"
	}
	return "Welch's t-test"
}

func describe(s *Side) string {
	runs := "runs"
	if len(s.Rows) == 1 {
		runs = "run"
	}
	return fmt.Sprintf("%s (%s folder: %d %s of %s)", s.Path, s.Kind, len(s.Rows), runs, orDash(s.Scenario))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (d Difference) text() string {
	return fmt.Sprintf("%s: %s → %s", d.Key, absent(d.Base), absent(d.Candidate))
}

func absent(v string) string {
	if v == "" {
		return "(not a parameter)"
	}
	return v
}

// WriteText writes the report as aligned plain-text tables, one per matched group.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	head := [][]string{
		{"base", describe(r.Base)},
		{"candidate", describe(r.Candidate)},
	}
	for _, d := range r.Differences {
		head = append(head, []string{"compared", d.text()})
	}
	if len(r.MatchedOn) > 0 {
		head = append(head, []string{"matched on", strings.Join(r.MatchedOn, ", ")})
	}
	if len(r.Ignored) > 0 {
		head = append(head, []string{"ignored", strings.Join(r.Ignored, ", ")})
	}
	head = append(head, []string{"test", fmt.Sprintf("%s, two-sided, alpha %g", testName(r.Test), r.Alpha)})
	writeTable(&b, head, "ll", false)
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "\n%s (runs: base %d, candidate %d)\n", g.Label, g.BaseRuns, g.CandRuns)
		rows := [][]string{{"metric", "unit", "base", "candidate", "change", "p"}}
		align := "llrrrr"
		if len(r.FailOn) > 0 {
			rows[0] = append(rows[0], "gate")
			align += "l"
		}
		for _, res := range g.Results {
			row := []string{res.Metric, orDash(res.Unit), fmtSample(res.Base), fmtSample(res.Cand), fmtChange(res), fmtP(res)}
			if len(r.FailOn) > 0 {
				gate := ""
				if len(res.Violated) > 0 {
					gate = "FAIL " + strings.Join(res.Violated, " ")
				}
				row = append(row, gate)
			}
			rows = append(rows, row)
		}
		writeTable(&b, rows, align, true)
	}
	b.WriteString("\n")
	for _, s := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", s)
	}
	b.WriteString(r.verdict())
	_, err := io.WriteString(w, b.String())
	return err
}

// verdict is the closing lines: the regressions, or that none was found.
func (r *Report) verdict() string {
	if len(r.FailOn) == 0 {
		return ""
	}
	if !r.Failed() {
		return fmt.Sprintf("no regressions: %d %s checked in %d %s\n", len(r.FailOn), plural(len(r.FailOn), "bound"),
			len(r.Groups), plural(len(r.Groups), "group"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s:\n", len(r.Regressions), plural(len(r.Regressions), "regression"))
	for _, g := range r.Regressions {
		fmt.Fprintf(&b, "  %s\n", g.text())
	}
	return b.String()
}

func (g Regression) text() string {
	res := g.Result
	why := "p=" + fmtP(*res)
	if strings.HasPrefix(why, "p=<") {
		why = "p<" + why[3:]
	}
	if res.Method == MethodN1 {
		why = "n=1: deterministic difference"
	}
	return fmt.Sprintf("%s %s (%s → %s) beyond --fail-on %s in %s (%s)", g.Metric, fmtChange(*res),
		fmtNum(res.Base.Mean), fmtNum(res.Cand.Mean), g.Bound, g.Group, why)
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// writeTable writes rows with columns padded to equal width; align has 'l' or 'r' per column.
// With rule, a line of dashes follows the first row.
func writeTable(b *strings.Builder, rows [][]string, align string, rule bool) {
	width := make([]int, len(align))
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	line := func(row []string) {
		var l strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i > 0 {
				l.WriteString("  ")
			}
			if align[i] == 'r' {
				l.WriteString(pad + c)
			} else {
				l.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	for i, row := range rows {
		line(row)
		if i == 0 && rule {
			dash := make([]string, len(row))
			for j := range dash {
				dash[j] = strings.Repeat("-", width[j])
			}
			line(dash)
		}
	}
}

// fmtNum formats a value with six significant digits, without an exponent for magnitudes from
// 1e-4 to 1e15, trailing zeros trimmed.
func fmtNum(x float64) string {
	switch {
	case math.IsNaN(x):
		return "-"
	case x == 0:
		return "0"
	case math.Abs(x) < 1e-4 || math.Abs(x) >= 1e15 || math.IsInf(x, 0):
		return strconv.FormatFloat(x, 'g', 6, 64)
	}
	prec := max(0, 5-int(math.Floor(math.Log10(math.Abs(x)))))
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// fmtSample is the mean with, for several values, the sample standard deviation relative to the
// mean ("±1.2%"), or absolute when the mean is 0.
func fmtSample(s Sample) string {
	if s.N == 0 {
		return "-"
	}
	out := fmtNum(s.Mean)
	if s.N < 2 {
		return out
	}
	if s.SD == 0 {
		return out + " ±0%"
	}
	if s.Mean == 0 {
		return out + " ±" + fmtNum(s.SD)
	}
	rel := 100 * s.SD / math.Abs(s.Mean)
	switch {
	case rel < 0.1:
		return out + fmt.Sprintf(" ±%.2f%%", rel)
	case rel < 10:
		return out + fmt.Sprintf(" ±%.1f%%", rel)
	}
	return out + fmt.Sprintf(" ±%.0f%%", rel)
}

// fmtChange is the change in percent: "+0.82%", "-12.3%", "0" (equal), "+inf" (from 0).
func fmtChange(res Result) string {
	c := res.ChangePct
	switch {
	case math.IsNaN(c):
		return "-"
	case c == 0:
		return "0"
	case math.IsInf(c, 1):
		return "+inf"
	case math.IsInf(c, -1):
		return "-inf"
	}
	a := math.Abs(c)
	var s string
	switch {
	case a < 0.01:
		s = strconv.FormatFloat(a, 'g', 2, 64)
	case a < 10:
		s = fmt.Sprintf("%.2f", a)
	case a < 100:
		s = fmt.Sprintf("%.1f", a)
	default:
		s = fmt.Sprintf("%.0f", a)
	}
	if c < 0 {
		return "-" + s + "%"
	}
	return "+" + s + "%"
}

// fmtP is the p-value column: "0.012", "<0.001", "0" (deterministic), "n=1" or "-" (no data).
func fmtP(res Result) string {
	switch res.Method {
	case MethodN1:
		return "n=1"
	case MethodNoData:
		return "-"
	}
	switch {
	case res.P == 0:
		return "0"
	case res.P < 0.001:
		return "<0.001"
	}
	return fmt.Sprintf("%.3f", res.P)
}

// WriteMarkdown writes the report as GitHub-flavoured Markdown, for a pull-request comment or
// $GITHUB_STEP_SUMMARY.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	switch {
	case len(r.FailOn) == 0:
		b.WriteString("### dcsim compare\n\n")
	case r.Failed():
		fmt.Fprintf(&b, "### dcsim compare: ❌ %d %s\n\n", len(r.Regressions), plural(len(r.Regressions), "regression"))
	default:
		b.WriteString("### dcsim compare: ✅ no regressions\n\n")
	}
	fmt.Fprintf(&b, "- **base**: %s\n- **candidate**: %s\n", mdCode(describe(r.Base)), mdCode(describe(r.Candidate)))
	for _, d := range r.Differences {
		fmt.Fprintf(&b, "- **compared**: %s\n", mdCode(d.text()))
	}
	if len(r.MatchedOn) > 0 {
		fmt.Fprintf(&b, "- **matched on**: %s\n", mdCode(strings.Join(r.MatchedOn, ", ")))
	}
	if len(r.Ignored) > 0 {
		fmt.Fprintf(&b, "- **ignored**: %s\n", mdCode(strings.Join(r.Ignored, ", ")))
	}
	fmt.Fprintf(&b, "- **test**: %s, two-sided, α = %g", testName(r.Test), r.Alpha)
	if len(r.FailOn) > 0 {
		gates := make([]string, len(r.FailOn))
		for i, f := range r.FailOn {
			gates[i] = mdCode(f.Text)
		}
		fmt.Fprintf(&b, "; gates: %s", strings.Join(gates, ", "))
	}
	b.WriteString("\n")
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "\n#### %s (runs: base %d, candidate %d)\n\n", mdEscape(g.Label), g.BaseRuns, g.CandRuns)
		b.WriteString("| metric | unit | base | candidate | change | p |\n|:--|:--|--:|--:|--:|--:|\n")
		for _, res := range g.Results {
			change := fmtChange(res)
			if len(res.Violated) > 0 {
				change = "❌ **" + change + "** (bound " + strings.Join(res.Violated, ", ") + ")"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdEscape(res.Metric), mdEscape(orDash(res.Unit)),
				fmtSample(res.Base), fmtSample(res.Cand), change, fmtP(res))
		}
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\n")
		for _, s := range r.Warnings {
			fmt.Fprintf(&b, "> ⚠️ %s\n>\n", mdEscape(s))
		}
	}
	if r.Failed() {
		b.WriteString("\n**Regressions**\n\n")
		for _, g := range r.Regressions {
			fmt.Fprintf(&b, "- %s\n", mdEscape(g.text()))
		}
	}
	b.WriteString("\n<sub>p: two-sided p-value (n=1: a single deterministic run per side, no test). ± : sample standard deviation relative to the mean.</sub>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEscape escapes the characters that would break a Markdown table cell or start formatting.
func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "\n", " ")
	return r.Replace(s)
}

// mdCode wraps s in a code span, using a fence longer than any backtick run inside.
func mdCode(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	s = strings.ReplaceAll(s, "\n", " ")
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// JSON output. The field names are stable: they are documented in docs/compare.md and only
// ever added to (FormatVersion changes if one is removed or changes meaning).

// FormatVersion is the "format_version" of the JSON output.
const FormatVersion = 1

type jsonReport struct {
	FormatVersion int              `json:"format_version"`
	Base          jsonSide         `json:"base"`
	Candidate     jsonSide         `json:"candidate"`
	Test          string           `json:"test"`
	Alpha         float64          `json:"alpha"`
	MatchedOn     []string         `json:"matched_on"`
	Differences   []jsonDiff       `json:"differences"`
	Ignored       []string         `json:"ignored"`
	Pooled        []string         `json:"pooled"`
	Metrics       []string         `json:"metrics"`
	FailOn        []string         `json:"fail_on"`
	Groups        []jsonGroup      `json:"groups"`
	Unmatched     jsonUnmatched    `json:"unmatched"`
	Warnings      []string         `json:"warnings"`
	Regressions   []jsonRegression `json:"regressions"`
	Failed        bool             `json:"failed"`
}

type jsonSide struct {
	Path     string   `json:"path"`
	File     string   `json:"file"`
	Kind     string   `json:"kind"`
	Scenario string   `json:"scenario"`
	Runs     int      `json:"runs"`
	Params   []string `json:"params"`
}

type jsonDiff struct {
	Key       string  `json:"key"`
	Base      *string `json:"base"`
	Candidate *string `json:"candidate"`
}

type jsonGroup struct {
	Label      string         `json:"label"`
	BaseParams map[string]any `json:"base_params"`
	CandParams map[string]any `json:"candidate_params"`
	BaseRuns   int            `json:"base_runs"`
	CandRuns   int            `json:"candidate_runs"`
	Metrics    []jsonResult   `json:"metrics"`
}

type jsonSample struct {
	N      int       `json:"n"`
	Mean   *float64  `json:"mean"`
	SD     *float64  `json:"sd"`
	Values []float64 `json:"values"`
}

type jsonResult struct {
	Metric      string     `json:"metric"`
	Unit        string     `json:"unit"`
	Base        jsonSample `json:"base"`
	Candidate   jsonSample `json:"candidate"`
	Delta       *float64   `json:"delta"`
	ChangePct   *float64   `json:"change_pct"`
	Change      string     `json:"change"`
	P           *float64   `json:"p"`
	Method      string     `json:"method"`
	Significant bool       `json:"significant"`
	Regression  bool       `json:"regression"`
	Violated    []string   `json:"violated"`
}

type jsonUnmatched struct {
	Base      []string `json:"base"`
	Candidate []string `json:"candidate"`
}

type jsonRegression struct {
	Group     string   `json:"group"`
	Metric    string   `json:"metric"`
	Bound     string   `json:"bound"`
	Change    string   `json:"change"`
	ChangePct *float64 `json:"change_pct"`
	Delta     *float64 `json:"delta"`
	P         *float64 `json:"p"`
	Method    string   `json:"method"`
}

// num is x, or nil (JSON null) when x is NaN or infinite.
func num(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func strs(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func side(s *Side) jsonSide {
	return jsonSide{Path: s.Path, File: s.File, Kind: s.Kind, Scenario: s.Scenario, Runs: len(s.Rows), Params: strs(s.Params)}
}

func params(ps []Param) map[string]any {
	m := make(map[string]any, len(ps))
	for _, p := range ps {
		m[p.Key] = p.Value.JSON
	}
	return m
}

func jsample(s Sample) jsonSample {
	v := s.Values
	if v == nil {
		v = []float64{}
	}
	return jsonSample{N: s.N, Mean: num(s.Mean), SD: num(s.SD), Values: v}
}

// WriteJSON writes the report as one indented JSON object (schema in docs/compare.md).
func (r *Report) WriteJSON(w io.Writer) error {
	j := jsonReport{
		FormatVersion: FormatVersion,
		Base:          side(r.Base), Candidate: side(r.Candidate),
		Test: r.Test, Alpha: r.Alpha,
		MatchedOn: strs(r.MatchedOn), Differences: []jsonDiff{}, Ignored: strs(r.Ignored), Pooled: strs(r.Pooled),
		Metrics: strs(r.Metrics), FailOn: []string{}, Groups: []jsonGroup{},
		Unmatched: jsonUnmatched{Base: strs(r.UnmatchedBase), Candidate: strs(r.UnmatchedCand)},
		Warnings:  strs(r.Warnings), Regressions: []jsonRegression{}, Failed: r.Failed(),
	}
	for _, d := range r.Differences {
		j.Differences = append(j.Differences, jsonDiff{Key: d.Key, Base: optStr(d.Base), Candidate: optStr(d.Candidate)})
	}
	for _, b := range r.FailOn {
		j.FailOn = append(j.FailOn, b.Text)
	}
	for _, g := range r.Groups {
		jg := jsonGroup{Label: g.Label, BaseParams: params(g.BaseParams), CandParams: params(g.CandParams),
			BaseRuns: g.BaseRuns, CandRuns: g.CandRuns, Metrics: []jsonResult{}}
		for _, res := range g.Results {
			jg.Metrics = append(jg.Metrics, jsonResult{
				Metric: res.Metric, Unit: res.Unit, Base: jsample(res.Base), Candidate: jsample(res.Cand),
				Delta: num(res.Delta), ChangePct: num(res.ChangePct), Change: fmtChange(res), P: num(res.P),
				Method: res.Method, Significant: res.Significant, Regression: len(res.Violated) > 0, Violated: strs(res.Violated),
			})
		}
		j.Groups = append(j.Groups, jg)
	}
	for _, g := range r.Regressions {
		j.Regressions = append(j.Regressions, jsonRegression{Group: g.Group, Metric: g.Metric, Bound: g.Bound,
			Change: fmtChange(*g.Result), ChangePct: num(g.Result.ChangePct), Delta: num(g.Result.Delta),
			P: num(g.Result.P), Method: g.Result.Method})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(j)
}
