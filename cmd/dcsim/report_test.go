package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	runDir := filepath.Join(dir, "run")
	var out, errb bytes.Buffer
	if code := run([]string{"run", "mmc", "-q", "-o", runDir, "--set", "workload.synthetic.0.jobs=500", "--set", "output.hosts=true"}, &out, &errb); code != 0 {
		t.Fatalf("run: exit %d: %s", code, errb.String())
	}
	html := filepath.Join(dir, "r.html")
	cases := []struct {
		name string
		args []string
		code int
		want string // in stdout+stderr
		file string // written
	}{
		{"default output", []string{"report", runDir}, 0, "wrote " + filepath.Join(runDir, "report.html"), filepath.Join(runDir, "report.html")},
		{"-o", []string{"report", runDir, "-o", html}, 0, "wrote " + html, html},
		{"quiet", []string{"report", runDir, "-o", html, "-q"}, 0, "", html},
		{"help", []string{"report", "--help"}, 0, "Usage: dcsim report DIR", ""},
		{"no folder", []string{"report"}, 2, "one run or sweep folder", ""},
		{"two folders", []string{"report", runDir, runDir}, 2, "got 2 arguments", ""},
		{"missing folder", []string{"report", filepath.Join(dir, "nope")}, 2, "is not a folder", ""},
		{"not a result folder", []string{"report", dir}, 2, "no summary.arrow", ""},
		{"--run on a run folder", []string{"report", runDir, "--run", "r1"}, 2, "apply to sweep folders", ""},
		{"unknown flag", []string{"report", runDir, "--nope"}, 2, "nope", ""},
		{"output folder missing", []string{"report", runDir, "-o", filepath.Join(dir, "no", "r.html")}, 2, "r.html", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.file != "" {
				os.Remove(c.file)
			}
			var out, errb bytes.Buffer
			code := run(c.args, &out, &errb)
			all := out.String() + errb.String()
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, all)
			}
			if !strings.Contains(all, c.want) {
				t.Errorf("output %q lacks %q", all, c.want)
			}
			if c.file != "" {
				b, err := os.ReadFile(c.file)
				if err != nil || !bytes.Contains(b, []byte(`<svg class="chart" id="chart-waits"`)) {
					t.Errorf("%s: %v, no wait chart", c.file, err)
				}
			}
		})
	}
}
