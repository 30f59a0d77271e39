package azure

import (
	"fmt"
	"io"
	"strings"

	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

// MaxLineBytes is the longest line (without its line ending) a Reader accepts.
const MaxLineBytes = 1 << 20

// Stats counts what a reader has read so far. Every line is a header line, a blank line
// or a record: Lines = Header + Blank + Records once the input is read without error.
type Stats struct {
	Lines   int64 // lines read, of any kind
	Header  int64 // header lines (0 or 1)
	Blank   int64 // blank lines (empty or only whitespace), skipped
	Records int64 // records returned by Next
}

// lineReader is the shared line source: bounded lines, gzip detection, sticky errors.
type lineReader struct {
	name  string
	sc    *textio.Scanner
	stats Stats
	err   error // sticky error (io.EOF at the end)
}

func newLineReader(r io.Reader, name string) (*lineReader, error) {
	src, err := textio.NewReader(r)
	if src == nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &lineReader{name: name, sc: textio.NewScanner(src, MaxLineBytes, false)}, nil
}

func (r *lineReader) errorf(line int64, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", r.name, line, fmt.Sprintf(format, args...))
}

// fail records a sticky error and returns it.
func (r *lineReader) fail(err error) error {
	r.err = err
	return err
}

// nextLine returns the next line without its line ending ("\n" or "\r\n"), or sets r.err
// and returns false. A line is abandoned as soon as it exceeds MaxLineBytes.
func (r *lineReader) nextLine() (string, bool) {
	if r.err != nil {
		return "", false
	}
	b, err := r.sc.Next()
	if err != nil {
		r.err = r.sc.Error(r.name, err)
		return "", false
	}
	r.stats.Lines++
	return string(b), true
}

// nextNonBlank returns the next line that is not blank, counting blank lines.
func (r *lineReader) nextNonBlank() (string, bool) {
	for {
		line, ok := r.nextLine()
		if !ok {
			return "", false
		}
		if strings.TrimSpace(line) == "" {
			r.stats.Blank++
			continue
		}
		return line, true
	}
}

// splitFields splits s at commas into dst (which must have room for want fields), trims
// spaces and tabs around each field, and returns the number of fields found.
func splitFields(s string, dst []string) int { return textio.SplitTrim(s, ',', dst) }
