package plan

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/models/units"
	"github.com/dcsim/dcsim/scenarios"
)

// MaxPoints bounds the number of lattice points of one key, so that indices stay small
// integers and a typo (a step of 1e-12) is an error rather than a silent, endless search.
const MaxPoints = 1_000_000_000

// DefaultFloatPoints is about how many lattice points a float key gets when no step is given:
// the step is the power of ten at or below (hi − lo)/DefaultFloatPoints, so values stay short
// decimals (0:0.5 gets step 0.0001).
const DefaultFloatPoints = 1000

// Key is one varied scenario key and the lattice of values the search may give it:
// Lo, Lo+Step, Lo+2·Step, … up to Hi. Integer keys have whole-number bounds and steps; float
// keys' values are rounded to the decimals of Lo and Step, so they print and parse back exactly.
type Key struct {
	Path    string  // scenario key path, as --set takes it ("cluster.host_groups.0.count")
	Lo, Hi  float64 // bounds, Lo <= Hi
	Step    float64 // lattice spacing, > 0
	Integer bool    // values are whole numbers (the default unless a bound has a '.' or an exponent)
	n       int     // number of lattice points
	dec     int     // decimals of a float key's values
}

// ParseKey parses a --vary argument, PATH=LO:HI[:STEP][:int|:float]. The key is an integer
// key unless ":float" is given or LO, HI or STEP is written with a '.' or an exponent; an
// integer key's bounds and step must be whole numbers. Without STEP an integer key steps by 1
// and a float key by the power of ten at or below (HI − LO)/1000.
func ParseKey(s string) (Key, error) {
	path, rng, ok := strings.Cut(s, "=")
	path = strings.TrimSpace(path)
	if !ok || path == "" {
		return Key{}, errors.New("want KEY=LO:HI[:STEP][:int|:float], e.g. cluster.host_groups.0.count=100:2000")
	}
	for _, seg := range strings.Split(path, ".") {
		if seg == "" {
			return Key{}, fmt.Errorf("empty segment in key path %q", path)
		}
	}
	if strings.ContainsAny(path, " \t\n:") {
		return Key{}, fmt.Errorf("key path %q contains a space or ':'", path)
	}
	if path == "seed" {
		return Key{}, errors.New("seed cannot be varied: --seeds and --seed choose the seeds of every candidate")
	}
	parts := strings.Split(strings.TrimSpace(rng), ":")
	typ := ""
	if last := strings.TrimSpace(parts[len(parts)-1]); last == "int" || last == "float" {
		typ, parts = last, parts[:len(parts)-1]
	}
	if len(parts) != 2 && len(parts) != 3 {
		return Key{}, fmt.Errorf("range %q: want LO:HI or LO:HI:STEP, optionally followed by :int or :float", rng)
	}
	k := Key{Path: path, Integer: typ != "float"}
	var vals [3]float64
	var texts [3]string
	for i, p := range parts {
		p = strings.TrimSpace(p)
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return Key{}, fmt.Errorf("range %q: %q is not a finite number", rng, p)
		}
		if typ == "" && strings.ContainsAny(p, ".eE") {
			k.Integer = false
		}
		vals[i], texts[i] = v, p
	}
	k.Lo, k.Hi = vals[0], vals[1]
	if k.Lo > k.Hi {
		return Key{}, fmt.Errorf("range %q: low bound %s is above high bound %s", rng, texts[0], texts[1])
	}
	if len(parts) == 3 {
		k.Step = vals[2]
		if k.Step <= 0 {
			return Key{}, fmt.Errorf("range %q: step %s must be > 0", rng, texts[2])
		}
	}
	if k.Integer {
		for i := range parts {
			if v := vals[i]; v != math.Trunc(v) || math.Abs(v) > 1<<53 {
				return Key{}, fmt.Errorf("range %q: %s is not a whole number (append :float for a float key)", rng, texts[i])
			}
		}
		if k.Step == 0 {
			k.Step = 1
		}
	} else if k.Step == 0 {
		k.Step = 1
		if span := k.Hi - k.Lo; span > 0 {
			k.Step = math.Pow(10, math.Floor(math.Log10(span/DefaultFloatPoints)))
		}
	}
	n := math.Floor((k.Hi-k.Lo)/k.Step*(1+1e-12)) + 1
	if n > MaxPoints || math.IsNaN(n) {
		return Key{}, fmt.Errorf("range %q: %.3g values at step %g, more than %d", rng, n, k.Step, MaxPoints)
	}
	k.n = int(n)
	if !k.Integer {
		k.dec = max(decimals(k.Lo), decimals(k.Step))
	}
	return k, nil
}

// decimals returns the digits after the point in the shortest decimal form of v (at most 15).
func decimals(v float64) int {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return min(len(s)-i-1, 15)
	}
	return 0
}

// N returns the number of lattice points.
func (k Key) N() int { return k.n }

// Value returns the i-th lattice value, Lo + i·Step (rounded to the key's decimals for a float
// key), for 0 <= i < N.
func (k Key) Value(i int) float64 {
	v := k.Lo + float64(i)*k.Step
	if k.Integer {
		return v
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', k.dec, 64), 64)
	return r
}

// Format returns v as --set takes it: a whole number for an integer key, the shortest decimal
// otherwise.
func (k Key) Format(v float64) string {
	if k.Integer {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Set returns the --set override that gives the key value v.
func (k Key) Set(v float64) string { return k.Path + "=" + k.Format(v) }

// String returns the key in ParseKey's syntax, with the step and type spelled out.
func (k Key) String() string {
	typ := "int"
	if !k.Integer {
		typ = "float"
	}
	return fmt.Sprintf("%s=%s:%s:%s:%s", k.Path, k.Format(k.Lo), k.Format(k.Hi), k.Format(k.Step), typ)
}

// Unit returns the unit in which the scenario reads a plain number at the key's path: the
// bare-number unit of the key's type (duration: s, size: B, CPU: cores, power: W, rate: 1/s,
// bandwidth: B/s; see docs/scenarios.md "Units"), or, for a plain number, the unit its name
// ends in (capex_usd: USD, or its parent's, runtime_s.mean: s); "1" when there is none.
func (k Key) Unit() string { return KeyUnit(k.Path) }

var unitOfType = map[reflect.Type]string{
	reflect.TypeFor[units.Duration]():  "s",
	reflect.TypeFor[units.Bytes]():     "B",
	reflect.TypeFor[units.CPU]():       "cores",
	reflect.TypeFor[units.Power]():     "W",
	reflect.TypeFor[units.Rate]():      "1/s",
	reflect.TypeFor[units.Bandwidth](): "B/s",
}

// unitOfSuffix maps the unit suffixes of scenario key names to units.
var unitOfSuffix = map[string]string{
	"s": "s", "h": "h", "usd": "USD", "gib": "GiB", "kg": "kg", "g": "g", "kwh": "kWh", "w": "W",
}

// KeyUnit is Key.Unit for a key path; see there.
func KeyUnit(path string) string {
	t := reflect.TypeFor[scenarios.Scenario]()
	var names []string
	for _, seg := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Slice, reflect.Array:
			if _, err := strconv.Atoi(seg); err != nil {
				return "1"
			}
			t = t.Elem()
		case reflect.Struct:
			f, ok := yamlField(t, seg)
			if !ok {
				return nameUnit(append(names, seg))
			}
			t, names = f.Type, append(names, seg)
		default:
			return nameUnit(append(names, seg))
		}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if u, ok := unitOfType[t]; ok {
		return u
	}
	return nameUnit(names)
}

// nameUnit returns the unit of the last name that has one among the last two names ("_usd",
// "_s", "_per_kwh"), else "1".
func nameUnit(names []string) string {
	for i := len(names) - 1; i >= 0 && i >= len(names)-2; i-- {
		if u := suffixUnit(names[i]); u != "" {
			return u
		}
	}
	return "1"
}

func suffixUnit(name string) string {
	num, den, per := strings.Cut(name, "_per_")
	last := func(s string) string { return unitOfSuffix[s[strings.LastIndexByte(s, '_')+1:]] }
	u := last(num)
	if !per && !strings.Contains(num, "_") {
		u = "" // a bare "s" or "h" is a name, not a unit suffix
	}
	if per {
		if d := unitOfSuffix[den]; u != "" && d != "" {
			return u + "/" + d
		}
		return ""
	}
	return u
}

func yamlField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
