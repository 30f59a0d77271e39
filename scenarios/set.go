package scenarios

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

var bracketIndex = regexp.MustCompile(`\[(\d*)\]`)

// applySet applies one override "key.path=value" to the mapping root and returns the new root.
// Path segments are mapping keys or sequence indices ("cluster.host_groups.0.count"; "[0]" is
// accepted too). Missing mapping keys are created; the value is parsed as YAML, so it may be a
// scalar ("20/s"), a flow sequence ("[1, 2]") or a flow mapping ("{model: linear}"). The nodes
// of the file are never modified: every node on the path is copied, so anchors that other
// parts of the file alias keep their values. Nodes made here are recorded in origin.
func applySet(root *yaml.Node, arg string, origin map[*yaml.Node]string) (*yaml.Node, error) {
	bad := func(format string, a ...any) error {
		return &InputError{Pos: "--set " + arg, Msg: fmt.Sprintf(format, a...)}
	}
	key, val, ok := strings.Cut(arg, "=")
	if !ok {
		return nil, bad("expected key.path=value, e.g. --set scheduler.placement=worst-fit")
	}
	key = strings.TrimSpace(bracketIndex.ReplaceAllString(key, ".$1"))
	if key == "" {
		return nil, bad("empty key path before '='")
	}
	segs := strings.Split(key, ".")
	for _, s := range segs {
		if s == "" {
			return nil, bad("empty segment in key path %q", key)
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(val), &doc); err != nil {
		return nil, bad("invalid value %q: %s", val, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	value := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"} // empty value: null, i.e. use the default
	if len(doc.Content) > 0 {
		value = doc.Content[0]
	}
	mark(value, arg, origin)

	// cp returns a shallow copy of n (aliases resolved, null turned into an empty mapping) whose
	// Content slice is its own, so that it can be modified.
	cp := func(n *yaml.Node) *yaml.Node {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		c := *n
		c.Anchor = ""
		c.Content = append([]*yaml.Node(nil), n.Content...)
		if o, ok := origin[n]; ok {
			origin[&c] = o
		}
		if isNull(n) {
			c = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column}
			origin[&c] = arg
		}
		return &c
	}
	root = cp(root)
	cur := root
	for i, seg := range segs {
		here, last := strings.Join(segs[:i], "."), i == len(segs)-1
		if here == "" {
			here = "the top level"
		}
		var slot **yaml.Node // where the child lives in cur.Content
		switch cur.Kind {
		case yaml.MappingNode:
			for j := 0; j+1 < len(cur.Content); j += 2 {
				if k := cur.Content[j]; k.Kind == yaml.ScalarNode && k.Value == seg && k.ShortTag() != "!!merge" {
					slot = &cur.Content[j+1]
				}
			}
			if slot == nil {
				k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: seg}
				origin[k] = arg
				child := mergedValue(cur, seg) // a key inherited through "<<" is copied, then modified
				if child == nil {
					child = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
					origin[child] = arg
				}
				cur.Content = append(cur.Content, k, child)
				slot = &cur.Content[len(cur.Content)-1]
			}
		case yaml.SequenceNode:
			n, err := strconv.Atoi(seg)
			if err != nil {
				return nil, bad("%s is a sequence; expected an index 0..%d, got %q", here, len(cur.Content)-1, seg)
			}
			if n < 0 || n >= len(cur.Content) {
				return nil, bad("index %d out of range in %s (%d elements)", n, here, len(cur.Content))
			}
			slot = &cur.Content[n]
		default:
			return nil, bad("%s is the value %q, not a mapping or sequence, so it has no %q", here, cur.Value, seg)
		}
		if last {
			*slot = value
		} else {
			*slot = cp(*slot)
			cur = *slot
		}
	}
	return root, nil
}

// mergedValue returns the value of key inherited by mapping m through merge keys, or nil.
func mergedValue(m *yaml.Node, key string) *yaml.Node {
	for j := 0; j+1 < len(m.Content); j += 2 {
		if m.Content[j].ShortTag() != "!!merge" {
			continue
		}
		srcs := []*yaml.Node{m.Content[j+1]}
		if srcs[0].Kind == yaml.SequenceNode {
			srcs = srcs[0].Content
		}
		for _, src := range srcs {
			if src.Kind == yaml.AliasNode && src.Alias != nil {
				src = src.Alias
			}
			for k := 0; src.Kind == yaml.MappingNode && k+1 < len(src.Content); k += 2 {
				if src.Content[k].Value == key && src.Content[k].ShortTag() != "!!merge" {
					return src.Content[k+1]
				}
			}
		}
	}
	return nil
}

// mark records every node of a --set value as coming from arg.
func mark(n *yaml.Node, arg string, origin map[*yaml.Node]string) {
	origin[n] = arg
	for _, c := range n.Content {
		mark(c, arg, origin)
	}
}
