package results

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// readParquetBack reads a Parquet file with arrow-go's pqarrow reader: the whole table, the
// schema with its metadata, the row-group count, the created_by and the key/value metadata. The caller releases the table.
func readParquetBack(t *testing.T, path string) (arrow.Table, *arrow.Schema, int, string, map[string]string) {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	kv := map[string]string{}
	md := pf.MetaData()
	for _, k := range md.KeyValueMetadata().Keys() {
		kv[k] = *md.KeyValueMetadata().FindValue(k)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 14}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tbl, schema, pf.NumRowGroups(), md.GetCreatedBy(), kv
}

// parquetCase writes one Arrow result file into dir and returns its path.
type parquetCase struct {
	name      string
	write     func(t *testing.T, path string)
	rows      int64
	rowGroups int
}

func parquetCases() []parquetCase {
	jobs := sampleJobs(2*BatchRows+1, 11) // three record batches, two row groups
	hosts := sampleHosts(100)
	sum := sampleSummary()
	sum.ForecastMAPE = math.NaN()
	svc := []ServiceRow{
		{Service: "api", StartUS: 0, EndUS: 60e6, Arrivals: 100, Completed: 98, Dropped: 2, ThroughputPerS: 1.6,
			MeanUS: 1500, P50US: 1000, P95US: 5000, P99US: 9000, MaxUS: 12000, ReplicasUp: 3, MinReplicasUp: 2, SLOViolated: true},
		{Service: "ünï", StartUS: 60e6, EndUS: 120e6, P50US: -1, P95US: -1, P99US: -1, MaxUS: -1},
	}
	return []parquetCase{
		{"jobs, three batches", func(t *testing.T, p string) { writeJobs(t, p, jobs, testMeta) }, int64(len(jobs)), 2},
		{"jobs, one row", func(t *testing.T, p string) { writeJobs(t, p, jobs[:1], testMeta) }, 1, 1},
		{"jobs, empty", func(t *testing.T, p string) { writeJobs(t, p, nil, testMeta) }, 0, 0},
		{"hosts", func(t *testing.T, p string) { writeHosts(t, p, hosts, testMeta) }, int64(len(hosts)), 1},
		{"summary with NaN and max uint64", func(t *testing.T, p string) {
			if err := WriteSummary(p, testMeta, &sum); err != nil {
				t.Fatal(err)
			}
		}, 1, 1},
		{"services", func(t *testing.T, p string) {
			if err := WriteServices(p, testMeta, svc); err != nil {
				t.Fatal(err)
			}
		}, int64(len(svc)), 1},
		// Column names with dots (scenario key paths) of every parameter kind.
		{"sweep summary", func(t *testing.T, p string) {
			params := []ParamColumn{{"scheduler.placement", ParamString}, {"cluster.host_groups.0.count", ParamInt},
				{"workload.synthetic.0.arrivals.rate", ParamFloat}, {"failures.enabled", ParamBool}}
			rows := []SweepRow{
				{RunID: "r1", Replicate: 0, Params: []string{"best-fit", "400", "2.5", "true"}, Summary: sum},
				{RunID: "r2", Replicate: 1, Params: []string{"worst-fit", "600", "0.125", "false"}, Summary: sampleSummary()},
			}
			if err := WriteSweepSummary(p, testMeta, params, rows); err != nil {
				t.Fatal(err)
			}
		}, 2, 1},
	}
}

// TestParquetRoundTrip converts Arrow result files to Parquet and reads them back with pqarrow:
// same schema (names, types, nullability, field and schema metadata), same values, the
// expected row groups, and dcsim's plain-JSON unit metadata.
func TestParquetRoundTrip(t *testing.T) {
	for _, c := range parquetCases() {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			ap, pp := filepath.Join(dir, "t.arrow"), filepath.Join(dir, "t.parquet")
			c.write(t, ap)
			if err := WriteParquet(ap, pp); err != nil {
				t.Fatal(err)
			}
			want, err := ReadTable(ap)
			if err != nil {
				t.Fatal(err)
			}
			defer want.Release()
			got, gotSchema, rowGroups, createdBy, kv := readParquetBack(t, pp)
			defer got.Release()

			if got.NumRows() != c.rows || want.NumRows() != c.rows {
				t.Fatalf("rows: parquet %d, arrow %d, want %d", got.NumRows(), want.NumRows(), c.rows)
			}
			if rowGroups != c.rowGroups {
				t.Errorf("%d row groups, want %d", rowGroups, c.rowGroups)
			}
			if createdBy != ParquetCreatedBy {
				t.Errorf("created_by %q", createdBy)
			}
			// Schema: pqarrow restores the stored Arrow schema, field metadata included (it
			// adds its own PARQUET:field_id key).
			if gotSchema.NumFields() != want.Schema().NumFields() {
				t.Fatalf("%d fields, want %d", gotSchema.NumFields(), want.Schema().NumFields())
			}
			for i, f := range want.Schema().Fields() {
				g := gotSchema.Field(i)
				if g.Name != f.Name || !arrow.TypeEqual(g.Type, f.Type) || g.Nullable != f.Nullable {
					t.Errorf("field %d: %v, want %v", i, g, f)
				}
				for _, k := range []string{FieldKeyUnit, FieldKeyDescription} {
					gv, gok := g.Metadata.GetValue(k)
					wv, _ := f.Metadata.GetValue(k)
					if !gok || gv != wv {
						t.Errorf("%s: field metadata %s = %q, want %q", f.Name, k, gv, wv)
					}
				}
			}
			// Schema metadata: every dcsim key is a Parquet key/value too, with the same value.
			wmd := want.Schema().Metadata()
			for i, k := range wmd.Keys() {
				if v, _ := gotSchema.Metadata().GetValue(k); v != wmd.Values()[i] {
					t.Errorf("schema metadata %s = %q, want %q", k, v, wmd.Values()[i])
				}
				if kv[k] != wmd.Values()[i] {
					t.Errorf("parquet key/value %s = %q, want %q", k, kv[k], wmd.Values()[i])
				}
			}
			if _, ok := kv["ARROW:schema"]; !ok {
				t.Error("no ARROW:schema key/value")
			}
			var units, descs map[string]string
			if err := json.Unmarshal([]byte(kv[MetaKeyUnits]), &units); err != nil {
				t.Fatalf("%s: %v", MetaKeyUnits, err)
			}
			if err := json.Unmarshal([]byte(kv[MetaKeyDescriptions]), &descs); err != nil {
				t.Fatalf("%s: %v", MetaKeyDescriptions, err)
			}
			if len(units) != want.Schema().NumFields() || len(descs) != want.Schema().NumFields() {
				t.Errorf("%d units, %d descriptions for %d columns", len(units), len(descs), want.Schema().NumFields())
			}
			for _, f := range want.Schema().Fields() {
				u, _ := f.Metadata.GetValue(FieldKeyUnit)
				d, _ := f.Metadata.GetValue(FieldKeyDescription)
				if units[f.Name] != u || descs[f.Name] != d {
					t.Errorf("%s: JSON unit %q description %q, want %q %q", f.Name, units[f.Name], descs[f.Name], u, d)
				}
			}
			// Values, column by column (NaN equals NaN; nulls must match exactly).
			for i := 0; i < int(want.NumCols()); i++ {
				w, g := want.Column(i).Data(), got.Column(i).Data()
				if !array.ChunkedApproxEqual(w, g, array.WithNaNsEqual(true), array.WithAbsTolerance(0)) {
					t.Errorf("column %s differs", want.Schema().Field(i).Name)
				}
				if w.NullN() != g.NullN() {
					t.Errorf("column %s: %d nulls, want %d", want.Schema().Field(i).Name, g.NullN(), w.NullN())
				}
			}
		})
	}
}

// TestParquetDeterminism: the same Arrow file converts to the same bytes, and so do two
// Arrow files written separately from the same rows.
func TestParquetDeterminism(t *testing.T) {
	dir := t.TempDir()
	rows := sampleJobs(BatchRows+77, 3)
	a1, a2 := filepath.Join(dir, "a1.arrow"), filepath.Join(dir, "a2.arrow")
	writeJobs(t, a1, rows, testMeta)
	writeJobs(t, a2, rows, testMeta)
	var outs [][]byte
	for i, src := range []string{a1, a1, a2} {
		p := filepath.Join(dir, "out"+string(rune('0'+i))+".parquet")
		if err := WriteParquet(src, p); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	for i := 1; i < len(outs); i++ {
		if !bytes.Equal(outs[0], outs[i]) {
			t.Errorf("conversion %d differs from conversion 0 (%d vs %d bytes)", i, len(outs[i]), len(outs[0]))
		}
	}
	// Different data must give different bytes (guards against a writer that drops rows).
	other := filepath.Join(dir, "other.arrow")
	rows[5].CPUMilli++
	writeJobs(t, other, rows, testMeta)
	if err := WriteParquet(other, filepath.Join(dir, "other.parquet")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "other.parquet")); bytes.Equal(b, outs[0]) {
		t.Error("different rows gave identical Parquet bytes")
	}
}

// TestParquetErrors: bad inputs give errors naming the file, never a panic, and leave no file
// (not even a temporary one) under the output name; an older output stays as it was.
func TestParquetErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.arrow")
	writeJobs(t, good, sampleJobs(1000, 1), testMeta)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A corrupt record batch: the footer and schema are intact, the metadata of the first
	// record batch message (after the 8-byte magic and the schema message: a 0xFFFFFFFF
	// continuation, an int32 length and the flatbuffer) is garbage.
	body := bytes.Clone(data)
	next := 8 + 8 + int(binary.LittleEndian.Uint32(data[12:16]))
	for i := next + 8; i < next+200; i++ {
		body[i] = 0xff
	}
	cases := []struct {
		name, in, out, want string
	}{
		{"missing input", filepath.Join(dir, "nope.arrow"), filepath.Join(dir, "o1.parquet"), "nope.arrow"},
		{"empty file", write("empty.arrow", nil), filepath.Join(dir, "o2.parquet"), "empty.arrow"},
		{"not arrow", write("text.arrow", []byte("job_id,status\n1,finished\n")), filepath.Join(dir, "o3.parquet"), "text.arrow"},
		{"truncated", write("trunc.arrow", data[:len(data)/2]), filepath.Join(dir, "o4.parquet"), "trunc.arrow"},
		{"corrupt batch", write("body.arrow", body), filepath.Join(dir, "o5.parquet"), "body.arrow"},
		{"same path", good, good, "same file"},
		{"output folder missing", good, filepath.Join(dir, "no", "such", "o.parquet"), "o.parquet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := WriteParquet(c.in, c.out)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name %q", err, c.want)
			}
			if c.in != c.out {
				if _, err := os.Stat(c.out); !os.IsNotExist(err) {
					t.Errorf("%s exists after a failed conversion", c.out)
				}
			}
		})
	}
	// An older output is left untouched by a failed conversion.
	old := write("keep.parquet", []byte("older file"))
	if err := WriteParquet(filepath.Join(dir, "trunc.arrow"), old); err == nil {
		t.Fatal("no error")
	}
	if b, _ := os.ReadFile(old); string(b) != "older file" {
		t.Errorf("older output changed to %q", b)
	}
	if b, _ := os.ReadFile(good); !bytes.Equal(b, data) {
		t.Error("the input changed")
	}
	// No temporary files are left behind.
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestParquetPath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"out/jobs.arrow", "out/jobs.parquet"},
		{"summary.arrow", "summary.parquet"},
		{"x/table", "x/table.parquet"},
		{"a.arrow.bak", "a.arrow.bak.parquet"},
	} {
		if got := ParquetPath(c.in); got != c.want {
			t.Errorf("ParquetPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzWriteParquet feeds corrupted Arrow files to the converter: it must return an error or
// a Parquet file, never panic or hang, and never leave a partial file.
func FuzzWriteParquet(f *testing.F) {
	dir := f.TempDir()
	seeds := []string{filepath.Join(dir, "jobs.arrow"), filepath.Join(dir, "hosts.arrow"), filepath.Join(dir, "summary.arrow")}
	writeJobs(f, seeds[0], sampleJobs(50, 2), testMeta)
	writeHosts(f, seeds[1], sampleHosts(20), testMeta)
	sum := sampleSummary()
	if err := WriteSummary(seeds[2], testMeta, &sum); err != nil {
		f.Fatal(err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("ARROW1\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := t.TempDir()
		in, out := filepath.Join(d, "in.arrow"), filepath.Join(d, "out.parquet")
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := WriteParquet(in, out); err != nil {
			if _, serr := os.Stat(out); !os.IsNotExist(serr) {
				t.Fatalf("error %v but %s exists", err, out)
			}
			return
		}
		if _, err := os.Stat(out); err != nil {
			t.Fatalf("no error but %v", err)
		}
	})
}

// BenchmarkWriteParquet converts a jobs.arrow to Parquet: the file named by
// DCSIM_PARQUET_BENCH (e.g. a 1M-job run's jobs.arrow), or 256Ki synthetic job rows. It reports
// Arrow MB read per second, rows per second and the Parquet/Arrow size ratio.
//
//	dcsim run default --set horizon=96h --set output.hosts=false -o /tmp/m1 --quiet
//	DCSIM_PARQUET_BENCH=/tmp/m1/jobs.arrow go test -run '^$' -bench WriteParquet ./results/
func BenchmarkWriteParquet(b *testing.B) {
	src := os.Getenv("DCSIM_PARQUET_BENCH")
	if src == "" {
		src = filepath.Join(b.TempDir(), "jobs.arrow")
		writeJobs(b, src, sampleJobs(1<<18, 9), testMeta)
	}
	st, err := os.Stat(src)
	if err != nil {
		b.Fatal(err)
	}
	tbl, err := ReadTable(src)
	if err != nil {
		b.Fatal(err)
	}
	rows := tbl.NumRows()
	tbl.Release()
	dst := filepath.Join(b.TempDir(), "jobs.parquet")
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WriteParquet(src, dst); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	pst, err := os.Stat(dst)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(pst.Size())/float64(st.Size()), "parquet/arrow")
}
