package textio

import "strings"

// SplitTrim splits s at sep into dst, trims spaces and tabs around each field, and
// returns the number of fields found; fields beyond len(dst) are counted, not stored.
func SplitTrim(s string, sep byte, dst []string) int {
	n := 0
	for {
		i := strings.IndexByte(s, sep)
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
