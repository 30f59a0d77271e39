package formats

import (
	"strings"
	"testing"
)

func TestGuess(t *testing.T) {
	for path, want := range map[string]string{
		"logs/KTH-SP2-1996-2.1-cln.swf":                        "swf",
		"x/CTC.swf.gz":                                         "swf",
		"g/task_events/part-00000-of-00500.csv.gz":             "google2011",
		"traces/google-2011":                                   "google2011",
		"a/batch_task.csv":                                     "alibaba2018",
		"traces/alibaba-2018":                                  "alibaba2018",
		"v/vmtable.csv.gz":                                     "azure-vm",
		"f/invocations_per_function_md.anon.d01.csv":           "azure-functions",
		"l/AzureLLMInferenceTrace_conv.csv":                    "azure-llm",
		"traces/bitbrains":                                     "bitbrains",
		"w/workload.arrow":                                     "canonical",
		"traces/google-2019/instance_events-000.json.gz":       "google2019",
		"traces/google-2019":                                   "google2019",
		"deep/google-2011/task_events/part-00001-of-00500.csv": "google2011",
	} {
		f, err := Guess(path)
		if err != nil || f.Name != want {
			t.Errorf("Guess(%q) = %q, %v; want %q", path, f.Name, err, want)
		}
	}
	for _, path := range []string{"jobs.txt", "mystery"} {
		if _, err := Guess(path); err == nil {
			t.Errorf("Guess(%q) succeeded", path)
		}
	}
	if _, err := Guess("alibaba/task_events.swf"); err == nil || !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("ambiguous name: %v", err)
	}
}

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range All() {
		if seen[f.Name] || f.About == "" || f.Match == nil || (f.Open == nil) == (f.Inspect == nil) {
			t.Errorf("format %q: duplicate, undocumented, or not exactly one of Open and Inspect", f.Name)
		}
		seen[f.Name] = true
		if g, err := Lookup(f.Name); err != nil || g.Name != f.Name {
			t.Errorf("Lookup(%q) = %v", f.Name, err)
		}
	}
	if _, err := Lookup("nope"); err == nil || !strings.Contains(err.Error(), "known: swf") {
		t.Errorf("Lookup(nope) = %v", err)
	}
}

func TestGuessCPUReadings(t *testing.T) {
	if f, err := Guess("azure-vm-2017/vm_cpu_readings/vm_cpu_readings-file-1-of-125.csv.gz"); err != nil || f.Name != "azure-vm-cpu" {
		t.Errorf("Guess = %q, %v", f.Name, err)
	}
}
