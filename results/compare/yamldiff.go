package compare

import (
	"fmt"
	"sort"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// maxYAMLDiffs bounds the scenario differences listed for two run folders.
const maxYAMLDiffs = 12

// scenarioDiff lists the keys whose values differ between two resolved scenarios (the
// dcsim.scenario_yaml metadata of two run folders), as key paths in the --set syntax
// ("scheduler.placement", "cluster.host_groups.0.count"), sorted, at most maxYAMLDiffs of them
// (more reports that there were more). A key missing on one side has the empty value. Keys for
// which skip is true are left out. Either document failing to parse gives no differences.
func scenarioDiff(base, cand string, skip func(string) bool) (diffs []Difference, more bool) {
	if base == "" || cand == "" || base == cand {
		return nil, false
	}
	var a, b any
	if yaml.Unmarshal([]byte(base), &a) != nil || yaml.Unmarshal([]byte(cand), &b) != nil {
		return nil, false
	}
	fa, fb := map[string]string{}, map[string]string{}
	flatten("", a, fa)
	flatten("", b, fb)
	keys := make([]string, 0, len(fa)+len(fb))
	for k := range fa {
		keys = append(keys, k)
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if fa[k] == fb[k] || skip != nil && skip(k) {
			continue
		}
		if len(diffs) == maxYAMLDiffs {
			return diffs, true
		}
		diffs = append(diffs, Difference{Key: k, Base: fa[k], Candidate: fb[k]})
	}
	return diffs, false
}

// flatten records every scalar of a decoded YAML document under its dotted key path.
func flatten(prefix string, v any, out map[string]string) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			flatten(join(k), x, out)
		}
	case map[any]any:
		for k, x := range v {
			flatten(join(fmt.Sprint(k)), x, out)
		}
	case []any:
		for i, x := range v {
			flatten(join(strconv.Itoa(i)), x, out)
		}
		if len(v) == 0 {
			out[prefix] = "[]"
		}
	case nil:
		out[prefix] = "null"
	default:
		out[prefix] = fmt.Sprint(v)
	}
}
