package azure

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
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
	br    *bufio.Reader
	buf   []byte
	stats Stats
	err   error // sticky error (io.EOF at the end)
}

func newLineReader(r io.Reader, name string) (*lineReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		br = bufio.NewReaderSize(gz, 64<<10)
	}
	return &lineReader{name: name, br: br}, nil
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
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		r.buf = append(r.buf, chunk...)
		if len(r.buf) > MaxLineBytes+2 {
			r.err = r.errorf(r.stats.Lines+1, "line longer than %d bytes", MaxLineBytes)
			return "", false
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if len(r.buf) == 0 {
				r.err = io.EOF
				return "", false
			}
			break
		}
		if err != nil {
			r.err = r.errorf(r.stats.Lines+1, "read error: %v", err)
			return "", false
		}
		break
	}
	b := r.buf
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	if len(b) > MaxLineBytes {
		r.err = r.errorf(r.stats.Lines+1, "line longer than %d bytes", MaxLineBytes)
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
func splitFields(s string, dst []string) int {
	n := 0
	for {
		i := strings.IndexByte(s, ',')
		f := s
		if i >= 0 {
			f = s[:i]
		}
		if n < len(dst) {
			dst[n] = strings.Trim(f, " \t")
		}
		n++
		if i < 0 {
			return n
		}
		s = s[i+1:]
	}
}

// parseFloat parses a finite, non-negative decimal number:
// [+]? (digits [. digits*] | . digits) ([eE][+-]?digits)?. "NaN", "Inf", hexadecimal,
// underscores and negative values are rejected.
func parseFloat(s string) (float64, error) {
	if !validNumber(s) {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, fmt.Errorf("number out of range %q", s)
	}
	if x < 0 {
		return 0, fmt.Errorf("negative value %q", s)
	}
	return x, nil
}

// parseUint parses a non-negative decimal integer (digits only) that fits in bits bits
// (signed).
func parseUint(s string, bits int) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("invalid integer %q", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			if s[i] == '-' && i == 0 && len(s) > 1 {
				return 0, fmt.Errorf("negative value %q", s)
			}
			return 0, fmt.Errorf("invalid integer %q", s)
		}
	}
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("integer out of range %q", s)
	}
	return n, nil
}

func validNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}
