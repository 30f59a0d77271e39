// Package interop checks dcsim's Arrow result files with independent readers: nodejs-polars
// (the Rust polars engine) and apache-arrow (the JavaScript Arrow implementation), driven by
// read.mjs in this folder; and its Parquet files with DuckDB (@duckdb/node-api, DuckDB's own
// Parquet reader) and nodejs-polars, driven by read_parquet.mjs (ReadParquet). It is for
// tests: results' own interop tests and end-to-end tests of real dcsim output, e.g.
//
//	func TestEndToEnd(t *testing.T) {
//		dir := t.TempDir()
//		... run dcsim with its output in dir ...
//		rep := interop.Read(t, dir) // skips, or fails under DCSIM_REQUIRE_INTEROP=1, without node
//		if rep.Polars["jobs"].Rows != wantJobs { ... }
//	}
//
// and for Parquet output, interop.ReadParquet(t, dir).DuckDB["jobs"] and so on.
//
// Setup (once, and in CI): npm ci --prefix internal/interop
package interop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"
)

// RequireEnv is the environment variable that turns a missing Node.js setup from a skip into a
// failure (CI sets it to 1).
const RequireEnv = "DCSIM_REQUIRE_INTEROP"

// Table is what one reader saw in one file.
type Table struct {
	Rows       int64            `json:"rows"`
	Columns    []string         `json:"columns"`
	Dtypes     []string         `json:"dtypes"` // reader's type names, e.g. polars "Float64", arrow "Utf8"
	NullCounts map[string]int64 `json:"null_counts"`
	// FirstRow maps column to value (JSON types: float64, string, bool or nil; integers beyond
	// 2^53 are strings). Nil for an empty table.
	FirstRow map[string]any `json:"first_row"`
	// Sums of numeric and boolean columns (booleans count trues); integers beyond 2^53 are
	// strings.
	Sums map[string]any `json:"sums"`

	// apache-arrow only.
	Batches        int                          `json:"batches"`
	Nullable       []bool                       `json:"nullable"`
	SchemaMetadata map[string]string            `json:"schema_metadata"`
	FieldMetadata  map[string]map[string]string `json:"field_metadata"`

	// DuckDB (Parquet) only: the file's key/value metadata, created_by and row-group count.
	KVMetadata map[string]string `json:"kv_metadata"`
	CreatedBy  string            `json:"created_by"`
	RowGroups  int               `json:"row_groups"`
}

// Report is the output of read.mjs: per reader, per table name ("jobs", "hosts", "summary").
type Report struct {
	Dir     string            `json:"dir"`
	Readers map[string]string `json:"readers"` // package name → version
	Polars  map[string]Table  `json:"polars"`
	Arrow   map[string]Table  `json:"arrow"`
}

// ParquetReport is the output of read_parquet.mjs: per reader, per table name.
type ParquetReport struct {
	Dir     string            `json:"dir"`
	Readers map[string]string `json:"readers"` // package name → version, and "duckdb" → DuckDB's version()
	DuckDB  map[string]Table  `json:"duckdb"`
	Polars  map[string]Table  `json:"polars"`
}

// Dir returns the folder holding read.mjs and package.json (found from this source file, so it
// does not depend on the working directory).
func Dir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("internal", "interop")
	}
	return filepath.Dir(file)
}

// Available reports why the readers cannot run (node missing, or `npm ci` not run), or nil.
func Available() error { return available("nodejs-polars", "apache-arrow") }

// AvailableParquet reports why the Parquet readers cannot run, or nil.
func AvailableParquet() error { return available("nodejs-polars", "@duckdb/node-api") }

func available(pkgs ...string) error {
	if _, err := exec.LookPath("node"); err != nil {
		return errors.New("node (Node.js ≥ 20) is not on PATH")
	}
	for _, pkg := range pkgs {
		if _, err := os.Stat(filepath.Join(Dir(), "node_modules", pkg, "package.json")); err != nil {
			return fmt.Errorf("%s is not installed: run `npm ci --prefix internal/interop`", pkg)
		}
	}
	return nil
}

// Run runs read.mjs over dir (all tables, or only those named) and decodes its report.
func Run(dir string, tables ...string) (*Report, error) {
	var rep Report
	if err := runScript("read.mjs", dir, tables, &rep); err != nil {
		return nil, err
	}
	return &rep, nil
}

// RunParquet runs read_parquet.mjs over dir (every NAME.parquet there, or only the tables
// named) and decodes its report.
func RunParquet(dir string, tables ...string) (*ParquetReport, error) {
	var rep ParquetReport
	if err := runScript("read_parquet.mjs", dir, tables, &rep); err != nil {
		return nil, err
	}
	return &rep, nil
}

func runScript(script, dir string, tables []string, rep any) error {
	args := append([]string{filepath.Join(Dir(), script), dir}, tables...)
	cmd := exec.Command("node", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("node %s %s: %v\n%s", script, dir, err, stderr.Bytes())
	}
	if err := json.Unmarshal(stdout.Bytes(), rep); err != nil {
		return fmt.Errorf("node %s %s: bad JSON: %v", script, dir, err)
	}
	return nil
}

// Require skips t when the readers are not available, or fails it when DCSIM_REQUIRE_INTEROP=1.
func Require(t testing.TB) {
	t.Helper()
	require(t, Available())
}

// RequireParquet is Require for the Parquet readers (DuckDB and nodejs-polars).
func RequireParquet(t testing.TB) {
	t.Helper()
	require(t, AvailableParquet())
}

func require(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("interop readers required (%s=1) but unavailable: %v", RequireEnv, err)
		}
		t.Skipf("skipping interop check: %v (set %s=1 to make this a failure)", err, RequireEnv)
	}
}

// Read is Run for tests: it calls Require first, and a reader error fails t.
func Read(t testing.TB, dir string, tables ...string) *Report {
	t.Helper()
	Require(t)
	rep, err := Run(dir, tables...)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// ReadParquet is RunParquet for tests: it calls RequireParquet first, and a reader error fails
// t.
func ReadParquet(t testing.TB, dir string, tables ...string) *ParquetReport {
	t.Helper()
	RequireParquet(t)
	rep, err := RunParquet(dir, tables...)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// DiffParquet compares what the Parquet readers saw (pq) with what nodejs-polars saw in the
// Arrow files of the same tables (arrow, from Run): for every table of arrow.Polars and both
// Parquet readers, the row count, column names, null counts, first row (exactly) and the sums
// (to a relative 1e-9: readers sum in different orders). A sum the Arrow reader lacks (polars
// does not sum UInt64 columns) is not compared. It returns one line per difference.
func DiffParquet(arrow *Report, pq *ParquetReport) []string {
	var diffs []string
	add := func(format string, a ...any) { diffs = append(diffs, fmt.Sprintf(format, a...)) }
	names := make([]string, 0, len(arrow.Polars))
	for name := range arrow.Polars {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		want := arrow.Polars[name]
		for _, r := range []struct {
			reader string
			tables map[string]Table
		}{{"duckdb", pq.DuckDB}, {"polars", pq.Polars}} {
			got, ok := r.tables[name]
			if !ok {
				add("%s: no %s.parquet", r.reader, name)
				continue
			}
			if got.Rows != want.Rows {
				add("%s %s: %d rows, want %d", r.reader, name, got.Rows, want.Rows)
			}
			if !slices.Equal(got.Columns, want.Columns) {
				add("%s %s: columns %v, want %v", r.reader, name, got.Columns, want.Columns)
			}
			if !maps.Equal(got.NullCounts, want.NullCounts) {
				add("%s %s: null counts %v, want %v", r.reader, name, got.NullCounts, want.NullCounts)
			}
			if !reflect.DeepEqual(got.FirstRow, want.FirstRow) {
				add("%s %s: first row\n got %v\nwant %v", r.reader, name, got.FirstRow, want.FirstRow)
			}
			for col, w := range want.Sums {
				g, ok := got.Sums[col]
				if !ok {
					add("%s %s.%s: no sum", r.reader, name, col)
					continue
				}
				gf, gok := g.(float64)
				wf, wok := w.(float64)
				if gok && wok {
					if math.Abs(gf-wf) > 1e-9*math.Max(1, math.Abs(wf)) {
						add("%s %s.%s: sum %v, want %v", r.reader, name, col, gf, wf)
					}
				} else if !reflect.DeepEqual(g, w) {
					add("%s %s.%s: sum %v, want %v", r.reader, name, col, g, w)
				}
			}
		}
	}
	return diffs
}
