package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// dcsimBinary builds the dcsim command once per test process, for tests that need real
// processes (kill -9, shards as separate processes).
func dcsimBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dcsim-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "dcsim")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func fileBytes(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSweepCLI(t *testing.T) {
	dir := t.TempDir()
	sweepFile := filepath.Join(dir, "s.yaml")
	os.WriteFile(sweepFile, []byte("base: default\nseeds: 2\nset: {horizon: 20m}\naxes:\n  scheduler.placement: [first-fit, best-fit]\n"), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sweep", "--help"}, 0, "Examples:"},
		{[]string{"merge", "--help"}, 0, "Examples:"},
		{[]string{"sweep", sweepFile, "-q", "-o", filepath.Join(dir, "a")}, 0, "4 runs: 4 ran, 0 complete already, 0 failed"},
		{[]string{"sweep", sweepFile, "-q", "-o", filepath.Join(dir, "a")}, 0, "4 runs: 0 ran, 4 complete already"},
		{[]string{"sweep", sweepFile, "--dry-run"}, 0, "scheduler.placement"},
		{[]string{"sweep", "default", "--axis", "scheduler.placement=first-fit,nope", "-q", "-o", filepath.Join(dir, "b")}, 2, "nope"},
		{[]string{"sweep", "default", "-q"}, 2, "not a sweep file"},
		{[]string{"sweep", sweepFile, "--shard", "4/4"}, 2, "--shard"},
		{[]string{"sweep", sweepFile, "--shard", "x"}, 2, "--shard"},
		{[]string{"sweep", sweepFile, "--shard", "auto/2"}, 2, "JOB_COMPLETION_INDEX"},
		{[]string{"sweep", sweepFile, "-j", "0"}, 2, "--jobs"},
		{[]string{"sweep", sweepFile, "--format", "csv"}, 2, "--format"},
		{[]string{"merge", filepath.Join(dir, "nothing"), "-o", filepath.Join(dir, "m")}, 2, "not a sweep folder"},
		{[]string{"merge", filepath.Join(dir, "a")}, 2, "-o OUT"},
		{[]string{"merge", filepath.Join(dir, "a"), "-o", filepath.Join(dir, "m")}, 0, "merged 4 of 4 runs"},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		code := run(c.args, &out, &errb)
		all := out.String() + errb.String()
		if code != c.code || !strings.Contains(all, c.want) {
			t.Errorf("dcsim %v: exit %d, want %d; output must contain %q:\n%s", c.args, code, c.code, c.want, all)
		}
	}
	if !bytes.Equal(fileBytes(t, filepath.Join(dir, "a", "summary.arrow")), fileBytes(t, filepath.Join(dir, "m", "summary.arrow"))) {
		t.Error("merge of one complete sweep folder changed its summary")
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "5")
	t.Setenv("SLURM_ARRAY_TASK_MIN", "4")
	if i, n, err := parseShard("auto/2"); err != nil || i != 1 || n != 2 {
		t.Errorf("auto shard from Slurm: %d/%d %v", i, n, err)
	}
	t.Setenv("JOB_COMPLETION_INDEX", "0")
	if i, n, err := parseShard("auto/2"); err != nil || i != 0 || n != 2 {
		t.Errorf("auto shard from Kubernetes: %d/%d %v", i, n, err)
	}
}

// A sweep killed with SIGKILL mid-way and run again ends with the same summary.arrow, byte for
// byte, as an uninterrupted sweep; so do 4 shards run as separate processes and merged.
func TestSweepKilledAndShardedProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds dcsim and runs processes")
	}
	bin := dcsimBinary(t)
	dir := t.TempDir()
	sweepFile := filepath.Join(dir, "s.yaml")
	os.WriteFile(sweepFile, []byte("base: default\nseeds: 2\nset: {horizon: 6h}\naxes:\n  scheduler.placement: [first-fit, best-fit, worst-fit]\n"), 0o644)
	whole := filepath.Join(dir, "whole")
	if out, err := exec.Command(bin, "sweep", sweepFile, "-q", "-j", "2", "-o", whole).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted sweep: %v\n%s", err, out)
	}
	ref := fileBytes(t, filepath.Join(whole, "summary.arrow"))

	killed := filepath.Join(dir, "killed")
	cmd := exec.Command(bin, "sweep", sweepFile, "-q", "-j", "1", "-o", killed)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until at least two runs are complete, then kill -9 the sweep mid-way.
	deadline := time.Now().Add(60 * time.Second)
	for {
		ents, _ := os.ReadDir(filepath.Join(killed, "runs"))
		n := 0
		for _, e := range ents {
			if !strings.HasPrefix(e.Name(), ".") {
				n++
			}
		}
		if n >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if _, err := os.Stat(filepath.Join(killed, "summary.arrow")); err == nil {
		t.Skip("the sweep finished before it could be killed; nothing to test on this machine")
	}
	out, err := exec.Command(bin, "sweep", sweepFile, "-q", "-j", "2", "-o", killed).CombinedOutput()
	if err != nil {
		t.Fatalf("resumed sweep: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "complete already") || strings.Contains(string(out), " 0 complete already") {
		t.Errorf("resume did not reuse complete runs: %s", out)
	}
	if !bytes.Equal(ref, fileBytes(t, filepath.Join(killed, "summary.arrow"))) {
		t.Error("summary after kill -9 and resume differs from the uninterrupted sweep")
	}
	if tmps, _ := filepath.Glob(filepath.Join(killed, "runs", ".tmp-*")); len(tmps) > 0 {
		t.Errorf("temporary run folders left: %v", tmps)
	}

	// Ctrl-C (SIGINT): exit 130, temporary run folders removed, and the same command resumes.
	interrupted := filepath.Join(dir, "interrupted")
	cmd = exec.Command(bin, "sweep", sweepFile, "-q", "-j", "1", "-o", interrupted)
	var ib bytes.Buffer
	cmd.Stderr = &ib
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(60 * time.Second)
	for {
		ents, _ := os.ReadDir(filepath.Join(interrupted, "runs"))
		if len(ents) >= 2 || time.Now().After(deadline) { // one complete run and one in progress
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	err = cmd.Wait()
	if _, statErr := os.Stat(filepath.Join(interrupted, "summary.arrow")); statErr != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 || !strings.Contains(ib.String(), "run the same command again") {
			t.Errorf("interrupted sweep: %v, stderr %q", err, ib.String())
		}
		if tmps, _ := filepath.Glob(filepath.Join(interrupted, "runs", ".tmp-*")); len(tmps) > 0 {
			t.Errorf("Ctrl-C left temporary run folders: %v", tmps)
		}
	}
	if out, err := exec.Command(bin, "sweep", sweepFile, "-q", "-j", "2", "-o", interrupted).CombinedOutput(); err != nil {
		t.Fatalf("resume after Ctrl-C: %v\n%s", err, out)
	}
	if !bytes.Equal(ref, fileBytes(t, filepath.Join(interrupted, "summary.arrow"))) {
		t.Error("summary after Ctrl-C and resume differs from the uninterrupted sweep")
	}

	// Four shards as four processes at once (as Kubernetes Indexed Job pods would be), each in its
	// own folder, with the index from JOB_COMPLETION_INDEX; then merge.
	var shards []string
	var procs []*exec.Cmd
	for i := 0; i < 4; i++ {
		d := filepath.Join(dir, fmt.Sprintf("shard-%d", i))
		shards = append(shards, d)
		c := exec.Command(bin, "sweep", sweepFile, "-q", "-j", "1", "--shard", "auto/4", "-o", d)
		c.Env = append(os.Environ(), fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i))
		var b bytes.Buffer
		c.Stdout, c.Stderr = &b, &b
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, c)
	}
	for i, c := range procs {
		if err := c.Wait(); err != nil {
			t.Fatalf("shard %d: %v\n%s", i, err, c.Stdout)
		}
	}
	merged := filepath.Join(dir, "merged")
	if out, err := exec.Command(bin, append(append([]string{"merge"}, shards...), "-o", merged)...).CombinedOutput(); err != nil {
		t.Fatalf("merge: %v\n%s", err, out)
	}
	if !bytes.Equal(ref, fileBytes(t, filepath.Join(merged, "summary.arrow"))) {
		t.Error("merged summary of 4 shard processes differs from the unsharded sweep")
	}
}
