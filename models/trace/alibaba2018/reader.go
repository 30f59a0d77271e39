package alibaba2018

import (
	"io"
	"math"

	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

// MaxLineBytes bounds the length of one line (line ending included); longer
// lines are an error.
const MaxLineBytes = 64 << 10

// internMax bounds the table of interned short strings (statuses, task types,
// machine ids).
const internMax = 1 << 14

// ParseError reports a malformed line: file, line, 1-based field (0 for the whole line) and
// the field's name.
type ParseError = textio.ParseError

// ReaderStats counts the lines a reader has consumed.
type ReaderStats = textio.CSVStats

// lineReader is the streaming CSV line splitter shared by the three readers, with the field
// parsers of this format.
type lineReader struct{ *textio.CSV }

var csvOptions = textio.CSVOptions{MaxLineBytes: MaxLineBytes, InternMax: internMax, SkipBlank: true, SkipHeader: true}

func openPath(path string, names []string) (*lineReader, error) {
	c, err := textio.OpenCSV(path, names, csvOptions)
	if err != nil {
		return nil, err
	}
	return &lineReader{c}, nil
}

func newLineReader(r io.Reader, name string, names []string) (*lineReader, error) {
	c, err := textio.NewCSV(r, name, names, csvOptions)
	if err != nil {
		return nil, err
	}
	return &lineReader{c}, nil
}

// str returns mandatory string field i (1-based).
func (lr *lineReader) str(i int, intern bool) (string, error) {
	b := lr.Fields[i-1]
	if len(b) == 0 {
		return "", lr.Fail(i, "missing value")
	}
	if !intern {
		return string(b), nil
	}
	return lr.internStr(b), nil
}

// internStr returns b as a string, shared while the intern table is small.
func (lr *lineReader) internStr(b []byte) string { return lr.Intern.String(b) }

// nonNegInt parses mandatory integer field i, which must be >= 0.
func (lr *lineReader) nonNegInt(i int) (int64, error) {
	b := lr.Fields[i-1]
	if len(b) == 0 {
		return 0, lr.Fail(i, "missing value")
	}
	v, ok := textio.ParseInt(b)
	if !ok {
		return 0, lr.Fail(i, "invalid integer "+textio.Quote(b))
	}
	if v < 0 {
		return 0, lr.Fail(i, "negative value "+textio.Quote(b))
	}
	return v, nil
}

// maxWhole is the largest whole number accepted from float notation (2^53).
const maxWhole = 1 << 53

// wholeField parses a count written as an integer ("371") or as a float with
// no fraction ("371.0", as pandas prints an integer column with gaps). Empty
// gives -1 when opt, else an error. The value must be >= 0.
func (lr *lineReader) wholeField(i int, opt bool) (int64, error) {
	b := lr.Fields[i-1]
	if len(b) == 0 {
		if opt {
			return -1, nil
		}
		return 0, lr.Fail(i, "missing value")
	}
	if v, ok := textio.ParseInt(b); ok {
		if v < 0 {
			return 0, lr.Fail(i, "negative value "+textio.Quote(b))
		}
		return v, nil
	}
	v, ok := textio.ParseFloat(b)
	if !ok {
		return 0, lr.Fail(i, "invalid number "+textio.Quote(b))
	}
	if v < 0 {
		return 0, lr.Fail(i, "negative value "+textio.Quote(b))
	}
	if v != math.Trunc(v) {
		return 0, lr.Fail(i, "not a whole number "+textio.Quote(b))
	}
	if v > maxWhole {
		return 0, lr.Fail(i, "out of range "+textio.Quote(b))
	}
	return int64(v), nil
}

// floatField parses a resource figure. Empty gives -1 when opt, else an error.
// The value must be finite and >= 0, or exactly -1 when minus1 is set.
func (lr *lineReader) floatField(i int, opt, minus1 bool) (float64, error) {
	b := lr.Fields[i-1]
	if len(b) == 0 {
		if opt {
			return -1, nil
		}
		return 0, lr.Fail(i, "missing value")
	}
	v, ok := textio.ParseFloat(b)
	if !ok {
		return 0, lr.Fail(i, "invalid number "+textio.Quote(b))
	}
	if v < 0 && !(minus1 && v == -1) {
		return 0, lr.Fail(i, "negative value "+textio.Quote(b))
	}
	return v, nil
}
