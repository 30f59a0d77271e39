package sweep

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/policy"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
)

func init() { scenarios.KnownPolicy = policy.Known }

const small = `name: small
base: default
seeds: 2
set:
  horizon: 20m
axes:
  scheduler.placement: [first-fit, best-fit]
  cluster.host_groups.0.count: [300, 400]
zip:
  - scheduler.queue: [fcfs, sjf]
    scheduler.max_retries: [0, 2]
`

func mustExpand(t *testing.T, src string) *Plan {
	t.Helper()
	sw, err := Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := sw.Expand()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExpandOrderAndKinds(t *testing.T) {
	p := mustExpand(t, small)
	if len(p.Runs) != 2*2*2*2 {
		t.Fatalf("%d runs, want 16", len(p.Runs))
	}
	wantParams := []results.ParamColumn{{Name: "scheduler.placement", Kind: results.ParamString}, {Name: "cluster.host_groups.0.count", Kind: results.ParamInt},
		{Name: "scheduler.queue", Kind: results.ParamString}, {Name: "scheduler.max_retries", Kind: results.ParamInt}}
	if !reflect.DeepEqual(p.Params, wantParams) {
		t.Errorf("params %v", p.Params)
	}
	// The first axis varies slowest, the replicate fastest; zipped keys move together.
	want := [][]string{
		{"first-fit", "300", "fcfs", "0"}, {"first-fit", "300", "fcfs", "0"},
		{"first-fit", "300", "sjf", "2"}, {"first-fit", "300", "sjf", "2"},
		{"first-fit", "400", "fcfs", "0"},
	}
	for i, w := range want {
		if !reflect.DeepEqual(p.Runs[i].Params, w) || p.Runs[i].Replicate != i%2 || p.Runs[i].Index != i {
			t.Errorf("run %d: %v rep %d", i, p.Runs[i].Params, p.Runs[i].Replicate)
		}
	}
	// Seeds: the base scenario's seed (1) plus the replicate index, the same for every configuration.
	for _, r := range p.Runs {
		if r.Seed != uint64(1+r.Replicate) {
			t.Errorf("run %s seed %d replicate %d", r.ID, r.Seed, r.Replicate)
		}
	}
	last := p.Runs[len(p.Runs)-1]
	wantSets := []string{"horizon=20m", "scheduler.placement=best-fit", "cluster.host_groups.0.count=400", "scheduler.queue=sjf", "scheduler.max_retries=2", "seed=2"}
	if !reflect.DeepEqual(last.Sets, wantSets) {
		t.Errorf("sets %v", last.Sets)
	}
	if err := p.Validate(2); err != nil {
		t.Fatal(err)
	}
}

// A run's id and seed depend only on its own parameters and replicate: reordering axes, adding
// values or seeds, or adding other configurations never changes them.
func TestRunIDsStable(t *testing.T) {
	ids := func(src string) map[string]string {
		m := map[string]string{}
		for _, r := range mustExpand(t, src).Runs {
			m[strings.Join(r.Sets, " ")] = r.ID
		}
		return m
	}
	a := ids("base: default\nseeds: 2\naxes:\n  scheduler.placement: [first-fit, best-fit]\n  cluster.host_groups.0.count: [300, 400]\n")
	b := ids("base: default\nseeds: 3\naxes:\n  cluster.host_groups.0.count: [400, 300, 500]\n  scheduler.placement: [best-fit, first-fit]\n")
	for k, id := range a {
		// Reordered axes reorder the set list; find the same run by its id instead.
		found := false
		for _, id2 := range b {
			if id2 == id {
				found = true
			}
		}
		if !found {
			t.Errorf("run %s (%s) has another id after growing the sweep", id, k)
		}
	}
	if len(a) != 8 || len(b) != 18 {
		t.Errorf("%d and %d runs", len(a), len(b))
	}
}

func TestExplicitSeedsAndRootSeed(t *testing.T) {
	p := mustExpand(t, "base: default\nseeds: [7, 3]\naxes:\n  scheduler.placement: [first-fit]\n")
	if p.Runs[0].Seed != 7 || p.Runs[1].Seed != 3 {
		t.Errorf("seeds %d %d", p.Runs[0].Seed, p.Runs[1].Seed)
	}
	p = mustExpand(t, "base: default\nseed: 100\nseeds: 2\n")
	if len(p.Runs) != 2 || p.Runs[0].Seed != 100 || p.Runs[1].Seed != 101 || p.Root != 100 || len(p.Params) != 0 {
		t.Errorf("runs %+v", p.Runs)
	}
}

func TestParamKinds(t *testing.T) {
	p := mustExpand(t, `base: default
axes:
  cluster.host_groups.0.count: [300, 400]
  cost.pue: [1.1, 2]
  output.hosts: [true, false]
  scheduler.placement: ["best-fit", worst-fit]
  horizon: [1h, "90m"]
`)
	want := []results.ParamKind{results.ParamInt, results.ParamFloat, results.ParamBool, results.ParamString, results.ParamString}
	for i, c := range p.Params {
		if c.Kind != want[i] {
			t.Errorf("%s: kind %v, want %v", c.Name, c.Kind, want[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"", "empty sweep file"},
		{"- a\n", "a sweep file is a mapping"},
		{"axes: {a: [1]}\n", "base: missing"},
		{"base: default\nbogus: 1\n", "test.yaml:2:1: unknown key \"bogus\""},
		{"base: default\nseeds: 0\n", "test.yaml:2:8: seeds"},
		{"base: default\nseeds: [1, 1]\n", "seeds: 1 given twice"},
		{"base: default\nseeds: [x]\n", "seeds: want non-negative integers"},
		{"base: default\nseed: -1\n", "seed: want a non-negative integer"},
		{"base: default\naxes:\n  scheduler.placement: best-fit\n", "test.yaml:3:24: axes.scheduler.placement: want a non-empty list"},
		{"base: default\naxes:\n  scheduler.placement: []\n", "want a non-empty list"},
		{"base: default\naxes:\n  scheduler.placement: [a, a]\n", "value a given twice"},
		{"base: default\naxes:\n  seed: [1, 2]\n", "seed cannot be an axis"},
		{"base: default\nset: {horizon: 1h}\naxes:\n  horizon: [1h, 2h]\n", "horizon is varied here and also given in set"},
		{"base: default\nzip:\n  - {a: [1, 2], b: [1]}\n", "zipped lists must have equal length"},
		{"base: default\nzip: {a: [1]}\n", "zip: want a list of groups"},
		{"base: [x]\n", "base: want a built-in"},
		{"base: default\nbase: mmc\n", "key \"base\" given twice"},
		{"base: default\naxes:\n  a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  c: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  d: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  e: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  f: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n  g: [1, 2]\n", "more than 1000000 runs"},
		{"base: [", "invalid YAML"},
	} {
		_, err := Parse("test.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, scenarios.ErrInput) {
			t.Errorf("%q: got %v, want an input error containing %q", tc.src, err, tc.want)
		}
	}
}

// A bad value or key is found before anything runs, naming the run's parameters.
func TestValidateBadValue(t *testing.T) {
	p := mustExpand(t, "base: default\naxes:\n  scheduler.placement: [best-fit, no-such-policy]\n")
	err := p.Validate(2)
	if err == nil || !errors.Is(err, scenarios.ErrInput) || !strings.Contains(err.Error(), "no-such-policy") {
		t.Errorf("got %v", err)
	}
	sw, err := Parse("t.yaml", []byte("base: no-such-scenario\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sw.Expand(); err == nil || !errors.Is(err, scenarios.ErrInput) {
		t.Errorf("unknown base: %v", err)
	}
}

func TestFromFlagsCanonical(t *testing.T) {
	sw, err := FromFlags("default", []string{"scheduler.placement=first-fit,best-fit", "cluster.host_groups[0].count=[300, 400]"}, []string{"horizon=20m"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sw.Expand()
	if err != nil {
		t.Fatal(err)
	}
	// The canonical source parses back to the same expansion.
	sw2, err := Parse("again.yaml", sw.Source)
	if err != nil {
		t.Fatalf("%v\n%s", err, sw.Source)
	}
	p2, err := sw2.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if p.Hash != p2.Hash || len(p.Runs) != 8 {
		t.Errorf("canonical form expands differently (%d runs):\n%s", len(p.Runs), sw.Source)
	}
	for _, bad := range []string{"noequals", "=1,2", "k="} {
		if _, err := FromFlags("default", []string{bad}, nil, 1); err == nil {
			t.Errorf("--axis %q accepted", bad)
		}
	}
}

func TestQuotedStringsStayStrings(t *testing.T) {
	sw, err := Parse("t.yaml", []byte("base: default\naxes:\n  description: [\"400\", \"true\", plain]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := sw.Axes[0].Values; !reflect.DeepEqual(got, []string{`"400"`, `"true"`, "plain"}) {
		t.Errorf("values %q", got)
	}
}

func TestShardsPartition(t *testing.T) {
	p := mustExpand(t, small)
	seen := map[string]int{}
	for i := 0; i < 3; i++ {
		for _, r := range p.Shard(i, 3) {
			seen[r.ID]++
		}
	}
	if len(seen) != len(p.Runs) {
		t.Errorf("shards cover %d of %d runs", len(seen), len(p.Runs))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("run %s in %d shards", id, n)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(small))
	f.Add([]byte("base: default\nseeds: [1, 2]\n"))
	f.Add([]byte("base: x\nzip:\n  - {a: [1, 2], b: [3, 4]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sw, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !errors.Is(err, scenarios.ErrInput) {
				t.Fatalf("error does not match ErrInput: %v", err)
			}
			return
		}
		// The canonical form of an accepted sweep parses again.
		if _, err := Parse("canonical.yaml", sw.Canonical()); err != nil {
			t.Fatalf("canonical form rejected: %v\n%s", err, sw.Canonical())
		}
	})
}

// The sweep files shipped in docs parse, expand and validate.
func TestShippedSweepFiles(t *testing.T) {
	for _, f := range []string{"../../docs/examples/placement-sweep.yaml", "../../docs/ci/sweep.yaml"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sw, err := Parse(f, data)
		if err != nil {
			t.Fatal(err)
		}
		p, err := sw.Expand()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Validate(2); err != nil || len(p.Runs) < 2 {
			t.Errorf("%s: %v, %d runs", f, err, len(p.Runs))
		}
	}
}
