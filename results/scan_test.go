package results

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// ScanTable sees the same rows, batch by batch, as ReadTable; a file with no batches still
// shows its schema; corrupt bytes give errors, never a crash.
func TestScanTable(t *testing.T) {
	for _, n := range []int{0, 5, 2*BatchRows + 3} {
		path := filepath.Join(t.TempDir(), "jobs.arrow")
		writeJobs(t, path, sampleJobs(n, uint64(n)), testMeta)
		tbl, err := ReadTable(path)
		if err != nil {
			t.Fatal(err)
		}
		want := array.NewTableReader(tbl, BatchRows)
		var rows, calls int64
		err = ScanTable(path, func(s *arrow.Schema, rec arrow.RecordBatch) error {
			calls++
			if !s.Equal(tbl.Schema()) {
				t.Error("schema differs")
			}
			if rec == nil || rec.NumRows() == 0 { // the writer's one empty batch of an empty file
				return nil
			}
			if !want.Next() || !array.RecordEqual(rec, want.RecordBatch()) {
				t.Errorf("n=%d: batch at row %d differs", n, rows)
			}
			rows += rec.NumRows()
			return nil
		})
		want.Release()
		tbl.Release()
		if err != nil || rows != int64(n) || calls == 0 {
			t.Errorf("n=%d: %v, %d rows in %d calls", n, err, rows, calls)
		}
	}
	path := filepath.Join(t.TempDir(), "jobs.arrow")
	writeJobs(t, path, sampleJobs(20, 1), testMeta)
	good, _ := os.ReadFile(path)
	bad := filepath.Join(t.TempDir(), "bad.arrow")
	for i := 0; i < len(good); i += 3 {
		data := bytes.Clone(good)
		data[i] ^= 0xff
		os.WriteFile(bad, data, 0o644)
		ScanTable(bad, func(*arrow.Schema, arrow.RecordBatch) error { return nil })
	}
	if err := ScanTable(filepath.Join(t.TempDir(), "missing.arrow"), nil); err == nil {
		t.Error("missing file: no error")
	}
}
