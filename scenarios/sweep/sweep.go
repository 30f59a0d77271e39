// Package sweep defines dcsim's sweep files — a base scenario, axes of scenario keys with lists
// of values, zipped axes and a number of seeds — and runs them: in parallel, resumably, and
// sliced into shards for several machines.
//
// A sweep file:
//
//	name: placement-vs-size          # optional; default: the file's name
//	base: default                    # built-in scenario or scenario file (relative to this file)
//	seed: 1                          # root seed; default: the base scenario's seed
//	seeds: 3                         # replicates per configuration: seeds seed, seed+1, seed+2
//	set:                             # overrides applied to every run
//	  horizon: 2h
//	axes:                            # cartesian product; the first axis varies slowest
//	  scheduler.placement: [first-fit, best-fit]
//	  cluster.host_groups.0.count: [400, 500]
//	zip:                             # groups of keys varied together (lists of equal length)
//	  - scheduler.queue: [fcfs, easy]
//	    scheduler.max_retries: [0, 3]
//
// Expansion order: the axes in file order (the first slowest), then each zip group, then the
// replicate (fastest). Every run's id is derived from its parameter values and its seed only,
// and replicate k always gets the same seed, so a run's result never depends on the other runs
// of the sweep — and configurations share seeds (common random numbers), which makes their
// comparison sharper.
package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
)

// MaxRuns bounds the size of a sweep's expansion, so that a typo (an axis of 10^6 values) is an
// error rather than an afternoon.
const MaxRuns = 1_000_000

// Sweep is a parsed sweep file.
type Sweep struct {
	Name    string
	Base    string   // built-in name or scenario file path (resolved against the sweep file's folder)
	Seed    *uint64  // root seed; nil: the base scenario's
	Seeds   []uint64 // explicit seeds; nil: Count replicates from the root seed
	Count   int      // replicates when Seeds is nil (default 1)
	Set     []string // fixed "key=value" overrides, in file order
	Axes    []Axis   // product axes, in file order
	Zips    [][]Axis // zipped groups
	Source  []byte   // the file as given (written to the sweep folder and into summary metadata)
	File    string   // the file name, for messages ("" when built from flags only)
	baseDir string
}

// Axis is one scenario key and its values, as YAML text.
type Axis struct {
	Key    string
	Values []string
	Kinds  []string // YAML tag of each value: !!int, !!float, !!bool, !!str, !!null, or "" for non-scalars
	Pos    string   // file:line of the key, for messages
}

// Run is one run of an expanded sweep.
type Run struct {
	Index     int      // position in the expansion order
	ID        string   // stable id: "r" + 12 hex digits of SHA-256 over the parameters and seed
	Replicate int      // seed index within its configuration
	Seed      uint64   // the run's root seed
	Params    []string // values of the parameter columns (Plan.Params), as YAML text
	Sets      []string // every override of the run: the sweep's set, then its parameters, then seed
}

// Plan is an expanded sweep.
type Plan struct {
	Sweep  *Sweep
	Params []results.ParamColumn
	Runs   []Run
	Hash   string // SHA-256 of the expansion (ids, parameters, seeds, base and fixed overrides)
	Root   uint64 // root seed

	configs sync.Map // configuration key → *config: each configuration is resolved once
}

// config is one configuration's resolved scenario (all its replicates share it; they differ
// only in the seed).
type config struct {
	once sync.Once
	sc   *scenarios.Scenario
	err  error
}

func inputErr(pos, format string, a ...any) error {
	return &scenarios.InputError{Pos: pos, Msg: fmt.Sprintf(format, a...)}
}

// Parse parses a sweep file. name is its path, used in messages and to resolve a relative base
// scenario path. Errors match scenarios.ErrInput and name file:line.
func Parse(name string, data []byte) (*Sweep, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, inputErr(name, "invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	sw := &Sweep{Source: append([]byte(nil), data...), File: name, Count: 1, baseDir: filepath.Dir(name)}
	if len(doc.Content) == 0 {
		return nil, inputErr(name, "empty sweep file: expected at least 'base:'")
	}
	root := doc.Content[0]
	pos := func(n *yaml.Node) string { return fmt.Sprintf("%s:%d:%d", name, n.Line, n.Column) }
	if root.Kind != yaml.MappingNode {
		return nil, inputErr(pos(root), "a sweep file is a mapping with keys base, name, seed, seeds, set, axes, zip")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			return nil, inputErr(pos(k), "key %q given twice", k.Value)
		}
		seen[k.Value] = true
		switch k.Value {
		case "name":
			sw.Name = v.Value
		case "base":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				return nil, inputErr(pos(v), "base: want a built-in scenario name or a scenario file path")
			}
			sw.Base = v.Value
		case "seed":
			s, err := strconv.ParseUint(v.Value, 10, 64)
			if err != nil || v.Kind != yaml.ScalarNode {
				return nil, inputErr(pos(v), "seed: want a non-negative integer, got %q", v.Value)
			}
			sw.Seed = &s
		case "seeds":
			switch v.Kind {
			case yaml.ScalarNode:
				n, err := strconv.Atoi(v.Value)
				if err != nil || n < 1 {
					return nil, inputErr(pos(v), "seeds: want a number of replicates >= 1 or a list of seeds, got %q", v.Value)
				}
				sw.Count = n
			case yaml.SequenceNode:
				if len(v.Content) == 0 {
					return nil, inputErr(pos(v), "seeds: empty list")
				}
				dup := map[uint64]bool{}
				for _, e := range v.Content {
					s, err := strconv.ParseUint(e.Value, 10, 64)
					if err != nil || e.Kind != yaml.ScalarNode {
						return nil, inputErr(pos(e), "seeds: want non-negative integers, got %q", e.Value)
					}
					if dup[s] {
						return nil, inputErr(pos(e), "seeds: %d given twice", s)
					}
					dup[s] = true
					sw.Seeds = append(sw.Seeds, s)
				}
				sw.Count = len(sw.Seeds)
			default:
				return nil, inputErr(pos(v), "seeds: want a number or a list")
			}
		case "set":
			if v.Kind != yaml.MappingNode {
				return nil, inputErr(pos(v), "set: want a mapping of scenario key paths to values")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				txt, _, err := valueText(v.Content[j+1])
				if err != nil {
					return nil, inputErr(pos(v.Content[j+1]), "set.%s: %v", v.Content[j].Value, err)
				}
				sw.Set = append(sw.Set, v.Content[j].Value+"="+txt)
			}
		case "axes":
			if v.Kind != yaml.MappingNode {
				return nil, inputErr(pos(v), "axes: want a mapping of scenario key paths to lists of values")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				a, err := parseAxis(v.Content[j], v.Content[j+1], pos, "axes")
				if err != nil {
					return nil, err
				}
				sw.Axes = append(sw.Axes, a)
			}
		case "zip":
			if v.Kind != yaml.SequenceNode {
				return nil, inputErr(pos(v), "zip: want a list of groups, each a mapping of keys to lists of equal length")
			}
			for _, g := range v.Content {
				if g.Kind != yaml.MappingNode || len(g.Content) == 0 {
					return nil, inputErr(pos(g), "zip: each group is a mapping of scenario key paths to lists of equal length")
				}
				var grp []Axis
				for j := 0; j+1 < len(g.Content); j += 2 {
					a, err := parseAxis(g.Content[j], g.Content[j+1], pos, "zip")
					if err != nil {
						return nil, err
					}
					if len(grp) > 0 && len(a.Values) != len(grp[0].Values) {
						return nil, inputErr(a.Pos, "zip: %s has %d values but %s has %d; zipped lists must have equal length",
							a.Key, len(a.Values), grp[0].Key, len(grp[0].Values))
					}
					grp = append(grp, a)
				}
				sw.Zips = append(sw.Zips, grp)
			}
		default:
			return nil, inputErr(pos(k), "unknown key %q (sweep keys: name, base, seed, seeds, set, axes, zip)", k.Value)
		}
	}
	if sw.Base == "" {
		return nil, inputErr(name, "base: missing; name the scenario the sweep varies (a built-in or a file)")
	}
	if sw.Name == "" {
		sw.Name = strings.TrimSuffix(strings.TrimSuffix(filepath.Base(name), ".yaml"), ".yml")
	}
	return sw, sw.check()
}

// check rejects keys given twice across axes, zip groups and set, and the reserved key seed.
func (sw *Sweep) check() error {
	where := map[string]string{}
	for _, s := range sw.Set {
		k, _, _ := strings.Cut(s, "=")
		where[normKey(k)] = "set"
	}
	for _, a := range sw.allAxes() {
		k := normKey(a.Key)
		if k == "seed" {
			return inputErr(a.Pos, "seed cannot be an axis: use 'seeds: N' or 'seeds: [list]'")
		}
		if w, ok := where[k]; ok {
			return inputErr(a.Pos, "%s is varied here and also given in %s", a.Key, w)
		}
		where[k] = "another axis"
	}
	n := sw.Count
	for _, a := range sw.Axes {
		n *= len(a.Values)
		if n > MaxRuns {
			return inputErr(sw.File, "the sweep expands to more than %d runs", MaxRuns)
		}
	}
	for _, g := range sw.Zips {
		n *= len(g[0].Values)
		if n > MaxRuns {
			return inputErr(sw.File, "the sweep expands to more than %d runs", MaxRuns)
		}
	}
	return nil
}

func normKey(k string) string {
	k = strings.TrimSpace(k)
	k = strings.NewReplacer("[", ".", "]", "").Replace(k)
	return k
}

func (sw *Sweep) allAxes() []Axis {
	all := append([]Axis(nil), sw.Axes...)
	for _, g := range sw.Zips {
		all = append(all, g...)
	}
	return all
}

func parseAxis(k, v *yaml.Node, pos func(*yaml.Node) string, section string) (Axis, error) {
	a := Axis{Key: normKey(k.Value), Pos: pos(k)}
	if a.Key == "" {
		return a, inputErr(pos(k), "%s: empty key", section)
	}
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		return a, inputErr(pos(v), "%s.%s: want a non-empty list of values, e.g. [a, b]", section, a.Key)
	}
	seen := map[string]bool{}
	for _, e := range v.Content {
		txt, kind, err := valueText(e)
		if err != nil {
			return a, inputErr(pos(e), "%s.%s: %v", section, a.Key, err)
		}
		if seen[txt] {
			return a, inputErr(pos(e), "%s.%s: value %s given twice", section, a.Key, txt)
		}
		seen[txt] = true
		a.Values = append(a.Values, txt)
		a.Kinds = append(a.Kinds, kind)
	}
	return a, nil
}

// valueText renders a YAML value as the text of a --set override (flow style for sequences
// and mappings) and returns its tag ("" for non-scalars).
func valueText(n *yaml.Node) (string, string, error) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode {
		tag := n.ShortTag()
		if tag == "!!str" {
			// Quote a string that YAML would read as something else (e.g. "400" or "true").
			var probe yaml.Node
			if yaml.Unmarshal([]byte(n.Value), &probe) != nil || len(probe.Content) != 1 ||
				probe.Content[0].ShortTag() != "!!str" || probe.Content[0].Value != n.Value || strings.ContainsAny(n.Value, "\n#") {
				b, err := yaml.Marshal(n.Value)
				if err != nil {
					return "", "", err
				}
				return strings.TrimSpace(string(b)), tag, nil
			}
		}
		return n.Value, tag, nil
	}
	c := *n
	setFlow(&c)
	b, err := yaml.Marshal(&c)
	if err != nil {
		return "", "", err
	}
	return strings.TrimSpace(string(b)), "", nil
}

func setFlow(n *yaml.Node) {
	n.Style |= yaml.FlowStyle
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for i, c := range n.Content {
		cc := *c
		setFlow(&cc)
		n.Content[i] = &cc
	}
}

// kindOf is the column type of an axis: int64 if every value is a YAML integer, float64 if every
// value is a number, bool if every value is a boolean, else utf8.
func kindOf(a Axis) results.ParamKind {
	all := func(ok func(string) bool) bool {
		for _, k := range a.Kinds {
			if !ok(k) {
				return false
			}
		}
		return true
	}
	switch {
	case all(func(k string) bool { return k == "!!int" }):
		for _, v := range a.Values {
			if _, err := strconv.ParseInt(v, 0, 64); err != nil {
				return results.ParamString
			}
		}
		return results.ParamInt
	case all(func(k string) bool { return k == "!!int" || k == "!!float" }):
		for _, v := range a.Values {
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return results.ParamString
			}
		}
		return results.ParamFloat
	case all(func(k string) bool { return k == "!!bool" }):
		for _, v := range a.Values {
			if _, err := strconv.ParseBool(v); err != nil {
				return results.ParamString
			}
		}
		return results.ParamBool
	}
	return results.ParamString
}

// BasePath is the base scenario argument as scenarios.Resolve takes it: a built-in name, or a
// file path resolved against the sweep file's folder.
func (sw *Sweep) BasePath() string {
	b := sw.Base
	if filepath.IsAbs(b) || sw.File == "" {
		return b
	}
	if strings.ContainsAny(b, `/\`) || strings.HasSuffix(b, ".yaml") || strings.HasSuffix(b, ".yml") {
		return filepath.Join(sw.baseDir, b)
	}
	return b
}

// seedOf returns replicate k's seed.
func (sw *Sweep) seedOf(root uint64, k int) uint64 {
	if sw.Seeds != nil {
		return sw.Seeds[k]
	}
	return root + uint64(k)
}

// Expand resolves the base scenario (to check it and to learn its seed) and expands the sweep
// into its runs.
func (sw *Sweep) Expand() (*Plan, error) {
	base, err := scenarios.Resolve(sw.BasePath(), sw.Set)
	if err != nil {
		return nil, err
	}
	root := base.Seed
	if sw.Seed != nil {
		root = *sw.Seed
	}
	p := &Plan{Sweep: sw, Root: root}
	var axes []Axis
	for _, a := range sw.allAxes() {
		axes = append(axes, a)
		p.Params = append(p.Params, results.ParamColumn{Name: a.Key, Kind: kindOf(a)})
	}
	// Dimensions: each product axis, then each zip group.
	dims := make([]int, 0, len(sw.Axes)+len(sw.Zips))
	for _, a := range sw.Axes {
		dims = append(dims, len(a.Values))
	}
	for _, g := range sw.Zips {
		dims = append(dims, len(g[0].Values))
	}
	combos := 1
	for _, d := range dims {
		combos *= d
	}
	idx := make([]int, len(dims))
	ids := map[string]int{}
	h := sha256.New()
	fmt.Fprintf(h, "dcsim-sweep/1\nbase=%s\n", sw.Base)
	for _, s := range sw.Set {
		fmt.Fprintf(h, "set %s\n", s)
	}
	for c := 0; c < combos; c++ {
		// idx: mixed-radix digits of c, the first dimension most significant.
		rem := c
		for d := len(dims) - 1; d >= 0; d-- {
			idx[d] = rem % dims[d]
			rem /= dims[d]
		}
		params := make([]string, 0, len(axes))
		for d, a := range sw.Axes {
			params = append(params, a.Values[idx[d]])
		}
		for g, grp := range sw.Zips {
			for _, a := range grp {
				params = append(params, a.Values[idx[len(sw.Axes)+g]])
			}
		}
		for k := 0; k < sw.Count; k++ {
			seed := sw.seedOf(root, k)
			r := Run{Index: len(p.Runs), Replicate: k, Seed: seed, Params: params}
			r.ID = runID(axes, params, seed)
			if j, dup := ids[r.ID]; dup {
				return nil, inputErr(sw.File, "runs %d and %d have the same parameters and seed", j, r.Index)
			}
			ids[r.ID] = r.Index
			r.Sets = make([]string, 0, len(sw.Set)+len(axes)+1)
			r.Sets = append(r.Sets, sw.Set...)
			for i, a := range axes {
				r.Sets = append(r.Sets, a.Key+"="+params[i])
			}
			r.Sets = append(r.Sets, "seed="+strconv.FormatUint(seed, 10))
			fmt.Fprintf(h, "%s %d %d %s\n", r.ID, r.Replicate, r.Seed, strings.Join(params, "\x1f"))
			p.Runs = append(p.Runs, r)
		}
	}
	p.Hash = hex.EncodeToString(h.Sum(nil))
	return p, nil
}

// runID hashes the run's parameters (sorted by key, so that reordering axes keeps ids) and seed.
func runID(axes []Axis, params []string, seed uint64) string {
	kv := make([]string, len(axes))
	for i, a := range axes {
		kv[i] = a.Key + "=" + params[i]
	}
	sort.Strings(kv)
	h := sha256.New()
	fmt.Fprintf(h, "dcsim-run/1\n")
	for _, s := range kv {
		fmt.Fprintf(h, "%s\n", s)
	}
	fmt.Fprintf(h, "seed=%d\n", seed)
	return "r" + hex.EncodeToString(h.Sum(nil))[:12]
}

// Shard returns the runs of shard i of n: those whose expansion index is i modulo n, so that
// every configuration's replicates and every axis value spread evenly over the shards.
func (p *Plan) Shard(i, n int) []Run {
	var out []Run
	for _, r := range p.Runs {
		if r.Index%n == i {
			out = append(out, r)
		}
	}
	return out
}

// FromFlags builds a sweep over base (a built-in name or scenario file) from command-line
// axes ("key=v1,v2,..." or "key=[v1, v2]"), fixed overrides and a replicate count.
func FromFlags(base string, axes, sets []string, seeds int) (*Sweep, error) {
	sw := &Sweep{Base: base, Name: strings.TrimSuffix(strings.TrimSuffix(filepath.Base(base), ".yaml"), ".yml"), Count: 1}
	if err := sw.AddFlags(axes, sets, seeds); err != nil {
		return nil, err
	}
	return sw, nil
}

// AddFlags adds command-line axes and overrides to the sweep and, if seeds > 0, sets the number
// of replicates. The sweep's Source becomes its canonical YAML, so that the sweep folder records
// what really ran.
func (sw *Sweep) AddFlags(axes, sets []string, seeds int) error {
	if len(axes) == 0 && len(sets) == 0 && seeds <= 0 && sw.Source != nil {
		return nil
	}
	for _, s := range sets {
		if !strings.Contains(s, "=") {
			return inputErr("--set "+s, "expected key.path=value")
		}
		sw.Set = append(sw.Set, s)
	}
	for _, a := range axes {
		k, v, ok := strings.Cut(a, "=")
		if !ok || strings.TrimSpace(k) == "" || v == "" {
			return inputErr("--axis "+a, "expected key.path=v1,v2,... or key.path=[v1, v2]")
		}
		if !strings.HasPrefix(strings.TrimSpace(v), "[") {
			v = "[" + v + "]"
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(k+": "+v), &doc); err != nil || len(doc.Content) == 0 || len(doc.Content[0].Content) != 2 {
			return inputErr("--axis "+a, "invalid value list %q", v)
		}
		pos := func(*yaml.Node) string { return "--axis " + a }
		ax, err := parseAxis(doc.Content[0].Content[0], doc.Content[0].Content[1], pos, "axis")
		if err != nil {
			return err
		}
		ax.Key = normKey(k)
		sw.Axes = append(sw.Axes, ax)
	}
	if seeds > 0 {
		sw.Count, sw.Seeds = seeds, nil
	}
	if err := sw.check(); err != nil {
		return err
	}
	sw.Source = sw.Canonical()
	return nil
}

// Canonical renders the sweep as a sweep file.
func (sw *Sweep) Canonical() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "name: %s\nbase: %s\n", yamlScalar(sw.Name), yamlScalar(sw.Base))
	if sw.Seed != nil {
		fmt.Fprintf(&b, "seed: %d\n", *sw.Seed)
	}
	if sw.Seeds != nil {
		parts := make([]string, len(sw.Seeds))
		for i, s := range sw.Seeds {
			parts[i] = strconv.FormatUint(s, 10)
		}
		fmt.Fprintf(&b, "seeds: [%s]\n", strings.Join(parts, ", "))
	} else {
		fmt.Fprintf(&b, "seeds: %d\n", sw.Count)
	}
	if len(sw.Set) > 0 {
		b.WriteString("set:\n")
		for _, s := range sw.Set {
			k, v, _ := strings.Cut(s, "=")
			fmt.Fprintf(&b, "  %s: %s\n", yamlScalar(k), v)
		}
	}
	if len(sw.Axes) > 0 {
		b.WriteString("axes:\n")
		for _, a := range sw.Axes {
			fmt.Fprintf(&b, "  %s: [%s]\n", yamlScalar(a.Key), strings.Join(a.Values, ", "))
		}
	}
	if len(sw.Zips) > 0 {
		b.WriteString("zip:\n")
		for _, g := range sw.Zips {
			for i, a := range g {
				lead := "    "
				if i == 0 {
					lead = "  - "
				}
				fmt.Fprintf(&b, "%s%s: [%s]\n", lead, yamlScalar(a.Key), strings.Join(a.Values, ", "))
			}
		}
	}
	return []byte(b.String())
}

func yamlScalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return strconv.Quote(s)
	}
	return strings.TrimSpace(string(out))
}

// IsSweepFile reports whether data is a sweep file (a mapping with a top-level 'base' key)
// rather than a scenario.
func IsSweepFile(data []byte) bool {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "base" {
			return true
		}
	}
	return false
}
