package alibaba2018

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
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
	names  []string // schema field names, one per expected field
	header string   // the names joined by ',', as a pandas-written header line
	br     *bufio.Reader
	gz     *gzip.Reader
	file   *os.File
	line   int
	fields [][]byte
	stats  ReaderStats
	err    error
	intern map[string]string
	closed bool
}

var gzipMagic = []byte{0x1f, 0x8b}

func openPath(path string, names []string) (*lineReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	lr, err := newLineReader(f, path, names)
	if err != nil {
		f.Close()
		return nil, err
	}
	lr.file = f
	return lr, nil
}

func newLineReader(r io.Reader, name string, names []string) (*lineReader, error) {
	lr := &lineReader{
		name: name, names: names, header: strings.Join(names, ","),
		fields: make([][]byte, 0, len(names)), intern: map[string]string{},
	}
	raw := bufio.NewReaderSize(r, MaxLineBytes)
	magic, err := raw.Peek(2)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if bytes.Equal(magic, gzipMagic) {
		gz, err := gzip.NewReader(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		lr.gz = gz
		lr.br = bufio.NewReaderSize(gz, MaxLineBytes)
	} else {
		lr.br = raw
	}
	return lr, nil
}

// next reads the next data line and splits it into lr.fields, skipping blank
// lines and a header on line 1. It returns io.EOF at the end of input and the
// same error forever after any error.
func (lr *lineReader) next() error {
	for {
		if lr.err != nil {
			return lr.err
		}
		b, err := lr.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			lr.line++
			return lr.fail(0, fmt.Sprintf("line longer than %d bytes", MaxLineBytes))
		}
		if err != nil && err != io.EOF {
			lr.err = fmt.Errorf("%s:%d: read error: %w", lr.name, lr.line+1, err)
			return lr.err
		}
		if len(b) == 0 && err == io.EOF {
			lr.err = io.EOF
			return io.EOF
		}
		lr.line++
		lr.stats.Lines++
		b = bytes.TrimSuffix(b, []byte{'\n'})
		b = bytes.TrimSuffix(b, []byte{'\r'})
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

func quote(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "..."
	}
	return strconv.Quote(string(b))
}

// parseInt parses a decimal integer with an optional sign, without allocating.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (math.MaxUint64-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// parseFloat parses plain decimal/exponent notation ("NaN", "Inf", hex and
// '_' are rejected) into a finite float64.
func parseFloat(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	digits := false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+':
		default:
			return 0, false
		}
	}
	if !digits {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
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
func (lr *lineReader) internStr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := lr.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(lr.intern) < internMax {
		lr.intern[s] = s
	}
	return s
}

// nonNegInt parses mandatory integer field i, which must be >= 0.
func (lr *lineReader) nonNegInt(i int) (int64, error) {
	b := lr.fields[i-1]
	if len(b) == 0 {
		return 0, lr.fail(i, "missing value")
	}
	v, ok := parseInt(b)
	if !ok {
		return 0, lr.fail(i, "invalid integer "+quote(b))
	}
	if v < 0 {
		return 0, lr.fail(i, "negative value "+quote(b))
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
	if v, ok := parseInt(b); ok {
		if v < 0 {
			return 0, lr.fail(i, "negative value "+quote(b))
		}
		return v, nil
	}
	v, ok := parseFloat(b)
	if !ok {
		return 0, lr.fail(i, "invalid number "+quote(b))
	}
	if v < 0 {
		return 0, lr.fail(i, "negative value "+quote(b))
	}
	if v != math.Trunc(v) {
		return 0, lr.fail(i, "not a whole number "+quote(b))
	}
	if v > maxWhole {
		return 0, lr.fail(i, "out of range "+quote(b))
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
	v, ok := parseFloat(b)
	if !ok {
		return 0, lr.fail(i, "invalid number "+quote(b))
	}
	if v < 0 && !(minus1 && v == -1) {
		return 0, lr.fail(i, "negative value "+quote(b))
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
	var err error
	if lr.gz != nil {
		err = lr.gz.Close()
	}
	if lr.file != nil {
		if e := lr.file.Close(); err == nil {
			err = e
		}
	}
	return err
}
