package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The shipped Kubernetes Indexed Job and Slurm array script really run a sharded sweep: each
// manifest's container command is run once per index with the environment Kubernetes sets,
// the merge Job's command after them, and the result equals an unsharded sweep.
func TestDeployManifestsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds dcsim and runs processes")
	}
	bin := dcsimBinary(t)
	dir := t.TempDir()
	sweepFile := filepath.Join(dir, "sweep.yaml")
	os.WriteFile(sweepFile, []byte("base: default\nseeds: 3\nset: {horizon: 30m}\naxes:\n  scheduler.placement: [first-fit, best-fit, worst-fit]\n"), 0o644)
	whole := filepath.Join(dir, "whole")
	if out, err := exec.Command(bin, "sweep", sweepFile, "-q", "-o", whole).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	ref := fileBytes(t, filepath.Join(whole, "summary.arrow"))

	type job struct {
		Kind string
		Spec struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int
			Parallelism    int
			Template       struct {
				Spec struct {
					Containers []struct{ Command []string }
				}
			}
		}
	}
	load := func(name string) job {
		var j job
		if err := yaml.Unmarshal(fileBytes(t, filepath.Join("..", "..", "docs", "deploy", name)), &j); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if j.Kind != "Job" || len(j.Spec.Template.Spec.Containers) != 1 {
			t.Fatalf("%s: not a one-container Job: %+v", name, j)
		}
		return j
	}
	// Paths in the manifests are the pod's mounts; map them into this test's folder.
	localize := func(cmd []string) []string {
		out := make([]string, len(cmd))
		for i, a := range cmd {
			a = strings.ReplaceAll(a, "/config/sweep.yaml", sweepFile)
			out[i] = strings.ReplaceAll(a, "/results", filepath.Join(dir, "pv"))
		}
		return out
	}
	sweepJob, mergeJob := load("k8s-indexed-job.yaml"), load("k8s-merge-job.yaml")
	cmd := sweepJob.Spec.Template.Spec.Containers[0].Command
	n := sweepJob.Spec.Completions
	if sweepJob.Spec.CompletionMode != "Indexed" || n < 2 || sweepJob.Spec.Parallelism != n ||
		!strings.Contains(strings.Join(cmd, " "), fmt.Sprintf("--shard auto/%d", n)) || cmd[0] != "dcsim" {
		t.Fatalf("indexed job: mode %q, completions %d, parallelism %d, command %v", sweepJob.Spec.CompletionMode, n, sweepJob.Spec.Parallelism, cmd)
	}
	for i := 0; i < n; i++ {
		c := exec.Command(bin, localize(cmd)[1:]...)
		c.Env = append(os.Environ(), fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i))
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("pod %d: %v\n%s", i, err, out)
		}
	}
	mcmd := localize(mergeJob.Spec.Template.Spec.Containers[0].Command)
	if out, err := exec.Command(bin, mcmd[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("merge job: %v\n%s", err, out)
	}
	if !bytes.Equal(ref, fileBytes(t, filepath.Join(dir, "pv", "sweep", "summary.arrow"))) {
		t.Error("Kubernetes shards merged differ from the unsharded sweep")
	}

	// Slurm: run the array script once per task id with dcsim on the PATH, then merge.
	script, _ := filepath.Abs(filepath.Join("..", "..", "docs", "deploy", "slurm-array.sh"))
	slurmOut := filepath.Join(dir, "slurm")
	for i := 0; i < 3; i++ {
		c := exec.Command("bash", script, sweepFile, slurmOut)
		c.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"),
			fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", i+10), "SLURM_ARRAY_TASK_MIN=10", "SLURM_ARRAY_TASK_COUNT=3", "SLURM_CPUS_PER_TASK=1")
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("slurm task %d: %v\n%s", i, err, out)
		}
	}
	if out, err := exec.Command(bin, "merge", slurmOut, "-o", slurmOut).CombinedOutput(); err != nil {
		t.Fatalf("slurm merge: %v\n%s", err, out)
	}
	if !bytes.Equal(ref, fileBytes(t, filepath.Join(slurmOut, "summary.arrow"))) {
		t.Error("Slurm shards merged differ from the unsharded sweep")
	}
}
