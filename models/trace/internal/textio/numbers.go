package textio

import (
	"fmt"
	"math"
	"strconv"
)

// ValidNumber reports whether s is plain decimal notation:
// [+-]? (digits [. digits*] | . digits) ([eE][+-]?digits)?. "NaN", "Inf", hexadecimal,
// underscores and spaces are rejected.
func ValidNumber[T ~string | ~[]byte](s T) bool {
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

// ParseNumber parses a finite number in the notation ValidNumber accepts. Errors are
// "invalid number "S"" and "number out of range "S"" (S quoted in full).
func ParseNumber(s string) (float64, error) {
	if !ValidNumber(s) {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, fmt.Errorf("number out of range %q", s)
	}
	return x, nil
}

// ParseNonNeg is ParseNumber for a value that must be >= 0; a negative one is
// "negative value "S"".
func ParseNonNeg(s string) (float64, error) {
	x, err := ParseNumber(s)
	if err != nil {
		return 0, err
	}
	if x < 0 {
		return 0, fmt.Errorf("negative value %q", s)
	}
	return x, nil
}

// ParseUint parses a non-negative decimal integer (digits only) that fits in a signed
// integer of bits bits. Errors are "invalid integer "S"", "negative value "S"" and
// "integer out of range "S"".
func ParseUint(s string, bits int) (int64, error) {
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

// ParseInt parses a decimal integer with an optional sign into an int64, without
// allocating. ok is false for anything else or on overflow.
func ParseInt(b []byte) (v int64, ok bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (math.MaxUint64-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// ParseFloat parses a finite number in the notation ValidNumber accepts; ok is false for
// anything else or out of range.
func ParseFloat(b []byte) (v float64, ok bool) {
	if !ValidNumber(b) {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// Quote quotes b for an error message, cut to its first 40 bytes (then "..." follows).
func Quote(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "..."
	}
	return strconv.Quote(string(b))
}
