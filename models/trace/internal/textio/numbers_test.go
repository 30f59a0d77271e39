package textio

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestValidNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"0", true}, {"42", true}, {"+1", true}, {"-1", true}, {"1.5", true}, {"5.", true},
		{".5", true}, {"-.5e-3", true}, {"1e5", true}, {"1E+05", true}, {"007", true},
		{"", false}, {"+", false}, {"-", false}, {".", false}, {"e5", false}, {"1e", false},
		{"1e+", false}, {"1.2.3", false}, {"NaN", false}, {"Inf", false}, {"-Inf", false},
		{"infinity", false}, {"0x10", false}, {"0x1p-2", false}, {"1_000", false},
		{" 1", false}, {"1 ", false}, {"--1", false}, {"1e5.0", false}, {"1,5", false},
	} {
		if got := ValidNumber(tc.in); got != tc.want {
			t.Errorf("ValidNumber(%q) = %v, want %v", tc.in, got, tc.want)
		}
		if got := ValidNumber([]byte(tc.in)); got != tc.want {
			t.Errorf("ValidNumber([]byte(%q)) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    float64
		wantErr string
		nonNeg  string // error of ParseNonNeg when it differs from wantErr
	}{
		{in: "1.25", want: 1.25},
		{in: "-2", want: -2, nonNeg: `negative value "-2"`},
		{in: "-0", want: 0},
		{in: "1e-400", want: 0},
		{in: "1e400", wantErr: `number out of range "1e400"`},
		{in: "-1e400", wantErr: `number out of range "-1e400"`},
		{in: "NaN", wantErr: `invalid number "NaN"`},
		{in: "", wantErr: `invalid number ""`},
		{in: "0x1", wantErr: `invalid number "0x1"`},
	} {
		got, err := ParseNumber(tc.in)
		if errText(err) != tc.wantErr || (err == nil && got != tc.want) {
			t.Errorf("ParseNumber(%q) = %v, %q; want %v, %q", tc.in, got, errText(err), tc.want, tc.wantErr)
		}
		wantNN := tc.wantErr
		if tc.nonNeg != "" {
			wantNN = tc.nonNeg
		}
		got, err = ParseNonNeg(tc.in)
		if errText(err) != wantNN || (err == nil && got != tc.want) {
			t.Errorf("ParseNonNeg(%q) = %v, %q; want %v, %q", tc.in, got, errText(err), tc.want, wantNN)
		}
		f, ok := ParseFloat([]byte(tc.in))
		if ok != (tc.wantErr == "") || (ok && f != tc.want) {
			t.Errorf("ParseFloat(%q) = %v, %v", tc.in, f, ok)
		}
	}
}

func TestParseUint(t *testing.T) {
	for _, tc := range []struct {
		in      string
		bits    int
		want    int64
		wantErr string
	}{
		{"0", 64, 0, ""},
		{"1372629804", 64, 1372629804, ""},
		{"9223372036854775807", 64, math.MaxInt64, ""},
		{"9223372036854775808", 64, 0, `integer out of range "9223372036854775808"`},
		{"2147483647", 32, math.MaxInt32, ""},
		{"2147483648", 32, 0, `integer out of range "2147483648"`},
		{"", 64, 0, `invalid integer ""`},
		{"-5", 64, 0, `negative value "-5"`},
		{"-", 64, 0, `invalid integer "-"`},
		{"+5", 64, 0, `invalid integer "+5"`},
		{"1.0", 64, 0, `invalid integer "1.0"`},
		{"1_0", 64, 0, `invalid integer "1_0"`},
	} {
		got, err := ParseUint(tc.in, tc.bits)
		if got != tc.want || errText(err) != tc.wantErr {
			t.Errorf("ParseUint(%q, %d) = %d, %q; want %d, %q", tc.in, tc.bits, got, errText(err), tc.want, tc.wantErr)
		}
	}
}

func TestParseInt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"-0", 0, true}, {"+7", 7, true}, {"-42", -42, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false},
		{"000000000000000000001", 0, false}, // longer than 20 bytes
		{"", 0, false}, {"-", 0, false}, {"+", 0, false}, {"1.0", 0, false}, {"1e3", 0, false},
		{" 1", 0, false}, {"0x1", 0, false}, {"1_0", 0, false},
	} {
		got, ok := ParseInt([]byte(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", `""`},
		{"a\tb", `"a\tb"`},
		{strings.Repeat("x", 40), `"` + strings.Repeat("x", 40) + `"`},
		{strings.Repeat("x", 41), `"` + strings.Repeat("x", 40) + `"...`},
	} {
		if got := Quote([]byte(tc.in)); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// oldCharClassFloat is the check the CSV readers used before textio: only digits, '.',
// 'e', 'E', '+' and '-', then strconv.ParseFloat and a finiteness check.
func oldCharClassFloat(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+') {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

func FuzzParsers(f *testing.F) {
	for _, s := range []string{"0", "-1", "+1.5e-3", ".5", "5.", "1e400", "NaN", "0x1p3",
		"1_0", "9223372036854775808", "-9223372036854775808", "", "-", "1e", "1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		valid := ValidNumber(s)
		if valid != ValidNumber(b) {
			t.Fatalf("ValidNumber differs for string and []byte: %q", s)
		}
		x, err := ParseNumber(s)
		if err == nil && (!valid || math.IsInf(x, 0) || math.IsNaN(x)) {
			t.Fatalf("ParseNumber(%q) = %v accepted", s, x)
		}
		if valid && err != nil && !strings.HasPrefix(err.Error(), "number out of range ") {
			t.Fatalf("ParseNumber(%q): %v", s, err)
		}
		if y, err := ParseNonNeg(s); err == nil && (y < 0 || y != x) {
			t.Fatalf("ParseNonNeg(%q) = %v", s, y)
		}
		// ParseFloat agrees with ParseNumber and with the older character-class check.
		v, ok := ParseFloat(b)
		if ok != (err == nil) || (ok && v != x) {
			t.Fatalf("ParseFloat(%q) = %v, %v; ParseNumber = %v, %v", s, v, ok, x, err)
		}
		if ov, ook := oldCharClassFloat(s); ook != ok || (ok && ov != v) {
			t.Fatalf("ParseFloat(%q) = %v, %v; old check = %v, %v", s, v, ok, ov, ook)
		}
		// ParseInt agrees with strconv on the inputs it accepts.
		if n, ok := ParseInt(b); ok {
			if m, err := strconv.ParseInt(s, 10, 64); err != nil || m != n {
				t.Fatalf("ParseInt(%q) = %d; strconv: %d, %v", s, n, m, err)
			}
		} else if len(s) <= 20 && !strings.Contains(s, "_") {
			if m, err := strconv.ParseInt(s, 10, 64); err == nil {
				t.Fatalf("ParseInt(%q) rejected; strconv gives %d", s, m)
			}
		}
		if n, err := ParseUint(s, 64); err == nil {
			if n < 0 || strconv.FormatInt(n, 10) != strings.TrimLeft(s, "0") && n != 0 {
				t.Fatalf("ParseUint(%q) = %d", s, n)
			}
		}
		if q := Quote(b); len(q) > 4*40+5 {
			t.Fatalf("Quote(%q) too long: %d", s, len(q))
		}
	})
}
