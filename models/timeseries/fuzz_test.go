package timeseries

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

// FuzzParse: Parse never panics; an error names the input; a parsed series has strictly
// increasing times and finite values ≥ 0, At and Integrate agree with the steps, and a Cursor
// agrees with the Series. Seeds: f.Add below and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"timestamp,value\n2023-01-01T00:00:00Z,412.5\n2023-01-01T01:00:00Z,398\n",
		"0,400\n3600,380.5\n3600.5,1e2\n",
		"time,price\n2023-06-01 00:00,0.1\n2023-06-01 00:15:30,0.2\n",
		"\ufeff\"timestamp\",\"value\"\r\n\"2023-01-01T00:00:00+01:00\", 7\r\n",
		"0,1\n1,2,3\n",
		"2023-01-01T02:00:00Z,1\n2023-01-01T01:00:00Z,2\n",
		"0,NaN\n",
		"0,-1\n",
		"0.0000001,1\n",
		"2023-02-30T00:00:00Z,1\n",
		"",
	} {
		f.Add([]byte(s), false)
	}
	f.Add(gz(f, "0,1\n10,2\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, hourly bool) {
		opt := Options{}
		if hourly {
			opt.MaxGap = time.Hour
		}
		s, err := Parse(bytes.NewReader(data), "fuzz.csv", opt)
		if err != nil {
			if s != nil || !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error %q (series %v)", err, s)
			}
			return
		}
		if s.Len() == 0 {
			t.Fatal("empty series without error")
		}
		c := s.Cursor()
		for i := range s.Len() {
			ti, v := s.Step(i)
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("step %d value %v", i, v)
			}
			if i > 0 {
				if tp, _ := s.Step(i - 1); tp >= ti {
					t.Fatalf("steps %d, %d not increasing: %d, %d", i-1, i, tp, ti)
				}
			}
			if s.At(ti) != v || c.At(ti) != v {
				t.Fatalf("At(%d) = %v / %v, want %v", ti, s.At(ti), c.At(ti), v)
			}
			if got := s.Integrate(ti, ti+1); got != v {
				t.Fatalf("Integrate(%d, %d) = %v, want %v", ti, ti+1, got, v)
			}
		}
		t0, _ := s.Step(0)
		tn, _ := s.Step(s.Len() - 1)
		if a, b := s.Integrate(t0-5, tn+5), c.Integrate(t0-5, tn+5); a != b || a < 0 || math.IsNaN(a) {
			t.Fatalf("Integrate over the series = %v, cursor %v", a, b)
		}
	})
}
