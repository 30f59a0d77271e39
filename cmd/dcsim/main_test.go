package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: x\ncluster:\n  host_groups:\n    - count: 2\n      cpu_corez: 4\n"), 0o644)
	cases := []struct {
		args []string
		code int
		want string // substring of stdout+stderr
	}{
		{[]string{"version"}, 0, "dcsim "},
		{[]string{"--help"}, 0, "Commands:"},
		{[]string{"run", "--help"}, 0, "Examples:"},
		{[]string{"scenarios", "--help"}, 0, "Examples:"},
		{[]string{"version", "--help"}, 0, "Example:"},
		{[]string{"run", "fleet", "-q", "--workers", "0"}, 2, "--workers"},
		{[]string{"scenarios", "list"}, 0, "mmc"},
		{[]string{"scenarios", "show", "mmc"}, 0, "workload:"},
		{[]string{"scenarios", "show", "nope"}, 2, "nope"},
		{[]string{"run", "mmc", "-q", "-o", filepath.Join(dir, "o"), "--set", "workload.synthetic.0.jobs=500"}, 0, ""},
		{[]string{"run", "nope-scenario", "-q"}, 2, "nope-scenario"},
		{[]string{"run", bad, "-q"}, 2, "bad.yaml:5:7"},
		{[]string{"run", "mmc", "-q", "--set", "scheduler.placment=best-fit"}, 2, "did you mean"},
		{[]string{"run", "mmc", "-q", "--set", "scheduler.placement=nope"}, 2, "nope"},
		{[]string{"run", "mmc", "-q", "--seed", "x"}, 2, "--seed"},
		{[]string{"run", "--no-such-flag"}, 2, "no-such-flag"},
		{[]string{"frobnicate"}, 2, "unknown command"},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		code := run(c.args, &out, &errb)
		all := out.String() + errb.String()
		if code != c.code || !strings.Contains(all, c.want) {
			t.Errorf("dcsim %v: exit %d, want %d; output must contain %q:\n%s", c.args, code, c.code, c.want, all)
		}
	}
}

func TestRunPrintsSummary(t *testing.T) {
	var out, errb bytes.Buffer
	dir := t.TempDir()
	if code := run([]string{"run", "mmc", "-o", dir, "--set", "workload.synthetic.0.jobs=1000"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, w := range []string{"jobs submitted", "1000", "wait mean", "cost", "events"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("summary lacks %q:\n%s", w, out.String())
		}
	}
	for _, f := range []string{"jobs.arrow", "summary.arrow", "run.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
