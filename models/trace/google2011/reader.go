package google2011

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

// EndOfTrace (2^63−1) is the trace's timestamp for "after the end of the trace".
const EndOfTrace int64 = math.MaxInt64

// TraceStartUS is the first timestamp of the trace window (600 s); events at
// time 0 happened before the window opened.
const TraceStartUS int64 = 600_000_000

// MaxLineBytes bounds the length of one line; longer lines are an error.
const MaxLineBytes = 64 << 10

// internMax bounds the string intern table (users, platforms).
const internMax = 1 << 14

// ParseError reports a malformed line. Field is 1-based and 0 when the error
// concerns the whole line.
type ParseError struct {
	File      string
	Line      int
	Field     int
	FieldName string
	Msg       string
}

func (e *ParseError) Error() string {
	if e.Field == 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: field %d (%s): %s", e.File, e.Line, e.Field, e.FieldName, e.Msg)
}

// lineReader is the shared streaming CSV line splitter.
type lineReader struct {
	name   string
	names  []string      // field names, 1 per expected field
	src    io.ReadCloser // closes the gzip stream and the file, if any
	sc     *textio.Scanner
	line   int
	fields [][]byte
	prevT  int64
	prevL  int
	err    error
	intern *textio.Interner
	closed bool
}

func openPath(path string, names []string) (*lineReader, error) {
	src, err := textio.Open(path)
	if err != nil {
		return nil, err
	}
	return newLineReaderFrom(src, path, names), nil
}

func newLineReader(r io.Reader, name string, names []string) (*lineReader, error) {
	src, err := textio.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return newLineReaderFrom(src, name, names), nil
}

func newLineReaderFrom(src io.ReadCloser, name string, names []string) *lineReader {
	return &lineReader{
		src: src, sc: textio.NewScanner(src, MaxLineBytes, true),
		name: name, names: names, fields: make([][]byte, 0, len(names)), prevT: -1, intern: textio.NewInterner(internMax),
	}
}

// next reads and splits the next line into lr.fields. It returns io.EOF at the
// end of input.
func (lr *lineReader) next() error {
	if lr.err != nil {
		return lr.err
	}
	b, err := lr.sc.Next()
	if err == textio.ErrLineTooLong {
		lr.line++
		return lr.fail(0, fmt.Sprintf("line longer than %d bytes", MaxLineBytes))
	}
	if err == io.EOF {
		lr.err = io.EOF
		return io.EOF
	}
	if err != nil {
		lr.err = fmt.Errorf("%s:%d: %w", lr.name, lr.line+1, err)
		return lr.err
	}
	lr.line++
	if n := bytes.Count(b, []byte{','}) + 1; n != len(lr.names) {
		return lr.fail(0, fmt.Sprintf("expected %d fields, got %d", len(lr.names), n))
	}
	lr.fields = lr.fields[:0]
	for {
		i := bytes.IndexByte(b, ',')
		if i < 0 {
			lr.fields = append(lr.fields, b)
			break
		}
		lr.fields = append(lr.fields, b[:i])
		b = b[i+1:]
	}
	return nil
}

// fail records a sticky ParseError for the current line.
func (lr *lineReader) fail(field int, msg string) error {
	pe := &ParseError{File: lr.name, Line: lr.line, Field: field, Msg: msg}
	if field > 0 && field <= len(lr.names) {
		pe.FieldName = lr.names[field-1]
	}
	lr.err = pe
	return pe
}

// intField parses mandatory (opt=false) or optional integer field i (1-based).
// has reports whether the field was present.
func (lr *lineReader) intField(i int, opt bool) (v int64, has bool, err error) {
	b := lr.fields[i-1]
	if len(b) == 0 {
		if opt {
			return 0, false, nil
		}
		return 0, false, lr.fail(i, "missing mandatory value")
	}
	v, ok := textio.ParseInt(b)
	if !ok {
		return 0, false, lr.fail(i, "invalid integer "+textio.Quote(b))
	}
	return v, true, nil
}

// rangeField parses an integer field that must lie in [lo, hi].
func (lr *lineReader) rangeField(i int, opt bool, lo, hi int64) (int, bool, error) {
	v, has, err := lr.intField(i, opt)
	if err != nil || !has {
		return 0, has, err
	}
	if v < lo || v > hi {
		return 0, false, lr.fail(i, fmt.Sprintf("value %d out of range [%d, %d]", v, lo, hi))
	}
	return int(v), true, nil
}

// floatField parses an optional normalised resource figure (finite, ≥ 0).
func (lr *lineReader) floatField(i int) (float64, bool, error) {
	b := lr.fields[i-1]
	if len(b) == 0 {
		return 0, false, nil
	}
	v, ok := textio.ParseFloat(b)
	if !ok {
		return 0, false, lr.fail(i, "invalid number "+textio.Quote(b))
	}
	if v < 0 {
		return 0, false, lr.fail(i, "negative value "+textio.Quote(b))
	}
	return v, true, nil
}

// boolField parses an optional 0/1 field.
func (lr *lineReader) boolField(i int) (bool, error) {
	switch b := lr.fields[i-1]; string(b) {
	case "", "0":
		return false, nil
	case "1":
		return true, nil
	default:
		return false, lr.fail(i, "invalid boolean "+textio.Quote(b)+" (want 0 or 1)")
	}
}

// timeField parses field 1 and checks that times never decrease.
func (lr *lineReader) timeField() (int64, error) {
	t, _, err := lr.intField(1, false)
	if err != nil {
		return 0, err
	}
	if t < 0 {
		return 0, lr.fail(1, fmt.Sprintf("negative time %d", t))
	}
	if t < lr.prevT {
		return 0, lr.fail(1, fmt.Sprintf("time %d is before time %d of line %d (the trace must be sorted by time)", t, lr.prevT, lr.prevL))
	}
	lr.prevT, lr.prevL = t, lr.line
	return t, nil
}

// str returns field i as a string, interned while the table is small.
func (lr *lineReader) str(i int) string { return lr.intern.String(lr.fields[i-1]) }

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
