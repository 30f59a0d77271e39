package results

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Parquet output. A dcsim Parquet file holds exactly the rows and columns of the Arrow IPC file
// it was converted from (same names, order, types and nullability); see docs/parquet.md.
const (
	// ParquetRowGroupRows is the number of rows per Parquet row group (the last one may be
	// shorter). Readers parallelize over row groups, and the writer holds one compressed row
	// group in memory: 128 Ki rows is close to DuckDB's own 122,880 and costs a few MB.
	ParquetRowGroupRows = 1 << 17
	// ParquetCreatedBy is the Parquet footer's created_by: arrow-go's own fixed "parquet-go
	// version X", no clock or host name, so the files stay byte-identical for the same input,
	// and readers that apply per-writer workarounds recognize the writer. The dcsim version
	// is in the dcsim.version key.
	ParquetCreatedBy = parquet.DefaultCreatedBy
	// MetaKeyUnits and MetaKeyDescriptions are Parquet key/value metadata entries that dcsim
	// adds to every Parquet file: JSON objects mapping each column name, in column order, to its
	// unit and description (the Arrow field metadata), for readers that do not decode the
	// stored Arrow schema, e.g. DuckDB's parquet_kv_metadata().
	MetaKeyUnits        = "dcsim.units"
	MetaKeyDescriptions = "dcsim.descriptions"
)

// parquetCompression is the codec of every column chunk: zstd, which DuckDB, polars, pyarrow
// and Spark all read. parquetLevel is zstd level 1 (klauspost's SpeedFastest): on a 1M-job
// jobs.arrow it gave a file 0.4% larger than level 3 (and hosts.arrow one 1.6% smaller), in
// less time and memory; snappy gave files 8–20% larger.
var (
	parquetCompression = compress.Codecs.Zstd
	parquetLevel       = 1
)

// ParquetPath is the Parquet file name beside an Arrow result file: "jobs.arrow" gives
// "jobs.parquet" (any other name gets ".parquet" appended).
func ParquetPath(arrowPath string) string {
	if s, ok := strings.CutSuffix(arrowPath, ".arrow"); ok {
		return s + ".parquet"
	}
	return arrowPath + ".parquet"
}

// WriteParquet converts the Arrow IPC file arrowPath (any dcsim result file, or any Arrow file
// of flat columns) to a Parquet file at parquetPath, with arrow-go's pqarrow writer.
//
//   - Memory is bounded: record batches are read one at a time and each Parquet row group
//     (ParquetRowGroupRows rows) is buffered compressed, so a jobs.arrow of millions of rows
//     converts in a few MB beyond one batch.
//   - The output is deterministic: the same Arrow file gives the same Parquet bytes (no
//     timestamps; a fixed created_by; single-threaded encoding and compression).
//   - Metadata: the Arrow schema metadata (dcsim.table, dcsim.version, dcsim.scenario,
//     dcsim.seed, dcsim.scenario_yaml, ...) becomes Parquet key/value metadata; the whole Arrow
//     schema, field metadata (unit, description) included, is stored under "ARROW:schema"
//     (pyarrow, polars and arrow-go restore it); and MetaKeyUnits/MetaKeyDescriptions give the
//     field metadata as plain JSON.
//   - The file is written atomically: on any error no file (not even a partial one) is left
//     under parquetPath, and an older file there is left as it was.
//
// The Arrow file is checked as results' readers check it, so a corrupt file gives an error,
// not a crash.
func WriteParquet(arrowPath, parquetPath string) (err error) {
	if arrowPath == parquetPath {
		return fmt.Errorf("results: parquet: %s: input and output are the same file", arrowPath)
	}
	f, err := os.Open(arrowPath)
	if err != nil {
		return fmt.Errorf("results: parquet: %w", err)
	}
	defer f.Close()
	size, err := fileSize(f)
	if err != nil {
		return fmt.Errorf("results: parquet: %s: %w", arrowPath, err)
	}
	out, err := createAtomic(parquetPath)
	if err != nil {
		return fmt.Errorf("results: parquet: %w", err)
	}
	defer func() {
		// arrow-go can panic on corrupt input that the verifier lets through; the output is
		// never committed then.
		if p := recover(); p != nil {
			err = fmt.Errorf("results: parquet: %s: corrupt Arrow file: %v", arrowPath, p)
		}
		if err != nil {
			out.Abort()
		}
	}()
	if err := convertParquet(f, size, out); err != nil {
		return fmt.Errorf("results: parquet: %s: %w", arrowPath, err)
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("results: parquet: %w", err)
	}
	return nil
}

// convertParquet streams the Arrow IPC file r (of size bytes) into w as Parquet, reading it
// through scanBatches (verified, allocations capped, one batch at a time).
func convertParquet(r readAtSeeker, size int64, w interface{ Write([]byte) (int, error) }) error {
	var pw *pqarrow.FileWriter
	var schema *arrow.Schema
	defer func() {
		if pw != nil {
			pw.Close() // releases buffers; the caller aborts the output
		}
	}()
	err := scanBatches(r, size, func(s *arrow.Schema) error {
		schema = s
		var err error
		pw, err = pqarrow.NewFileWriter(schema, w, parquetProps(schema), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			return fmt.Errorf("parquet schema: %w", err)
		}
		units, descs, err := fieldMetadataJSON(schema)
		if err != nil {
			return err
		}
		if err := pw.AppendKeyValueMetadata(MetaKeyUnits, units); err != nil {
			return err
		}
		return pw.AppendKeyValueMetadata(MetaKeyDescriptions, descs)
	}, func(rec arrow.RecordBatch, i int) error {
		return writeParquetBatch(pw, schema, rec, i)
	})
	if err != nil {
		return err
	}
	p := pw
	pw = nil
	if err := p.Close(); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

// parquetProps are the Parquet writer properties for schema. Encodings, chosen by measurement
// on a 1M-job jobs.arrow (docs/parquet.md): float64 columns use BYTE_STREAM_SPLIT (the bytes
// of each value split into streams that zstd compresses well) and int64 columns
// DELTA_BINARY_PACKED, both without a dictionary: these columns are mostly distinct (times, ids),
// where a dictionary is wasted work (hashing was a third of the conversion time) and a larger
// file once the writer falls back. Strings, int32 and booleans keep dictionary/RLE encoding.
// 1M jobs: 57.0 MB and 2.2 s with the defaults, 39.3 MB and 1.1 s with these.
func parquetProps(schema *arrow.Schema) *parquet.WriterProperties {
	opts := []parquet.WriterProperty{
		parquet.WithCompression(parquetCompression),
		parquet.WithCompressionLevel(parquetLevel),
		parquet.WithCreatedBy(ParquetCreatedBy),
		parquet.WithMaxRowGroupLength(ParquetRowGroupRows),
		parquet.WithAllocator(memory.DefaultAllocator),
	}
	for _, f := range schema.Fields() {
		switch f.Type.ID() {
		case arrow.FLOAT64, arrow.FLOAT32:
			opts = append(opts, parquet.WithDictionaryFor(f.Name, false),
				parquet.WithEncodingFor(f.Name, parquet.Encodings.ByteStreamSplit))
		case arrow.INT64:
			opts = append(opts, parquet.WithDictionaryFor(f.Name, false),
				parquet.WithEncodingFor(f.Name, parquet.Encodings.DeltaBinaryPacked))
		}
	}
	return parquet.NewWriterProperties(opts...)
}

func writeParquetBatch(pw *pqarrow.FileWriter, schema *arrow.Schema, rec arrow.RecordBatch, i int) error {
	if !rec.Schema().Equal(schema) {
		return fmt.Errorf("record batch %d: schema differs from the file's", i)
	}
	for j, c := range rec.Columns() {
		if int64(c.Len()) != rec.NumRows() {
			return fmt.Errorf("record batch %d: column %d has %d rows, batch has %d", i, j, c.Len(), rec.NumRows())
		}
	}
	if rec.NumRows() == 0 {
		return nil
	}
	// WriteBuffered fills row groups up to ParquetRowGroupRows across batches.
	if err := pw.WriteBuffered(rec); err != nil {
		return fmt.Errorf("record batch %d: parquet: %w", i, err)
	}
	return nil
}

// fieldMetadataJSON returns the units and descriptions of schema's fields as two JSON objects
// whose keys are in column order (a field without the key maps to "").
func fieldMetadataJSON(schema *arrow.Schema) (units, descs string, err error) {
	var u, d strings.Builder
	u.WriteByte('{')
	d.WriteByte('{')
	for i, f := range schema.Fields() {
		unit, _ := f.Metadata.GetValue(FieldKeyUnit)
		desc, _ := f.Metadata.GetValue(FieldKeyDescription)
		name, err1 := json.Marshal(f.Name)
		uj, err2 := json.Marshal(unit)
		dj, err3 := json.Marshal(desc)
		if err := errors.Join(err1, err2, err3); err != nil {
			return "", "", err
		}
		if i > 0 {
			u.WriteByte(',')
			d.WriteByte(',')
		}
		u.Write(name)
		u.WriteByte(':')
		u.Write(uj)
		d.Write(name)
		d.WriteByte(':')
		d.Write(dj)
	}
	u.WriteByte('}')
	d.WriteByte('}')
	return u.String(), d.String(), nil
}

// ScanParquet reads a Parquet file written by WriteParquet (or any flat Parquet file) batch by
// batch with pqarrow, handing each record batch (at most BatchRows rows) to fn as ScanTable does
// for Arrow files: the Arrow schema stored in the file (with dcsim's metadata and units) is
// restored, fn sees a nil batch once for a file with no rows, and panics of the reader on
// corrupt input are returned as errors. Unlike the Arrow readers it does not bound the memory a
// corrupt file can ask for; it is meant for dcsim's own output.
func ScanParquet(path string, fn func(schema *arrow.Schema, rec arrow.RecordBatch) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("results: %s: corrupt Parquet file: %v", path, p)
		}
	}()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: BatchRows}, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("results: %s: %w", path, err)
	}
	schema, err := fr.Schema()
	if err != nil {
		return fmt.Errorf("results: %s: %w", path, err)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return fmt.Errorf("results: %s: %w", path, err)
	}
	defer rr.Release()
	n := 0
	for rr.Next() {
		n++
		if err := fn(schema, rr.RecordBatch()); err != nil {
			return err
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("results: %s: %w", path, err)
	}
	if n == 0 {
		return fn(schema, nil)
	}
	return nil
}

// ScanFile is ScanTable for an Arrow file and ScanParquet for a file whose name ends in
// ".parquet".
func ScanFile(path string, fn func(schema *arrow.Schema, rec arrow.RecordBatch) error) error {
	if strings.HasSuffix(path, ".parquet") {
		return ScanParquet(path, fn)
	}
	return ScanTable(path, fn)
}
