package results

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// TablePlan is the dcsim.table value of plan.arrow, the candidates a 'dcsim plan' search
// evaluated.
const TablePlan = "plan"

// MetaKeyPlan is the schema metadata key of plan.arrow that holds the planning question (the
// scenario, varied keys, objective, constraints, seeds, aggregation and method) as JSON.
const MetaKeyPlan = "dcsim.plan"

// SummaryMetric describes one numeric column of summary.arrow: a metric a plan can minimize or
// constrain.
type SummaryMetric struct {
	Name        string
	Unit        string
	Description string
	Nullable    bool
}

// SummaryMetrics returns the numeric columns of summary.arrow in file order, except seed.
func SummaryMetrics() []SummaryMetric {
	var ms []SummaryMetric
	for _, f := range new(summaryCols).fields() {
		switch f.col.(type) {
		case *f64Col, *i64Col:
			ms = append(ms, SummaryMetric{f.name, f.unit, f.desc, f.nullable})
		}
	}
	return ms
}

// SummaryMetricValues returns the value of each SummaryMetrics column for s, as float64
// (integers convert exactly up to 2^53); a null (no GPUs, no forecast) is NaN.
func SummaryMetricValues(s *Summary) []float64 {
	c := new(summaryCols)
	c.addRow(s)
	var vs []float64
	for _, f := range c.fields() {
		switch col := f.col.(type) {
		case *f64Col:
			v := col.vals[0]
			if col.v.nulls > 0 {
				v = math.NaN()
			}
			vs = append(vs, v)
		case *i64Col:
			vs = append(vs, float64(col.vals[0]))
		}
	}
	return vs
}

// PlanKey is a varied scenario key: a column of plan.arrow named by its key path.
type PlanKey struct {
	Name    string // scenario key path, e.g. cluster.host_groups.0.count
	Unit    string // the unit a plain number has at that key ("1", "s", "cores", "USD", ...)
	Integer bool   // int64 column; float64 otherwise
}

// PlanRow is one evaluated candidate of plan.arrow.
type PlanRow struct {
	Candidate int64     // evaluation order, from 0
	ID        string    // candidate id: its folder under candidates/
	Values    []float64 // value of each key, in key order
	Feasible  bool
	Chosen    bool
	Violation float64   // normalised constraint violation; 0 when feasible, +Inf for a null metric
	Seeds     int64     // runs aggregated
	Metrics   []float64 // aggregated SummaryMetrics values, in that order; NaN is null in a nullable column
}

type planCols struct {
	cand, seeds      i64Col
	id               strCol
	keys             []column
	feasible, chosen boolCol
	violation        f64Col
	metrics          []f64Col
}

func newPlanCols(keys []PlanKey) *planCols {
	c := &planCols{metrics: make([]f64Col, len(SummaryMetrics()))}
	for _, k := range keys {
		if k.Integer {
			c.keys = append(c.keys, new(i64Col))
		} else {
			c.keys = append(c.keys, new(f64Col))
		}
	}
	return c
}

// aggText describes an aggregation in column descriptions.
func aggText(aggregate string) string {
	switch aggregate {
	case "max":
		return "Largest over the candidate's seeds of: "
	case "min":
		return "Smallest over the candidate's seeds of: "
	}
	return "Mean over the candidate's seeds of: "
}

func (c *planCols) fields(keys []PlanKey, aggregate string) []field {
	fs := []field{
		{"candidate", "1", "Candidate number, in evaluation order (from 0).", false, &c.cand},
		{"candidate_id", "", "Candidate id: its runs are in candidates/<id>/seed-<k>/.", false, &c.id},
	}
	for i, k := range keys {
		fs = append(fs, field{k.Name, k.Unit, "Varied key: the value of scenario key " + k.Name + " in this candidate.", false, c.keys[i]})
	}
	fs = append(fs,
		field{"feasible", "1", "Whether the aggregated metrics meet every constraint.", false, &c.feasible},
		field{"chosen", "1", "Whether this is the answer: the feasible candidate with the least objective (none when no candidate is feasible).", false, &c.chosen},
		field{"violation", "1", "Sum over the constraints of |value - bound| / |bound| (|value - bound| for a zero bound) for each broken one; 0 when feasible.", false, &c.violation},
		field{"seeds", "1", "Runs (seeds) aggregated into this row.", false, &c.seeds},
	)
	for i, m := range SummaryMetrics() {
		fs = append(fs, field{m.Name, m.Unit, aggText(aggregate) + m.Description, m.Nullable, &c.metrics[i]})
	}
	return fs
}

func planExtra(keys []PlanKey, question string) ([][2]string, error) {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	pj, err := json.Marshal(names)
	if err != nil {
		return nil, err
	}
	return [][2]string{{MetaKeyParams, string(pj)}, {MetaKeyPlan, question}}, nil
}

// PlanSchema is the Arrow schema of plan.arrow for the given varied keys and aggregation
// ("mean", "max" or "min", used in the metric columns' descriptions). Its metadata adds
// dcsim.params (the key columns, a JSON array) and dcsim.plan (question, JSON) to the usual keys.
func PlanSchema(meta Meta, keys []PlanKey, aggregate, question string) *arrow.Schema {
	extra, _ := planExtra(keys, question)
	return schemaOf(TablePlan, meta, newPlanCols(keys).fields(keys, aggregate), extra...)
}

// WritePlan atomically writes plan.arrow: one row per evaluated candidate, in the given order.
// meta.Scenario is the base scenario, meta.Seed the root seed (candidate seeds are root + k) and
// meta.ScenarioYAML the base scenario resolved with the fixed --set overrides. The file depends
// only on its arguments.
func WritePlan(path string, meta Meta, keys []PlanKey, aggregate, question string, rows []PlanRow) error {
	extra, err := planExtra(keys, question)
	if err != nil {
		return err
	}
	a, b := newPlanCols(keys), newPlanCols(keys)
	t, err := newTableWriter(path, TablePlan, meta, a.fields(keys, aggregate), b.fields(keys, aggregate), extra...)
	if err != nil {
		return err
	}
	metrics := SummaryMetrics()
	nm := len(metrics)
	for ri := range rows {
		r := &rows[ri]
		if len(r.Values) != len(keys) || len(r.Metrics) != nm {
			t.abort()
			return fmt.Errorf("results: %s: candidate %d has %d key values and %d metrics, want %d and %d",
				path, r.Candidate, len(r.Values), len(r.Metrics), len(keys), nm)
		}
		c := a
		if t.cur == 1 {
			c = b
		}
		c.cand.add(r.Candidate)
		c.id.add(r.ID)
		for i, v := range r.Values {
			switch col := c.keys[i].(type) {
			case *i64Col:
				col.add(int64(v))
			case *f64Col:
				col.add(v)
			}
		}
		c.feasible.add(r.Feasible)
		c.chosen.add(r.Chosen)
		c.violation.add(r.Violation)
		c.seeds.add(r.Seeds)
		for i, v := range r.Metrics {
			if metrics[i].Nullable {
				c.metrics[i].addOpt(v, !math.IsNaN(v))
			} else {
				c.metrics[i].add(v)
			}
		}
		if err := t.rowDone(); err != nil {
			t.abort()
			return err
		}
	}
	return t.close()
}

// ReadPlan reads plan.arrow back: its metadata, the question (dcsim.plan), the key columns and
// the rows (nulls become NaN).
func ReadPlan(path string) (Meta, string, []PlanKey, []PlanRow, error) {
	var keys []PlanKey
	var question string
	var rows []PlanRow
	var kerr error
	metrics := SummaryMetrics()
	meta, err := readFile(path, TablePlan, func(b *batch) {
		if keys == nil && kerr == nil {
			schema := b.rec.Schema()
			question, _ = schema.Metadata().GetValue(MetaKeyPlan)
			var params []ParamColumn
			if params, kerr = paramsOf(schema); kerr == nil {
				for _, p := range params {
					if p.Kind != ParamInt && p.Kind != ParamFloat {
						kerr = fmt.Errorf("key column %q: unexpected type %s", p.Name, p.Kind)
						return
					}
					unit, _ := schema.Field(schema.FieldIndices(p.Name)[0]).Metadata.GetValue(FieldKeyUnit)
					keys = append(keys, PlanKey{Name: p.Name, Unit: unit, Integer: p.Kind == ParamInt})
				}
				if keys == nil {
					keys = []PlanKey{}
				}
			}
		}
		if kerr != nil || b.err != nil {
			return
		}
		cand, seeds := col[*array.Int64](b, "candidate", false), col[*array.Int64](b, "seeds", false)
		id := col[*array.String](b, "candidate_id", false)
		feas, chosen := col[*array.Boolean](b, "feasible", false), col[*array.Boolean](b, "chosen", false)
		viol := col[*array.Float64](b, "violation", false)
		kcols := make([]arrow.Array, len(keys))
		for i, k := range keys {
			if k.Integer {
				kcols[i] = col[*array.Int64](b, k.Name, false)
			} else {
				kcols[i] = col[*array.Float64](b, k.Name, false)
			}
		}
		mcols := make([]*array.Float64, len(metrics))
		for i, m := range metrics {
			mcols[i] = col[*array.Float64](b, m.Name, m.Nullable)
		}
		if b.err != nil {
			return
		}
		for i := 0; i < b.n; i++ {
			r := PlanRow{Candidate: cand.Value(i), ID: b.str(id, i), Feasible: feas.Value(i), Chosen: chosen.Value(i),
				Violation: viol.Value(i), Seeds: seeds.Value(i), Values: make([]float64, len(keys)), Metrics: make([]float64, len(metrics))}
			for j, a := range kcols {
				switch a := a.(type) {
				case *array.Int64:
					r.Values[j] = float64(a.Value(i))
				case *array.Float64:
					r.Values[j] = a.Value(i)
				}
			}
			for j, a := range mcols {
				r.Metrics[j] = a.Value(i)
				if a.IsNull(i) {
					r.Metrics[j] = math.NaN()
				}
			}
			rows = append(rows, r)
		}
	})
	if err == nil && kerr != nil {
		err = fmt.Errorf("results: %s: %w", path, kerr)
	}
	if err != nil {
		return Meta{}, "", nil, nil, err
	}
	return meta, question, keys, rows, nil
}
