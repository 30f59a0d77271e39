package results

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// TableSweepSummary is the dcsim.table value of a sweep's summary.arrow.
const TableSweepSummary = "sweep_summary"

// MetaKeyParams is the schema metadata key of a sweep summary that lists its parameter columns,
// in order, as a JSON array of strings.
const MetaKeyParams = "dcsim.params"

// ParamKind is the Arrow type of a sweep parameter column.
type ParamKind uint8

const (
	ParamString ParamKind = iota // utf8: any value, as its YAML text
	ParamInt                     // int64: every value is a YAML integer
	ParamFloat                   // float64: every value is a YAML number
	ParamBool                    // bool: every value is a YAML boolean
)

func (k ParamKind) String() string {
	switch k {
	case ParamInt:
		return "int64"
	case ParamFloat:
		return "float64"
	case ParamBool:
		return "bool"
	}
	return "utf8"
}

// ParamColumn is one parameter column of a sweep summary: a scenario key path that the sweep
// varies (e.g. "scheduler.placement") and the type of its values.
type ParamColumn struct {
	Name string
	Kind ParamKind
}

// SweepRow is one run of a sweep summary.
type SweepRow struct {
	RunID     string
	Replicate int64    // 0-based seed index
	Params    []string // the parameter values as text (YAML scalars), in column order
	Summary   Summary  // the run's own summary.arrow row
}

// sweepCols are the leading columns of a sweep summary; the run's summary columns follow.
type sweepCols struct {
	runID     strCol
	replicate i64Col
	params    []column
	sum       summaryCols
}

func newSweepCols(params []ParamColumn) *sweepCols {
	c := &sweepCols{}
	for _, p := range params {
		switch p.Kind {
		case ParamInt:
			c.params = append(c.params, new(i64Col))
		case ParamFloat:
			c.params = append(c.params, new(f64Col))
		case ParamBool:
			c.params = append(c.params, new(boolCol))
		default:
			c.params = append(c.params, new(strCol))
		}
	}
	return c
}

func (c *sweepCols) fields(params []ParamColumn) []field {
	fs := []field{
		{"run_id", "", "Stable id of the run, derived from its parameter values and seed.", false, &c.runID},
		{"replicate", "1", "Seed index of the run within its configuration (0-based).", false, &c.replicate},
	}
	for i, p := range params {
		fs = append(fs, field{p.Name, "", "Sweep parameter: the value of scenario key " + p.Name + " in this run.", false, c.params[i]})
	}
	return append(fs, c.sum.fields()...)
}

// addParam appends the text value v to parameter column i of kind k.
func (c *sweepCols) addParam(i int, k ParamKind, v string) error {
	switch col := c.params[i].(type) {
	case *i64Col:
		x, err := strconv.ParseInt(v, 0, 64)
		if err != nil {
			return fmt.Errorf("parameter value %q is not an %s", v, k)
		}
		col.add(x)
	case *f64Col:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("parameter value %q is not a %s", v, k)
		}
		col.add(x)
	case *boolCol:
		x, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("parameter value %q is not a %s", v, k)
		}
		col.add(x)
	case *strCol:
		col.add(v)
	}
	return nil
}

// WriteSweepSummary atomically writes a sweep's summary.arrow: one row per run, in the given
// order, with run_id, replicate, one column per parameter and then every summary.arrow column.
// meta.Scenario is the base scenario, meta.Seed the sweep's root seed and meta.ScenarioYAML the
// sweep definition. The file depends only on its arguments, so a resumed or merged sweep writes
// the same bytes as an uninterrupted one.
func WriteSweepSummary(path string, meta Meta, params []ParamColumn, rows []SweepRow) error {
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.Name
	}
	pj, err := json.Marshal(names)
	if err != nil {
		return err
	}
	a, b := newSweepCols(params), newSweepCols(params)
	t, err := newTableWriter(path, TableSweepSummary, meta, a.fields(params), b.fields(params), [2]string{MetaKeyParams, string(pj)})
	if err != nil {
		return err
	}
	for ri := range rows {
		r := &rows[ri]
		if len(r.Params) != len(params) {
			t.abort()
			return fmt.Errorf("results: %s: run %s has %d parameter values, want %d", path, r.RunID, len(r.Params), len(params))
		}
		c := a
		if t.cur == 1 {
			c = b
		}
		c.runID.add(r.RunID)
		c.replicate.add(r.Replicate)
		for i, v := range r.Params {
			if err := c.addParam(i, params[i].Kind, v); err != nil {
				t.abort()
				return fmt.Errorf("results: %s: run %s, parameter %s: %w", path, r.RunID, params[i].Name, err)
			}
		}
		c.sum.addRow(&r.Summary)
		if err := t.rowDone(); err != nil {
			t.abort()
			return err
		}
	}
	return t.close()
}

// ReadSweepSummary reads a sweep's summary.arrow back: its metadata, parameter columns and rows
// (parameter values as text: integers and booleans in Go syntax, floats in shortest form).
func ReadSweepSummary(path string) (Meta, []ParamColumn, []SweepRow, error) {
	var params []ParamColumn
	var rows []SweepRow
	var perr error
	meta, err := readFile(path, TableSweepSummary, func(b *batch) {
		if params == nil && perr == nil {
			params, perr = paramsOf(b.rec.Schema())
		}
		if perr != nil || b.err != nil {
			return
		}
		runID := col[*array.String](b, "run_id", false)
		rep := col[*array.Int64](b, "replicate", false)
		pcols := make([]arrow.Array, len(params))
		for i, p := range params {
			switch p.Kind {
			case ParamInt:
				pcols[i] = col[*array.Int64](b, p.Name, false)
			case ParamFloat:
				pcols[i] = col[*array.Float64](b, p.Name, false)
			case ParamBool:
				pcols[i] = col[*array.Boolean](b, p.Name, false)
			default:
				pcols[i] = col[*array.String](b, p.Name, false)
			}
		}
		sums := decodeSummary(b, nil)
		if b.err != nil {
			return
		}
		for i := 0; i < b.n; i++ {
			r := SweepRow{RunID: b.str(runID, i), Replicate: rep.Value(i), Summary: sums[i], Params: make([]string, len(params))}
			for j, a := range pcols {
				switch a := a.(type) {
				case *array.Int64:
					r.Params[j] = strconv.FormatInt(a.Value(i), 10)
				case *array.Float64:
					r.Params[j] = strconv.FormatFloat(a.Value(i), 'g', -1, 64)
				case *array.Boolean:
					r.Params[j] = strconv.FormatBool(a.Value(i))
				case *array.String:
					r.Params[j] = b.str(a, i)
				}
			}
			rows = append(rows, r)
		}
	})
	if err == nil && perr != nil {
		err = fmt.Errorf("results: %s: %w", path, perr)
	}
	if err != nil {
		return Meta{}, nil, nil, err
	}
	return meta, params, rows, nil
}

// paramsOf reads the parameter columns named by the dcsim.params metadata.
func paramsOf(schema *arrow.Schema) ([]ParamColumn, error) {
	md := schema.Metadata()
	v, ok := md.GetValue(MetaKeyParams)
	if !ok {
		return nil, fmt.Errorf("metadata %s missing", MetaKeyParams)
	}
	var names []string
	if err := json.Unmarshal([]byte(v), &names); err != nil {
		return nil, fmt.Errorf("metadata %s: %w", MetaKeyParams, err)
	}
	params := make([]ParamColumn, 0, len(names))
	for _, n := range names {
		idx := schema.FieldIndices(n)
		if len(idx) != 1 {
			return nil, fmt.Errorf("parameter column %q: found %d times, want once", n, len(idx))
		}
		var k ParamKind
		switch schema.Field(idx[0]).Type.ID() {
		case arrow.INT64:
			k = ParamInt
		case arrow.FLOAT64:
			k = ParamFloat
		case arrow.BOOL:
			k = ParamBool
		case arrow.STRING:
			k = ParamString
		default:
			return nil, fmt.Errorf("parameter column %q: unexpected type %s", n, schema.Field(idx[0]).Type)
		}
		params = append(params, ParamColumn{Name: n, Kind: k})
	}
	return params, nil
}
