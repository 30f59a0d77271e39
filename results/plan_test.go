package results

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var planKeys = []PlanKey{
	{Name: "cluster.host_groups.0.count", Unit: "1", Integer: true},
	{Name: "provisioning.headroom", Unit: "1"},
}

func planRows() []PlanRow {
	nm := len(SummaryMetrics())
	var rows []PlanRow
	for i := range 3 {
		m := make([]float64, nm)
		for j := range m {
			m[j] = float64(i*100 + j)
		}
		rows = append(rows, PlanRow{Candidate: int64(i), ID: "c00000000000" + string(rune('a'+i)), Values: []float64{float64(100 + i), 0.1 * float64(i)},
			Feasible: i > 0, Chosen: i == 1, Violation: []float64{0.5, 0, 0}[i], Seeds: 3, Metrics: m})
	}
	// A null in a nullable column (gpu_utilization of a cluster without GPUs).
	for j, sm := range SummaryMetrics() {
		if sm.Nullable {
			rows[2].Metrics[j] = math.NaN()
		}
	}
	return rows
}

func TestPlanRoundTripAndDeterminism(t *testing.T) {
	dir := t.TempDir()
	rows := planRows()
	q := `{"minimize":"cost_usd"}`
	p1, p2 := filepath.Join(dir, "a.arrow"), filepath.Join(dir, "b.arrow")
	for _, p := range []string{p1, p2} {
		if err := WritePlan(p, testMeta, planKeys, "mean", q, rows); err != nil {
			t.Fatal(err)
		}
	}
	b1, _ := os.ReadFile(p1)
	b2, _ := os.ReadFile(p2)
	if !bytes.Equal(b1, b2) {
		t.Error("two writes of the same plan differ")
	}
	meta, question, keys, got, err := ReadPlan(p1)
	if err != nil {
		t.Fatal(err)
	}
	if meta != testMeta || question != q || !reflect.DeepEqual(keys, planKeys) || len(got) != len(rows) {
		t.Fatalf("read back meta %+v question %q keys %+v, %d rows", meta, question, keys, len(got))
	}
	for i := range rows {
		w, g := rows[i], got[i]
		for j := range w.Metrics {
			if math.IsNaN(w.Metrics[j]) != math.IsNaN(g.Metrics[j]) || (!math.IsNaN(w.Metrics[j]) && w.Metrics[j] != g.Metrics[j]) {
				t.Errorf("row %d metric %d: %v, want %v", i, j, g.Metrics[j], w.Metrics[j])
			}
		}
		w.Metrics, g.Metrics = nil, nil
		if !reflect.DeepEqual(w, g) {
			t.Errorf("row %d: %+v, want %+v", i, g, w)
		}
	}
	tbl, err := ReadTable(p1)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	sc := tbl.Schema()
	if v, _ := sc.Metadata().GetValue(MetaKeyParams); v != `["cluster.host_groups.0.count","provisioning.headroom"]` {
		t.Errorf("dcsim.params = %s", v)
	}
	if v, _ := sc.Metadata().GetValue(MetaKeyTable); v != TablePlan {
		t.Errorf("dcsim.table = %s", v)
	}
	f, _ := sc.FieldsByName("cost_usd")
	if u, _ := f[0].Metadata.GetValue(FieldKeyUnit); u != "USD" {
		t.Errorf("cost_usd unit %q", u)
	}
	if d, _ := f[0].Metadata.GetValue(FieldKeyDescription); !strings.HasPrefix(d, "Mean over the candidate's seeds") {
		t.Errorf("cost_usd description %q", d)
	}
}

func TestPlanEmptyAndBadRows(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "plan.arrow")
	if err := WritePlan(p, testMeta, planKeys, "max", "{}", nil); err != nil {
		t.Fatal(err)
	}
	if _, _, keys, rows, err := ReadPlan(p); err != nil || len(rows) != 0 || len(keys) != 2 {
		t.Errorf("empty plan: %d rows, keys %v, %v", len(rows), keys, err)
	}
	bad := planRows()
	bad[1].Values = bad[1].Values[:1]
	if err := WritePlan(p, testMeta, planKeys, "mean", "{}", bad); err == nil || !strings.Contains(err.Error(), "candidate 1") {
		t.Errorf("short row: %v", err)
	}
	if _, _, _, _, err := ReadPlan(p); err != nil {
		t.Errorf("a failed write replaced the earlier file: %v", err)
	}
	if _, _, _, _, err := ReadPlan(filepath.Join(dir, "missing.arrow")); err == nil {
		t.Error("missing file read")
	}
	// A summary.arrow is not a plan.
	s := filepath.Join(dir, "summary.arrow")
	if err := WriteSummary(s, testMeta, &Summary{Scenario: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, err := ReadPlan(s); err == nil {
		t.Error("summary.arrow read as a plan")
	}
}

func TestSummaryMetricValues(t *testing.T) {
	s := Summary{Scenario: "x", Seed: 9, JobsSubmitted: 1000, SLOViolations: 7, CostUSD: 12.5, GPUUtilization: -1, ForecastMAPE: 0.25}
	ms, vs := SummaryMetrics(), SummaryMetricValues(&s)
	if len(ms) != len(vs) {
		t.Fatalf("%d metrics, %d values", len(ms), len(vs))
	}
	got := map[string]float64{}
	for i, m := range ms {
		got[m.Name] = vs[i]
		if m.Name == "seed" || m.Name == "scenario" {
			t.Errorf("metric %s listed", m.Name)
		}
	}
	if got["jobs_submitted"] != 1000 || got["cost_usd"] != 12.5 || got["slo_violation_rate"] != 0.007 ||
		!math.IsNaN(got["gpu_utilization"]) || got["forecast_mape"] != 0.25 {
		t.Errorf("values %v", got)
	}
	if len(ms) != len(SummarySchema(testMeta).Fields())-2 {
		t.Errorf("%d metrics for %d summary columns", len(ms), len(SummarySchema(testMeta).Fields()))
	}
}

// TestDocsListPlanColumns keeps the plan.arrow section of docs/results.md in step with the
// schema. The section lists the fixed columns and two placeholder rows: `<key path>` for the
// varied keys and `<summary column>` for the aggregated metrics.
func TestDocsListPlanColumns(t *testing.T) {
	doc, err := os.ReadFile("../docs/results.md")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	in := false
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "## ") {
			in = strings.Trim(strings.TrimPrefix(line, "## "), "`") == "plan.arrow"
			continue
		}
		if in && strings.HasPrefix(line, "| `") {
			cells := strings.Split(strings.Trim(line, "|"), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			got = append(got, strings.Join(cells[:3], " | "))
		}
	}
	var want []string
	keys := []PlanKey{{Name: "k", Unit: "1", Integer: true}}
	for _, f := range PlanSchema(testMeta, keys, "mean", "{}").Fields() {
		switch {
		case f.Name == "k":
			want = append(want, "`<key path>` | int64 or float64 | the key's")
			continue
		case f.Name == "scenario" || len(want) > 0 && strings.HasPrefix(want[len(want)-1], "`<summary column>`"):
			continue
		}
		if f.Name == SummaryMetrics()[0].Name {
			want = append(want, "`<summary column>` | float64 | the column's")
			continue
		}
		unit, _ := f.Metadata.GetValue(FieldKeyUnit)
		want = append(want, strings.Join([]string{"`" + f.Name + "`", f.Type.String(), unit}, " | "))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("docs/results.md section plan.arrow:\n got %q\nwant %q", got, want)
	}
}
