package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/models/trace/canonical"
	"github.com/dcsim/dcsim/models/trace/swf"
)

const smallSWF = "; MaxProcs: 4\n" +
	"1 0 0 10 3 -1 -1 3 20 -1 1 7 1 -1 1 -1 -1 -1\n" +
	"2 5 0 5 2 -1 -1 2 5 -1 1 8 1 -1 1 -1 -1 -1\n" +
	"3 7 0 3 -1 -1 -1 -1 3 -1 1 7 1 -1 1 -1 -1 -1\n"

func TestTraceCommands(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "log.swf")
	bad := filepath.Join(dir, "bad.swf")
	odd := filepath.Join(dir, "jobs.txt")
	os.WriteFile(good, []byte(smallSWF), 0o644)
	os.WriteFile(bad, []byte(smallSWF+"4 9 0 x 1 -1 -1 1 3 -1 1 7 1 -1 1 -1 -1 -1\n5 10 0 1 1 -1 -1 1 3 -1 1 7 1 -1 1 -1 -1 -1\n"), 0o644)
	os.WriteFile(odd, []byte(smallSWF), 0o644)
	out := filepath.Join(dir, "w.arrow")
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"trace", "formats"}, 0, []string{"swf", "google2011", "alibaba2018", "bitbrains"}},
		{[]string{"trace", "--help"}, 0, []string{"dcsim trace inspect"}},
		{[]string{"trace", "inspect", good}, 0, []string{"(swf)", "jobs          2", "1  processors unknown"}},
		{[]string{"trace", "inspect", bad}, 2, []string{"bad.swf:5: field 4 (run_time): invalid number \"x\""}},
		{[]string{"trace", "inspect", "--skip-bad", bad}, 0, []string{"jobs          3", "1  malformed line"}},
		{[]string{"trace", "inspect", odd}, 2, []string{"cannot guess the format", "--format"}},
		{[]string{"trace", "inspect", "--format", "swf", odd}, 0, []string{"jobs          2"}},
		{[]string{"trace", "inspect", "--format", "nope", good}, 2, []string{"unknown trace format \"nope\""}},
		{[]string{"trace", "inspect", "--format", "azure-vm", "--skip-bad", good}, 2, []string{"does not support --skip-bad"}},
		{[]string{"trace", "inspect", filepath.Join(dir, "none.swf")}, 2, []string{"none.swf"}},
		{[]string{"trace", "convert", good}, 2, []string{"-o FILE is required"}},
		{[]string{"trace", "convert", good, "-o", out}, 0, []string{"wrote " + out + " (2 jobs)"}},
		{[]string{"trace", "inspect", out}, 0, []string{"(canonical)", "jobs          2"}},
		{[]string{"trace", "frob"}, 2, []string{"unknown subcommand"}},
	} {
		var o, e bytes.Buffer
		code := run(c.args, &o, &e)
		all := o.String() + e.String()
		if code != c.code {
			t.Errorf("dcsim %v: exit %d, want %d:\n%s", c.args, code, c.code, all)
		}
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				t.Errorf("dcsim %v: output lacks %q:\n%s", c.args, w, all)
			}
		}
	}
	// The converted file holds the same jobs as the log.
	r, err := canonical.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s, err := swf.NewSource(good, trace.Units{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for {
		a, errA := s.Next()
		b, errB := r.Next()
		if errA != nil || errB != nil {
			if errA != errB {
				t.Errorf("end: swf %v, canonical %v", errA, errB)
			}
			break
		}
		if a.ID != b.ID || a.SubmitUS != b.SubmitUS || !sameTask(a.Tasks[0], b.Tasks[0]) {
			t.Errorf("job %+v converted to %+v", a, b)
		}
	}
}

func sameTask(a, b trace.Task) bool {
	return a.Name == b.Name && a.Instances == b.Instances && a.CPUMilli == b.CPUMilli && a.MemBytes == b.MemBytes &&
		a.RuntimeUS == b.RuntimeUS && a.RequestedUS == b.RequestedUS && len(a.Parents) == len(b.Parents)
}
