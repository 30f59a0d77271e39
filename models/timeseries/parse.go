package timeseries

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
	"time"

	"github.com/dcsim/dcsim/sim"
)

// MaxLineBytes is the longest line Parse accepts.
const MaxLineBytes = 64 << 10

// Options control how a parsed series maps onto simulated time.
type Options struct {
	// Start is the wall-clock instant of simulated time 0 for a series with absolute
	// timestamps. The zero Time means the series' first timestamp. It is ignored for a series
	// of relative seconds, whose offset 0 is simulated time 0.
	Start time.Time
	// MaxGap, when > 0, makes a gap between consecutive timestamps longer than MaxGap an
	// error; time.Hour enforces "hourly or finer". 0 accepts any gap (the value before the gap
	// holds across it).
	MaxGap time.Duration
}

// Open reads the series in the file at path, plain or gzip-compressed (recognised by its magic
// bytes); errors name the path.
func Open(path string, opt Options) (*Series, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, path, opt)
}

// gzipMagic are the first two bytes of a gzip stream (RFC 1952, §2.3.1).
var gzipMagic = []byte{0x1f, 0x8b}

// decompress returns r's content, gunzipped when it starts with the gzip magic bytes.
func decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return nil, err
	}
	if bytes.Equal(magic, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	}
	return br, nil
}

// Parse reads a two-column CSV series, timestamp,value, from r (plain or gzip). name is used in
// errors, which read "name:line: field \"timestamp\": …". See the package documentation for the
// format.
func Parse(r io.Reader, name string, opt Options) (*Series, error) {
	in, err := decompress(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 4096), MaxLineBytes)

	var (
		stamps   []int64 // µs: since the Unix epoch (absolute) or since offset 0 (relative)
		values   []float64
		relative bool
		prevLine int
		line     int
		seenRow  bool // a header or data row was read
	)
	errAt := func(field, format string, args ...any) error {
		if field == "" {
			return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
		}
		return fmt.Errorf("%s:%d: field %q: %s", name, line, field, fmt.Sprintf(format, args...))
	}
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff")) // UTF-8 byte order mark
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		f0, f1, n := split2(b)
		if !seenRow {
			seenRow = true
			if c := firstByte(f0); (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') {
				if n != 2 {
					return nil, errAt("", "header has %d fields, want 2 (timestamp,value)", n)
				}
				continue
			}
		}
		if n != 2 {
			return nil, errAt("", "%d fields, want 2 (timestamp,value)", n)
		}
		ts, rel, err := parseTimestamp(unquote(f0))
		if err != nil {
			return nil, errAt("timestamp", "%v", err)
		}
		if len(stamps) > 0 {
			prev := stamps[len(stamps)-1]
			if rel != relative {
				return nil, errAt("timestamp", "%s after %s on line %d: all timestamps must be absolute or all relative seconds", kind(rel), kind(relative), prevLine)
			}
			if ts <= prev {
				return nil, errAt("timestamp", "%s is not after the previous timestamp %s (line %d)", fmtStamp(ts, rel), fmtStamp(prev, rel), prevLine)
			}
			if gap := ts - prev; opt.MaxGap > 0 && gap > opt.MaxGap.Microseconds() {
				return nil, errAt("timestamp", "gap of %s since the previous timestamp (line %d) exceeds the maximum of %v", fmtGap(gap), prevLine, opt.MaxGap)
			}
		}
		v, err := parseValue(unquote(f1))
		if err != nil {
			return nil, errAt("value", "%v", err)
		}
		stamps, values, relative, prevLine = append(stamps, ts), append(values, v), rel, line
	}
	if err := sc.Err(); err != nil {
		line++
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, errAt("", "line longer than %d bytes", MaxLineBytes)
		}
		return nil, errAt("", "read: %v", err)
	}
	if len(stamps) == 0 {
		return nil, fmt.Errorf("%s: no data rows", name)
	}

	s := &Series{values: values, relative: relative, times: make([]sim.Time, len(stamps))}
	var origin int64
	if !relative {
		origin = stamps[0]
		if !opt.Start.IsZero() {
			origin = opt.Start.UnixMicro()
		}
		s.start = time.UnixMicro(origin).UTC()
	}
	for i, ts := range stamps {
		// Both are within years 0000–9999 (±2.6·10¹⁷ µs), so the difference cannot overflow.
		s.times[i] = sim.Time(ts - origin)
	}
	return s, nil
}

// fmtGap formats a gap of us µs as a time.Duration when it fits, else in seconds.
func fmtGap(us int64) string {
	if us <= math.MaxInt64/1000 {
		return (time.Duration(us) * time.Microsecond).String()
	}
	return formatSeconds(us) + "s"
}

func kind(rel bool) string {
	if rel {
		return "relative seconds"
	}
	return "absolute timestamp"
}

func fmtStamp(us int64, rel bool) string {
	if rel {
		return formatSeconds(us)
	}
	return time.UnixMicro(us).UTC().Format(time.RFC3339Nano)
}

// formatSeconds writes µs as decimal seconds without trailing zeros.
func formatSeconds(us int64) string {
	s := strconv.FormatInt(us/1e6, 10)
	if f := us % 1e6; f != 0 {
		frac := []byte(fmt.Sprintf("%06d", f))
		s += "." + string(bytes.TrimRight(frac, "0"))
	}
	return s
}

// split2 splits a CSV line at commas into at most the first two fields, trimmed of spaces and
// tabs, and returns the number of fields.
func split2(b []byte) (f0, f1 []byte, n int) {
	n = bytes.Count(b, []byte(",")) + 1
	i := bytes.IndexByte(b, ',')
	if i < 0 {
		return bytes.TrimSpace(b), nil, n
	}
	f0 = bytes.TrimSpace(b[:i])
	rest := b[i+1:]
	if j := bytes.IndexByte(rest, ','); j >= 0 {
		rest = rest[:j]
	}
	return f0, bytes.TrimSpace(rest), n
}

// unquote removes one pair of surrounding double quotes and the spaces inside them.
func unquote(b []byte) []byte {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		return bytes.TrimSpace(b[1 : len(b)-1])
	}
	return b
}

func firstByte(b []byte) byte {
	b = unquote(b)
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

const (
	layoutMinutes = "2006-01-02 15:04"
	layoutSeconds = "2006-01-02 15:04:05"
)

// parseTimestamp parses an absolute timestamp to µs since the Unix epoch (rel false), or
// relative seconds to µs (rel true). Absolute: RFC 3339 when the 11th byte is 'T', else
// "YYYY-MM-DD HH:MM[:SS[.fraction]]" in UTC; digits finer than a microsecond are truncated.
// Relative: a non-negative decimal number of seconds with at most 6 decimal places.
func parseTimestamp(b []byte) (us int64, rel bool, err error) {
	if len(b) == 0 {
		return 0, false, errors.New("missing")
	}
	s := string(b)
	if len(s) >= 11 && s[4] == '-' {
		var t time.Time
		switch s[10] {
		case 'T':
			t, err = time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return 0, false, fmt.Errorf("invalid RFC 3339 time %q (want e.g. 2023-01-01T00:00:00Z)", s)
			}
		case ' ':
			t, err = time.Parse(layoutSeconds, s)
			if err != nil {
				t, err = time.Parse(layoutMinutes, s)
			}
			if err != nil {
				return 0, false, fmt.Errorf("invalid time %q (want YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS, UTC)", s)
			}
		default:
			return 0, false, fmt.Errorf("invalid time %q (want RFC 3339, YYYY-MM-DD HH:MM[:SS] or seconds)", s)
		}
		return t.UnixMicro(), false, nil
	}
	us, err = parseSeconds(s)
	if err != nil {
		return 0, true, err
	}
	return us, true, nil
}

// maxWholeSeconds keeps whole·10⁶ + 999 999 within int64.
const maxWholeSeconds = math.MaxInt64/1_000_000 - 1

// parseSeconds parses a decimal number of seconds exactly into microseconds.
func parseSeconds(s string) (int64, error) {
	bad := func() (int64, error) {
		return 0, fmt.Errorf("cannot parse %q: want RFC 3339 (2023-01-01T00:00:00Z), YYYY-MM-DD HH:MM[:SS] (UTC) or seconds from the start", s)
	}
	if s[0] == '-' {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return 0, fmt.Errorf("seconds must be ≥ 0, got %s", s)
		}
		return bad()
	}
	intPart, frac := s, ""
	if i := indexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
	}
	if intPart == "" && frac == "" {
		return bad()
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return bad()
			}
		}
	}
	if len(frac) > 6 {
		return 0, fmt.Errorf("seconds %s have more than 6 decimal places (the resolution is 1 µs)", s)
	}
	var whole int64
	if intPart != "" {
		var err error
		whole, err = strconv.ParseInt(intPart, 10, 64)
		if err != nil || whole > maxWholeSeconds {
			return 0, fmt.Errorf("seconds %s out of range", s)
		}
	}
	var f int64
	for i := 0; i < 6; i++ {
		f *= 10
		if i < len(frac) {
			f += int64(frac[i] - '0')
		}
	}
	return whole*1e6 + f, nil
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// parseValue parses a finite, non-negative number.
func parseValue(b []byte) (float64, error) {
	if len(b) == 0 {
		return 0, errors.New("missing")
	}
	s := string(b)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not finite", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("%s is negative; values must be ≥ 0", s)
	}
	return v + 0, nil // −0 → +0
}
