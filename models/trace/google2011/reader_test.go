package google2011

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

const (
	userHash = "70s3v5qRyCO/1PCdI6fVXnrW8FU/w+5CKRSa72xgcIo="
	platHash = "HofLGzk1Or/8Ildj2+Lqv0UGGvY82NLoni8+J/Yy0RU="
)

// firstTask parses text as task_events and returns the first record.
func firstTask(t *testing.T, text string) (TaskEvent, error) {
	t.Helper()
	r, err := NewTaskReader(strings.NewReader(text), "task_events.csv.gz")
	if err != nil {
		t.Fatalf("NewTaskReader: %v", err)
	}
	defer r.Close()
	return r.Next()
}

func TestTaskLine(t *testing.T) {
	tests := []struct {
		name, line string
		want       TaskEvent
		err        string
	}{
		{name: "full real line",
			line: "600046926,,6251537638,1832,4304051942,4,fJYeclskJqPWsAT6TX/r9X5OiIZpSEb2PBGliYAOMxM=,0,2,0.02499,0.07959,0.0003862,1",
			want: TaskEvent{TimeUS: 600046926, JobID: 6251537638, TaskIndex: 1832, MachineID: 4304051942, HasMachine: true,
				Type: TaskFinish, User: "fJYeclskJqPWsAT6TX/r9X5OiIZpSEb2PBGliYAOMxM=", SchedClass: 0, Priority: 2,
				CPUReq: 0.02499, MemReq: 0.07959, DiskReq: 0.0003862, HasCPU: true, HasMem: true, HasDisk: true,
				DifferentMachines: true, Line: 1}},
		{name: "missing info, empty requests",
			line: "0,2,3418309,0,4155527081,0," + userHash + ",3,9,,,,",
			want: TaskEvent{MissingInfo: 2, JobID: 3418309, MachineID: 4155527081, HasMachine: true, User: userHash,
				SchedClass: 3, Priority: 9, Line: 1}},
		{name: "no machine, CRLF",
			line: "5611086343,,515042969,26,,5,u,2,0,0.01562,0.01553,0.0002155,0\r",
			want: TaskEvent{TimeUS: 5611086343, JobID: 515042969, TaskIndex: 26, Type: TaskKill, User: "u",
				SchedClass: 2, CPUReq: 0.01562, MemReq: 0.01553, DiskReq: 0.0002155, HasCPU: true, HasMem: true,
				HasDisk: true, Line: 1}},
		{name: "end of trace time, exponent",
			line: "9223372036854775807,,1,2,,7,,,11,1.144e-05,,,",
			want: TaskEvent{TimeUS: EndOfTrace, JobID: 1, TaskIndex: 2, Type: TaskUpdatePending, Priority: 11,
				CPUReq: 1.144e-05, HasCPU: true, Line: 1}},
		{name: "bad event type", line: "0,,1,2,,x,,,9,,,,",
			err: `task_events.csv.gz:1: field 6 (event type): invalid integer "x"`},
		{name: "event type out of range", line: "0,,1,2,,9,,,9,,,,",
			err: `task_events.csv.gz:1: field 6 (event type): value 9 out of range [0, 8]`},
		{name: "missing job", line: "0,,,2,,0,,,9,,,,",
			err: `task_events.csv.gz:1: field 3 (job ID): missing mandatory value`},
		{name: "missing priority", line: "0,,1,2,,0,,,,,,,",
			err: `task_events.csv.gz:1: field 9 (priority): missing mandatory value`},
		{name: "overflow", line: "0,,1,99999999999999999999,,0,,,9,,,,",
			err: `task_events.csv.gz:1: field 4 (task index): invalid integer "99999999999999999999"`},
		{name: "negative time", line: "-1,,1,2,,0,,,9,,,,",
			err: `task_events.csv.gz:1: field 1 (time): negative time -1`},
		{name: "bad float", line: "0,,1,2,,0,,,9,0.5x,,,",
			err: `task_events.csv.gz:1: field 10 (CPU request): invalid number "0.5x"`},
		{name: "NaN", line: "0,,1,2,,0,,,9,,NaN,,",
			err: `task_events.csv.gz:1: field 11 (memory request): invalid number "NaN"`},
		{name: "negative request", line: "0,,1,2,,0,,,9,,,-0.1,",
			err: `task_events.csv.gz:1: field 12 (disk space request): negative value "-0.1"`},
		{name: "bad bool", line: "0,,1,2,,0,,,9,,,,2",
			err: `task_events.csv.gz:1: field 13 (different machines restriction): invalid boolean "2" (want 0 or 1)`},
		{name: "sched class range", line: "0,,1,2,,0,,4,9,,,,",
			err: `task_events.csv.gz:1: field 8 (scheduling class): value 4 out of range [0, 3]`},
		{name: "too few fields", line: "0,,1,2,,0,,,9,,,",
			err: `task_events.csv.gz:1: expected 13 fields, got 12`},
		{name: "too many fields", line: "0,,1,2,,0,,,9,,,,,,",
			err: `task_events.csv.gz:1: expected 13 fields, got 15`},
		{name: "blank line", line: "\n0,,1,2,,0,,,9,,,,",
			err: `task_events.csv.gz:1: expected 13 fields, got 1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := firstTask(t, tc.line+"\n")
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error %T is not *ParseError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestMachineLine(t *testing.T) {
	tests := []struct {
		name, line string
		want       MachineEvent
		err        string
	}{
		{name: "real line", line: "0,5,0," + platHash + ",0.5,0.2493",
			want: MachineEvent{MachineID: 5, Platform: platHash, CPU: 0.5, Mem: 0.2493, HasCPU: true, HasMem: true, Line: 1}},
		{name: "empty capacities", line: "113019603442,6264344062,0," + platHash + ",,",
			want: MachineEvent{TimeUS: 113019603442, MachineID: 6264344062, Platform: platHash, Line: 1}},
		{name: "remove, no platform", line: "2506097126581,2343531369,1,,1,",
			want: MachineEvent{TimeUS: 2506097126581, MachineID: 2343531369, Type: MachineRemove, CPU: 1, HasCPU: true, Line: 1}},
		{name: "bad type", line: "0,5,3,p,0.5,0.25",
			err: `machine_events.csv.gz:1: field 3 (event type): value 3 out of range [0, 2]`},
		{name: "bad machine", line: "0,5a,0,p,0.5,0.25",
			err: `machine_events.csv.gz:1: field 2 (machine ID): invalid integer "5a"`},
		{name: "missing time", line: ",5,0,p,0.5,0.25",
			err: `machine_events.csv.gz:1: field 1 (time): missing mandatory value`},
		{name: "bad cpu", line: "0,5,0,p,Inf,0.25",
			err: `machine_events.csv.gz:1: field 5 (CPUs): invalid number "Inf"`},
		{name: "too few", line: "0,5,0,p,0.5",
			err: `machine_events.csv.gz:1: expected 6 fields, got 5`},
		{name: "too many", line: "0,5,0,p,0.5,0.25,1",
			err: `machine_events.csv.gz:1: expected 6 fields, got 7`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewMachineReader(strings.NewReader(tc.line+"\n"), "machine_events.csv.gz")
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Next()
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

const machineSample = "0,5,0," + platHash + ",0.5,0.2493\n" +
	"0,6,0," + platHash + ",0.5,0.2493\n" +
	"835150655,6,2," + platHash + ",0.5,0.2493\n" +
	"2506097126581,5,1," + platHash + ",0.5,0.2493" // no final newline

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGzipAndPlain(t *testing.T) {
	for _, in := range []struct {
		name string
		data []byte
	}{{"plain", []byte(machineSample)}, {"gzip", gz(t, machineSample)}} {
		t.Run(in.name, func(t *testing.T) {
			r, err := NewMachineReader(bytes.NewReader(in.data), in.name)
			if err != nil {
				t.Fatal(err)
			}
			var types []int
			var last MachineEvent
			for {
				e, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				types = append(types, e.Type)
				last = e
			}
			if len(types) != 4 || types[2] != MachineUpdate || last.TimeUS != 2506097126581 || last.Line != 4 {
				t.Fatalf("types %v last %+v", types, last)
			}
			if _, err := r.Next(); err != io.EOF {
				t.Fatalf("Next after EOF = %v", err)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOpenFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/m.csv.gz", gz(t, machineSample))
	writeFile(t, dir+"/t.csv", []byte("0,,1,0,,0,u,0,9,0.1,0.2,0.3,0\n"))
	m, err := OpenMachineEvents(dir + "/m.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	if e, err := m.Next(); err != nil || e.MachineID != 5 {
		t.Fatalf("%+v %v", e, err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Next(); err == nil {
		t.Fatal("Next after Close succeeded")
	}
	tr, err := OpenTaskEvents(dir + "/t.csv")
	if err != nil {
		t.Fatal(err)
	}
	if e, err := tr.Next(); err != nil || e.JobID != 1 || e.DiskReq != 0.3 {
		t.Fatalf("%+v %v", e, err)
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenTaskEvents(dir + "/absent.csv.gz"); err == nil {
		t.Fatal("opening a missing file succeeded")
	}
	// Bad gzip after the magic bytes.
	writeFile(t, dir+"/bad.gz", []byte{0x1f, 0x8b, 0, 0})
	if _, err := OpenTaskEvents(dir + "/bad.gz"); err == nil || !strings.Contains(err.Error(), "bad.gz") {
		t.Fatalf("bad gzip: %v", err)
	}
}

func TestUnsortedAndSticky(t *testing.T) {
	in := "10,,1,0,,0,,,9,,,,\n10,,1,1,,0,,,9,,,,\n7,,1,2,,0,,,9,,,,\n"
	r, _ := NewTaskReader(strings.NewReader(in), "t.csv")
	for i := 0; i < 2; i++ {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	const want = `t.csv:3: field 1 (time): time 7 is before time 10 of line 2 (the trace must be sorted by time)`
	for i := 0; i < 2; i++ { // the error is sticky
		if _, err := r.Next(); err == nil || err.Error() != want {
			t.Fatalf("error = %v, want %q", err, want)
		}
	}
}

func TestLongLine(t *testing.T) {
	in := "0,,1,0,,0," + strings.Repeat("u", MaxLineBytes+10) + ",,9,,,,\n"
	_, err := firstTask(t, in)
	if err == nil || !strings.Contains(err.Error(), "task_events.csv.gz:1: line longer than") {
		t.Fatalf("error = %v", err)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
