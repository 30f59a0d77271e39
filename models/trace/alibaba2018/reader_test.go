package alibaba2018

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

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

const batchHeader = "task_name,instance_num,job_name,task_type,status,start_time,end_time,plan_cpu,plan_mem\n"

func readBatch(t *testing.T, data []byte) ([]BatchTask, ReaderStats, error) {
	t.Helper()
	r, err := NewBatchTaskReader(bytes.NewReader(data), "bt.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []BatchTask
	for {
		x, err := r.Next()
		if err == io.EOF {
			return out, r.Stats(), nil
		}
		if err != nil {
			if !reflect.DeepEqual(x, BatchTask{}) {
				t.Fatalf("non-zero record with error: %+v", x)
			}
			// Sticky.
			if _, err2 := r.Next(); err2 != err {
				t.Fatalf("error not sticky: %v then %v", err, err2)
			}
			return out, r.Stats(), err
		}
		out = append(out, x)
	}
}

func TestBatchTaskGood(t *testing.T) {
	in := batchHeader +
		"R6_3,371.0,j_3,1,Terminated,157297,157325,100.0,0.49\n" +
		"M1,,j_3,1,Waiting,0,0,,\r\n" +
		"\n" +
		"task_abc==,7,j_4,12,Running,10,0,50,1e-1"
	want := []BatchTask{
		{TaskName: "R6_3", DAG: TaskName{Kind: 'R', ID: 6, Parents: []int{3}}, InstanceNum: 371, JobName: "j_3", TaskType: "1",
			Status: "Terminated", StartTimeS: 157297, EndTimeS: 157325, PlanCPU: 100, PlanMem: 0.49, Line: 2},
		{TaskName: "M1", DAG: TaskName{Kind: 'M', ID: 1}, InstanceNum: -1, JobName: "j_3", TaskType: "1",
			Status: "Waiting", PlanCPU: -1, PlanMem: -1, Line: 3},
		{TaskName: "task_abc==", DAG: TaskName{ID: -1, Independent: true}, InstanceNum: 7, JobName: "j_4", TaskType: "12",
			Status: "Running", StartTimeS: 10, PlanCPU: 50, PlanMem: 0.1, Line: 5},
	}
	for _, data := range [][]byte{[]byte(in), gz(t, in)} {
		got, st, err := readBatch(t, data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v\nwant %+v", got, want)
		}
		if st != (ReaderStats{Lines: 5, Rows: 3, Headers: 1, Blank: 1}) {
			t.Errorf("stats = %+v", st)
		}
	}
}

func TestBatchTaskBad(t *testing.T) {
	good := "M1,1,j_1,1,Terminated,5,6,100,0.2"
	tests := []struct{ line, err string }{
		{"M1,1,j_1,1,Terminated,5,6,100", "bt.csv:2: expected 9 fields, got 8"},
		{",1,j_1,1,Terminated,5,6,100,0.2", "bt.csv:2: field 1 (task_name): missing value"},
		{"R1__2,1,j_1,1,Terminated,5,6,100,0.2", `bt.csv:2: field 1 (task_name): malformed task name "R1__2": empty parent id`},
		{"M1,1.5,j_1,1,Terminated,5,6,100,0.2", `bt.csv:2: field 2 (instance_num): not a whole number "1.5"`},
		{"M1,-1,j_1,1,Terminated,5,6,100,0.2", `bt.csv:2: field 2 (instance_num): negative value "-1"`},
		{"M1,x,j_1,1,Terminated,5,6,100,0.2", `bt.csv:2: field 2 (instance_num): invalid number "x"`},
		{"M1,1e300,j_1,1,Terminated,5,6,100,0.2", `bt.csv:2: field 2 (instance_num): out of range "1e300"`},
		{"M1,1,,1,Terminated,5,6,100,0.2", "bt.csv:2: field 3 (job_name): missing value"},
		{"M1,1,j_1,,Terminated,5,6,100,0.2", "bt.csv:2: field 4 (task_type): missing value"},
		{"M1,1,j_1,1,,5,6,100,0.2", "bt.csv:2: field 5 (status): missing value"},
		{"M1,1,j_1,1,Terminated,5.0,6,100,0.2", `bt.csv:2: field 6 (start_time): invalid integer "5.0"`},
		{"M1,1,j_1,1,Terminated,5,-6,100,0.2", `bt.csv:2: field 7 (end_time): negative value "-6"`},
		{"M1,1,j_1,1,Terminated,5,,100,0.2", `bt.csv:2: field 7 (end_time): missing value`},
		{"M1,1,j_1,1,Terminated,5,6,NaN,0.2", `bt.csv:2: field 8 (plan_cpu): invalid number "NaN"`},
		{"M1,1,j_1,1,Terminated,5,6,100,-0.2", `bt.csv:2: field 9 (plan_mem): negative value "-0.2"`},
		{"M1,1,j_1,1,Terminated,5,6,100,1e999", `bt.csv:2: field 9 (plan_mem): invalid number "1e999"`},
	}
	for _, tc := range tests {
		got, _, err := readBatch(t, []byte(good+"\n"+tc.line+"\n"+good+"\n"))
		if err == nil || err.Error() != tc.err {
			t.Errorf("%q: error %v, want %q", tc.line, err, tc.err)
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != 2 {
			t.Errorf("%q: not a *ParseError for line 2: %#v", tc.line, err)
		}
		if len(got) != 1 {
			t.Errorf("%q: %d records before the error, want 1", tc.line, len(got))
		}
	}
	// A header is only recognised on line 1.
	if _, _, err := readBatch(t, []byte(good+"\n"+batchHeader)); err == nil || err.Error() != `bt.csv:2: field 2 (instance_num): invalid number "instance_num"` {
		t.Errorf("header on line 2: %v", err)
	}
	// Overlong line.
	long := strings.Repeat("x", MaxLineBytes+10) + "\n"
	if _, _, err := readBatch(t, []byte(long)); err == nil || err.Error() != "bt.csv:1: line longer than 65536 bytes" {
		t.Errorf("long line: %v", err)
	}
	// Truncated gzip.
	z := gz(t, good+"\n"+good+"\n")
	if _, _, err := readBatch(t, z[:len(z)-6]); err == nil || !strings.HasPrefix(err.Error(), "bt.csv:") {
		t.Errorf("truncated gzip: %v", err)
	}
}

func TestMachineMeta(t *testing.T) {
	in := "m_1,0,219,17,96,100,USING\nm_1263,357600,15,,96,100,IMPORT_INSTALLING\n"
	r, err := NewMachineMetaReader(bytes.NewReader(gz(t, in)), "mm.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got []MachineMeta
	for {
		m, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	want := []MachineMeta{
		{MachineID: "m_1", TimeStampS: 0, FailureDomain1: "219", FailureDomain2: "17", CPUNum: 96, MemSize: 100, Status: "USING", Line: 1},
		{MachineID: "m_1263", TimeStampS: 357600, FailureDomain1: "15", CPUNum: 96, MemSize: 100, Status: "IMPORT_INSTALLING", Line: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	bad := []struct{ line, err string }{
		{"m_1,0,219,17,96,100", "mm.csv:1: expected 7 fields, got 6"},
		{",0,219,17,96,100,USING", "mm.csv:1: field 1 (machine_id): missing value"},
		{"m_1,-5,219,17,96,100,USING", `mm.csv:1: field 2 (time_stamp): negative value "-5"`},
		{"m_1,0,,17,96,100,USING", "mm.csv:1: field 3 (failure_domain_1): missing value"},
		{"m_1,0,219,17,9x,100,USING", `mm.csv:1: field 5 (cpu_num): invalid integer "9x"`},
		{"m_1,0,219,17,99999999,100,USING", `mm.csv:1: field 5 (cpu_num): out of range "99999999"`},
		{"m_1,0,219,17,96,,USING", "mm.csv:1: field 6 (mem_size): missing value"},
		{"m_1,0,219,17,96,100,", "mm.csv:1: field 7 (status): missing value"},
	}
	for _, tc := range bad {
		r, _ := NewMachineMetaReader(strings.NewReader(tc.line), "mm.csv")
		if _, err := r.Next(); err == nil || err.Error() != tc.err {
			t.Errorf("%q: error %v, want %q", tc.line, err, tc.err)
		}
	}
}

func TestMachineUsage(t *testing.T) {
	in := "machine_id,time_stamp,cpu_util_percent,mem_util_percent,mem_gps,mkpi,net_in,net_out,disk_io_percent\n" +
		"m_1932,386640,41,92,,,43.04,33.08,5\n" +
		"m_1932,386670.0,43,92,0.5,2,43.04,33.08,-1\n"
	r, err := NewMachineUsageReader(strings.NewReader(in), "mu.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got []MachineUsage
	for {
		u, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, u)
	}
	want := []MachineUsage{
		{MachineID: "m_1932", TimeStampS: 386640, CPUUtilPercent: 41, MemUtilPercent: 92, MemGPS: -1, MKPI: -1, NetIn: 43.04, NetOut: 33.08, DiskIOPercent: 5, Line: 2},
		{MachineID: "m_1932", TimeStampS: 386670, CPUUtilPercent: 43, MemUtilPercent: 92, MemGPS: 0.5, MKPI: 2, NetIn: 43.04, NetOut: 33.08, DiskIOPercent: -1, Line: 3},
	}
	if !reflect.DeepEqual(got, want) || r.Stats() != (ReaderStats{Lines: 3, Rows: 2, Headers: 1}) {
		t.Fatalf("got %+v %+v", got, r.Stats())
	}
	bad := []struct{ line, err string }{
		{"m_1,1,2,3,4,5,6,7", "mu.csv:1: expected 9 fields, got 8"},
		{"m_1,1.5,2,3,4,5,6,7,8", `mu.csv:1: field 2 (time_stamp): not a whole number "1.5"`},
		{"m_1,,2,3,4,5,6,7,8", `mu.csv:1: field 2 (time_stamp): missing value`},
		{"m_1,1,-2,3,4,5,6,7,8", `mu.csv:1: field 3 (cpu_util_percent): negative value "-2"`},
		{"m_1,1,2,3,4,5,6,Inf,8", `mu.csv:1: field 8 (net_out): invalid number "Inf"`},
		{"m_1,1,2,3,4,5,6,7,0x1", `mu.csv:1: field 9 (disk_io_percent): invalid number "0x1"`},
	}
	for _, tc := range bad {
		r, _ := NewMachineUsageReader(strings.NewReader(tc.line+"\n"), "mu.csv")
		if _, err := r.Next(); err == nil || err.Error() != tc.err {
			t.Errorf("%q: error %v, want %q", tc.line, err, tc.err)
		}
	}
}

func TestOpenMissing(t *testing.T) {
	if _, err := OpenBatchTask("/nonexistent/bt.csv"); err == nil {
		t.Error("no error for a missing file")
	}
}
