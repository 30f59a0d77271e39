// Package swf reads job traces in the Standard Workload Format (SWF v2.2) of the
// Parallel Workloads Archive (Feitelson, Tsafrir, Krakov, "Experience with using the
// Parallel Workloads Archive", JPDC 2014; https://www.cs.huji.ac.il/labs/parallel/workload/).
//
// The Reader streams a file line by line with bounded memory (one line at a time,
// at most MaxLineBytes long). Input that starts with the gzip magic bytes (0x1f 0x8b)
// is decompressed transparently.
//
// # Lines
//
//   - Lines end in "\n" or "\r\n"; a final line without a newline is read as usual.
//     Line numbers in errors and in Job.Line are 1-based and count every line.
//   - A line longer than MaxLineBytes (1 MiB, not counting the line ending) is an error
//     "NAME:LINE: line longer than 1048576 bytes"; a failure of the underlying reader or of
//     gzip decompression (e.g. a truncated .gz) is "NAME:LINE: read error: ...".
//   - A blank line (empty or only whitespace) is skipped.
//   - A comment line is one whose first non-whitespace character is ';'. It is counted in
//     Stats.Comments. Before the first data line, a comment of the form "; Key: value",
//     where Key is one word of letters, digits, '_' or '-' followed directly by ':' and then
//     whitespace or the end of the line, is stored in Header.Fields[Key] with the value
//     trimmed of surrounding whitespace (a repeated key keeps the last value). Other comments
//     (free text, continuation lines such as ";   http://...") and comments after the first
//     data line are counted but change nothing. The keys MaxProcs, MaxNodes and UnixStartTime
//     are also parsed as decimal integers into Header (MaxProcs and MaxNodes must fit in
//     32 bits); any other value is an error naming the file and line.
//   - Every other line is a data line and must have exactly 18 whitespace-separated fields,
//     otherwise the error is "NAME:LINE: expected 18 fields, got N".
//
// # Fields
//
// The 18 fields are, in order: job_number, submit_time, wait_time, run_time,
// allocated_processors, average_cpu_time, used_memory, requested_processors, requested_time,
// requested_memory, status, user_id, group_id, executable_number, queue_number,
// partition_number, preceding_job_number, think_time. Times are in seconds; -1 means
// "unknown".
//
// Every field must be a number: an optional sign, decimal digits with an optional decimal
// point (at least one digit in all), and an optional exponent ("e" or "E", optional sign,
// digits). "NaN", "Inf", hexadecimal and underscores are rejected. Otherwise the error is
// "NAME:LINE: field K (name): invalid number "text"". A value that overflows float64 is an
// error ("out of range"). The fields kept as integers in Job (job_number, the processor
// counts, status, user_id, group_id, queue_number, partition_number) must hold a whole
// number (e.g. "56" or "56.00") of magnitude at most 2^53, otherwise "not a whole number"
// or "out of range" is reported for that field.
//
// The reader interprets submit_time, run_time and the two processor counts, and checks
// them: submit_time must be >= 0, and run_time, allocated_processors and
// requested_processors must be >= 0 or exactly -1; anything else is an error naming the
// field ("negative value"). The other fields are passed through or ignored unchecked.
//
// # Jobs, skips and counts
//
// Each data line is handled in this order:
//
//  1. Its submit_time must not be smaller than the submit_time of the previous data line
//     (skipped lines included), otherwise the error is "NAME:LINE: submit time goes
//     backwards (S < previous P)". Archive files are sorted by submit time.
//  2. Procs (the rigid job size) is allocated_processors if it is > 0, else
//     requested_processors if that is > 0. If neither is > 0 (both are -1 or 0) the job's
//     size is unknown: it is skipped and counted in Stats.SkippedNoSize.
//  3. A job with run_time -1 (unknown) is skipped and counted in Stats.SkippedNoRuntime.
//     A run_time of 0 is kept: it is a zero-length job.
//  4. The job is returned by Next and counted in Stats.Jobs. If Header.MaxProcs > 0 and
//     Procs > MaxProcs, it is also counted in Stats.TooLarge; the simulator decides what
//     to do with it.
//
// No job is dropped silently: every data line is either returned or counted in exactly one
// of the Skipped counters, so Jobs + SkippedNoSize + SkippedNoRuntime is the number of data
// lines read so far. Stats gives these counts.
//
// Errors are sticky: after Next returns an error other than io.EOF it returns the same
// error forever. The reader never panics, whatever the input.
package swf

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

// MaxLineBytes is the longest line (without its line ending) the Reader accepts.
const MaxLineBytes = 1 << 20

// NumFields is the number of fields in an SWF data line.
const NumFields = 18

// fieldNames are the SWF v2.2 field names, used in error messages ("field 4 (run_time)").
var fieldNames = [NumFields]string{
	"job_number", "submit_time", "wait_time", "run_time", "allocated_processors",
	"average_cpu_time", "used_memory", "requested_processors", "requested_time",
	"requested_memory", "status", "user_id", "group_id", "executable_number",
	"queue_number", "partition_number", "preceding_job_number", "think_time",
}

// Field indexes (0-based) of the fields the reader uses.
const (
	fJob       = 0
	fSubmit    = 1
	fWait      = 2
	fRun       = 3
	fAlloc     = 4
	fReqProcs  = 7
	fReqTime   = 8
	fStatus    = 10
	fUser      = 11
	fGroup     = 12
	fQueue     = 14
	fPartition = 15
)

// maxWhole is the largest magnitude accepted for an integer field: 2^53, above which
// float64 no longer represents every integer.
const maxWhole = 1 << 53

// Header holds the header comments that precede the first data line.
type Header struct {
	MaxProcs, MaxNodes int   // from "; MaxProcs:" and "; MaxNodes:"; 0 when absent
	UnixStartTime      int64 // from "; UnixStartTime:"; 0 when absent
	// Fields holds every "; Key: value" header line, value trimmed.
	Fields map[string]string
}

// Job is one SWF data line that describes a runnable job.
type Job struct {
	ID                   int64   // job_number
	SubmitS, WaitS, RunS float64 // submit, wait and run time in seconds, as in the file (-1 unknown for wait)
	AllocProcs, ReqProcs int     // allocated and requested processors as in the file (-1 unknown)
	ReqTimeS             float64 // requested time in seconds (-1 unknown)
	Status               int     // 1 completed, 0 failed, 5 cancelled, -1 unknown
	User, Group          int     // user_id, group_id
	Queue, Partition     int     // queue_number, partition_number
	Procs                int     // rigid size: AllocProcs if > 0, else ReqProcs
	Line                 int     // 1-based line number in the file
}

// Stats counts what the Reader has read so far.
type Stats struct {
	Lines            int64 // lines read, of any kind
	Jobs             int64 // jobs returned by Next
	Comments         int64 // comment lines (';')
	SkippedNoSize    int64 // data lines skipped: processors unknown
	SkippedNoRuntime int64 // data lines skipped: run time -1
	TooLarge         int64 // returned jobs with Procs > Header.MaxProcs (MaxProcs > 0)
	SkippedBad       int64 // malformed data lines skipped (SkipBad mode only)
}

// Reader streams jobs from an SWF file. It is not safe for concurrent use.
type Reader struct {
	name     string
	sc       *textio.Scanner
	hdr      Header
	stats    Stats
	pending  string // first data line, read while parsing the header
	hasPend  bool
	err      error // sticky error (io.EOF at the end)
	prevSub  float64
	hasPrev  bool
	skipBad  bool
	firstBad error // first malformed line met in SkipBad mode
}

// SkipBad makes Next skip a malformed data line (wrong field count, a bad number, a negative
// or backwards time) instead of failing: the line is counted in Stats.SkippedBad and the first
// such error is kept for FirstBad. Read errors (I/O, gzip, an over-long line) still stop the
// reader.
func (r *Reader) SkipBad() { r.skipBad = true }

// FirstBad is the first malformed line skipped in SkipBad mode, nil if none.
func (r *Reader) FirstBad() error { return r.firstBad }

// NewReader returns a Reader for r. name is used in error messages. If r starts with the
// gzip magic bytes it is decompressed. NewReader reads the header lines, so Header is
// complete on return; errors met while doing so are returned by the first Next.
func NewReader(r io.Reader, name string) (*Reader, error) {
	src, err := textio.NewReader(r)
	if src == nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rd := &Reader{name: name, sc: textio.NewScanner(src, MaxLineBytes, false), hdr: Header{Fields: map[string]string{}}}
	rd.readHeader()
	return rd, nil
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var errs []error
	for _, c := range m {
		if err := c.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Open opens the SWF file at path (plain or gzip). The caller must Close the returned
// io.Closer when done.
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

// Header returns the header. It is complete once the first data line has been read, which
// NewReader already does. The Fields map is a copy.
func (r *Reader) Header() Header {
	h := r.hdr
	h.Fields = make(map[string]string, len(r.hdr.Fields))
	for k, v := range r.hdr.Fields {
		h.Fields[k] = v
	}
	return h
}

// Stats returns the counts so far.
func (r *Reader) Stats() Stats { return r.stats }

func (r *Reader) errorf(line int64, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", r.name, line, fmt.Sprintf(format, args...))
}

// nextLine returns the next line without its line ending, or sets r.err and returns false.
// Memory stays bounded: a line is abandoned as soon as it exceeds MaxLineBytes.
func (r *Reader) nextLine() (string, bool) {
	b, err := r.sc.Next()
	if err != nil {
		r.err = r.sc.Error(r.name, err)
		return "", false
	}
	r.stats.Lines++
	return string(b), true
}

// readHeader consumes the leading comment and blank lines and keeps the first data line.
func (r *Reader) readHeader() {
	for {
		line, ok := r.nextLine()
		if !ok {
			return
		}
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if t[0] != ';' {
			r.pending, r.hasPend = line, true
			return
		}
		r.stats.Comments++
		if err := r.headerLine(t[1:]); err != nil {
			r.err = err
			return
		}
	}
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// headerLine parses the text after ';' of a header comment.
func (r *Reader) headerLine(s string) error {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && isKeyByte(s[i]) {
		i++
	}
	if i == 0 || i == len(s) || s[i] != ':' {
		return nil
	}
	if i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\t' {
		return nil // e.g. "http://...", not a key
	}
	key, val := s[:i], strings.TrimSpace(s[i+1:])
	r.hdr.Fields[key] = val
	switch key {
	case "MaxProcs", "MaxNodes", "UnixStartTime":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil || (key != "UnixStartTime" && (n < math.MinInt32 || n > math.MaxInt32)) {
			return r.errorf(r.stats.Lines, "header %s: invalid integer %q", key, val)
		}
		switch key {
		case "MaxProcs":
			r.hdr.MaxProcs = int(n)
		case "MaxNodes":
			r.hdr.MaxNodes = int(n)
		default:
			r.hdr.UnixStartTime = n
		}
	}
	return nil
}

// Next returns the next job, skipping (and counting) jobs of unknown size or run time.
// It returns io.EOF at the end of the input.
func (r *Reader) Next() (Job, error) {
	for {
		if r.err != nil && !r.hasPend {
			return Job{}, r.err
		}
		var line string
		if r.hasPend {
			line, r.hasPend = r.pending, false
			r.pending = ""
		} else {
			var ok bool
			if line, ok = r.nextLine(); !ok {
				return Job{}, r.err
			}
		}
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if t[0] == ';' {
			r.stats.Comments++
			continue
		}
		job, skip, err := r.parseData(t, r.stats.Lines)
		if err != nil && r.skipBad {
			r.stats.SkippedBad++
			if r.firstBad == nil {
				r.firstBad = err
			}
			continue
		}
		if err != nil {
			r.err = err
			r.hasPend = false
			return Job{}, err
		}
		if skip {
			continue
		}
		r.stats.Jobs++
		return job, nil
	}
}

// parseData parses one data line; skip reports a counted skipped job.
func (r *Reader) parseData(s string, lineNo int64) (job Job, skip bool, err error) {
	var f [NumFields]string
	n := 0
	for i := 0; i < len(s); {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			break
		}
		j := i
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		if n < NumFields {
			f[n] = s[i:j]
		}
		n++
		i = j
	}
	if n != NumFields {
		return Job{}, false, r.errorf(lineNo, "expected %d fields, got %d", NumFields, n)
	}
	var v [NumFields]float64
	for k := range f {
		x, err := textio.ParseNumber(f[k])
		if err != nil {
			return Job{}, false, r.errorf(lineNo, "field %d (%s): %v", k+1, fieldNames[k], err)
		}
		v[k] = x
	}
	whole := func(k int) (int64, error) {
		x := v[k]
		if x != math.Trunc(x) {
			return 0, r.errorf(lineNo, "field %d (%s): not a whole number %q", k+1, fieldNames[k], f[k])
		}
		if x > maxWhole || x < -maxWhole {
			return 0, r.errorf(lineNo, "field %d (%s): out of range %q", k+1, fieldNames[k], f[k])
		}
		return int64(x), nil
	}
	var ints [NumFields]int64
	for _, k := range []int{fJob, fAlloc, fReqProcs, fStatus, fUser, fGroup, fQueue, fPartition} {
		if ints[k], err = whole(k); err != nil {
			return Job{}, false, err
		}
	}
	if v[fSubmit] < 0 {
		return Job{}, false, r.errorf(lineNo, "field %d (%s): negative value %q", fSubmit+1, fieldNames[fSubmit], f[fSubmit])
	}
	for _, k := range []int{fRun, fAlloc, fReqProcs} {
		if v[k] < 0 && v[k] != -1 {
			return Job{}, false, r.errorf(lineNo, "field %d (%s): negative value %q (only -1 means unknown)", k+1, fieldNames[k], f[k])
		}
	}
	if r.hasPrev && v[fSubmit] < r.prevSub {
		return Job{}, false, r.errorf(lineNo, "submit time goes backwards (%s < previous %s)",
			strconv.FormatFloat(v[fSubmit], 'f', -1, 64), strconv.FormatFloat(r.prevSub, 'f', -1, 64))
	}
	r.prevSub, r.hasPrev = v[fSubmit], true

	job = Job{
		ID:         ints[fJob],
		SubmitS:    v[fSubmit],
		WaitS:      v[fWait],
		RunS:       v[fRun],
		AllocProcs: int(ints[fAlloc]),
		ReqProcs:   int(ints[fReqProcs]),
		ReqTimeS:   v[fReqTime],
		Status:     int(ints[fStatus]),
		User:       int(ints[fUser]),
		Group:      int(ints[fGroup]),
		Queue:      int(ints[fQueue]),
		Partition:  int(ints[fPartition]),
		Line:       int(lineNo),
	}
	switch {
	case job.AllocProcs > 0:
		job.Procs = job.AllocProcs
	case job.ReqProcs > 0:
		job.Procs = job.ReqProcs
	default:
		r.stats.SkippedNoSize++
		return Job{}, true, nil
	}
	if job.RunS == -1 {
		r.stats.SkippedNoRuntime++
		return Job{}, true, nil
	}
	if r.hdr.MaxProcs > 0 && job.Procs > r.hdr.MaxProcs {
		r.stats.TooLarge++
	}
	return job, false, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}
