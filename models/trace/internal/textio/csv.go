package textio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseError reports a malformed line of a CSV trace. Field is 1-based and 0 when the error
// concerns the whole line; FieldName is the schema's name of that field.
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

// CSVStats counts the lines a CSV reader has consumed.
type CSVStats struct {
	Lines   int64 // lines read, of any kind
	Rows    int64 // records returned (counted by the format's reader)
	Headers int64 // header lines skipped (0 or 1)
	Blank   int64 // empty lines skipped
}

// CSVOptions configure a CSV reader.
type CSVOptions struct {
	MaxLineBytes int  // longer lines (ending included) are an error
	InternMax    int  // bound of the table of interned short strings
	SkipBlank    bool // skip empty lines instead of reporting them as malformed
	SkipHeader   bool // skip line 1 when it is the field names joined by ',' (a pandas header)
}

// CSV streams the lines of a headerless comma-separated trace (the Google 2011 and Alibaba
// 2018 layouts: no quoting, a fixed number of fields) from a plain or gzip file, splitting
// each into Fields without copying. Errors are sticky and name file, line and field.
type CSV struct {
	Name   string   // file name, for messages
	Names  []string // schema field names, one per expected field
	Line   int      // line number of the current line
	Fields [][]byte // the current line's fields; valid until the next call of Next
	Stats  CSVStats
	Err    error // sticky: io.EOF, a *ParseError or a read error
	Intern *Interner

	opt    CSVOptions
	header string
	src    io.ReadCloser // closes the gzip stream and the file, if any
	sc     *Scanner
	closed bool
}

// OpenCSV opens the trace file at path.
func OpenCSV(path string, names []string, opt CSVOptions) (*CSV, error) {
	src, err := Open(path)
	if err != nil {
		return nil, err
	}
	return newCSV(src, path, names, opt), nil
}

// NewCSV reads a trace from r (gzip is detected); name is used in messages.
func NewCSV(r io.Reader, name string, names []string, opt CSVOptions) (*CSV, error) {
	src, err := NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return newCSV(src, name, names, opt), nil
}

func newCSV(src io.ReadCloser, name string, names []string, opt CSVOptions) *CSV {
	return &CSV{
		Name: name, Names: names, Fields: make([][]byte, 0, len(names)), Intern: NewInterner(opt.InternMax),
		opt: opt, header: strings.Join(names, ","), src: src, sc: NewScanner(src, opt.MaxLineBytes, true),
	}
}

// Next reads the next data line and splits it into Fields. It returns io.EOF at the end of
// input and the same error forever after any error.
func (c *CSV) Next() error {
	for {
		if c.Err != nil {
			return c.Err
		}
		b, err := c.sc.Next()
		if err == ErrLineTooLong {
			c.Line++
			return c.Fail(0, fmt.Sprintf("line longer than %d bytes", c.opt.MaxLineBytes))
		}
		if err != nil {
			c.Err = c.sc.Error(c.Name, err) // io.EOF stays io.EOF
			return c.Err
		}
		c.Line++
		c.Stats.Lines++
		if len(b) == 0 && c.opt.SkipBlank {
			c.Stats.Blank++
			continue
		}
		if c.Line == 1 && c.opt.SkipHeader && string(b) == c.header {
			c.Stats.Headers++
			continue
		}
		if n := bytes.Count(b, []byte{','}) + 1; n != len(c.Names) {
			return c.Fail(0, fmt.Sprintf("expected %d fields, got %d", len(c.Names), n))
		}
		c.Fields = c.Fields[:0]
		for {
			i := bytes.IndexByte(b, ',')
			if i < 0 {
				c.Fields = append(c.Fields, b)
				break
			}
			c.Fields = append(c.Fields, b[:i])
			b = b[i+1:]
		}
		return nil
	}
}

// Fail records a sticky ParseError for field (1-based; 0 for the whole line) of the current
// line and returns it.
func (c *CSV) Fail(field int, msg string) error {
	pe := &ParseError{File: c.Name, Line: c.Line, Field: field, Msg: msg}
	if field > 0 && field <= len(c.Names) {
		pe.FieldName = c.Names[field-1]
	}
	c.Err = pe
	return pe
}

// Close closes the file; later calls of Next fail.
func (c *CSV) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	if c.Err == nil {
		c.Err = errors.New(c.Name + ": reader closed")
	}
	return c.src.Close()
}
