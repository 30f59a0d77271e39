package azure

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

// llmHeader is the header of the LLM inference trace files.
const llmHeader = "TIMESTAMP,ContextTokens,GeneratedTokens"

var llmFieldNames = [3]string{"TIMESTAMP", "ContextTokens", "GeneratedTokens"}

// LLMRequest is one request of the Azure LLM inference trace 2023
// (AzureLLMInferenceTrace_code.csv / _conv.csv). The file starts with the header
// "TIMESTAMP,ContextTokens,GeneratedTokens".
//
// TIMESTAMP is the arrival time written "YYYY-MM-DD HH:MM:SS.fffffff", e.g.
// "2023-11-16 18:15:46.6805900": seven fractional digits (100 ns ticks, of which the
// released files always write the last as 0). The reader accepts 0 to 9 fractional digits
// (with no '.' when there are none), parses every part as a decimal integer (no floating
// point), checks the calendar ranges (month 1-12, a day that exists in that month, hour
// 0-23, minute and second 0-59) and keeps the time with nanosecond precision. The dataset
// gives no time zone; it is read as UTC. Timestamps must be non-decreasing, otherwise the
// error is "NAME:LINE: timestamp goes backwards (T < previous P)".
//
// TimeUS is microseconds since the first request of the file (so the first request has
// TimeUS 0), rounded down when the timestamps carry sub-microsecond digits. The token counts
// are non-negative integers.
type LLMRequest struct {
	TimeUS                         int64
	ContextTokens, GeneratedTokens int
	Line                           int // 1-based line number
}

// LLMReader streams LLM requests.
type LLMReader struct {
	lr       *lineReader
	first    time.Time
	prev     time.Time
	prevText string
	started  bool
}

// NewLLMReader returns an LLMReader for r (plain or gzip). name is used in error messages.
// It reads the header; an error in it is returned by the first Next.
func NewLLMReader(r io.Reader, name string) (*LLMReader, error) {
	lr, err := newLineReader(r, name)
	if err != nil {
		return nil, err
	}
	lrd := &LLMReader{lr: lr}
	line, ok := lr.nextNonBlank()
	switch {
	case !ok && lr.err == io.EOF:
		lr.err = fmt.Errorf("%s: missing header %q", name, llmHeader)
	case !ok:
	case strings.ReplaceAll(strings.ReplaceAll(line, " ", ""), "\t", "") != llmHeader:
		lr.fail(lr.errorf(lr.stats.Lines, "expected header %q", llmHeader))
	default:
		lr.stats.Header++
	}
	return lrd, nil
}

// OpenLLM opens an LLM inference trace file (plain or gzip). The caller must Close the
// io.Closer.
func OpenLLM(path string) (*LLMReader, io.Closer, error) { return openFile(path, NewLLMReader) }

// Stats returns the counts so far.
func (r *LLMReader) Stats() Stats { return r.lr.stats }

// Start returns the timestamp of the first request (UTC) and whether one has been read.
func (r *LLMReader) Start() (time.Time, bool) { return r.first, r.started }

// Next returns the next request, or io.EOF at the end of the input.
func (r *LLMReader) Next() (LLMRequest, error) {
	line, ok := r.lr.nextNonBlank()
	if !ok {
		return LLMRequest{}, r.lr.err
	}
	ln := r.lr.stats.Lines
	var f [3]string
	if n := splitFields(line, f[:]); n != 3 {
		return LLMRequest{}, r.lr.fail(r.lr.errorf(ln, "expected 3 fields, got %d", n))
	}
	ferr := func(k int, err error) (LLMRequest, error) {
		return LLMRequest{}, r.lr.fail(r.lr.errorf(ln, "field %d (%s): %v", k+1, llmFieldNames[k], err))
	}
	t, err := parseTimestamp(f[0])
	if err != nil {
		return ferr(0, err)
	}
	req := LLMRequest{Line: int(ln)}
	for i, p := range [2]*int{&req.ContextTokens, &req.GeneratedTokens} {
		n, err := textio.ParseUint(f[1+i], 32)
		if err != nil {
			return ferr(1+i, err)
		}
		*p = int(n)
	}
	if r.started && t.Before(r.prev) {
		return LLMRequest{}, r.lr.fail(r.lr.errorf(ln, "timestamp goes backwards (%s < previous %s)", f[0], r.prevText))
	}
	if !r.started {
		r.first, r.started = t, true
	}
	r.prev, r.prevText = t, f[0]
	// Years 0000-9999 can be further apart than a time.Duration holds (292 years), so the
	// difference is computed from Unix seconds and nanoseconds; it fits in int64 microseconds.
	ds := t.Unix() - r.first.Unix()
	dn := int64(t.Nanosecond()) - int64(r.first.Nanosecond())
	req.TimeUS = ds*1_000_000 + floorDiv(dn, 1000)
	r.lr.stats.Records++
	return req, nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// parseTimestamp parses "YYYY-MM-DD HH:MM:SS[.f{1,9}]" exactly, as UTC.
func parseTimestamp(s string) (time.Time, error) {
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("invalid timestamp %q (want YYYY-MM-DD HH:MM:SS.fffffff)", s)
	}
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return bad()
	}
	num := func(i, j int) (int, bool) {
		n := 0
		for k := i; k < j; k++ {
			if s[k] < '0' || s[k] > '9' {
				return 0, false
			}
			n = n*10 + int(s[k]-'0')
		}
		return n, true
	}
	var v [6]int
	for i, span := range [6][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}} {
		var ok bool
		if v[i], ok = num(span[0], span[1]); !ok {
			return bad()
		}
	}
	ns := 0
	if len(s) > 19 {
		frac := s[20:]
		if s[19] != '.' || len(frac) == 0 || len(frac) > 9 {
			return bad()
		}
		n, ok := num(20, len(s))
		if !ok {
			return bad()
		}
		for k := len(frac); k < 9; k++ {
			n *= 10
		}
		ns = n
	}
	year, month, day, hour, minute, sec := v[0], v[1], v[2], v[3], v[4], v[5]
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, fmt.Errorf("timestamp out of range %q", s)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, ns, time.UTC)
	if t.Day() != day { // e.g. February 30
		return time.Time{}, fmt.Errorf("timestamp out of range %q", s)
	}
	return t, nil
}
