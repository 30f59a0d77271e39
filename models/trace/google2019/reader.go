package google2019

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

// EndOfTrace (2^63−1) is the trace's timestamp for "after the end of the trace".
const EndOfTrace int64 = math.MaxInt64

// TraceStartUS is the first timestamp of the trace window (600 s); events at time 0
// happened before the window opened.
const TraceStartUS int64 = 600_000_000

// MaxLineBytes bounds the length of one line; a longer line is an error.
const MaxLineBytes = 256 << 10

// internMax bounds each reader's string intern table (users, names, switches, platforms).
const internMax = 1 << 14

// ParseError reports a malformed line. Field names the JSON key concerned ("time",
// "resource_request.cpus"), "" when the error concerns the whole line. It wraps
// trace.ErrBadInput.
type ParseError struct {
	File  string
	Line  int
	Field string
	Msg   string // what is wrong, quoting the offending text
}

func (e *ParseError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: field %q: %s", e.File, e.Line, e.Field, e.Msg)
}

// Unwrap returns trace.ErrBadInput, so that errors.Is(err, trace.ErrBadInput) holds.
func (e *ParseError) Unwrap() error { return trace.ErrBadInput }

// ReadStats counts what a reader has read. Lines = Blank + Records + Malformed.
type ReadStats struct {
	Lines     int64 // lines read, blank ones included
	Blank     int64 // empty or white-space lines, skipped
	Records   int64 // records returned
	Malformed int64 // lines that gave a *ParseError (skipped under OnMalformed)
	// ByType counts the records returned by event type (EventType; for machine_events,
	// MachineEventType).
	ByType [NumEventTypes]int64
}

// lineReader is the plumbing shared by the three readers: gzip sniffing, bounded lines,
// line numbers, the time order check, sticky errors and the reusable JSON buffers.
type lineReader struct {
	name    string
	src     io.ReadCloser // closes the gzip stream and the file, if any
	sc      *textio.Scanner
	line    int
	prevT   int64
	prevL   int
	err     error
	stats   ReadStats
	onBad   func(*ParseError)
	intern  *textio.Interner
	members []member // top-level members of the current line
	nested  []member // members of a nested object
	elems   []jvalue // elements of an array
	buf     []byte   // decoded keys and strings
	closed  bool
}

func openPath(path string) (*lineReader, error) {
	src, err := textio.Open(path)
	if err != nil {
		return nil, err
	}
	return newLineReaderFrom(src, path), nil
}

func newLineReader(r io.Reader, name string) (*lineReader, error) {
	src, err := textio.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return newLineReaderFrom(src, name), nil
}

// records is what the record readers share: their line reader, and OnMalformed, Stats and
// Close.
type records struct{ lr *lineReader }

// OnMalformed makes Next skip malformed lines: it calls fn with each one's error and goes
// on with the next line instead of failing. An over-long line and read errors still end
// reading. fn nil restores the default.
func (r records) OnMalformed(fn func(*ParseError)) { r.lr.onBad = fn }

// Stats returns what has been read so far.
func (r records) Stats() ReadStats { return r.lr.stats }

// Close releases the decompressor and, for a reader that opened its file, the file.
func (r records) Close() error { return r.lr.close() }

// openRecords opens a file (gzip'd, recognised by its magic bytes, or plain) for a record
// reader made by wrap. Errors name the path.
func openRecords[R any](path string, wrap func(records) *R) (*R, error) {
	lr, err := openPath(path)
	if err != nil {
		return nil, err
	}
	return wrap(records{lr}), nil
}

// newRecords reads records from r (gzip'd or plain) with a reader made by wrap; name is used
// in error messages.
func newRecords[R any](r io.Reader, name string, wrap func(records) *R) (*R, error) {
	lr, err := newLineReader(r, name)
	if err != nil {
		return nil, err
	}
	return wrap(records{lr}), nil
}

func newLineReaderFrom(src io.ReadCloser, name string) *lineReader {
	return &lineReader{src: src, sc: textio.NewScanner(src, MaxLineBytes, false), name: name,
		prevT: -1, intern: textio.NewInterner(internMax)}
}

// next returns the members of the next non-blank line, io.EOF at the end, a *ParseError
// for a line that is not one JSON object or is too long, or a read error.
func (lr *lineReader) next() ([]member, error) {
	for lr.err == nil {
		b, err := lr.sc.Next()
		switch {
		case err == textio.ErrLineTooLong:
			lr.line++
			lr.stats.Lines++
			lr.stats.Malformed++
			lr.err = lr.errorf("", "line longer than %d bytes", MaxLineBytes)
			return nil, lr.err
		case err == io.EOF:
			lr.err = io.EOF
			return nil, io.EOF
		case err != nil:
			lr.err = fmt.Errorf("%s:%d: read error: %w", lr.name, lr.line+1, err)
			return nil, lr.err
		}
		lr.line++
		lr.stats.Lines++
		if isBlank(b) {
			lr.stats.Blank++
			continue
		}
		var serr *syntaxError
		lr.members, serr = parseObject(b, lr.members[:0])
		if serr == nil {
			return lr.members, nil
		}
		pe := lr.errorf("", "invalid JSON at column %d: %s", serr.pos+1, serr.msg)
		if err := lr.bad(pe); err != nil {
			return nil, err
		}
	}
	return nil, lr.err
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// bad accounts for a malformed line: with an OnMalformed callback it reports pe and
// returns nil (reading goes on); otherwise pe becomes the sticky error.
func (lr *lineReader) bad(pe *ParseError) error {
	lr.stats.Malformed++
	if lr.onBad != nil {
		lr.onBad(pe)
		return nil
	}
	lr.err = pe
	return pe
}

// ok accounts for a record of type t returned from the current line at time tUS; it
// fails if the time goes backwards.
func (lr *lineReader) ok(tUS int64, t int) *ParseError {
	if tUS < lr.prevT {
		return lr.errorf("time", "time %d is before time %d of line %d (the file must be sorted by time)", tUS, lr.prevT, lr.prevL)
	}
	lr.prevT, lr.prevL = tUS, lr.line
	lr.stats.Records++
	lr.stats.ByType[t]++
	return nil
}

func (lr *lineReader) errorf(field, format string, args ...any) *ParseError {
	return &ParseError{File: lr.name, Line: lr.line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (lr *lineReader) close() error {
	if lr.closed {
		return nil
	}
	lr.closed = true
	if lr.err == nil {
		lr.err = errors.New(lr.name + ": reader closed")
	}
	return lr.src.Close()
}

// fields converts the values of one line; the first error is kept in err and the
// conversions that follow it do nothing.
type fields struct {
	lr  *lineReader
	err *ParseError
}

func (f *fields) fail(field, format string, args ...any) {
	if f.err == nil {
		f.err = f.lr.errorf(field, format, args...)
	}
}

// key returns a member's key, decoded.
func (f *fields) key(m *member) []byte {
	if !m.key.esc {
		return m.key.raw
	}
	f.lr.buf = text(m.key, f.lr.buf)
	return f.lr.buf
}

// quote renders a value for an error message: a string's content or the value's text.
func quote(v jvalue) string { return textio.Quote(v.raw) }

// digitsOf returns the text of an integer given as a JSON number or string, or nil.
func digitsOf(v jvalue) []byte {
	if v.kind == kindNumber || v.kind == kindString && !v.esc {
		return v.raw
	}
	return nil
}

// integer parses an integer in [lo, hi] given as a number or as a string of digits ("123",
// the BigQuery form of INT64); has is false for null.
func (f *fields) integer(name string, v jvalue, lo, hi int64) (n int64, has bool) {
	if f.err != nil || v.kind == kindNull {
		return 0, false
	}
	n, ok := textio.ParseInt(digitsOf(v))
	if !ok {
		f.fail(name, "invalid integer %s", quote(v))
		return 0, false
	}
	if n < lo || n > hi {
		f.fail(name, "value %d out of range [%d, %d]", n, lo, hi)
		return 0, false
	}
	return n, true
}

// number parses a finite, non-negative number given as a number or a string.
func (f *fields) number(name string, v jvalue) (x float64, has bool) {
	if f.err != nil || v.kind == kindNull {
		return 0, false
	}
	x, ok := textio.ParseFloat(digitsOf(v))
	if !ok {
		f.fail(name, "invalid number %s", quote(v))
		return 0, false
	}
	if x < 0 {
		f.fail(name, "negative value %s", quote(v))
		return 0, false
	}
	return x, true
}

// enum parses an enum given by name (names[value]) or by number, as a JSON number or a
// string of digits.
func (f *fields) enum(name string, v jvalue, what string, names []string) (e int, has bool) {
	if f.err != nil || v.kind == kindNull {
		return 0, false
	}
	if v.kind == kindString && !v.esc {
		for i, n := range names {
			if n == string(v.raw) {
				return i, true
			}
		}
	}
	n, ok := textio.ParseInt(digitsOf(v))
	if !ok {
		f.fail(name, "unknown %s %s", what, quote(v))
		return 0, false
	}
	if n < 0 || n >= int64(len(names)) {
		f.fail(name, "%s %d out of range [0, %d]", what, n, len(names)-1)
		return 0, false
	}
	return int(n), true
}

// optEnum is enum with −1 for null.
func (f *fields) optEnum(name string, v jvalue, what string, names []string) int8 {
	e, has := f.enum(name, v, what, names)
	if !has {
		return -1
	}
	return int8(e)
}

// str returns a string value, interned; "" for null.
func (f *fields) str(name string, v jvalue) string {
	if f.err != nil || v.kind == kindNull {
		return ""
	}
	if v.kind != kindString {
		f.fail(name, "expected a string, got %s", quote(v))
		return ""
	}
	f.lr.buf = text(v, f.lr.buf)
	return f.lr.intern.String(f.lr.buf)
}

// resources parses a {"cpus": x, "memory": y} object; other keys are ignored. An error
// names the nested field ("resource_request.cpus").
func (f *fields) resources(name string, v jvalue) (r Resources) {
	if f.err != nil || v.kind == kindNull {
		return r
	}
	if v.kind != kindObject {
		f.fail(name, "expected an object, got %s", quote(v))
		return r
	}
	f.lr.nested = members(v, f.lr.nested[:0])
	for i := range f.lr.nested {
		m := &f.lr.nested[i]
		key := f.key(m)
		switch string(key) {
		case "cpus":
			r.CPUs, r.HasCPUs = f.number(name, m.val)
		case "memory":
			r.Memory, r.HasMemory = f.number(name, m.val)
		}
		if f.err != nil {
			f.err.Field += "." + string(key)
			return r
		}
	}
	return r
}

// ints parses an array of integers in [lo, hi]; nil for null or an empty array. An error
// names the element ("start_after_collection_ids[2]").
func (f *fields) ints(name string, v jvalue, lo, hi int64) []int64 {
	if f.err != nil || v.kind == kindNull {
		return nil
	}
	if v.kind != kindArray {
		f.fail(name, "expected an array, got %s", quote(v))
		return nil
	}
	f.lr.elems = elements(v, f.lr.elems[:0])
	if len(f.lr.elems) == 0 {
		return nil
	}
	out := make([]int64, 0, len(f.lr.elems))
	for i, e := range f.lr.elems {
		n, has := f.integer(name, e, lo, hi)
		if f.err != nil {
			f.err.Field += "[" + strconv.Itoa(i) + "]"
			return nil
		}
		if has {
			out = append(out, n)
		}
	}
	return out
}

// missing fails for an absent mandatory field.
func (f *fields) missing(name string) { f.fail(name, "missing mandatory value") }
