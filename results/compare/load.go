package compare

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/dcsim/dcsim/results"
)

// ErrInput marks bad input: a folder without a readable summary, a bad flag value, nothing to
// compare. The CLI maps it to exit code 2.
var ErrInput = errors.New("bad input")

func inputErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInput}, args...)...)
}

// Kinds of input folder.
const (
	KindRun   = "run"   // a run folder: summary.arrow with dcsim.table = summary
	KindSweep = "sweep" // a sweep folder: summary.arrow with dcsim.table = sweep_summary
)

// Side is one input of a comparison (a run folder or a sweep folder), read from its
// summary.arrow.
type Side struct {
	Path     string            // as given on the command line
	File     string            // the summary.arrow read
	Kind     string            // KindRun or KindSweep
	Scenario string            // dcsim.scenario: the (base) scenario name
	YAML     string            // dcsim.scenario_yaml: the resolved scenario (run) or the sweep file (sweep)
	Params   []string          // parameter columns, in file order (none for a run folder)
	Metrics  []string          // numeric metric columns, in file order
	Units    map[string]string // unit of each metric column (field metadata "unit")
	Rows     []Row
}

// Row is one run.
type Row struct {
	RunID  string    // sweep run id ("" for a run folder)
	Seed   string    // the seed column as text ("" when absent or null), to pair runs for --test paired
	Params []Value   // aligned with Side.Params
	Values []float64 // aligned with Side.Metrics; NaN where the value is null (or not finite)
}

// Value is a parameter value. Text is its canonical form, used to match values across the two
// sides: integers in decimal, floats in shortest form ('g'), booleans as true/false — the form
// results.ReadSweepSummary uses — so that 400 in an int64 column matches 400 in a float64 one.
type Value struct {
	Text string
	JSON any // the typed value for JSON output: int64, float64, bool, string or nil (null)
}

// resolvedYAML is the resolved scenario of row i: for a run folder its own dcsim.scenario_yaml,
// for a sweep that of the run's folder runs/<run_id>/summary.arrow ("" when it cannot be read:
// a summary copied without its runs).
func (s *Side) resolvedYAML(i int) string {
	if s.Kind == KindRun {
		return s.YAML
	}
	id := s.Rows[i].RunID
	if id == "" || id != filepath.Base(id) || id == "." || id == ".." {
		return ""
	}
	_, meta, err := results.ReadSummary(filepath.Join(filepath.Dir(s.File), "runs", id, "summary.arrow"))
	if err != nil {
		return ""
	}
	return meta.ScenarioYAML
}

// identifiers are numeric columns that identify a run rather than measure it.
var identifiers = map[string]bool{"seed": true, "replicate": true}

// Load reads the summary of a run or sweep folder. path is the folder or its summary.arrow.
func Load(path string) (*Side, error) {
	file := path
	st, err := os.Stat(path)
	if err != nil {
		return nil, inputErr("%s: %v", path, errors.Unwrap(err))
	}
	if st.IsDir() {
		file = filepath.Join(path, "summary.arrow")
		if _, err := os.Stat(file); err != nil {
			if _, perr := os.Stat(filepath.Join(path, "summary.parquet")); perr == nil {
				return nil, inputErr("%s: no summary.arrow (only summary.parquet; compare reads Arrow: run with --format arrow or both)", path)
			}
			return nil, inputErr("%s: no summary.arrow: not a dcsim run or sweep folder", path)
		}
	}
	tbl, err := results.ReadTable(file)
	if err != nil {
		return nil, inputErr("%v", err)
	}
	defer tbl.Release()
	s, err := fromTable(tbl)
	if err != nil {
		return nil, inputErr("%s: %v", file, err)
	}
	s.Path, s.File = path, file
	return s, nil
}

// fromTable interprets a summary table (run or sweep).
func fromTable(tbl arrow.Table) (*Side, error) {
	schema := tbl.Schema()
	md := schema.Metadata()
	s := &Side{Units: map[string]string{}}
	s.Scenario, _ = md.GetValue(results.MetaKeyScenario)
	s.YAML, _ = md.GetValue(results.MetaKeyScenarioYAML)
	table, _ := md.GetValue(results.MetaKeyTable)
	switch table {
	case results.TableSummary:
		s.Kind = KindRun
	case results.TableSweepSummary:
		s.Kind = KindSweep
		pj, ok := md.GetValue(results.MetaKeyParams)
		if !ok {
			return nil, fmt.Errorf("sweep summary without the %s metadata", results.MetaKeyParams)
		}
		params, err := parseParams(pj)
		if err != nil {
			return nil, err
		}
		s.Params = params
	case "":
		return nil, fmt.Errorf("no %s metadata: not a dcsim summary", results.MetaKeyTable)
	default:
		return nil, fmt.Errorf("holds the %q table, not a run or sweep summary", table)
	}
	isParam := map[string]bool{}
	pcols := make([]int, len(s.Params))
	for i, p := range s.Params {
		idx := schema.FieldIndices(p)
		if len(idx) != 1 {
			return nil, fmt.Errorf("parameter %q (from %s): %d columns of that name, want 1", p, results.MetaKeyParams, len(idx))
		}
		pcols[i] = idx[0]
		isParam[p] = true
	}
	var mcols []int
	seen := map[string]bool{}
	for i, f := range schema.Fields() {
		if isParam[f.Name] || identifiers[f.Name] || !numeric(f.Type) {
			continue
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("column %q appears twice", f.Name)
		}
		seen[f.Name] = true
		mcols = append(mcols, i)
		s.Metrics = append(s.Metrics, f.Name)
		s.Units[f.Name], _ = f.Metadata.GetValue(results.FieldKeyUnit)
	}
	n := int(tbl.NumRows())
	if n == 0 {
		return nil, fmt.Errorf("no rows (no completed run)")
	}
	s.Rows = make([]Row, n)
	for i := range s.Rows {
		s.Rows[i] = Row{Params: make([]Value, len(pcols)), Values: make([]float64, len(mcols))}
	}
	if idx := schema.FieldIndices("run_id"); len(idx) == 1 {
		err := eachValue(tbl.Column(idx[0]), func(r int, a arrow.Array, i int) error {
			if sa, ok := a.(*array.String); ok && sa.IsValid(i) {
				s.Rows[r].RunID = sa.Value(i)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if idx := schema.FieldIndices("seed"); len(idx) == 1 {
		err := eachValue(tbl.Column(idx[0]), func(r int, a arrow.Array, i int) error {
			if !a.IsNull(i) {
				if v, err := paramValue(a, i); err == nil {
					s.Rows[r].Seed = v.Text
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for j, c := range pcols {
		name := s.Params[j]
		err := eachValue(tbl.Column(c), func(r int, a arrow.Array, i int) error {
			v, err := paramValue(a, i)
			if err != nil {
				return fmt.Errorf("parameter column %q: %v", name, err)
			}
			s.Rows[r].Params[j] = v
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for j, c := range mcols {
		err := eachValue(tbl.Column(c), func(r int, a arrow.Array, i int) error {
			s.Rows[r].Values[j] = numValue(a, i)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// parseParams parses the dcsim.params metadata: a JSON array of distinct, non-empty column names.
func parseParams(js string) ([]string, error) {
	var names []string
	if err := json.Unmarshal([]byte(js), &names); err != nil {
		return nil, fmt.Errorf("metadata %s: want a JSON array of column names: %v", results.MetaKeyParams, err)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" {
			return nil, fmt.Errorf("metadata %s: empty parameter name", results.MetaKeyParams)
		}
		if seen[n] {
			return nil, fmt.Errorf("metadata %s: parameter %q listed twice", results.MetaKeyParams, n)
		}
		if identifiers[n] || n == "run_id" {
			return nil, fmt.Errorf("metadata %s: %q is an identifier column, not a parameter", results.MetaKeyParams, n)
		}
		seen[n] = true
	}
	return names, nil
}

// eachValue calls f for every row of a chunked column, with the row's index in the table.
func eachValue(c *arrow.Column, f func(row int, a arrow.Array, i int) error) error {
	r := 0
	for _, a := range c.Data().Chunks() {
		for i := 0; i < a.Len(); i++ {
			if err := f(r, a, i); err != nil {
				return fmt.Errorf("row %d: %w", r, err)
			}
			r++
		}
	}
	return nil
}

func numeric(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64:
		return true
	}
	return false
}

// numValue is the value at i of a numeric array as float64; NaN for null and non-finite values.
func numValue(a arrow.Array, i int) float64 {
	if a.IsNull(i) {
		return math.NaN()
	}
	var x float64
	switch a := a.(type) {
	case *array.Int8:
		x = float64(a.Value(i))
	case *array.Int16:
		x = float64(a.Value(i))
	case *array.Int32:
		x = float64(a.Value(i))
	case *array.Int64:
		x = float64(a.Value(i))
	case *array.Uint8:
		x = float64(a.Value(i))
	case *array.Uint16:
		x = float64(a.Value(i))
	case *array.Uint32:
		x = float64(a.Value(i))
	case *array.Uint64:
		x = float64(a.Value(i))
	case *array.Float32:
		x = float64(a.Value(i))
	case *array.Float64:
		x = a.Value(i)
	default:
		return math.NaN()
	}
	if math.IsInf(x, 0) {
		return math.NaN()
	}
	return x
}

// paramValue is the parameter value at i of a, in canonical text (see Value).
func paramValue(a arrow.Array, i int) (Value, error) {
	if a.IsNull(i) {
		return Value{Text: "null", JSON: nil}, nil
	}
	switch a := a.(type) {
	case *array.String:
		return Value{Text: a.Value(i), JSON: a.Value(i)}, nil
	case *array.Boolean:
		return Value{Text: strconv.FormatBool(a.Value(i)), JSON: a.Value(i)}, nil
	case *array.Float64:
		x := a.Value(i)
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return Value{}, fmt.Errorf("value %v is not a finite number", x)
		}
		return Value{Text: strconv.FormatFloat(x, 'g', -1, 64), JSON: x}, nil
	}
	if numeric(a.DataType()) {
		// Other integer types: exact in int64 for everything but uint64 above 2^63.
		switch a := a.(type) {
		case *array.Uint64:
			return Value{Text: strconv.FormatUint(a.Value(i), 10), JSON: a.Value(i)}, nil
		case *array.Float32:
			x := float64(a.Value(i))
			if math.IsInf(x, 0) || math.IsNaN(x) {
				return Value{}, fmt.Errorf("value %v is not a finite number", x)
			}
			return Value{Text: strconv.FormatFloat(x, 'g', -1, 64), JSON: x}, nil
		}
		x := int64(numValue(a, i))
		if ia, ok := a.(*array.Int64); ok {
			x = ia.Value(i)
		}
		return Value{Text: strconv.FormatInt(x, 10), JSON: x}, nil
	}
	return Value{}, fmt.Errorf("unsupported type %s", a.DataType())
}
