package units

import (
	"math"
	"strings"
	"testing"
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Duration
		err  string // substring of the error; "" = success
	}{
		{"30s", 30 * Second, ""},
		{"30", 30 * Second, ""},
		{"0", 0, ""},
		{"1.5h", 5400000000, ""},
		{"1h30m", 90 * Minute, ""},
		{"1h 30m", 90 * Minute, ""},
		{"90 min", 90 * Minute, ""},
		{"250us", 250, ""},
		{"250µs", 250, ""},
		{"250μs", 250, ""},
		{"10ms", 10 * Millisecond, ""},
		{"0.1s", 100 * Millisecond, ""},
		{"0.0000004s", 0, ""}, // rounds to nearest µs
		{"0.0000005s", 1, ""}, // halves round up
		{"1.0000015", 1000002, ""},
		{"2d", 2 * Day, ""},
		{"1w", Week, ""},
		{"4y", 4 * Year, ""},
		{"1e3s", 1000 * Second, ""},
		{" 5m ", 5 * Minute, ""},
		{"+5m", 5 * Minute, ""},
		{"292471y", 292471 * Year, ""},
		{"", 0, "empty duration"},
		{"   ", 0, "empty duration"},
		{"-5s", 0, `negative duration "-5s"`},
		{"3hrs", 0, `unknown duration unit "hrs" in "3hrs" (use us, ms, s, m, h, d, w, y)`},
		{"1h30", 0, `missing unit after "30"`},
		{"1.5.3h", 0, "invalid duration"},
		{"h", 0, "invalid duration"},
		{"NaN", 0, "invalid duration"},
		{"Inf", 0, "invalid duration"},
		{"292472y", 0, "out of range"},
		{"1e500s", 0, "exponent"},
	} {
		got, err := ParseDuration(tc.in)
		check(t, "ParseDuration", tc.in, got, tc.want, err, tc.err)
	}
}

func TestDurationString(t *testing.T) {
	for _, tc := range []struct {
		d    Duration
		want string
	}{
		{0, "0s"}, {1, "1us"}, {999, "999us"}, {1500, "1.5ms"}, {Second, "1s"},
		{1500 * Millisecond, "1.5s"}, {90 * Minute, "90m"}, {Hour + Second, "1h1s"},
		{Day, "1d"}, {2 * Week, "2w"}, {4 * Year, "4y"}, {Day + 500*Millisecond, "1d0.5s"},
		{Minute + 3*Second + 1, "1m3.000001s"}, {-5 * Second, "-5s"},
	} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("Duration(%d).String() = %q, want %q", int64(tc.d), got, tc.want)
		}
		if tc.d >= 0 {
			if back, err := ParseDuration(tc.d.String()); err != nil || back != tc.d {
				t.Errorf("round trip of %d: %d, %v", int64(tc.d), int64(back), err)
			}
		}
	}
	if _, err := Duration(-1).MarshalText(); err == nil {
		t.Error("MarshalText of a negative duration should fail")
	}
}

func TestParseBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Bytes
		err  string
	}{
		{"4096", 4096, ""},
		{"64 GiB", 64 * GiB, ""},
		{"64GiB", 64 * GiB, ""},
		{"0.5 GiB", 512 * MiB, ""},
		{"1.5 TB", 1500000000000, ""},
		{"1 kB", 1000, ""},
		{"1 KB", 1000, ""},
		{"2 KiB", 2048, ""},
		{"3 PiB", 3 << 50, ""},
		{"10 B", 10, ""},
		{"0.4 B", 0, ""},
		{"7 PiB", 7 << 50, ""},
		{"9000 PiB", 0, "out of range"},
		{"64 Gb", 0, `unknown byte unit "Gb" in "64 Gb" (use B, kB`},
		{"-1 GiB", 0, "negative size"},
		{"GiB", 0, "invalid size"},
		{"", 0, "empty size"},
	} {
		got, err := ParseBytes(tc.in)
		check(t, "ParseBytes", tc.in, got, tc.want, err, tc.err)
	}
	for b, want := range map[Bytes]string{0: "0 B", 1023: "1023 B", 64 * GiB: "64 GiB", 1536 * MiB: "1536 MiB",
		1000: "1 kB", 1500000000000: "1500 GB", 1 << 50: "1 PiB"} {
		if got := b.String(); got != want {
			t.Errorf("Bytes(%d).String() = %q, want %q", int64(b), got, want)
		}
	}
}

func TestParseCPU(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want CPU
		err  string
	}{
		{"64", 64000, ""},
		{"0.25", 250, ""},
		{"500m", 500, ""},
		{"500 m", 500, ""},
		{"1.5", 1500, ""},
		{"0.0005", 0, "not a whole number of millicores"},
		{"0.5m", 0, "not a whole number of millicores"},
		{"4 cores", 0, `unknown CPU unit "cores"`},
		{"-1", 0, "negative CPU amount"},
		{"99999999999999999999", 0, "out of range"},
		{"", 0, "empty CPU amount"},
	} {
		got, err := ParseCPU(tc.in)
		check(t, "ParseCPU", tc.in, got, tc.want, err, tc.err)
	}
	for c, want := range map[CPU]string{0: "0", 64000: "64", 500: "500m", 1500: "1500m"} {
		if got := c.String(); got != want {
			t.Errorf("CPU(%d).String() = %q, want %q", int64(c), got, want)
		}
	}
}

func TestParsePower(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Power
		err  string
	}{
		{"300 W", 300, ""},
		{"300W", 300, ""},
		{"300", 300, ""},
		{"2.5 kW", 2500, ""},
		{"1 MW", 1e6, ""},
		{"0.1 kW", 100, ""},
		{"1e401 W", 0, "exponent"},
		{"1e305 MW", 0, "out of range"},
		{"300 w", 0, `unknown power unit "w" in "300 w" (use W, kW, MW)`},
		{"-3 W", 0, "negative power"},
		{"NaN", 0, "invalid power"},
	} {
		got, err := ParsePower(tc.in)
		check(t, "ParsePower", tc.in, got, tc.want, err, tc.err)
	}
	for p, want := range map[Power]string{0: "0 W", 300: "300 W", 2500: "2.5 kW", 1e6: "1 MW", 0.1: "0.1 W",
		1234567.5: "1.2345675 MW", Power(math.Copysign(0, -1)): "0 W"} {
		if got := p.String(); got != want {
			t.Errorf("Power(%v).String() = %q, want %q", float64(p), got, want)
		}
	}
}

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Rate
		err  string
	}{
		{"10/s", 10, ""},
		{"7.2", 7.2, ""},
		{"600/min", 10, ""},
		{"3600 / h", 1, ""},
		{"1/d", Rate(1.0 / 86400), ""},
		{"10/m", 0, `unknown rate unit "/m" in "10/m" (use /s, /min, /h, /d)`},
		{"10 per s", 0, "unknown rate unit"},
		{"-1/s", 0, "negative rate"},
		{"/s", 0, "invalid rate"},
	} {
		got, err := ParseRate(tc.in)
		check(t, "ParseRate", tc.in, got, tc.want, err, tc.err)
	}
	for r, want := range map[Rate]string{0: "0/s", 10: "10/s", 7.2: "7.2/s", 0.5: "0.5/s", Rate(1.0 / 86400): "1/d", Rate(1.0 / 3600): "1/h"} {
		if got := r.String(); got != want {
			t.Errorf("Rate(%v).String() = %q, want %q", float64(r), got, want)
		}
	}
}

func check[T comparable](t *testing.T, fn, in string, got, want T, err error, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Errorf("%s(%q): unexpected error %v", fn, in, err)
	case wantErr == "" && got != want:
		t.Errorf("%s(%q) = %v, want %v", fn, in, got, want)
	case wantErr != "" && err == nil:
		t.Errorf("%s(%q) = %v, want error containing %q", fn, in, got, wantErr)
	case wantErr != "" && !strings.Contains(err.Error(), wantErr):
		t.Errorf("%s(%q) error %q, want it to contain %q", fn, in, err, wantErr)
	}
}

// roundTrip checks the invariant shared by all parsers: a successfully parsed value prints to
// a string that parses back to exactly the same value, and MarshalText agrees with String.
func roundTrip[T interface {
	comparable
	String() string
	MarshalText() ([]byte, error)
}](t *testing.T, parse func(string) (T, error), s string) {
	v, err := parse(s)
	if err != nil {
		return
	}
	str := v.String()
	back, err := parse(str)
	if err != nil || back != v {
		t.Fatalf("parse(%q) = %v; String = %q; parsed back %v, %v", s, v, str, back, err)
	}
	if b, err := v.MarshalText(); err != nil || string(b) != str {
		t.Fatalf("MarshalText(%v) = %q, %v; want %q", v, b, err, str)
	}
}

var seeds = []string{"30s", "1.5h", "1h30m", "64 GiB", "0.5GiB", "2.5 kW", "500m", "0.25", "10/s",
	"1/d", "7.2", "1e3", "3hrs", "-1", "", "1.0000015", "0.1 kW", "99999999999999999999", "1e-300"}

func FuzzParseDuration(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { roundTrip(t, ParseDuration, s) })
}

func FuzzParseBytes(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { roundTrip(t, ParseBytes, s) })
}

func FuzzParseCPU(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { roundTrip(t, ParseCPU, s) })
}

func FuzzParsePower(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { roundTrip(t, ParsePower, s) })
}

func FuzzParseRate(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { roundTrip(t, ParseRate, s) })
}
