// Package interop checks dcsim's Arrow result files with independent readers: nodejs-polars
// (the Rust polars engine) and apache-arrow (the JavaScript Arrow implementation), driven by
// read.mjs in this folder. It is for tests: results' own interop test and end-to-end tests of
// real dcsim output, e.g.
//
//	func TestEndToEnd(t *testing.T) {
//		dir := t.TempDir()
//		... run dcsim with its output in dir ...
//		rep := interop.Read(t, dir) // skips, or fails under DCSIM_REQUIRE_INTEROP=1, without node
//		if rep.Polars["jobs"].Rows != wantJobs { ... }
//	}
//
// Setup (once, and in CI): npm ci --prefix internal/interop
package interop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
}

// Report is the output of read.mjs: per reader, per table name ("jobs", "hosts", "summary").
type Report struct {
	Dir     string            `json:"dir"`
	Readers map[string]string `json:"readers"` // package name → version
	Polars  map[string]Table  `json:"polars"`
	Arrow   map[string]Table  `json:"arrow"`
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
func Available() error {
	if _, err := exec.LookPath("node"); err != nil {
		return errors.New("node (Node.js ≥ 20) is not on PATH")
	}
	for _, pkg := range []string{"nodejs-polars", "apache-arrow"} {
		if _, err := os.Stat(filepath.Join(Dir(), "node_modules", pkg, "package.json")); err != nil {
			return fmt.Errorf("%s is not installed: run `npm ci --prefix internal/interop`", pkg)
		}
	}
	return nil
}

// Run runs read.mjs over dir (all tables, or only those named) and decodes its report.
func Run(dir string, tables ...string) (*Report, error) {
	args := append([]string{filepath.Join(Dir(), "read.mjs"), dir}, tables...)
	cmd := exec.Command("node", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node read.mjs %s: %v\n%s", dir, err, stderr.Bytes())
	}
	var rep Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		return nil, fmt.Errorf("node read.mjs %s: bad JSON: %v", dir, err)
	}
	return &rep, nil
}

// Require skips t when the readers are not available, or fails it when DCSIM_REQUIRE_INTEROP=1.
func Require(t testing.TB) {
	t.Helper()
	if err := Available(); err != nil {
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
