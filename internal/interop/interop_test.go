package interop

import (
	"strings"
	"testing"
)

// TestDiffParquet: DiffParquet reports each kind of difference, and none for equal reports.
func TestDiffParquet(t *testing.T) {
	table := func() Table {
		return Table{Rows: 2, Columns: []string{"a", "b"}, NullCounts: map[string]int64{"a": 0, "b": 1},
			FirstRow: map[string]any{"a": 1.0, "b": nil}, Sums: map[string]any{"a": 3.0, "seed": "18446744073709551614"}}
	}
	cases := []struct {
		name   string
		change func(*Table)
		want   string // "" for no difference
	}{
		{"equal", func(*Table) {}, ""},
		{"rows", func(tb *Table) { tb.Rows = 3 }, "3 rows, want 2"},
		{"columns", func(tb *Table) { tb.Columns = []string{"b", "a"} }, "columns"},
		{"nulls", func(tb *Table) { tb.NullCounts["b"] = 0 }, "null counts"},
		{"first row", func(tb *Table) { tb.FirstRow["a"] = 1.5 }, "first row"},
		{"sum", func(tb *Table) { tb.Sums["a"] = 3.001 }, "a: sum 3.001, want 3"},
		{"sum within rounding", func(tb *Table) { tb.Sums["a"] = 3 + 1e-12 }, ""},
		{"missing sum", func(tb *Table) { delete(tb.Sums, "a") }, "a: no sum"},
		{"big sum", func(tb *Table) { tb.Sums["seed"] = "1" }, "seed: sum 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := table()
			c.change(&got)
			arrow := &Report{Polars: map[string]Table{"jobs": table()}}
			pq := &ParquetReport{DuckDB: map[string]Table{"jobs": got}, Polars: map[string]Table{"jobs": table()}}
			diffs := DiffParquet(arrow, pq)
			if c.want == "" {
				if len(diffs) != 0 {
					t.Errorf("diffs %v", diffs)
				}
				return
			}
			if len(diffs) != 1 || !strings.Contains(diffs[0], c.want) || !strings.HasPrefix(diffs[0], "duckdb jobs") {
				t.Errorf("diffs %q, want one duckdb diff containing %q", diffs, c.want)
			}
		})
	}
	// A table the Parquet readers did not see.
	diffs := DiffParquet(&Report{Polars: map[string]Table{"hosts": table()}}, &ParquetReport{})
	if len(diffs) != 2 {
		t.Errorf("missing table: %q", diffs)
	}
}
