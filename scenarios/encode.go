package scenarios

import (
	"bytes"
	"encoding"
	"fmt"
	"math"
	"reflect"
	"strconv"

	"go.yaml.in/yaml/v3"
)

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

// yaml11Bools are the strings that YAML 1.1 (but not 1.2) reads as booleans.
var yaml11Bools = map[string]bool{"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "n": true, "N": true,
	"no": true, "No": true, "NO": true, "on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true}

// YAML returns the scenario as canonical YAML: keys in declaration order, quantities in the
// canonical forms of package units, zero values left out unless they were given explicitly
// (so that parsing the output gives back an equal Scenario, defaults included). The output is
// byte-for-byte stable for the same input; it is meant for result metadata and for
// "dcsim show"-style printing of a resolved scenario (after defaults and --set).
func (s *Scenario) YAML() ([]byte, error) {
	n, err := s.encode(reflect.ValueOf(*s), "", 0)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encode converts v, the value at key path, to a node; depth 0 is the root.
func (s *Scenario) encode(v reflect.Value, path string, depth int) (*yaml.Node, error) {
	scalar := func(tag, text string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: text} }
	if v.Type().Implements(textMarshaler) {
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return scalar("", string(b)), nil // plain style: "64", "64 GiB", "1h30m", "10/s"
	}
	switch v.Kind() {
	case reflect.Pointer:
		return s.encode(v.Elem(), path, depth)
	case reflect.String:
		n := scalar("!!str", v.String()) // quoted when it would read as another type
		if yaml11Bools[n.Value] {
			n.Style = yaml.DoubleQuotedStyle // YAML 1.1 readers (PyYAML) would read a bool
		}
		return n, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar("!!int", strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return scalar("!!int", strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Bool:
		return scalar("!!bool", strconv.FormatBool(v.Bool())), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%s: %g is not finite", path, f)
		}
		if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
			return scalar("", strconv.FormatFloat(f, 'g', -1, 64)), nil
		}
		return scalar("", strconv.FormatFloat(f, 'f', -1, 64)), nil
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for i := range v.Len() {
			c, err := s.encode(v.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			if c.Kind != yaml.ScalarNode {
				n.Style = 0
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		flow := depth > 1 // leaf specs such as {dist: constant, value: 1} on one line
		for _, f := range fieldsOf(v.Type()) {
			fv, p := v.Field(f.index), joinPath(path, f.name)
			if (fv.IsZero() && !s.given(p)) || (fv.Kind() == reflect.Pointer && fv.IsNil()) {
				continue
			}
			c, err := s.encode(fv, p, depth+1)
			if err != nil {
				return nil, err
			}
			if c.Kind == yaml.MappingNode || (c.Kind == yaml.SequenceNode && c.Style != yaml.FlowStyle) {
				flow = false
			}
			n.Content = append(n.Content, scalar("!!str", f.name), c)
		}
		if flow {
			n.Style = yaml.FlowStyle
		}
		return n, nil
	}
	return nil, fmt.Errorf("%s: cannot encode Go type %s", path, v.Type())
}
