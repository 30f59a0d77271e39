package swf

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const hdr = "; Version: 2.2\n; MaxNodes: 100\n; MaxProcs: 100\n; UnixStartTime: 843480031\n"

// line builds an 18-field data line.
const (
	kth1 = "    1        0 964980  97225   56     -1    -1   56 210000    -1  1   1   1  -1 -1 -1 -1 -1"
	kth2 = "    2   327952 291900   9382   80     -1    -1   80  14400    -1  1   2   2  -1 -1 -1 -1 -1"
	ctc1 = "    1        0 588530    937  306 142.00    -1   -1  35100    -1  1  97  -1 307  3 -1 -1 -1"
)

// readAll reads jobs until an error; it returns the jobs and the final error (nil on EOF).
func readAll(t testing.TB, r *Reader) ([]Job, error) {
	t.Helper()
	var jobs []Job
	for {
		j, err := r.Next()
		if err == io.EOF {
			return jobs, nil
		}
		if err != nil {
			return jobs, err
		}
		jobs = append(jobs, j)
	}
}

func TestLines(t *testing.T) {
	long := "1 0 0 10 4 -1 -1 4 10 -1 1 1 1 -1 -1 -1 -1 -1"
	long += strings.Repeat(" ", MaxLineBytes-len(long))
	tests := []struct {
		name, in string
		wantErr  string // "" means EOF
		jobs     int
		stats    Stats
	}{
		{"kth lines", hdr + kth1 + "\n" + kth2 + "\n", "", 2, Stats{Lines: 6, Jobs: 2, Comments: 4}},
		{"no final newline", kth1 + "\n" + kth2, "", 2, Stats{Lines: 2, Jobs: 2}},
		{"crlf and blank lines", kth1 + "\r\n\r\n   \n" + kth2 + "\r\n", "", 2, Stats{Lines: 4, Jobs: 2}},
		{"decimals", ctc1 + "\n", "", 1, Stats{Lines: 1, Jobs: 1}},
		{"empty input", "", "", 0, Stats{}},
		{"only header", hdr, "", 0, Stats{Lines: 4, Comments: 4}},
		{"comment after data", kth1 + "\n; late: comment\n" + kth2, "", 2, Stats{Lines: 3, Jobs: 2, Comments: 1}},
		{"tabs", strings.ReplaceAll(kth1, "  ", "\t"), "", 1, Stats{Lines: 1, Jobs: 1}},
		{"exponent", "1 1e2 0 1.5E+1 4 -1 -1 4 10 -1 1 1 1 -1 -1 -1 -1 -1", "", 1, Stats{Lines: 1, Jobs: 1}},
		{"1 MiB line ok", long + "\n", "", 1, Stats{Lines: 1, Jobs: 1}},
		{"1 MiB line crlf no final newline", kth1 + "\n" + long + "\r\n" + long, "", 3, Stats{Lines: 3, Jobs: 3}},
		{"2 MiB line", kth1 + "\n" + long + long + "\n" + kth2, "kth.swf:2: line longer than 1048576 bytes", 1, Stats{Lines: 1, Jobs: 1}},
		{"too long line", kth1 + "\n" + long + " \n", "kth.swf:2: line longer than 1048576 bytes", 1, Stats{Lines: 1, Jobs: 1}},
		{"17 fields", "1 0 0 10 4 -1 -1 4 10 -1 1 1 1 -1 -1 -1 -1", "kth.swf:1: expected 18 fields, got 17", 0, Stats{Lines: 1}},
		{"19 fields", hdr + kth1 + " 7\n", "kth.swf:5: expected 18 fields, got 19", 0, Stats{Lines: 5, Comments: 4}},
		{"one field", "hello\n", "kth.swf:1: expected 18 fields, got 1", 0, Stats{Lines: 1}},
		{"bad run time", "1 0 0 x 4 -1 -1 4 10 -1 1 1 1 -1 -1 -1 -1 -1", `kth.swf:1: field 4 (run_time): invalid number "x"`, 0, Stats{Lines: 1}},
		{"bad think time", kth1 + "\n1 0 0 1 4 -1 -1 4 10 -1 1 1 1 -1 -1 -1 -1 1x", `kth.swf:2: field 18 (think_time): invalid number "1x"`, 1, Stats{Lines: 2, Jobs: 1}},
		{"NaN", "1 NaN 0 1 4 -1 -1 4 10 -1 1 1 1 -1 -1 -1 -1 -1", `kth.swf:1: field 2 (submit_time): invalid number "NaN"`, 0, Stats{Lines: 1}},
		{"Inf", "1 0 0 1 4 -1 -1 4 Inf -1 1 1 1 -1 -1 -1 -1 -1", `kth.swf:1: field 9 (requested_time): invalid number "Inf"`, 0, Stats{Lines: 1}},
		{"hex", "0x1 0 0 1 4 -1 -1 4 1 -1 1 1 1 -1 -1 -1 -1 -1", `kth.swf:1: field 1 (job_number): invalid number "0x1"`, 0, Stats{Lines: 1}},
		{"lone dot", "1 0 0 1 . -1 -1 4 1 -1 1 1 1 -1 -1 -1 -1 -1", `kth.swf:1: field 5 (allocated_processors): invalid number "."`, 0, Stats{Lines: 1}},
		{"overflow", "1 0 0 1e999 4 -1 -1 4 1 -1 1 1 1 -1 -1 -1 -1 -1", `kth.swf:1: field 4 (run_time): number out of range "1e999"`, 0, Stats{Lines: 1}},
		{"fractional procs", "1 0 0 1 4.5 -1 -1 4 1 -1 1 1 1 -1 -1 -1 -1 -1", `kth.swf:1: field 5 (allocated_processors): not a whole number "4.5"`, 0, Stats{Lines: 1}},
		{"whole decimal procs", "1 0 0 1 4.00 -1 -1 4 1 -1 1 1 1 -1 -1 -1 -1 -1", "", 1, Stats{Lines: 1, Jobs: 1}},
		{"huge id", "1e300 0 0 1 4 -1 -1 4 1 -1 1 1 1 -1 -1 -1 -1 -1", `kth.swf:1: field 1 (job_number): out of range "1e300"`, 0, Stats{Lines: 1}},
		{"negative submit", "1 -1 0 1 4 -1 -1 4 1 -1 1 1 1 -1 -1 -1 -1 -1", `kth.swf:1: field 2 (submit_time): negative value "-1"`, 0, Stats{Lines: 1}},
		{"negative run", "1 0 0 -2 4 -1 -1 4 1 -1 1 1 1 -1 -1 -1 -1 -1", `kth.swf:1: field 4 (run_time): negative value "-2" (only -1 means unknown)`, 0, Stats{Lines: 1}},
		{"negative req procs", "1 0 0 2 4 -1 -1 -3 1 -1 1 1 1 -1 -1 -1 -1 -1", `kth.swf:1: field 8 (requested_processors): negative value "-3" (only -1 means unknown)`, 0, Stats{Lines: 1}},
		{"submit backwards", kth2 + "\n" + kth1 + "\n", "kth.swf:2: submit time goes backwards (0 < previous 327952)", 1, Stats{Lines: 2, Jobs: 1}},
		{"submit backwards after skip", "1 10 0 -1 4 -1 -1 4 1 -1 1 1 1 -1 -1 -1 -1 -1\n" + kth1, "kth.swf:2: submit time goes backwards (0 < previous 10)", 0, Stats{Lines: 2, SkippedNoRuntime: 1}},
		{"equal submit ok", kth1 + "\n" + kth1 + "\n", "", 2, Stats{Lines: 2, Jobs: 2}},
		{"bad header int", "; MaxProcs: lots\n" + kth1, `kth.swf:1: header MaxProcs: invalid integer "lots"`, 0, Stats{Lines: 1, Comments: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tc.in), "kth.swf")
			if err != nil {
				t.Fatal(err)
			}
			jobs, err := readAll(t, r)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.wantErr {
				t.Errorf("error = %q, want %q", got, tc.wantErr)
			}
			if len(jobs) != tc.jobs {
				t.Errorf("got %d jobs, want %d", len(jobs), tc.jobs)
			}
			if s := r.Stats(); s != tc.stats {
				t.Errorf("stats = %+v, want %+v", s, tc.stats)
			}
			if err != nil { // sticky
				if _, err2 := r.Next(); err2 == nil || err2.Error() != got {
					t.Errorf("second Next = %v, want the same error", err2)
				}
			}
		})
	}
}

func TestJobFields(t *testing.T) {
	r, err := NewReader(strings.NewReader(hdr+kth1+"\n"+ctc1+"\n"), "x")
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := readAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	want := []Job{
		{ID: 1, SubmitS: 0, WaitS: 964980, RunS: 97225, AllocProcs: 56, ReqProcs: 56, ReqTimeS: 210000,
			Status: 1, User: 1, Group: 1, Queue: -1, Partition: -1, Procs: 56, Line: 5},
		{ID: 1, SubmitS: 0, WaitS: 588530, RunS: 937, AllocProcs: 306, ReqProcs: -1, ReqTimeS: 35100,
			Status: 1, User: 97, Group: -1, Queue: 3, Partition: -1, Procs: 306, Line: 6},
	}
	if len(jobs) != len(want) {
		t.Fatalf("got %d jobs, want %d", len(jobs), len(want))
	}
	for i := range want {
		if jobs[i] != want[i] {
			t.Errorf("job %d = %+v, want %+v", i, jobs[i], want[i])
		}
	}
	if s := r.Stats(); s.TooLarge != 1 { // 306 > MaxProcs 100
		t.Errorf("TooLarge = %d, want 1", s.TooLarge)
	}
}

func TestProcsAndSkips(t *testing.T) {
	// job alloc req run
	mk := func(alloc, req, run string) string {
		return "1 0 0 " + run + " " + alloc + " -1 -1 " + req + " 10 -1 1 1 1 -1 -1 -1 -1 -1"
	}
	tests := []struct {
		name          string
		alloc, req    string
		run           string
		procs         int // 0: skipped
		noSize, noRun int64
		tooLarge      int64
	}{
		{"alloc", "8", "4", "10", 8, 0, 0, 0},
		{"alloc -1 uses req", "-1", "4", "10", 4, 0, 0, 0},
		{"alloc 0 uses req", "0", "4", "10", 4, 0, 0, 0},
		{"req -1 alloc given", "3", "-1", "10", 3, 0, 0, 0},
		{"both -1", "-1", "-1", "10", 0, 1, 0, 0},
		{"both 0", "0", "0", "10", 0, 1, 0, 0},
		{"run -1", "4", "4", "-1", 0, 0, 1, 0},
		{"size and run unknown counts size", "-1", "0", "-1", 0, 1, 0, 0},
		{"run 0 kept", "4", "4", "0", 4, 0, 0, 0},
		{"too large kept", "101", "4", "10", 101, 0, 0, 1},
		{"too large via req", "-1", "200", "10", 200, 0, 0, 1},
		{"exactly max", "100", "-1", "10", 100, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := NewReader(strings.NewReader(hdr+mk(tc.alloc, tc.req, tc.run)+"\n"), "t.swf")
			jobs, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			s := r.Stats()
			if tc.procs == 0 {
				if len(jobs) != 0 {
					t.Fatalf("job not skipped: %+v", jobs)
				}
			} else if len(jobs) != 1 || jobs[0].Procs != tc.procs {
				t.Fatalf("jobs = %+v, want one with Procs %d", jobs, tc.procs)
			}
			if s.SkippedNoSize != tc.noSize || s.SkippedNoRuntime != tc.noRun || s.TooLarge != tc.tooLarge {
				t.Errorf("stats = %+v", s)
			}
			if s.Jobs+s.SkippedNoSize+s.SkippedNoRuntime != 1 {
				t.Errorf("data line not accounted for: %+v", s)
			}
		})
	}
}

func TestHeader(t *testing.T) {
	in := `; Version: 2.2
; Computer: IBM SP2
; Information: http://www.pdc.kth.se/
;              http://www.cs.huji.ac.il/labs/parallel/workload/
; UnixStartTime: 843480031
; StartTime: Mon Sep 23 14:00:31 CEST 1996
; EndTime:   Fri Aug 29 10:55:01 CEST 1997
;MaxNodes:	64
;NoSpace:after-colon
  ; MaxProcs: 128
; Note: uses the EASY scheduler
; free text without key
;
; Empty:
` + kth1 + `
; Late: ignored
` + kth2
	r, err := NewReader(strings.NewReader(in), "h.swf")
	if err != nil {
		t.Fatal(err)
	}
	h := r.Header() // complete before the first Next
	want := map[string]string{
		"Version": "2.2", "Computer": "IBM SP2", "Information": "http://www.pdc.kth.se/",
		"UnixStartTime": "843480031", "StartTime": "Mon Sep 23 14:00:31 CEST 1996",
		"EndTime": "Fri Aug 29 10:55:01 CEST 1997", "MaxNodes": "64", "MaxProcs": "128",
		"Note": "uses the EASY scheduler", "Empty": "",
	}
	if len(h.Fields) != len(want) {
		t.Errorf("Fields = %q, want %q", h.Fields, want)
	}
	for k, v := range want {
		if h.Fields[k] != v {
			t.Errorf("Fields[%q] = %q, want %q", k, h.Fields[k], v)
		}
	}
	if h.MaxProcs != 128 || h.MaxNodes != 64 || h.UnixStartTime != 843480031 {
		t.Errorf("header = %+v", h)
	}
	h.Fields["Version"] = "changed"
	if _, err := readAll(t, r); err != nil {
		t.Fatal(err)
	}
	h2 := r.Header()
	if h2.Fields["Version"] != "2.2" || h2.Fields["Late"] != "" || len(h2.Fields) != len(want) {
		t.Errorf("header changed after reading: %q", h2.Fields)
	}
	if s := r.Stats(); s.Comments != 15 || s.Jobs != 2 || s.Lines != 17 {
		t.Errorf("stats = %+v", s)
	}
}

func TestGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(hdr + kth1 + "\n" + kth2 + "\n"))
	zw.Close()
	r, err := NewReader(&buf, "k.swf.gz")
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := readAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || jobs[1].ID != 2 || r.Header().MaxProcs != 100 {
		t.Errorf("jobs = %+v, header = %+v", jobs, r.Header())
	}

	// Gzip magic followed by garbage: NewReader fails, naming the file.
	if _, err := NewReader(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0}), "bad.gz"); err == nil || !strings.HasPrefix(err.Error(), "bad.gz: gzip: ") {
		t.Errorf("err = %v", err)
	}
	// Truncated gzip stream: a read error naming file and line.
	data := buf.Bytes()
	var b2 bytes.Buffer
	zw = gzip.NewWriter(&b2)
	zw.Write([]byte(strings.Repeat(kth1+"\n", 1000)))
	zw.Close()
	data = b2.Bytes()[:b2.Len()/2]
	r, err = NewReader(bytes.NewReader(data), "trunc.gz")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, r); err == nil || !strings.HasPrefix(err.Error(), "trunc.gz:") || !strings.Contains(err.Error(), "read error") {
		t.Errorf("truncated gzip: err = %v", err)
	}

	// Open on a gzip file.
	p := filepath.Join(t.TempDir(), "k.swf.gz")
	var b3 bytes.Buffer
	zw = gzip.NewWriter(&b3)
	zw.Write([]byte(hdr + kth1 + "\n"))
	zw.Close()
	if err := os.WriteFile(p, b3.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r, c, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if jobs, err := readAll(t, r); err != nil || len(jobs) != 1 {
		t.Errorf("Open: %d jobs, err %v", len(jobs), err)
	}
	if _, _, err := Open(filepath.Join(t.TempDir(), "missing.swf")); err == nil {
		t.Error("Open of a missing file: no error")
	}
}

// tracesDir returns the trace samples folder: $DCSIM_TRACES, or ../shared/traces next to
// the repository (four levels up from this package directory).
func tracesDir(t *testing.T) string {
	if d := os.Getenv("DCSIM_TRACES"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(wd, "..", "..", "..", "..", "shared", "traces")
}

func TestKTHFile(t *testing.T) {
	path := filepath.Join(tracesDir(t), "swf", "KTH-SP2-1996-2.1-cln.swf")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("trace samples not found (%v); set DCSIM_TRACES to the shared/traces folder", err)
	}
	// Count data lines independently.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var dataLines int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s != "" && s[0] != ';' {
			dataLines++
		}
	}
	f.Close()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	r, c, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if h := r.Header(); h.MaxProcs != 100 || h.MaxNodes != 100 || h.UnixStartTime != 843480031 {
		t.Errorf("header = %+v", h)
	}
	var n int64
	var first Job
	for {
		j, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			first = j
		}
		n++
	}
	s := r.Stats()
	t.Logf("KTH: %d data lines, stats %+v", dataLines, s)
	if first.ID != 1 {
		t.Errorf("first job ID = %d, want 1", first.ID)
	}
	if n != s.Jobs || s.Jobs+s.SkippedNoSize+s.SkippedNoRuntime != dataLines {
		t.Errorf("jobs %d + skipped %d + %d != data lines %d", s.Jobs, s.SkippedNoSize, s.SkippedNoRuntime, dataLines)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(hdr + kth1 + "\n" + kth2 + "\n"))
	f.Add([]byte(ctc1))
	f.Add([]byte("; MaxProcs: 4\n1 0 0 -1 -1 -1 -1 -1 10 -1 1 1 1 -1 -1 -1 -1 -1\r\n"))
	f.Add([]byte("1 0 0 1.5e3 4 -1 -1 4 1 -1 1 1 1 -1 -1 -1 -1 -1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		_ = r.Header()
		var n int64
		for {
			j, err := r.Next()
			if err != nil {
				if err != io.EOF && !strings.HasPrefix(err.Error(), "fuzz:") {
					t.Fatalf("error without file name: %v", err)
				}
				break
			}
			n++
			if j.Procs <= 0 || j.RunS < 0 || j.Line <= 0 {
				t.Fatalf("bad job %+v", j)
			}
		}
		s := r.Stats()
		if s.Jobs != n || s.Jobs+s.SkippedNoSize+s.SkippedNoRuntime+s.Comments > s.Lines || s.TooLarge > s.Jobs {
			t.Fatalf("inconsistent stats %+v (returned %d)", s, n)
		}
	})
}
