package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dcsim/dcsim/internal/runner"
	"github.com/dcsim/dcsim/scenarios"
)

// A run written with --format parquet (Parquet tables, summary.arrow kept) gives the same report
// as the same run written as Arrow.
func TestParquetRunSameReport(t *testing.T) {
	dir := t.TempDir()
	sc, err := scenarios.Resolve("default", []string{"horizon=2h"})
	if err != nil {
		t.Fatal(err)
	}
	arrowDir, pqDir := filepath.Join(dir, "arrow"), filepath.Join(dir, "parquet")
	if _, err := runner.Run(sc, runner.Options{OutDir: arrowDir, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := runner.Run(sc, runner.Options{OutDir: pqDir, Workers: 1, Format: runner.FormatParquet}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"jobs.arrow", "hosts.arrow"} {
		if _, err := os.Stat(filepath.Join(pqDir, f)); !os.IsNotExist(err) {
			t.Fatalf("%s in a parquet-only run folder", f)
		}
	}
	a, p := render(t, arrowDir, Options{}), render(t, pqDir, Options{})
	if a != p {
		t.Error("the report of a Parquet run differs from the report of the same run in Arrow")
	}
	if n := len(chartIDs(p)); n < 4 {
		t.Errorf("Parquet run report has %d charts", n)
	}
}
