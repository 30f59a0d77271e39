package results

import (
	"bytes"
	"fmt"
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

// ScanParquet gives back, batch by batch, the rows and the schema (dcsim metadata and units
// included) of the Arrow file a Parquet file was converted from.
func TestScanParquetMatchesArrow(t *testing.T) {
	for _, n := range []int{0, 7, BatchRows + 5} {
		dir := t.TempDir()
		ap := filepath.Join(dir, "jobs.arrow")
		writeJobs(t, ap, sampleJobs(n, 3), testMeta)
		pp := ParquetPath(ap)
		if err := WriteParquet(ap, pp); err != nil {
			t.Fatal(err)
		}
		tbl, err := ReadTable(ap)
		if err != nil {
			t.Fatal(err)
		}
		var rows int64
		var want []arrow.RecordBatch
		tr := array.NewTableReader(tbl, BatchRows)
		for tr.Next() {
			rec := tr.RecordBatch()
			rec.Retain()
			want = append(want, rec)
		}
		calls := 0
		err = ScanFile(pp, func(s *arrow.Schema, rec arrow.RecordBatch) error {
			calls++
			if v, _ := s.Metadata().GetValue(MetaKeyTable); v != TableJobs {
				t.Errorf("n=%d: dcsim.table = %q", n, v)
			}
			f, _ := s.FieldsByName("wait_s")
			if u, _ := f[0].Metadata.GetValue(FieldKeyUnit); u != "s" {
				t.Errorf("n=%d: wait_s unit %q", n, u)
			}
			if rec == nil || rec.NumRows() == 0 {
				return nil
			}
			// The Arrow file's batches and the Parquet reader's are both BatchRows rows (row
			// groups are a multiple of it), so they line up.
			if calls-1 >= len(want) {
				t.Fatalf("n=%d: more batches than the Arrow file has", n)
			}
			w := want[calls-1]
			for c := 0; c < int(rec.NumCols()); c++ {
				if !array.Equal(rec.Column(c), w.Column(c)) {
					t.Errorf("n=%d: column %s differs in batch %d", n, s.Field(c).Name, calls-1)
				}
			}
			rows += rec.NumRows()
			return nil
		})
		for _, r := range want {
			r.Release()
		}
		tbl.Release()
		if err != nil || rows != int64(n) || calls == 0 {
			t.Errorf("n=%d: %v, %d rows, %d calls", n, err, rows, calls)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.parquet")
	os.WriteFile(bad, []byte("PAR1 this is not parquet PAR1"), 0o644)
	if err := ScanFile(bad, func(*arrow.Schema, arrow.RecordBatch) error { return nil }); err == nil {
		t.Error("corrupt Parquet: no error")
	}
}

// Column sets are pooled across writers: a writer aborted half-way, one closed after an error,
// and writers running at once never leak rows into another writer's file.
func TestPooledColumnSets(t *testing.T) {
	dir := t.TempDir()
	w, err := NewJobsWriter(filepath.Join(dir, "aborted.arrow"), testMeta)
	if err != nil {
		t.Fatal(err)
	}
	junk := sampleJobs(BatchRows+100, 9) // one batch written, 100 rows pending
	for i := range junk {
		w.Write(&junk[i])
	}
	w.Abort()
	w.Abort()
	if err := w.Write(&junk[0]); err == nil {
		t.Error("write after abort accepted")
	}
	done := make(chan error)
	for g := range 4 {
		go func() {
			for k := range 5 {
				p := filepath.Join(dir, fmt.Sprintf("j-%d-%d.arrow", g, k))
				rows := sampleJobs(7+g*1000+k*13, uint64(g*10+k))
				writeJobs(t, p, rows, testMeta)
				got, _, err := ReadJobs(p)
				if err != nil {
					done <- err
					return
				}
				if len(got) != len(rows) {
					done <- fmt.Errorf("%s: %d rows, want %d", p, len(got), len(rows))
					return
				}
				for i := range rows {
					if got[i] != rows[i] {
						done <- fmt.Errorf("%s row %d differs", p, i)
						return
					}
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
