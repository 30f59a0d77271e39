package alibaba2018

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

// MaxLineBytes bounds the length of one line (line ending included); longer
// lines are an error.
const MaxLineBytes = 64 << 10

// internMax bounds the table of interned short strings (statuses, task types,
// machine ids).
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

// ReaderStats counts the lines a reader has consumed.
type ReaderStats struct {
	Lines   int64 // lines read, of any kind
	Rows    int64 // records returned by Next
	Headers int64 // header lines skipped (0 or 1)
	Blank   int64 // empty lines skipped
}

// lineReader is the streaming CSV line splitter shared by the three readers.
type lineReader struct {
	name   string
	names  []string      // schema field names, one per expected field
	header string        // the names joined by ',', as a pandas-written header line
	src    io.ReadCloser // closes the gzip stream and the file, if any
	sc     *textio.Scanner
	line   int
	fields [][]byte
	stats  ReaderStats
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
		name: name, names: names, header: strings.Join(names, ","),
		fields: make([][]byte, 0, len(names)), intern: textio.NewInterner(internMax),
	}
}

// next reads the next data line and splits it into lr.fields, skipping blank
// lines and a header on line 1. It returns io.EOF at the end of input and the
// same error forever after any error.
func (lr *lineReader) next() error {
	for {
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
			lr.err = fmt.Errorf("%s:%d: read error: %w", lr.name, lr.line+1, err)
			return lr.err
		}
		lr.line++
		lr.stats.Lines++
		if len(b) == 0 {
			lr.stats.Blank++
			continue
		}
		if lr.line == 1 && string(b) == lr.header {
			lr.stats.Headers++
			continue
		}
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

// str returns mandatory string field i (1-based).
func (lr *lineReader) str(i int, intern bool) (string, error) {
	b := lr.fields[i-1]
	if len(b) == 0 {
		return "", lr.fail(i, "missing value")
	}
	if !intern {
		return string(b), nil
	}
	return lr.internStr(b), nil
}

// internStr returns b as a string, shared while the intern table is small.
func (lr *lineReader) internStr(b []byte) string { return lr.intern.String(b) }

// nonNegInt parses mandatory integer field i, which must be >= 0.
func (lr *lineReader) nonNegInt(i int) (int64, error) {
	b := lr.fields[i-1]
	if len(b) == 0 {
		return 0, lr.fail(i, "missing value")
	}
	v, ok := textio.ParseInt(b)
	if !ok {
		return 0, lr.fail(i, "invalid integer "+textio.Quote(b))
	}
	if v < 0 {
		return 0, lr.fail(i, "negative value "+textio.Quote(b))
	}
	return v, nil
}

// maxWhole is the largest whole number accepted from float notation (2^53).
const maxWhole = 1 << 53

// wholeField parses a count written as an integer ("371") or as a float with
// no fraction ("371.0", as pandas prints an integer column with gaps). Empty
// gives -1 when opt, else an error. The value must be >= 0.
func (lr *lineReader) wholeField(i int, opt bool) (int64, error) {
	b := lr.fields[i-1]
	if len(b) == 0 {
		if opt {
			return -1, nil
		}
		return 0, lr.fail(i, "missing value")
	}
	if v, ok := textio.ParseInt(b); ok {
		if v < 0 {
			return 0, lr.fail(i, "negative value "+textio.Quote(b))
		}
		return v, nil
	}
	v, ok := textio.ParseFloat(b)
	if !ok {
		return 0, lr.fail(i, "invalid number "+textio.Quote(b))
	}
	if v < 0 {
		return 0, lr.fail(i, "negative value "+textio.Quote(b))
	}
	if v != math.Trunc(v) {
		return 0, lr.fail(i, "not a whole number "+textio.Quote(b))
	}
	if v > maxWhole {
		return 0, lr.fail(i, "out of range "+textio.Quote(b))
	}
	return int64(v), nil
}

// floatField parses a resource figure. Empty gives -1 when opt, else an error.
// The value must be finite and >= 0, or exactly -1 when minus1 is set.
func (lr *lineReader) floatField(i int, opt, minus1 bool) (float64, error) {
	b := lr.fields[i-1]
	if len(b) == 0 {
		if opt {
			return -1, nil
		}
		return 0, lr.fail(i, "missing value")
	}
	v, ok := textio.ParseFloat(b)
	if !ok {
		return 0, lr.fail(i, "invalid number "+textio.Quote(b))
	}
	if v < 0 && !(minus1 && v == -1) {
		return 0, lr.fail(i, "negative value "+textio.Quote(b))
	}
	return v, nil
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
