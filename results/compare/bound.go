package compare

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Bound is one --fail-on gate: METRIC:BOUND, for instance "cost_usd:+2%" (fail when the
// candidate's cost is more than 2% above the base's) or "slo_violations:+0" (fail on any
// increase).
type Bound struct {
	Metric   string  // the summary column
	Up       bool    // true: a rise beyond Limit fails ("+"); false: a fall beyond Limit fails ("-")
	Limit    float64 // ≥ 0: percent when Relative, else in the metric's unit
	Relative bool    // Limit is a percentage of the base value
	Text     string  // the flag value as given, for messages
}

// ParseBound parses a --fail-on value: METRIC:BOUND with BOUND one of
//
//	+N%  fail if the candidate is more than N percent above the base
//	-N%  fail if the candidate is more than N percent below the base
//	+N   fail if the candidate exceeds the base by more than N (in the metric's unit)
//	-N   fail if the candidate is below the base by more than N
//
// N is a non-negative decimal number; the sign is required, so that the direction of a
// regression is always explicit.
func ParseBound(s string) (Bound, error) {
	bad := func(why string) (Bound, error) {
		return Bound{}, fmt.Errorf("--fail-on %q: %s (want METRIC:+N%%, METRIC:-N%%, METRIC:+N or METRIC:-N, e.g. cost_usd:+2%%)", s, why)
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return bad("no ':' between metric and bound")
	}
	metric, spec := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	if metric == "" {
		return bad("no metric before ':'")
	}
	for _, r := range metric {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return bad(fmt.Sprintf("metric name %q has the character %q", metric, r))
		}
	}
	if spec == "" {
		return bad("no bound after ':'")
	}
	b := Bound{Metric: metric, Text: s}
	switch spec[0] {
	case '+':
		b.Up = true
	case '-':
	default:
		return bad("the bound must start with '+' (a rise fails) or '-' (a fall fails)")
	}
	num := spec[1:]
	if strings.HasSuffix(num, "%") {
		b.Relative = true
		num = num[:len(num)-1]
	}
	if num == "" || !(num[0] >= '0' && num[0] <= '9' || num[0] == '.') {
		return bad(fmt.Sprintf("%q is not a non-negative number", num))
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) || v < 0 {
		return bad(fmt.Sprintf("%q is not a non-negative number", num))
	}
	b.Limit = v
	return b, nil
}

// String is the bound without the metric, e.g. "+2%".
func (b Bound) String() string {
	sign := "-"
	if b.Up {
		sign = "+"
	}
	s := sign + strconv.FormatFloat(b.Limit, 'g', -1, 64)
	if b.Relative {
		s += "%"
	}
	return s
}

// Beyond reports whether the change from base to cand goes past the bound in its direction:
// for "+N" whether cand - base > N, for "+N%" whether cand - base > N/100·|base| (with base 0,
// any rise), and mirrored for "-". Being exactly at the bound is not beyond it, and a margin of
// floating-point rounding, 1e-12·max(|base|, |cand|), is allowed so that a change that equals the
// bound in decimal (0.49 vs 0.5 against -0.01) does not fail on its binary representation.
func (b Bound) Beyond(base, cand float64) bool {
	limit := b.Limit
	if b.Relative {
		limit = b.Limit / 100 * math.Abs(base)
	}
	tol := 1e-12 * math.Max(math.Abs(base), math.Abs(cand))
	d := cand - base
	if b.Up {
		return d > limit+tol
	}
	return d < -limit-tol
}

// ChangePct is the relative change from base to cand in percent, 100·(cand - base)/|base|. With
// base = 0 it is 0 when cand is 0 too and ±Inf otherwise (any change from nothing is unbounded
// in relative terms).
func ChangePct(base, cand float64) float64 {
	if cand == base {
		return 0
	}
	if base == 0 {
		return math.Copysign(math.Inf(1), cand)
	}
	return 100 * (cand - base) / math.Abs(base)
}
