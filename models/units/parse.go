package units

import (
	"encoding"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

var (
	_ encoding.TextUnmarshaler = (*Duration)(nil)
	_ encoding.TextMarshaler   = Duration(0)
	_ encoding.TextUnmarshaler = (*Bytes)(nil)
	_ encoding.TextMarshaler   = Bytes(0)
	_ encoding.TextUnmarshaler = (*Power)(nil)
	_ encoding.TextMarshaler   = Power(0)
	_ encoding.TextUnmarshaler = (*CPU)(nil)
	_ encoding.TextMarshaler   = CPU(0)
	_ encoding.TextUnmarshaler = (*Rate)(nil)
	_ encoding.TextMarshaler   = Rate(0)
)

// maxExp bounds decimal exponents ("1e300") so that exact rational arithmetic stays cheap.
const maxExp = 400

// scanNumber splits s into a leading unsigned decimal number (digits, optional fraction,
// optional exponent) and the rest. num is "" when s does not start with a number.
func scanNumber(s string) (num, rest string) {
	i, digits := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return "", s
	}
	// An exponent needs at least one digit; otherwise "e" is left for the unit (there are none).
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
		}
	}
	return s[:i], s[i:]
}

// parseRat converts a number produced by scanNumber to an exact rational.
func parseRat(num string) (*big.Rat, error) {
	if k := strings.IndexAny(num, "eE"); k >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(num[k+1:], "+"))
		if err != nil || e > maxExp || e < -maxExp {
			return nil, fmt.Errorf("exponent of %q out of range (at most ±%d)", num, maxExp)
		}
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return nil, fmt.Errorf("invalid number %q", num)
	}
	return r, nil
}

// splitQuantity parses "<number>[ ]<unit>" where unit is the rest of the string (trimmed).
// what names the quantity in error messages, example shows a valid form.
func splitQuantity(s, what, example string) (*big.Rat, string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, "", fmt.Errorf("empty %s (expected e.g. %s)", what, example)
	}
	if t[0] == '-' {
		return nil, "", fmt.Errorf("negative %s %q (must be >= 0)", what, s)
	}
	t = strings.TrimPrefix(t, "+")
	num, rest := scanNumber(t)
	if num == "" {
		return nil, "", fmt.Errorf("invalid %s %q (expected a number and a unit, e.g. %s)", what, s, example)
	}
	r, err := parseRat(num)
	if err != nil {
		return nil, "", fmt.Errorf("invalid %s %q: %v", what, s, err)
	}
	return r, strings.TrimSpace(rest), nil
}

var (
	ratHalf     = big.NewRat(1, 2)
	maxInt64Rat = new(big.Rat).SetInt64(math.MaxInt64)
)

// roundInt64 rounds a non-negative rational to the nearest integer (halves away from zero) and
// reports whether the result fits in an int64.
func roundInt64(r *big.Rat) (int64, bool) {
	x := new(big.Rat).Add(r, ratHalf)
	if x.Cmp(maxInt64Rat) > 0 {
		return 0, false
	}
	q := new(big.Int).Quo(x.Num(), x.Denom())
	return q.Int64(), q.IsInt64()
}

// ---- Duration ----

var durationUnits = map[string]Duration{
	"us": Microsecond, "µs": Microsecond, "μs": Microsecond,
	"ms": Millisecond, "s": Second, "m": Minute, "min": Minute,
	"h": Hour, "d": Day, "w": Week, "y": Year,
}

// ParseDuration parses a non-negative duration such as "30s", "1.5h", "250ms", "1h30m" or
// "2d 12h". A bare number is seconds. Units: us (µs), ms, s, m (min), h, d, w, y (365 d).
// Decimals are converted exactly and rounded to the nearest microsecond.
func ParseDuration(s string) (Duration, error) {
	const example = `"30s", "5m" or "1h30m"`
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("empty duration (expected e.g. %s)", example)
	}
	if t[0] == '-' {
		return 0, fmt.Errorf("negative duration %q (durations must be >= 0)", s)
	}
	t = strings.TrimPrefix(t, "+")
	total := new(big.Rat)
	for first := true; t != ""; first = false {
		num, rest := scanNumber(t)
		if num == "" {
			return 0, fmt.Errorf("invalid duration %q (expected a number and a unit, e.g. %s)", s, example)
		}
		r, err := parseRat(num)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: %v", s, err)
		}
		rest = strings.TrimLeft(rest, " \t")
		n := strings.IndexFunc(rest, func(c rune) bool { return !unicode.IsLetter(c) })
		if n < 0 {
			n = len(rest)
		}
		unit := rest[:n]
		var mult Duration
		switch {
		case unit == "" && rest == "" && first:
			mult = Second
		case unit == "" && rest == "":
			return 0, fmt.Errorf("missing unit after %q in duration %q (use us, ms, s, m, h, d, w, y)", num, s)
		case unit == "":
			return 0, fmt.Errorf("invalid duration %q at %q (expected a unit: us, ms, s, m, h, d, w, y)", s, rest)
		default:
			var ok bool
			if mult, ok = durationUnits[unit]; !ok {
				return 0, fmt.Errorf("unknown duration unit %q in %q (use us, ms, s, m, h, d, w, y)", unit, s)
			}
		}
		total.Add(total, r.Mul(r, new(big.Rat).SetInt64(int64(mult))))
		t = strings.TrimLeft(rest[n:], " \t")
	}
	v, ok := roundInt64(total)
	if !ok {
		return 0, fmt.Errorf("duration %q out of range (at most %s)", s, Duration(math.MaxInt64))
	}
	return Duration(v), nil
}

// String returns the canonical form accepted back by ParseDuration: "0s", "250us", "1.5ms",
// a single unit when exact ("4y", "2w", "1d", "30s") and otherwise a compound of d, h, m and
// decimal seconds ("1h30m", "1d0.5s", "2m3.000001s").
func (d Duration) String() string {
	if d < 0 {
		if d == math.MinInt64 {
			return "-" + Duration(math.MaxInt64).String() // off by 1 µs; display only
		}
		return "-" + (-d).String()
	}
	switch {
	case d == 0:
		return "0s"
	case d < Millisecond:
		return strconv.FormatInt(int64(d), 10) + "us"
	case d < Second:
		return fixed(int64(d), 3) + "ms"
	}
	for _, u := range []struct {
		d    Duration
		name string
	}{{Year, "y"}, {Week, "w"}, {Day, "d"}, {Hour, "h"}, {Minute, "m"}} {
		if d%u.d == 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.name
		}
	}
	var b strings.Builder
	for _, u := range []struct {
		d    Duration
		name string
	}{{Day, "d"}, {Hour, "h"}, {Minute, "m"}} {
		if d >= u.d {
			b.WriteString(strconv.FormatInt(int64(d/u.d), 10) + u.name)
			d %= u.d
		}
	}
	if d > 0 {
		b.WriteString(fixed(int64(d), 6) + "s")
	}
	return b.String()
}

// fixed formats v/10^dec as a decimal with trailing zeros removed.
func fixed(v int64, dec int) string {
	p := int64(math.Pow10(dec))
	s := strconv.FormatInt(v/p, 10)
	if f := v % p; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%0*d", dec, f), "0")
	}
	return s
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseDuration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err == nil {
		*d = v
	}
	return err
}

// MarshalText implements encoding.TextMarshaler with String; negative durations are an error.
func (d Duration) MarshalText() ([]byte, error) {
	if d < 0 {
		return nil, fmt.Errorf("negative duration %s", d)
	}
	return []byte(d.String()), nil
}

// Seconds returns d in seconds.
func (d Duration) Seconds() float64 { return float64(d) / float64(Second) }

// ---- Bytes ----

type unitMult struct {
	name string
	mult int64
}

// byteUnits in the order String prefers them (largest binary first, then largest decimal).
var byteUnits = []unitMult{
	{"PiB", 1 << 50}, {"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
	{"PB", 1e15}, {"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"kB", 1e3}, {"KB", 1e3}, {"B", 1},
}

// ParseBytes parses a non-negative amount of bytes such as "64 GiB", "0.5GiB", "1.5 TB" or
// "4096" (bare = bytes). Units: B, kB (KB), MB, GB, TB, PB (powers of 1000) and KiB, MiB, GiB,
// TiB, PiB (powers of 1024). Fractions are rounded to the nearest byte.
func ParseBytes(s string) (Bytes, error) {
	r, unit, err := splitQuantity(s, "size", `"64 GiB"`)
	if err != nil {
		return 0, err
	}
	mult := int64(-1)
	if unit == "" {
		mult = 1
	}
	for _, u := range byteUnits {
		if u.name == unit {
			mult = u.mult
		}
	}
	if mult < 0 {
		return 0, fmt.Errorf("unknown byte unit %q in %q (use B, kB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB)", unit, s)
	}
	v, ok := roundInt64(r.Mul(r, new(big.Rat).SetInt64(mult)))
	if !ok {
		return 0, fmt.Errorf("size %q out of range (at most %d bytes)", s, int64(math.MaxInt64))
	}
	return Bytes(v), nil
}

// String returns the canonical form with the largest unit, binary or decimal, that divides b
// exactly ("64 GiB", "1500 GB", "1 kB", "1023 B").
func (b Bytes) String() string {
	best := unitMult{"B", 1}
	for _, u := range byteUnits {
		if b != 0 && int64(b)%u.mult == 0 && u.mult > best.mult {
			best = u
		}
	}
	return strconv.FormatInt(int64(b)/best.mult, 10) + " " + best.name
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseBytes.
func (b *Bytes) UnmarshalText(t []byte) error {
	v, err := ParseBytes(string(t))
	if err == nil {
		*b = v
	}
	return err
}

// MarshalText implements encoding.TextMarshaler with String; negative sizes are an error.
func (b Bytes) MarshalText() ([]byte, error) {
	if b < 0 {
		return nil, fmt.Errorf("negative size %d B", int64(b))
	}
	return []byte(b.String()), nil
}

// GiB returns b in GiB.
func (b Bytes) GiB() float64 { return float64(b) / float64(GiB) }

// ---- CPU ----

// ParseCPU parses a non-negative CPU amount: a bare number is cores ("64", "0.25" = 250
// millicores), an "m" suffix is millicores ("500m"). Amounts that are not a whole number of
// millicores are an error.
func ParseCPU(s string) (CPU, error) {
	r, unit, err := splitQuantity(s, "CPU amount", `"4" (cores) or "500m" (millicores)`)
	if err != nil {
		return 0, err
	}
	switch unit {
	case "":
		r.Mul(r, big.NewRat(1000, 1))
	case "m":
	default:
		return 0, fmt.Errorf(`unknown CPU unit %q in %q (use cores such as "4" or "0.5", or millicores such as "500m")`, unit, s)
	}
	if !r.IsInt() {
		return 0, fmt.Errorf("CPU amount %q is not a whole number of millicores (resolution 1m = 0.001 cores)", s)
	}
	v, ok := roundInt64(r)
	if !ok {
		return 0, fmt.Errorf("CPU amount %q out of range", s)
	}
	return CPU(v), nil
}

// String returns the canonical form: whole cores as a bare number ("64"), otherwise millicores
// ("500m", "1500m").
func (c CPU) String() string {
	if c%1000 == 0 {
		return strconv.FormatInt(int64(c/1000), 10)
	}
	return strconv.FormatInt(int64(c), 10) + "m"
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseCPU.
func (c *CPU) UnmarshalText(t []byte) error {
	v, err := ParseCPU(string(t))
	if err == nil {
		*c = v
	}
	return err
}

// MarshalText implements encoding.TextMarshaler with String; negative amounts are an error.
func (c CPU) MarshalText() ([]byte, error) {
	if c < 0 {
		return nil, fmt.Errorf("negative CPU amount %s", c)
	}
	return []byte(c.String()), nil
}

// Cores returns c in cores.
func (c CPU) Cores() float64 { return float64(c) / 1000 }

// ---- Power and Rate (float64) ----

// ratFloat converts an exact rational to the nearest float64, rejecting overflow.
func ratFloat(r *big.Rat, what, s string) (float64, error) {
	f, _ := r.Float64()
	if math.IsInf(f, 0) {
		return 0, fmt.Errorf("%s %q out of range", what, s)
	}
	return f, nil
}

// shortest formats f as the shortest decimal (no exponent) that converts back to f.
func shortest(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// shiftDecimal divides the decimal string s by 10^n by moving its point (exact).
func shiftDecimal(s string, n int) string {
	intPart, frac, _ := strings.Cut(s, ".")
	for len(intPart) <= n {
		intPart = "0" + intPart
	}
	out := intPart[:len(intPart)-n] + "." + intPart[len(intPart)-n:] + frac
	out = strings.TrimRight(out, "0")
	return strings.TrimSuffix(out, ".")
}

func checkFloat(f float64, what string) error {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return fmt.Errorf("%s is not finite", what)
	case f < 0:
		return fmt.Errorf("negative %s", what)
	}
	return nil
}

// ParsePower parses a non-negative power such as "300 W", "2.5 kW", "1 MW" or "250" (watts).
func ParsePower(s string) (Power, error) {
	r, unit, err := splitQuantity(s, "power", `"300 W" or "2.5 kW"`)
	if err != nil {
		return 0, err
	}
	switch unit {
	case "", "W":
	case "kW":
		r.Mul(r, big.NewRat(1000, 1))
	case "MW":
		r.Mul(r, big.NewRat(1000000, 1))
	default:
		return 0, fmt.Errorf("unknown power unit %q in %q (use W, kW, MW)", unit, s)
	}
	f, err := ratFloat(r, "power", s)
	return Power(f), err
}

// String returns the canonical form: "MW" from 1 MW, "kW" from 1 kW, else "W", with the
// shortest decimal that parses back to exactly the same float64 ("300 W", "2.5 kW").
func (p Power) String() string {
	f := float64(p)
	if f == 0 {
		return "0 W" // also for -0
	}
	switch s := shortest(f); {
	case math.IsNaN(f) || math.IsInf(f, 0) || f < 0:
		return strconv.FormatFloat(f, 'g', -1, 64) + " W"
	case f >= 1e6:
		return shiftDecimal(s, 6) + " MW"
	case f >= 1e3:
		return shiftDecimal(s, 3) + " kW"
	default:
		return s + " W"
	}
}

// UnmarshalText implements encoding.TextUnmarshaler with ParsePower.
func (p *Power) UnmarshalText(t []byte) error {
	v, err := ParsePower(string(t))
	if err == nil {
		*p = v
	}
	return err
}

// MarshalText implements encoding.TextMarshaler with String; negative or non-finite power is an error.
func (p Power) MarshalText() ([]byte, error) {
	if err := checkFloat(float64(p), "power"); err != nil {
		return nil, err
	}
	return []byte(p.String()), nil
}

// rateUnits are the per-unit seconds accepted after "/", in String's order of preference.
var rateUnits = []unitMult{{"s", 1}, {"min", 60}, {"h", 3600}, {"d", 86400}}

// ParseRate parses a non-negative rate such as "10/s", "600/min", "3.5/h", "100/d" or "7.2"
// (per second). The result is the nearest float64 to the exact rate in events per second.
func ParseRate(s string) (Rate, error) {
	r, unit, err := splitQuantity(s, "rate", `"10/s" or "600/h"`)
	if err != nil {
		return 0, err
	}
	if unit != "" {
		u, ok := strings.CutPrefix(unit, "/")
		u = strings.TrimSpace(u)
		var sec int64
		for _, ru := range rateUnits {
			if ru.name == u {
				sec = ru.mult
			}
		}
		if !ok || sec == 0 {
			return 0, fmt.Errorf("unknown rate unit %q in %q (use /s, /min, /h, /d)", unit, s)
		}
		r.Quo(r, big.NewRat(sec, 1))
	}
	f, err := ratFloat(r, "rate", s)
	return Rate(f), err
}

// String returns the canonical form "<n>/s". When the per-second number needs more than six
// characters, the shortest of "/min", "/h" and "/d" that parses back exactly is used instead
// (e.g. one per day is "1/d", not "0.000011574074074074073/s").
func (r Rate) String() string {
	f := float64(r)
	if f == 0 {
		return "0/s"
	}
	best := strconv.FormatFloat(f, 'g', -1, 64) + "/s"
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return best
	}
	best = shortest(f) + "/s"
	if len(best) <= 8 {
		return best
	}
	for _, u := range rateUnits[1:] {
		c := shortest(f*float64(u.mult)) + "/" + u.name
		if v, err := ParseRate(c); err == nil && v == r && len(c) < len(best) {
			best = c
		}
	}
	return best
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseRate.
func (r *Rate) UnmarshalText(t []byte) error {
	v, err := ParseRate(string(t))
	if err == nil {
		*r = v
	}
	return err
}

// MarshalText implements encoding.TextMarshaler with String; negative or non-finite rates are an error.
func (r Rate) MarshalText() ([]byte, error) {
	if err := checkFloat(float64(r), "rate"); err != nil {
		return nil, err
	}
	return []byte(r.String()), nil
}

// ---- Bandwidth ----

// bandwidthUnits are the accepted units, bytes and bits per second, in String's order of
// preference (decimal bytes first).
var bandwidthUnits = []struct {
	name string
	mult float64 // bytes per second per unit
}{
	{"TB/s", 1e12}, {"GB/s", 1e9}, {"MB/s", 1e6}, {"kB/s", 1e3}, {"B/s", 1},
	{"TiB/s", 1 << 40}, {"GiB/s", 1 << 30}, {"MiB/s", 1 << 20}, {"KiB/s", 1 << 10}, {"KB/s", 1e3},
	{"Tb/s", 1e12 / 8}, {"Gb/s", 1e9 / 8}, {"Mb/s", 1e6 / 8}, {"kb/s", 1e3 / 8}, {"b/s", 1.0 / 8},
	{"Tbps", 1e12 / 8}, {"Gbps", 1e9 / 8}, {"Mbps", 1e6 / 8},
}

// ParseBandwidth parses a non-negative data rate such as "25 Gb/s" (bits), "3.2 GB/s" (bytes),
// "100 MiB/s", "10 Gbps" or "1e9" (bytes per second). The result is in bytes per second.
func ParseBandwidth(s string) (Bandwidth, error) {
	r, unit, err := splitQuantity(s, "bandwidth", `"25 Gb/s" or "3.2 GB/s"`)
	if err != nil {
		return 0, err
	}
	mult := -1.0
	if unit == "" {
		mult = 1
	}
	for _, u := range bandwidthUnits {
		if u.name == unit {
			mult = u.mult
		}
	}
	if mult < 0 {
		return 0, fmt.Errorf("unknown bandwidth unit %q in %q (use B/s, kB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s, TiB/s or bits: b/s, kb/s, Mb/s, Gb/s, Tb/s, Gbps)", unit, s)
	}
	f, err := ratFloat(r, "bandwidth", s)
	if err != nil {
		return 0, err
	}
	v := f * mult
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("bandwidth %q out of range", s)
	}
	return Bandwidth(v), nil
}

// String returns the shortest of "<n> GB/s", "<n> MB/s", … that parses back to exactly b.
func (b Bandwidth) String() string {
	f := float64(b)
	best := strconv.FormatFloat(f, 'g', -1, 64) + " B/s"
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return best
	}
	for _, u := range bandwidthUnits[:5] {
		c := shortest(f/u.mult) + " " + u.name
		if v, err := ParseBandwidth(c); err == nil && v == b && len(c) < len(best) {
			best = c
		}
	}
	return best
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseBandwidth.
func (b *Bandwidth) UnmarshalText(t []byte) error {
	v, err := ParseBandwidth(string(t))
	if err == nil {
		*b = v
	}
	return err
}

// MarshalText implements encoding.TextMarshaler with String; negative or non-finite values are
// an error.
func (b Bandwidth) MarshalText() ([]byte, error) {
	if err := checkFloat(float64(b), "bandwidth"); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
