package google2019

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/trace"
)

// machineSample: machines 4, 7 and 30 have a capacity; 8 lacks memory; 99 and 5 are never
// added.
var machineSample = strings.Join([]string{
	`{"time":"0","machine_id":"30","type":"ADD","switch_id":"s","capacity":{"cpus":0.5,"memory":0.25},"platform_id":"p"}`,
	`{"time":"0","machine_id":"4","type":1,"capacity":{"cpus":1,"memory":1}}`,
	`{"time":"0","machine_id":"7","type":1,"capacity":null}`,
	`{"time":"0","machine_id":"8","type":1,"capacity":{"cpus":0.5}}`,
	`{"time":"5","machine_id":"7","type":"UPDATE","capacity":{"cpus":0.25,"memory":0.125}}`,
	`{"time":"6","machine_id":"30","type":"UPDATE","capacity":{"memory":0.5}}`,
	`{"time":"7","machine_id":"99","type":"UPDATE","capacity":{"cpus":1,"memory":1}}`,
	`{"time":"8","machine_id":"4","type":"REMOVE"}`,
	`{"time":"9","machine_id":"5","type":0}`,
}, "\n") + "\n"

var machineWant = []trace.Machine{
	{ID: "4", CPUMilli: 64000, MemBytes: 256 << 30},
	{ID: "7", CPUMilli: 16000, MemBytes: 32 << 30},
	{ID: "30", CPUMilli: 32000, MemBytes: 128 << 30},
}

var machineWantStats = MachineStats{Events: 9, EventsByType: [4]int64{1, 4, 1, 3}, Seen: 6, Machines: 3,
	NoCapacity: 1, NeverAdded: 2, Removed: 1}

func TestReadMachines(t *testing.T) {
	r, err := NewMachineEventReader(strings.NewReader(machineSample), "machine_events.json")
	if err != nil {
		t.Fatal(err)
	}
	ms, st, err := ReadMachines(r, trace.Units{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ms, machineWant) || st != machineWantStats {
		t.Fatalf("machines %+v\nstats %+v", ms, st)
	}
	// Other units; an error names the line.
	r, _ = NewMachineEventReader(strings.NewReader(machineSample), "m")
	ms, _, _ = ReadMachines(r, trace.Units{CPUMilliPerUnit: 100, MemBytesPerUnit: 1000})
	if ms[0].CPUMilli != 100 || ms[0].MemBytes != 1000 {
		t.Fatalf("units: %+v", ms)
	}
	r, _ = NewMachineEventReader(strings.NewReader(machineSample+`{"time":"1","machine_id":"1","type":1}`), "m")
	_, _, err = ReadMachines(r, trace.Units{})
	checkErr(t, err, `m:10: field "time": time 1 is before time 9 of line 9 (the file must be sorted by time)`)
	if _, _, err := ReadMachines(r, trace.Units{CPUMilliPerUnit: -1}); err == nil {
		t.Error("negative units accepted")
	}
}

// writeFiles writes name → content under dir (gzip'd for names ending in .gz).
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		data := []byte(content)
		if strings.HasSuffix(name, ".gz") {
			data = gz(t, content)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMachinesPaths(t *testing.T) {
	lines := strings.SplitAfter(machineSample, "\n")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		// Two shards of an export, and files to ignore.
		"machine_events-000000000000.json.gz": strings.Join(lines[:4], ""),
		"machine_events-000000000001.json":    strings.Join(lines[4:], ""),
		"machine_events.csv":                  "ignored",
		"instance_events-000.json":            "",
		"sub/machine_events.json":             machineSample,
	})
	for _, path := range []string{dir, filepath.Join(dir, "instance_events-000.json"), filepath.Join(dir, "sub"),
		filepath.Join(dir, "sub", "machine_events.json")} {
		ms, st, err := Machines(path, trace.Units{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !reflect.DeepEqual(ms, machineWant) || st != machineWantStats {
			t.Fatalf("%s: machines %+v\nstats %+v", path, ms, st)
		}
	}
	if _, _, err := Machines(t.TempDir(), trace.Units{}); err == nil || !strings.Contains(err.Error(), "no machine_events files") {
		t.Errorf("empty folder: %v", err)
	}
	// Shards out of time order.
	writeFiles(t, dir, map[string]string{"machine_events-000000000002.json": `{"time":"3","machine_id":"1","type":1}`})
	_, _, err := Machines(dir, trace.Units{})
	checkErr(t, err, filepath.Join(dir, "machine_events-000000000002.json")+`:1: field "time": time 3 is before time 9 at the end of `+
		filepath.Join(dir, "machine_events-000000000001.json")+` (the files must be sorted by time)`)
}

func TestSourceFolder(t *testing.T) {
	lines := strings.SplitAfter(sourceSample, "\n")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"instance_events/part-1.json.gz": strings.Join(lines[:9], ""),
		"instance_events/part-2.jsonl":   strings.Join(lines[9:], ""),
		"instance_events/notes.txt":      "ignored",
		"collection_events.json":         `{"time":"0","type":0,"collection_id":"20","user":"bob"}`,
	})
	src, err := NewSource(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	jobs, rep, err := drain(t, src)
	if err != nil {
		t.Fatal(err)
	}
	want := sourceWant()
	for i := range want {
		want[i].Line = 0 // several files: no line
	}
	want[1].Tenant = "bob"
	if !reflect.DeepEqual(jobs, want) || rep.Records != 18 {
		t.Fatalf("jobs %+v\nreport %+v", jobs, rep)
	}
	// A bad line in the second shard names that shard and its own line number.
	writeFiles(t, dir, map[string]string{"instance_events/part-2.jsonl": strings.Join(lines[9:], "") + `{"time":"x"}`})
	src, _ = NewSource(dir, Options{})
	defer src.Close()
	_, _, err = drain(t, src)
	checkErr(t, err, filepath.Join(dir, "instance_events", "part-2.jsonl")+`:10: field "time": invalid integer "x"`)
	// Skipped under SkipBad, whichever shard it is in.
	src, _ = NewSource(dir, Options{SkipBad: true})
	defer src.Close()
	jobs, rep, err = drain(t, src)
	if err != nil || len(jobs) != 3 || rep.Records != 19 || rep.SkippedTotal() != 4 {
		t.Fatalf("skipping: %v, %d jobs, report %+v", err, len(jobs), rep)
	}
}
