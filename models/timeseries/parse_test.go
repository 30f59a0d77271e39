package timeseries

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dcsim/dcsim/sim"
)

func parse(t testing.TB, text string, opt Options) *Series {
	t.Helper()
	s, err := Parse(strings.NewReader(text), "test.csv", opt)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func steps(s *Series) ([]sim.Time, []float64) {
	var ts []sim.Time
	var vs []float64
	for i := range s.Len() {
		t, v := s.Step(i)
		ts, vs = append(ts, t), append(vs, v)
	}
	return ts, vs
}

func TestParseFormats(t *testing.T) {
	h := sim.Hour
	tests := []struct {
		name   string
		text   string
		opt    Options
		times  []sim.Time
		values []float64
		rel    bool
		start  time.Time
	}{
		{"rfc3339 with header", "timestamp,value\n2023-01-01T00:00:00Z,412.5\n2023-01-01T01:00:00Z,398\n2023-01-01T01:30:00Z,0\n",
			Options{}, []sim.Time{0, h, 90 * sim.Minute}, []float64{412.5, 398, 0}, false, time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"rfc3339 offsets and fractions", "2023-01-01T01:00:00+01:00,1\n2023-01-01T00:00:00.25Z,2\n2023-01-01T00:00:00.2500019Z,3\n",
			Options{}, []sim.Time{0, 250_000, 250_001}, []float64{1, 2, 3}, false, time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"space layouts", "time,price\n2023-06-01 00:00,0.1\n2023-06-01 00:15:30,0.2\n2023-06-01 01:00,0.3\n",
			Options{}, []sim.Time{0, 15*sim.Minute + 30*sim.Second, h}, []float64{0.1, 0.2, 0.3}, false, time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"start option", "2023-01-01T00:00:00Z,5\n2023-01-01T01:00:00Z,6\n",
			Options{Start: time.Date(2022, 12, 31, 23, 0, 0, 0, time.UTC)}, []sim.Time{h, 2 * h}, []float64{5, 6}, false, time.Date(2022, 12, 31, 23, 0, 0, 0, time.UTC)},
		{"start after the first timestamp", "2023-01-01T00:00:00Z,5\n2023-01-01T01:00:00Z,6\n",
			Options{Start: time.Date(2023, 1, 1, 0, 30, 0, 0, time.FixedZone("x", 3600))}, []sim.Time{30 * sim.Minute, 90 * sim.Minute}, []float64{5, 6}, false, time.Date(2022, 12, 31, 23, 30, 0, 0, time.UTC)},
		{"relative seconds", "0,400\n3600,380.5\n3600.5,1e2\n7200.000001,0\n",
			Options{Start: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)}, // ignored
			[]sim.Time{0, h, h + 500_000, 2*h + 1}, []float64{400, 380.5, 100, 0}, true, time.Time{}},
		{"relative not from zero", "seconds,value\n60,1\n120.25,2\n", Options{}, []sim.Time{60 * sim.Second, 120*sim.Second + 250_000}, []float64{1, 2}, true, time.Time{}},
		{"crlf bom quotes blanks", "\ufeff\"timestamp\",\"value\"\r\n\r\n \"2023-01-01T00:00:00Z\" , \" 7 \"\r\n  \r\n2023-01-01T00:10:00Z,8",
			Options{}, []sim.Time{0, 10 * sim.Minute}, []float64{7, 8}, false, time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"negative zero", "0,-0\n", Options{}, []sim.Time{0}, []float64{0}, true, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parse(t, tt.text, tt.opt)
			ts, vs := steps(s)
			if !reflect.DeepEqual(ts, tt.times) || !reflect.DeepEqual(vs, tt.values) {
				t.Errorf("got %v %v, want %v %v", ts, vs, tt.times, tt.values)
			}
			if s.Relative() != tt.rel || !s.Start().Equal(tt.start) {
				t.Errorf("relative %v start %v, want %v %v", s.Relative(), s.Start(), tt.rel, tt.start)
			}
			for _, v := range vs {
				if v == 0 && 1/v < 0 {
					t.Errorf("negative zero kept")
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		text string
		opt  Options
		want string
	}{
		{"", Options{}, "test.csv: no data rows"},
		{"timestamp,value\n\n", Options{}, "test.csv: no data rows"},
		{"timestamp,value,unit\n0,1\n", Options{}, "test.csv:1: header has 3 fields, want 2 (timestamp,value)"},
		{"0,1\n1,2,3\n", Options{}, "test.csv:2: 3 fields, want 2 (timestamp,value)"},
		{"0\n", Options{}, "test.csv:1: 1 fields, want 2 (timestamp,value)"},
		{"0,1\ntimestamp,value\n", Options{}, `test.csv:2: field "timestamp": cannot parse "timestamp": want RFC 3339 (2023-01-01T00:00:00Z), YYYY-MM-DD HH:MM[:SS] (UTC) or seconds from the start`},
		{",1\n", Options{}, `test.csv:1: field "timestamp": missing`},
		{"0,\n", Options{}, `test.csv:1: field "value": missing`},
		{"0,abc\n", Options{}, `test.csv:1: field "value": "abc" is not a number`},
		{"0,NaN\n", Options{}, `test.csv:1: field "value": "NaN" is not finite`},
		{"0,inf\n", Options{}, `test.csv:1: field "value": "inf" is not finite`},
		{"0,1e400\n", Options{}, `test.csv:1: field "value": "1e400" is not finite`},
		{"0,-3.5\n", Options{}, `test.csv:1: field "value": -3.5 is negative; values must be ≥ 0`},
		{"t,v\n0,1\n-5,1\n", Options{}, `test.csv:3: field "timestamp": seconds must be ≥ 0, got -5`},
		{"1e3,1\n", Options{}, `test.csv:1: field "timestamp": cannot parse "1e3": want RFC 3339 (2023-01-01T00:00:00Z), YYYY-MM-DD HH:MM[:SS] (UTC) or seconds from the start`},
		{".,1\n", Options{}, `test.csv:1: field "timestamp": cannot parse ".": want RFC 3339 (2023-01-01T00:00:00Z), YYYY-MM-DD HH:MM[:SS] (UTC) or seconds from the start`},
		{"0.0000001,1\n", Options{}, `test.csv:1: field "timestamp": seconds 0.0000001 have more than 6 decimal places (the resolution is 1 µs)`},
		{"99999999999999,1\n", Options{}, `test.csv:1: field "timestamp": seconds 99999999999999 out of range`},
		{"0,1\n3600,2\n3600,3\n", Options{}, `test.csv:3: field "timestamp": 3600 is not after the previous timestamp 3600 (line 2)`},
		{"0,1\n1.5,2\n1.25,3\n", Options{}, `test.csv:3: field "timestamp": 1.25 is not after the previous timestamp 1.5 (line 2)`},
		{"2023-01-01T02:00:00Z,1\n\n2023-01-01T01:00:00Z,2\n", Options{},
			`test.csv:3: field "timestamp": 2023-01-01T01:00:00Z is not after the previous timestamp 2023-01-01T02:00:00Z (line 1)`},
		{"2023-01-01T00:00:00Z,1\n2023-01-01T01:00:00+01:00,2\n", Options{},
			`test.csv:2: field "timestamp": 2023-01-01T00:00:00Z is not after the previous timestamp 2023-01-01T00:00:00Z (line 1)`},
		{"2023-01-01T00:00:00Z,1\n3600,2\n", Options{},
			`test.csv:2: field "timestamp": relative seconds after absolute timestamp on line 1: all timestamps must be absolute or all relative seconds`},
		{"0,1\n2023-01-01 00:00,2\n", Options{},
			`test.csv:2: field "timestamp": absolute timestamp after relative seconds on line 1: all timestamps must be absolute or all relative seconds`},
		{"2023-02-30T00:00:00Z,1\n", Options{}, `test.csv:1: field "timestamp": invalid RFC 3339 time "2023-02-30T00:00:00Z" (want e.g. 2023-01-01T00:00:00Z)`},
		{"2023-01-01T00:00:00,1\n", Options{}, `test.csv:1: field "timestamp": invalid RFC 3339 time "2023-01-01T00:00:00" (want e.g. 2023-01-01T00:00:00Z)`},
		{"2023-01-01 25:00,1\n", Options{}, `test.csv:1: field "timestamp": invalid time "2023-01-01 25:00" (want YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS, UTC)`},
		{"2023-01-01 00:00Z,1\n", Options{}, `test.csv:1: field "timestamp": invalid time "2023-01-01 00:00Z" (want YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS, UTC)`},
		{"2023-01-01/00:00,1\n", Options{}, `test.csv:1: field "timestamp": invalid time "2023-01-01/00:00" (want RFC 3339, YYYY-MM-DD HH:MM[:SS] or seconds)`},
		{"2023-01-01,1\n", Options{}, `test.csv:1: field "timestamp": cannot parse "2023-01-01": want RFC 3339 (2023-01-01T00:00:00Z), YYYY-MM-DD HH:MM[:SS] (UTC) or seconds from the start`},
		{"0,1\n3600,2\n7201,3\n", Options{MaxGap: time.Hour},
			`test.csv:3: field "timestamp": gap of 1h0m1s since the previous timestamp (line 2) exceeds the maximum of 1h0m0s`},
		{"0,1\n" + strings.Repeat("9", MaxLineBytes+1) + ",1\n", Options{}, "test.csv:2: line longer than 65536 bytes"},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.text), "test.csv", tt.opt)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%.60q):\n got  %v\n want %s", tt.text, err, tt.want)
		}
	}
	// An hourly series passes MaxGap: time.Hour.
	parse(t, "2023-01-01T00:00:00Z,1\n2023-01-01T01:00:00Z,2\n2023-01-01T01:30:00Z,2\n", Options{MaxGap: time.Hour})
}

func gz(t testing.TB, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParseGzip(t *testing.T) {
	text := "timestamp,value\n2023-01-01T00:00:00Z,412.5\n2023-01-01T01:00:00Z,398\n"
	plain := parse(t, text, Options{})
	zipped, err := Parse(bytes.NewReader(gz(t, text)), "carbon.csv.gz", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain, zipped) {
		t.Errorf("gzip and plain differ: %+v vs %+v", plain, zipped)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "carbon.csv.gz")
	if err := os.WriteFile(path, gz(t, text+"2023-01-01T00:30:00Z,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{})
	want := path + `:4: field "timestamp": 2023-01-01T00:30:00Z is not after the previous timestamp 2023-01-01T01:00:00Z (line 3)`
	if err == nil || err.Error() != want {
		t.Errorf("Open: %v, want %s", err, want)
	}
	if _, err := Open(filepath.Join(dir, "missing.csv"), Options{}); err == nil || !os.IsNotExist(err) {
		t.Errorf("Open(missing): %v", err)
	}

	// A truncated gzip stream is a read error on the line being read.
	z := gz(t, text)
	_, err = Parse(bytes.NewReader(z[:len(z)-6]), "cut.gz", Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "cut.gz:") || !strings.Contains(err.Error(), "read: unexpected EOF") {
		t.Errorf("truncated gzip: %v", err)
	}
	// Bad gzip header.
	_, err = Parse(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0}), "bad.gz", Options{})
	if err == nil || err.Error() != "bad.gz: gzip: unexpected EOF" {
		t.Errorf("bad gzip header: %v", err)
	}
}
