package scenarios

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// source records where a scenario came from: the file name used in messages and the position
// of every key that was given, by key path ("cluster.host_groups[0].count").
type source struct {
	file string
	dir  string // folder that relative data paths resolve against ("" = the current directory)
	pos  map[string]string
	// traces holds the resolved path of each workload.traces[i] (see resolvePaths); the
	// scenario keeps each path as written, so that YAML() does not depend on the machine.
	traces []string
}

// Pos returns where the value at a key path such as "cluster.host_groups[0].count" was given:
// "file:line:col", or "--set key=value" for an override. For a key that was not given (e.g.
// filled in by a default) it returns the position of the nearest enclosing key that was, else
// the file name; "" for a Scenario that was not parsed.
func (s *Scenario) Pos(path string) string {
	if s.src == nil {
		return ""
	}
	for {
		if p, ok := s.src.pos[path]; ok {
			return p
		}
		if path == "" {
			return s.src.file
		}
		path = parentPath(path)
	}
}

// given reports whether the key at path was present (and not null) in the input.
func (s *Scenario) given(path string) bool {
	if s.src == nil {
		return false
	}
	_, ok := s.src.pos[path]
	return ok
}

// parentPath strips the last ".key" or "[i]" from a key path.
func parentPath(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return ""
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Limits that keep hostile input (alias bombs, deep nesting) cheap.
const (
	maxNodes = 1 << 20 // nodes visited while decoding, aliases counted at each use
	maxDepth = 64
)

// decoder walks a yaml.Node tree against a Go type by reflection, collecting every problem.
type decoder struct {
	file   string
	origin map[*yaml.Node]string // nodes made by --set → the --set argument
	pos    map[string]string
	errs   []error
	budget int
}

// where is the position of n in messages.
func (d *decoder) where(n *yaml.Node) string {
	if o, ok := d.origin[n]; ok {
		return "--set " + o
	}
	return fmt.Sprintf("%s:%d:%d", d.file, n.Line, n.Column)
}

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, inputErr(d.where(n), path, format, args...))
}

// spend charges one node against the budget; false means decoding must stop.
func (d *decoder) spend(n *yaml.Node, depth int) bool {
	d.budget--
	if d.budget == 0 || depth == maxDepth {
		d.errorf(n, "", "document too large or too deeply nested (aliases count at every use)")
		d.budget = 0
	}
	return d.budget > 0 && depth < maxDepth
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// describe names a node's kind in messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a sequence"
	}
	return strconv.Quote(n.Value)
}

// decode stores node n into v, the value at key path.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string, depth int) {
	if !d.spend(n, depth) {
		return
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			d.errorf(n, path, "unknown alias %q", n.Value)
			return
		}
		n = n.Alias
	}
	if isNull(n) {
		return // absent: leave the zero value, ApplyDefaults fills it in
	}
	if path != "" {
		d.pos[path] = d.where(n)
	}
	if reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
		if n.Kind != yaml.ScalarNode {
			d.errorf(n, path, "expected a %s, got %s", typeName(v.Type()), describe(n))
		} else if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.errorf(n, path, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		d.decode(n, p.Elem(), path, depth)
		v.Set(p)
		return
	case reflect.Struct:
		d.decodeStruct(n, v, path, depth)
		return
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.errorf(n, path, "expected a sequence ([a, b, ...] or lines starting with \"- \"), got %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
		v.Set(s)
		return
	}
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, path, "expected %s, got %s", typeName(v.Type()), describe(n))
		return
	}
	tag, text := n.ShortTag(), strings.ReplaceAll(n.Value, "_", "")
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.Value)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(text, 0, 64)
		if tag != "!!int" || err != nil || v.OverflowInt(i) {
			d.errorf(n, path, "expected %s, got %s", typeName(v.Type()), describe(n))
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, err := strconv.ParseUint(text, 0, 64)
		if tag != "!!int" || err != nil || v.OverflowUint(u) {
			d.errorf(n, path, "expected %s, got %s", typeName(v.Type()), describe(n))
			return
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(text, 64)
		if (tag != "!!int" && tag != "!!float") || err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			d.errorf(n, path, "expected %s, got %s", typeName(v.Type()), describe(n))
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		b, err := strconv.ParseBool(n.Value)
		if tag != "!!bool" || err != nil {
			d.errorf(n, path, "expected %s, got %s", typeName(v.Type()), describe(n))
			return
		}
		v.SetBool(b)
	default:
		d.errorf(n, path, "cannot decode into Go type %s", v.Type()) // a bug in spec types, not in input
	}
}

// typeName describes a Go type as the value a user must write.
func typeName(t reflect.Type) string {
	switch t.String() {
	case "units.Duration":
		return `duration (e.g. "30s", "1h30m")`
	case "units.Bytes":
		return `size (e.g. "64 GiB")`
	case "units.CPU":
		return `CPU amount (e.g. "4" cores or "500m")`
	case "units.Power":
		return `power (e.g. "300 W")`
	case "units.Rate":
		return `rate (e.g. "10/s")`
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a finite number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Struct:
		return "a mapping"
	}
	return t.String()
}

// field is one yaml-tagged field of a struct.
type field struct {
	name  string
	index int
}

// fieldsOf lists the yaml-tagged exported fields of a struct type, in declaration order.
func fieldsOf(t reflect.Type) []field {
	var fs []field
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.IsExported() && name != "" && name != "-" {
			fs = append(fs, field{name, i})
		}
	}
	return fs
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping (key: value lines or {key: value}), got %s", describe(n))
		return
	}
	fs := fieldsOf(v.Type())
	for _, kv := range d.pairs(n, path, depth) {
		key := kv[0].Value
		i := fieldIndex(fs, key)
		if i < 0 {
			names := make([]string, len(fs))
			for j, f := range fs {
				names[j] = f.name
			}
			msg := fmt.Sprintf("unknown key %q %s", key, inMapping(path))
			if s := suggest(key, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (known keys: " + strings.Join(names, ", ") + ")"
			}
			d.errs = append(d.errs, &InputError{Pos: d.where(kv[0]), Path: joinPath(path, key), Msg: msg})
			continue
		}
		d.decode(kv[1], v.Field(fs[i].index), joinPath(path, key), depth+1)
	}
}

func fieldIndex(fs []field, name string) int {
	for i, f := range fs {
		if f.name == name {
			return i
		}
	}
	return -1
}

// inMapping names a mapping in messages.
func inMapping(path string) string {
	if path == "" {
		return "at the top level"
	}
	return "in " + path
}

// pairs returns the key/value pairs of mapping n, with merge keys ("<<: *base") resolved
// (explicit keys win over merged ones, earlier merge sources over later ones). Duplicate and
// non-scalar keys are reported.
func (d *decoder) pairs(n *yaml.Node, path string, depth int) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	seen := map[string]*yaml.Node{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge":
			merges = append(merges, v)
		case k.Kind != yaml.ScalarNode:
			d.errorf(k, path, "keys must be plain names, got %s", describe(k))
		case seen[k.Value] != nil:
			d.errs = append(d.errs, &InputError{Pos: d.where(k), Path: joinPath(path, k.Value),
				Msg: fmt.Sprintf("duplicate key %q %s (first given at %s)", k.Value, inMapping(path), d.where(seen[k.Value]))})
		default:
			seen[k.Value] = k
			out = append(out, [2]*yaml.Node{k, v})
		}
	}
	for _, m := range merges {
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, src := range srcs {
			if !d.spend(src, depth+1) {
				return out
			}
			if src.Kind == yaml.AliasNode && src.Alias != nil {
				src = src.Alias
			}
			if src.Kind != yaml.MappingNode {
				d.errorf(src, path, "the value of a merge key (<<) must be a mapping or an alias of one, got %s", describe(src))
				continue
			}
			for _, kv := range d.pairs(src, path, depth+1) {
				if seen[kv[0].Value] == nil {
					seen[kv[0].Value] = kv[0]
					out = append(out, kv)
				}
			}
		}
	}
	return out
}

// suggest returns the known name closest to key (by edit distance, or sharing a prefix of at
// least three characters), or "" if none is close.
func suggest(key string, known []string) string {
	lk := strings.ToLower(key)
	best, bestD, bestP := "", math.MaxInt, 0
	for _, k := range known {
		d, p := editDistance(lk, k), commonPrefix(lk, k)
		if d < bestD || (d == bestD && p > bestP) { // ties: the longer shared prefix ("gpu" → "gpus")
			best, bestD, bestP = k, d, p
		}
	}
	if bestD <= max(2, len(key)/3) {
		return best
	}
	best = ""
	for _, k := range known {
		if min(len(k), len(lk)) >= 3 && (strings.HasPrefix(lk, k) || strings.HasPrefix(k, lk)) && len(k) > len(best) {
			best = k
		}
	}
	return best
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML parses one YAML document into its root node. The yaml library's own syntax errors
// become *InputError with the file and line.
func parseYAML(file string, data []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil { // never let a parser bug on hostile input crash the CLI
			root, err = nil, &InputError{Pos: file, Msg: fmt.Sprintf("malformed YAML (%v)", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc, extra yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &InputError{Pos: file, Msg: "empty scenario (expected a mapping with keys such as cluster and workload)"}
		}
		return nil, yamlError(file, err)
	}
	if err := dec.Decode(&extra); err == nil {
		return nil, &InputError{Pos: fmt.Sprintf("%s:%d:%d", file, extra.Line, extra.Column),
			Msg: "more than one YAML document (\"---\"); a scenario file holds exactly one"}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(file, err)
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		return nil, &InputError{Pos: file, Msg: "empty scenario (expected a mapping with keys such as cluster and workload)"}
	}
	root = doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &InputError{Pos: fmt.Sprintf("%s:%d:%d", file, root.Line, root.Column),
			Msg: fmt.Sprintf("the top level must be a mapping (name: ..., cluster: ..., workload: ...), got %s", describe(root))}
	}
	return root, nil
}

func yamlError(file string, err error) error {
	msg := err.Error()
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		return &InputError{Pos: file + ":" + m[1], Msg: "invalid YAML: " + m[2]}
	}
	return &InputError{Pos: file, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// decodeScenario parses data, applies the --set overrides and decodes the result, without
// defaults or validation.
func decodeScenario(file string, data []byte, sets []string) (*Scenario, error) {
	root, err := parseYAML(file, data)
	if err != nil {
		return nil, err
	}
	d := &decoder{file: file, origin: map[*yaml.Node]string{}, pos: map[string]string{}, budget: maxNodes}
	var errs []error
	for _, set := range sets {
		if root, err = applySet(root, set, d.origin); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, joinErrs(errs)
	}
	s := &Scenario{}
	d.decode(root, reflect.ValueOf(s).Elem(), "", 0)
	if len(d.errs) > 0 {
		return nil, joinErrs(d.errs)
	}
	s.src = &source{file: file, pos: d.pos}
	return s, nil
}

// fileStem is the file name without directory and extension ("runs/a.yaml" → "a").
func fileStem(file string) string {
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}
