package google2011

import (
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

// ParseError reports a malformed line: file, line, 1-based field (0 for the whole line) and
// the field's name.
type ParseError = textio.ParseError

// lineReader is the shared streaming CSV line splitter, with the field parsers of this format
// and the check that times never decrease.
type lineReader struct {
	*textio.CSV
	prevT int64
	prevL int
}

var csvOptions = textio.CSVOptions{MaxLineBytes: MaxLineBytes, InternMax: internMax}

func openPath(path string, names []string) (*lineReader, error) {
	c, err := textio.OpenCSV(path, names, csvOptions)
	if err != nil {
		return nil, err
	}
	return &lineReader{CSV: c, prevT: -1}, nil
}

func newLineReader(r io.Reader, name string, names []string) (*lineReader, error) {
	c, err := textio.NewCSV(r, name, names, csvOptions)
	if err != nil {
		return nil, err
	}
	return &lineReader{CSV: c, prevT: -1}, nil
}

// intField parses mandatory (opt=false) or optional integer field i (1-based).
// has reports whether the field was present.
func (lr *lineReader) intField(i int, opt bool) (v int64, has bool, err error) {
	b := lr.Fields[i-1]
	if len(b) == 0 {
		if opt {
			return 0, false, nil
		}
		return 0, false, lr.Fail(i, "missing mandatory value")
	}
	v, ok := textio.ParseInt(b)
	if !ok {
		return 0, false, lr.Fail(i, "invalid integer "+textio.Quote(b))
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
		return 0, false, lr.Fail(i, fmt.Sprintf("value %d out of range [%d, %d]", v, lo, hi))
	}
	return int(v), true, nil
}

// floatField parses an optional normalised resource figure (finite, ≥ 0).
func (lr *lineReader) floatField(i int) (float64, bool, error) {
	b := lr.Fields[i-1]
	if len(b) == 0 {
		return 0, false, nil
	}
	v, ok := textio.ParseFloat(b)
	if !ok {
		return 0, false, lr.Fail(i, "invalid number "+textio.Quote(b))
	}
	if v < 0 {
		return 0, false, lr.Fail(i, "negative value "+textio.Quote(b))
	}
	return v, true, nil
}

// boolField parses an optional 0/1 field.
func (lr *lineReader) boolField(i int) (bool, error) {
	switch b := lr.Fields[i-1]; string(b) {
	case "", "0":
		return false, nil
	case "1":
		return true, nil
	default:
		return false, lr.Fail(i, "invalid boolean "+textio.Quote(b)+" (want 0 or 1)")
	}
}

// timeField parses field 1 and checks that times never decrease.
func (lr *lineReader) timeField() (int64, error) {
	t, _, err := lr.intField(1, false)
	if err != nil {
		return 0, err
	}
	if t < 0 {
		return 0, lr.Fail(1, fmt.Sprintf("negative time %d", t))
	}
	if t < lr.prevT {
		return 0, lr.Fail(1, fmt.Sprintf("time %d is before time %d of line %d (the trace must be sorted by time)", t, lr.prevT, lr.prevL))
	}
	lr.prevT, lr.prevL = t, lr.Line
	return t, nil
}

// str returns field i as a string, interned while the table is small.
func (lr *lineReader) str(i int) string { return lr.Intern.String(lr.Fields[i-1]) }
