package plan

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Op is a constraint's comparison.
type Op uint8

// The comparisons a constraint may use.
const (
	LE Op = iota // metric <= bound
	LT           // metric < bound
	GE           // metric >= bound
	GT           // metric > bound
)

var opText = [...]string{LE: "<=", LT: "<", GE: ">=", GT: ">"}

func (o Op) String() string {
	if int(o) < len(opText) {
		return opText[o]
	}
	return "?"
}

// Upper reports whether the constraint bounds the metric from above (<=, <).
func (o Op) Upper() bool { return o == LE || o == LT }

// Constraint is one --subject-to condition on an aggregated summary metric.
type Constraint struct {
	Metric string  // a numeric summary.arrow column, e.g. slo_violation_rate
	Op     Op      // comparison
	Bound  float64 // finite
}

// ParseConstraint parses METRIC<=X, METRIC<X, METRIC>=X or METRIC>X (spaces allowed around the
// parts). The metric must be a column name (lower-case letters, digits and '_'); whether it is
// a summary column is for the caller to check.
func ParseConstraint(s string) (Constraint, error) {
	i := strings.IndexAny(s, "<>")
	if i < 0 {
		return Constraint{}, errors.New("want METRIC<=X, METRIC>=X, METRIC<X or METRIC>X, e.g. 'slo_violation_rate<=0.001'")
	}
	var c Constraint
	rest := s[i+1:]
	switch {
	case s[i] == '<' && strings.HasPrefix(rest, "="):
		c.Op, rest = LE, rest[1:]
	case s[i] == '>' && strings.HasPrefix(rest, "="):
		c.Op, rest = GE, rest[1:]
	case s[i] == '<':
		c.Op = LT
	default:
		c.Op = GT
	}
	c.Metric = strings.TrimSpace(s[:i])
	if c.Metric == "" {
		return Constraint{}, fmt.Errorf("no metric before %q", c.Op)
	}
	for _, r := range c.Metric {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return Constraint{}, fmt.Errorf("metric %q: want a summary column name (lower-case letters, digits, '_')", c.Metric)
		}
	}
	num := strings.TrimSpace(rest)
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return Constraint{}, fmt.Errorf("bound %q after %q is not a finite number", num, c.Op)
	}
	c.Bound = v
	return c, nil
}

// String returns the constraint in ParseConstraint's syntax (shortest bound that parses back).
func (c Constraint) String() string {
	return c.Metric + c.Op.String() + strconv.FormatFloat(c.Bound, 'g', -1, 64)
}

// Holds reports whether value v meets the constraint; NaN (a null metric) never does.
func (c Constraint) Holds(v float64) bool {
	switch c.Op {
	case LE:
		return v <= c.Bound
	case LT:
		return v < c.Bound
	case GE:
		return v >= c.Bound
	default:
		return v > c.Bound
	}
}

// Violation returns how far v is from meeting the constraint, relative to the bound: 0 when it
// holds, |v − bound| / |bound| otherwise (|v − bound| when the bound is 0), +Inf for NaN, and
// the smallest positive float for a strict bound met with equality. Dividing by the bound puts
// constraints on metrics of different scales (a rate of 0.001, a wait of 60 s) on one scale,
// the normalisation K. Deb recommends for feasibility rules ("An efficient constraint handling
// method for genetic algorithms", Comput. Methods Appl. Mech. Engrg. 186, 2000).
func (c Constraint) Violation(v float64) float64 {
	if math.IsNaN(v) {
		return math.Inf(1)
	}
	if c.Holds(v) {
		return 0
	}
	d := math.Abs(v - c.Bound)
	if c.Bound != 0 {
		d /= math.Abs(c.Bound)
	}
	if d == 0 {
		d = math.SmallestNonzeroFloat64
	}
	return d
}
