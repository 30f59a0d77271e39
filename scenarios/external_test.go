package scenarios

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/units"
)

func TestExternalKeys(t *testing.T) {
	ext := valid + "scheduler:\n  external: {command: [python3, policies/sjf.py]}\n"
	s, err := Parse("t.yaml", []byte(ext), nil)
	if err != nil {
		t.Fatal(err)
	}
	x := s.Scheduler.External
	if x == nil || !reflect.DeepEqual(x.Command, []string{"python3", "policies/sjf.py"}) || x.Timeout != DefaultExternalTimeout {
		t.Fatalf("scheduler.external = %+v", x)
	}
	if s.Scheduler.Queue != "" || s.Scheduler.Placement != "" {
		t.Errorf("queue %q and placement %q defaulted with an external policy", s.Scheduler.Queue, s.Scheduler.Placement)
	}
	if s, err := Parse("t.yaml", []byte(valid), nil); err != nil || s.Scheduler.External != nil {
		t.Fatalf("no external key: %+v, %v", s.Scheduler.External, err)
	}
	s, err = Parse("t.yaml", []byte(valid), []string{"scheduler.external.command=[./p, --fast]", "scheduler.external.timeout=250ms"})
	if err != nil {
		t.Fatal(err)
	}
	if x := s.Scheduler.External; !reflect.DeepEqual(x.Command, []string{"./p", "--fast"}) || x.Timeout != 250*units.Millisecond {
		t.Errorf("set: %+v", x)
	}
	// "--set scheduler.external=" removes it (null: absent), and the defaults come back.
	if s, err := Parse("t.yaml", []byte(ext), []string{"scheduler.external="}); err != nil || s.Scheduler.External != nil ||
		s.Scheduler.Queue != DefaultQueue || s.Scheduler.Placement != DefaultPlacement {
		t.Errorf("removed by --set: %+v, %v", s, err)
	}
	// Given queue and placement are kept (and not used).
	if s, err := Parse("t.yaml", []byte(ext), []string{"scheduler.placement=first-fit"}); err != nil || s.Scheduler.Placement != "first-fit" {
		t.Errorf("given placement: %+v, %v", s, err)
	}

	for _, tc := range []struct {
		name, yaml string
		sets       []string
		want       string
	}{
		{"empty mapping", valid + "scheduler: {external: {}}\n", nil, "scheduler.external.command: required: the program and its arguments"},
		{"empty command", valid + "scheduler: {external: {command: []}}\n", nil, "scheduler.external.command: required"},
		{"empty program", valid + "scheduler: {external: {command: ['', x]}}\n", nil, "scheduler.external.command[0]: the program name must not be empty"},
		{"NUL", valid, []string{`scheduler.external.command=["a\0b"]`}, "scheduler.external.command[0]: must not contain a NUL byte"},
		{"scalar command", valid + "scheduler: {external: {command: python3 sjf.py}}\n", nil, "scheduler.external.command: expected a sequence"},
		{"zero timeout", valid + "scheduler: {external: {command: [p], timeout: 0s}}\n", nil, "scheduler.external.timeout: must be > 0, got 0s"},
		{"negative timeout", valid + "scheduler: {external: {command: [p], timeout: -1s}}\n", nil, `scheduler.external.timeout: negative duration "-1s"`},
		{"unknown key", valid + "scheduler: {external: {comand: [p]}}\n", nil, `unknown key "comand" in scheduler.external (did you mean "command"?)`},
		{"preemption", valid + "scheduler: {preemption: kill, external: {command: [p]}}\n", nil, `scheduler.preemption: must be none with scheduler.external`},
		{"fleet", valid + "scheduler: {external: {command: [p]}}\nfleet: {cells: 2}\n", nil, "scheduler.external: an external policy runs in a single cluster; not with fleet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.yaml), tc.sets)
			if err == nil || !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v\nwant %q", err, tc.want)
			}
		})
	}
}

// TestExternalDirAndRoundTrip: the program runs in the scenario file's folder; YAML() keeps the
// command as written and parses back to the same scenario.
func TestExternalDirAndRoundTrip(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sub", "s.yaml")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	yaml := valid + "scheduler:\n  external:\n    command: [python3, sjf.py, \"a b\"]\n    timeout: 2s\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Resolve(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Dir() != filepath.Dir(file) {
		t.Errorf("Dir() = %q, want %q", s.Dir(), filepath.Dir(file))
	}
	if p, err := Parse("t.yaml", []byte(yaml), nil); err != nil || p.Dir() != "" {
		t.Errorf("parsed from bytes: Dir() = %q, %v", p.Dir(), err)
	}
	out, err := s.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte("external:")) || bytes.Contains(out, []byte(dir)) {
		t.Errorf("YAML():\n%s", out)
	}
	back, err := Parse("back.yaml", out, nil)
	if err != nil || !equal(s, back) {
		t.Fatalf("round trip: %v\n%s", err, out)
	}
}

// TestExternalExample keeps examples/policies/sjf.yaml valid.
func TestExternalExample(t *testing.T) {
	s, err := Resolve("../examples/policies/sjf.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if x := s.Scheduler.External; x == nil || x.Command[1] != "sjf.py" || filepath.Base(s.Dir()) != "policies" {
		t.Errorf("example: %+v in %q", s.Scheduler.External, s.Dir())
	}
}
