package google2019

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/trace"
)

// sourceSample exercises the adapter: three jobs, one of each other skip.
var sourceSample = strings.Join([]string{
	// L1-L3: submits at the same µs; c10/1 never gets a request.
	ev(600000000, "SUBMIT", 20, 1, `,"priority":25,"resource_request":{"cpus":0.5,"memory":0.25}`),
	ev(600000000, "SUBMIT", 10, 0, `,"priority":200,"resource_request":{"cpus":0.015625,"memory":0.0078125}`),
	ev(600000000, "SUBMIT", 10, 1, ``),
	ev(601000000, "SCHEDULE", 10, 0, `,"machine_id":"5"`),
	ev(601000000, "SCHEDULE", 20, 1, ``),
	ev(601000000, "SCHEDULE", 10, 1, ``),
	// L7-L9: zero CPU, no memory, zero run time.
	ev(602000000, "SUBMIT", 30, 0, `,"resource_request":{"cpus":0,"memory":null}`),
	ev(602000000, "SCHEDULE", 30, 0, ``),
	ev(602000000, "FINISH", 30, 0, ``),
	ev(700000000, "FINISH", 20, 1, ``),
	ev(700000000, "FINISH", 10, 0, ``),
	ev(700000001, "KILL", 10, 1, ``), // no resource request
	// L13-L15: a request too large to scale.
	ev(800000000, "SUBMIT", 40, 0, `,"resource_request":{"cpus":1e300,"memory":0.1}`),
	ev(800000000, "SCHEDULE", 40, 0, ``),
	ev(800000001, "FINISH", 40, 0, ``),
	// L16-L18: ends after the trace.
	ev(800000002, "SUBMIT", 50, 0, `,"resource_request":{"cpus":0.1,"memory":0.1}`),
	ev(800000003, "SCHEDULE", 50, 0, ``),
	ev(EndOfTrace, "FINISH", 50, 0, ``),
}, "\n") + "\n"

// sourceWant are the jobs of sourceSample with the default units and no users.
func sourceWant() []trace.Job {
	task := func(name string, cpu, mem, rt int64) []trace.Task {
		return []trace.Task{{Name: name, Instances: 1, CPUMilli: cpu, MemBytes: mem, RuntimeUS: rt, RequestedUS: -1}}
	}
	return []trace.Job{
		{ID: "10", SubmitUS: 600000000, Priority: 200, Tasks: task("0", 1000, 2<<30, 99000000), Line: 2},
		{ID: "20", SubmitUS: 600000000, Priority: 25, Tasks: task("1", 32000, 64<<30, 99000000), Line: 1},
		{ID: "30", SubmitUS: 602000000, Tasks: task("0", 1, 0, 1), Line: 7},
	}
}

// drain reads a source to the end, checking the Source contract and the accounting.
func drain(t testing.TB, src trace.Source) ([]trace.Job, trace.Report, error) {
	t.Helper()
	var jobs []trace.Job
	rep, err := trace.Drain(src, func(j *trace.Job) error {
		if err := j.Validate(); err != nil {
			t.Fatalf("invalid job %+v: %v", j, err)
		}
		if n := len(jobs); n > 0 && j.SubmitUS < jobs[n-1].SubmitUS {
			t.Fatalf("job %+v submitted before the previous one %+v", j, jobs[n-1])
		}
		jobs = append(jobs, *j)
		return nil
	})
	if err != nil {
		return jobs, rep, err
	}
	if _, err := src.Next(); err != io.EOF {
		t.Fatalf("Next after the end: %v", err)
	}
	s := src.(*source)
	if rep.Records != s.st.Events+s.malformed || rep.Jobs != int64(len(jobs)) ||
		s.st.Attempts != rep.Jobs+rep.SkippedTotal()-s.malformed || note(rep, NoteOrphanEvents) != s.st.Dropped {
		t.Fatalf("accounting: report %+v, stats %+v, malformed %d", rep, s.st, s.malformed)
	}
	checkBookkeeping(t, s.st, nil)
	return jobs, rep, nil
}

// note returns the count of a report's note.
func note(rep trace.Report, what string) int64 {
	for _, n := range rep.Notes {
		if n.Reason == what {
			return n.Count
		}
	}
	return -1
}

func TestSource(t *testing.T) {
	src, err := NewSourceFrom(strings.NewReader(sourceSample), "instance_events.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if rep := src.Report(); rep.Records != 0 || rep.Format != "google2019" {
		t.Fatalf("report before reading: %+v", rep)
	}
	jobs, rep, err := drain(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(jobs, sourceWant()) {
		t.Fatalf("jobs\n got  %+v\n want %+v", jobs, sourceWant())
	}
	want := trace.NewReport(Format)
	want.Records, want.Jobs, want.Tasks, want.Instances = 18, 3, 3, 3
	want.FirstSubmitUS, want.LastSubmitUS = 600000000, 602000000
	want.CPUCoreS = (1.0*99 + 32*99 + 0.001*1e-6)
	want.MemGiBS = 2*99 + 64*99
	want.Skip(SkipAfterTrace, 1)
	want.Skip(SkipNoCPU, 1)
	want.Skip(SkipTooLarge, 1)
	for _, n := range []struct {
		what string
		n    int64
	}{{NoteOrphanEvents, 0}, {NoteOrphanStarts, 0}, {NoteSubmitAtZero, 0},
		{NoteNoMemory, 1}, {NoteZeroRun, 1}, {NoteEndTypePrefix + "FINISH", 3}, {NoteEndTypePrefix + "EVICT", 0},
		{NoteEndTypePrefix + "FAIL", 0}, {NoteEndTypePrefix + "KILL", 0}, {NoteEndTypePrefix + "LOST", 0}} {
		want.Note(n.what, n.n)
	}
	if math.Abs(rep.CPUCoreS-want.CPUCoreS) > 1e-6 || math.Abs(rep.MemGiBS-want.MemGiBS) > 1e-6 {
		t.Errorf("demand %g core-s, %g GiB-s; want %g, %g", rep.CPUCoreS, rep.MemGiBS, want.CPUCoreS, want.MemGiBS)
	}
	rep.CPUCoreS, rep.MemGiBS = want.CPUCoreS, want.MemGiBS
	if !reflect.DeepEqual(rep, want) {
		t.Fatalf("report\n got  %+v\n want %+v", rep, want)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Next(); err == nil || err.Error() != "instance_events.json: source closed" {
		t.Fatalf("Next after Close: %v", err)
	}
}

func TestSourceAssembleSample(t *testing.T) {
	src, _ := NewSourceFrom(strings.NewReader(assembleSample), "s", Options{})
	jobs, rep, err := drain(t, src)
	if err != nil {
		t.Fatal(err)
	}
	// C (orphan SCHEDULE: submit = schedule time) and D; A was scheduled before the window.
	if len(jobs) != 2 || jobs[0].ID != "2" || jobs[0].SubmitUS != 610000000 || jobs[0].Tasks[0].RuntimeUS != 240000000 ||
		jobs[1].ID != "1" || jobs[1].SubmitUS != 700000000 || jobs[1].Tasks[0].RuntimeUS != 100000000 || jobs[1].Priority != 100 {
		t.Fatalf("jobs %+v", jobs)
	}
	var want trace.Report
	for _, r := range []string{SkipAllocInstance, SkipNeverScheduled, SkipBeforeTrace, SkipPendingAtEnd,
		SkipPendingAtEnd, SkipRunningAtEnd} {
		want.Skip(r, 1)
	}
	if rep.Records != 26 || !reflect.DeepEqual(rep.Skipped, want.Skipped) || note(rep, NoteOrphanEvents) != 2 ||
		note(rep, NoteOrphanStarts) != 1 || note(rep, NoteEndTypePrefix+"FAIL") != 1 {
		t.Fatalf("report %+v", rep)
	}
}

func TestSourceFilesUnitsUsers(t *testing.T) {
	dir := t.TempDir()
	inst := filepath.Join(dir, "instance_events.json.gz")
	coll := filepath.Join(dir, "collection_events.json")
	os.WriteFile(inst, gz(t, sourceSample), 0o644)
	os.WriteFile(coll, []byte(`{"time":"0","type":0,"collection_id":"10","user":"alice"}`+"\n"+
		`{"time":"0","type":0,"collection_id":"20","user":null}`+"\n"+
		`{"time":"5","type":"ENABLE","collection_id":"20","user":"bob"}`+"\n"+
		`{"time":"6","type":"FINISH","collection_id":"20","user":"carol"}`+"\n"), 0o644)
	src, err := NewSource(inst, Options{Units: trace.Units{CPUMilliPerUnit: 1000}, CollectionEvents: coll})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	jobs, _, err := drain(t, src)
	if err != nil {
		t.Fatal(err)
	}
	want := sourceWant()
	want[0].Tenant, want[0].Tasks[0].CPUMilli = "alice", 16 // 0.015625 × 1000 rounds to 16
	want[1].Tenant, want[1].Tasks[0].CPUMilli = "bob", 500
	if !reflect.DeepEqual(jobs, want) {
		t.Fatalf("jobs\n got  %+v\n want %+v", jobs, want)
	}

	// Errors: bad units, missing files, a bad collection_events line.
	if _, err := NewSource(inst, Options{Units: trace.Units{MemBytesPerUnit: -1}}); err == nil {
		t.Error("negative units accepted")
	}
	if _, err := NewSource(filepath.Join(dir, "none"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing instance file: %v", err)
	}
	if _, err := NewSource(inst, Options{CollectionEvents: filepath.Join(dir, "none")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing collection file: %v", err)
	}
	os.WriteFile(coll, []byte(`{"time":"0","type":0}`+"\n"), 0o644)
	src, _ = NewSource(inst, Options{CollectionEvents: coll, SkipBad: true})
	_, err = src.Next()
	checkErr(t, err, coll+`:1: field "collection_id": missing mandatory value`)
	src.Close()
}

func TestSourceSkipBad(t *testing.T) {
	lines := strings.Split(sourceSample, "\n")
	bad := strings.Join(lines[:3], "\n") + "\n" + `{"time":"600000000","type":"SUBMIT"` + "\n" + strings.Join(lines[3:], "\n")

	src, _ := NewSourceFrom(strings.NewReader(bad), "i.json", Options{})
	_, _, err := drain(t, src)
	checkErr(t, err, `i.json:4: invalid JSON at column 36: unexpected end of line`)
	if _, err2 := src.Next(); err2 != err {
		t.Errorf("error not sticky: %v", err2)
	}

	src, _ = NewSourceFrom(strings.NewReader(bad), "i.json", Options{SkipBad: true})
	jobs, rep, err := drain(t, src)
	if err != nil {
		t.Fatal(err)
	}
	want := sourceWant()
	for i := range want {
		if want[i].Line >= 4 {
			want[i].Line++
		}
	}
	if !reflect.DeepEqual(jobs, want) || rep.Records != 19 || rep.SkippedTotal() != 4 {
		t.Fatalf("jobs %+v\nreport %+v", jobs, rep)
	}
}

func TestScale(t *testing.T) {
	for _, tc := range []struct {
		x, unit float64
		want    int64
		ok      bool
	}{{0.5, 64000, 32000, true}, {0, 1, 0, true}, {-1, 1, 0, false}, {1e300, 1e300, 0, false}, {1 << 62, 1, 0, false}} {
		if got, ok := scale(tc.x, tc.unit); got != tc.want || ok != tc.ok {
			t.Errorf("scale(%g, %g) = %d, %v", tc.x, tc.unit, got, ok)
		}
	}
	if u := DefaultUnits(); u.CPUMilliPerUnit != 64000 || u.MemBytesPerUnit != 256<<30 {
		t.Errorf("default units %+v", u)
	}
}
