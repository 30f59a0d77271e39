// Package bitbrains reads the GWA-T-12 Bitbrains traces of the Grid Workloads Archive
// (Shen, van Beek, Iosup, "Statistical characterization of business-critical workloads
// hosted in cloud datacenters", CCGrid 2015; http://gwa.ewi.tudelft.nl/datasets/gwa-t-12-bitbrains):
// one file per VM (fastStorage/N.csv, rnd/2013-M/N.csv) with a sample every 5 minutes.
//
// # Format
//
// The first non-blank line is the header; every other non-blank line is a sample of 11
// fields separated by ';'. The real files pad each separator with a tab (";\t"); spaces and
// tabs around every field are trimmed, so any such padding is accepted. The header must
// name the 11 columns, in order (compared after trimming, ignoring case and runs of spaces):
//
//	Timestamp [ms]; CPU cores; CPU capacity provisioned [MHZ]; CPU usage [MHZ]; CPU usage [%];
//	Memory capacity provisioned [KB]; Memory usage [KB]; Disk read throughput [KB/s];
//	Disk write throughput [KB/s]; Network received throughput [KB/s];
//	Network transmitted throughput [KB/s]
//
// Despite its "[ms]" label the timestamp is Unix time in seconds (1372629804 is
// 2013-07-01T00:03:24Z); it is read as a non-negative integer into Sample.TimeS, and it
// must not decrease from one sample to the next ("NAME:LINE: timestamp goes backwards (T <
// previous P)"). CPU cores is a non-negative integer. The other nine fields are finite,
// non-negative decimal numbers ([+]digits[.digits][e[+-]digits]; "NaN", "Inf", hexadecimal
// and negative values are rejected).
//
// # Lines and errors
//
// Input that starts with the gzip magic bytes (0x1f 0x8b) is decompressed transparently.
// Lines end in "\n" or "\r\n"; a final line without a newline is read as usual; line numbers
// are 1-based and count every line. A line longer than MaxLineBytes is an error; a blank line
// is skipped and counted in Stats.Blank. Errors name the file and line, and the field when
// one is bad: "NAME:LINE: field K (name): invalid number "x"", "NAME:LINE: expected 11
// fields, got N", "NAME:LINE: read error: ...". Errors are sticky: after Next returns an
// error other than io.EOF it returns the same error forever. No sample is dropped silently,
// and the reader never panics, whatever the input. A Reader is not safe for concurrent use.
package bitbrains

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

// MaxLineBytes is the longest line (without its line ending) the Reader accepts.
const MaxLineBytes = 1 << 20

// NumFields is the number of fields in a Bitbrains line.
const NumFields = 11

// fieldNames are the column names as written in the files' header.
var fieldNames = [NumFields]string{
	"Timestamp [ms]", "CPU cores", "CPU capacity provisioned [MHZ]", "CPU usage [MHZ]",
	"CPU usage [%]", "Memory capacity provisioned [KB]", "Memory usage [KB]",
	"Disk read throughput [KB/s]", "Disk write throughput [KB/s]",
	"Network received throughput [KB/s]", "Network transmitted throughput [KB/s]",
}

// Sample is one 5-minute sample of one VM.
type Sample struct {
	TimeS          int64   // Unix time in seconds (the header's "[ms]" label is wrong)
	CPUCores       int     // virtual cores
	CPUCapacityMHz float64 // CPU capacity provisioned
	CPUUsageMHz    float64 // CPU used
	CPUUsagePct    float64 // CPU used, percent of capacity
	MemCapacityKB  float64 // memory provisioned
	MemUsageKB     float64 // memory used
	DiskReadKBps   float64 // disk read throughput, KB/s
	DiskWriteKBps  float64 // disk write throughput, KB/s
	NetRxKBps      float64 // network received throughput, KB/s
	NetTxKBps      float64 // network transmitted throughput, KB/s
	Line           int     // 1-based line number
}

// Stats counts what the Reader has read so far. Once the input is read without error,
// Lines = Header + Blank + Samples.
type Stats struct {
	Lines   int64 // lines read, of any kind
	Header  int64 // header lines (0 or 1)
	Blank   int64 // blank lines, skipped
	Samples int64 // samples returned by Next
}

// Reader streams the samples of one VM file.
type Reader struct {
	name    string
	sc      *textio.Scanner
	stats   Stats
	err     error // sticky (io.EOF at the end)
	prev    int64
	hasPrev bool
}

// NewReader returns a Reader for r (plain or gzip). name is used in error messages.
// It reads the header; an error in it is returned by the first Next.
func NewReader(r io.Reader, name string) (*Reader, error) {
	src, err := textio.NewReader(r)
	if src == nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rd := &Reader{name: name, sc: textio.NewScanner(src, MaxLineBytes, false)}
	rd.readHeader()
	return rd, nil
}

// Open opens a Bitbrains VM file (plain or gzip). The caller must Close the io.Closer.
func Open(path string) (*Reader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	r, err := NewReader(f, path)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return r, f, nil
}

// Stats returns the counts so far.
func (r *Reader) Stats() Stats { return r.stats }

func (r *Reader) errorf(line int64, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", r.name, line, fmt.Sprintf(format, args...))
}

// nextLine returns the next non-blank line without its line ending, or sets r.err.
func (r *Reader) nextLine() (string, bool) {
	for {
		if r.err != nil {
			return "", false
		}
		b, err := r.sc.Next()
		if err != nil {
			r.err = r.sc.Error(r.name, err)
			return "", false
		}
		r.stats.Lines++
		s := strings.TrimSpace(string(b))
		if s == "" {
			r.stats.Blank++
			continue
		}
		return s, true
	}
}

// split splits s at ';' into f, trimming spaces and tabs, and returns the field count.
func split(s string, f *[NumFields]string) int { return textio.SplitTrim(s, ';', f[:]) }

func normHeader(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func (r *Reader) readHeader() {
	line, ok := r.nextLine()
	if !ok {
		if r.err == io.EOF {
			r.err = fmt.Errorf("%s: missing header", r.name)
		}
		return
	}
	var f [NumFields]string
	if n := split(line, &f); n != NumFields {
		r.err = r.errorf(r.stats.Lines, "header: expected %d fields, got %d", NumFields, n)
		return
	}
	for k := range f {
		if normHeader(f[k]) != normHeader(fieldNames[k]) {
			r.err = r.errorf(r.stats.Lines, "header field %d: expected %q, got %q", k+1, fieldNames[k], f[k])
			return
		}
	}
	r.stats.Header++
}

// Next returns the next sample, or io.EOF at the end of the input.
func (r *Reader) Next() (Sample, error) {
	line, ok := r.nextLine()
	if !ok {
		return Sample{}, r.err
	}
	s, err := r.parse(line, r.stats.Lines)
	if err != nil {
		r.err = err
		return Sample{}, err
	}
	r.stats.Samples++
	return s, nil
}

func (r *Reader) parse(line string, ln int64) (Sample, error) {
	var f [NumFields]string
	if n := split(line, &f); n != NumFields {
		return Sample{}, r.errorf(ln, "expected %d fields, got %d", NumFields, n)
	}
	ferr := func(k int, err error) error {
		return r.errorf(ln, "field %d (%s): %v", k+1, fieldNames[k], err)
	}
	s := Sample{Line: int(ln)}
	var err error
	if s.TimeS, err = textio.ParseUint(f[0], 64); err != nil {
		return Sample{}, ferr(0, err)
	}
	cores, err := textio.ParseUint(f[1], 32)
	if err != nil {
		return Sample{}, ferr(1, err)
	}
	s.CPUCores = int(cores)
	dst := [...]*float64{&s.CPUCapacityMHz, &s.CPUUsageMHz, &s.CPUUsagePct, &s.MemCapacityKB,
		&s.MemUsageKB, &s.DiskReadKBps, &s.DiskWriteKBps, &s.NetRxKBps, &s.NetTxKBps}
	for i, p := range dst {
		if *p, err = textio.ParseNonNeg(f[2+i]); err != nil {
			return Sample{}, ferr(2+i, err)
		}
	}
	if r.hasPrev && s.TimeS < r.prev {
		return Sample{}, r.errorf(ln, "timestamp goes backwards (%d < previous %d)", s.TimeS, r.prev)
	}
	r.prev, r.hasPrev = s.TimeS, true
	return s, nil
}

// ReadDir visits the VM files in dir: the regular files whose names end in ".csv" or
// ".csv.gz" (other entries and subfolders are ignored). vmID is the file name without that
// suffix. Files are visited in a deterministic order: names that are decimal integers (as in
// the archive: 1.csv, 2.csv, ..., 500.csv) in numeric order first, then the others in byte
// order. ReadDir opens each file, calls fn with a fresh Reader and closes the file; it
// stops at the first error, from opening a file or from fn, and returns it. fn need not
// read the whole file.
func ReadDir(dir string, fn func(vmID string, r *Reader) error) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	type vmFile struct {
		id, name string
		num      uint64
		isNum    bool
	}
	var files []vmFile
	for _, e := range entries {
		name := e.Name()
		id, ok := strings.CutSuffix(name, ".csv.gz")
		if !ok {
			id, ok = strings.CutSuffix(name, ".csv")
		}
		if !ok || id == "" || !e.Type().IsRegular() {
			continue
		}
		v := vmFile{id: id, name: name}
		if n, err := textio.ParseUint(id, 64); err == nil {
			v.num, v.isNum = uint64(n), true
		}
		files = append(files, v)
	}
	sort.Slice(files, func(i, j int) bool {
		a, b := files[i], files[j]
		if a.isNum != b.isNum {
			return a.isNum
		}
		if a.isNum && a.num != b.num {
			return a.num < b.num
		}
		if a.id != b.id {
			return a.id < b.id
		}
		return a.name < b.name
	})
	for _, v := range files {
		if err := visit(filepath.Join(dir, v.name), v.id, fn); err != nil {
			return err
		}
	}
	return nil
}

func visit(path, id string, fn func(string, *Reader) error) error {
	r, c, err := Open(path)
	if err != nil {
		return err
	}
	err = fn(id, r)
	return errors.Join(err, c.Close())
}
