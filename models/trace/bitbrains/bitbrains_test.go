package bitbrains

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	hdr = "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]"
	s1  = "1372629804;\t2;\t5851.9989;\t87.7799835;\t1.5;\t8218624.0;\t1034592.8;\t160.86666666666667;\t21.733333333333334;\t0.26666666666666666;\t1.4666666666666666"
	s2  = "1372630104;\t2;\t5851.9989;\t29.259994499999998;\t0.5;\t8218624.0;\t458575.4666666667;\t0.0;\t2.3333333333333335;\t0.2;\t1.0"
)

func readAll(t *testing.T, r *Reader) ([]Sample, string) {
	t.Helper()
	var out []Sample
	for {
		s, err := r.Next()
		if err == io.EOF {
			return out, ""
		}
		if err != nil {
			if _, err2 := r.Next(); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("second Next = %v, want the same error", err2)
			}
			return out, err.Error()
		}
		out = append(out, s)
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestLines(t *testing.T) {
	long := strings.Repeat(" ", MaxLineBytes+1)
	row := func(fields ...string) string { return strings.Join(fields, ";") }
	tests := []struct {
		name, in, wantErr string
		n                 int
		stats             Stats
	}{
		{"two", hdr + "\n" + s1 + "\n" + s2 + "\n", "", 2, Stats{Lines: 3, Header: 1, Samples: 2}},
		{"crlf blank no final newline", hdr + "\r\n\r\n" + s1 + "\r\n \t\r\n" + s2, "", 2, Stats{Lines: 5, Header: 1, Blank: 2, Samples: 2}},
		{"spaces instead of tabs", strings.ReplaceAll(hdr, ";\t", " ; ") + "\n" + strings.ReplaceAll(s1, ";\t", " ;  "), "", 1, Stats{Lines: 2, Header: 1, Samples: 1}},
		{"no padding, header case", strings.ToLower(strings.ReplaceAll(hdr, ";\t", ";")) + "\n" + strings.ReplaceAll(s1, "\t", ""), "", 1, Stats{Lines: 2, Header: 1, Samples: 1}},
		{"equal timestamps", hdr + "\n" + s1 + "\n" + s1, "", 2, Stats{Lines: 3, Header: 1, Samples: 2}},
		{"only header", hdr, "", 0, Stats{Lines: 1, Header: 1}},
		{"empty", "", "vm.csv: missing header", 0, Stats{}},
		{"no header", s1, `vm.csv:1: header field 1: expected "Timestamp [ms]", got "1372629804"`, 0, Stats{Lines: 1}},
		{"short header", "Timestamp [ms]; CPU cores", "vm.csv:1: header: expected 11 fields, got 2", 0, Stats{Lines: 1}},
		{"too long", hdr + "\n" + long, "vm.csv:2: line longer than 1048576 bytes", 0, Stats{Lines: 1, Header: 1}},
		{"10 fields", hdr + "\n" + row("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"), "vm.csv:2: expected 11 fields, got 10", 0, Stats{Lines: 2, Header: 1}},
		{"trailing separator", hdr + "\n" + s1 + ";", "vm.csv:2: expected 11 fields, got 12", 0, Stats{Lines: 2, Header: 1}},
		{"ms timestamp with decimals", hdr + "\n" + strings.Replace(s1, "1372629804", "1372629804.5", 1), `vm.csv:2: field 1 (Timestamp [ms]): invalid integer "1372629804.5"`, 0, Stats{Lines: 2, Header: 1}},
		{"fractional cores", hdr + "\n" + strings.Replace(s1, ";\t2;", ";\t2.5;", 1), `vm.csv:2: field 2 (CPU cores): invalid integer "2.5"`, 0, Stats{Lines: 2, Header: 1}},
		{"bad usage", hdr + "\n" + s1 + "\n" + strings.Replace(s2, "29.259994499999998", "n/a", 1), `vm.csv:3: field 4 (CPU usage [MHZ]): invalid number "n/a"`, 1, Stats{Lines: 3, Header: 1, Samples: 1}},
		{"negative memory", hdr + "\n" + strings.Replace(s1, "1034592.8", "-1", 1), `vm.csv:2: field 7 (Memory usage [KB]): negative value "-1"`, 0, Stats{Lines: 2, Header: 1}},
		{"empty net tx", hdr + "\n" + strings.TrimSuffix(s1, "1.4666666666666666"), `vm.csv:2: field 11 (Network transmitted throughput [KB/s]): invalid number ""`, 0, Stats{Lines: 2, Header: 1}},
		{"Inf disk", hdr + "\n" + strings.Replace(s1, "160.86666666666667", "Inf", 1), `vm.csv:2: field 8 (Disk read throughput [KB/s]): invalid number "Inf"`, 0, Stats{Lines: 2, Header: 1}},
		{"backwards", hdr + "\n" + s2 + "\n" + s1, "vm.csv:3: timestamp goes backwards (1372629804 < previous 1372630104)", 1, Stats{Lines: 3, Header: 1, Samples: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tc.in), "vm.csv")
			if err != nil {
				t.Fatal(err)
			}
			got, errText := readAll(t, r)
			if errText != tc.wantErr {
				t.Errorf("error = %q, want %q", errText, tc.wantErr)
			}
			if len(got) != tc.n {
				t.Errorf("got %d samples, want %d", len(got), tc.n)
			}
			if s := r.Stats(); s != tc.stats {
				t.Errorf("stats = %+v, want %+v", s, tc.stats)
			}
		})
	}
}

func TestFieldsAndGzip(t *testing.T) {
	r, err := NewReader(bytes.NewReader(gz(hdr+"\n"+s1+"\n")), "vm.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	got, errText := readAll(t, r)
	want := Sample{TimeS: 1372629804, CPUCores: 2, CPUCapacityMHz: 5851.9989, CPUUsageMHz: 87.7799835,
		CPUUsagePct: 1.5, MemCapacityKB: 8218624, MemUsageKB: 1034592.8, DiskReadKBps: 160.86666666666667,
		DiskWriteKBps: 21.733333333333334, NetRxKBps: 0.26666666666666666, NetTxKBps: 1.4666666666666666, Line: 2}
	if errText != "" || len(got) != 1 || got[0] != want {
		t.Errorf("got %+v %q\nwant %+v", got, errText, want)
	}
	if _, err := NewReader(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0}), "bad.gz"); err == nil || !strings.HasPrefix(err.Error(), "bad.gz: gzip: ") {
		t.Errorf("err = %v", err)
	}
	data := gz(hdr + "\n" + strings.Repeat(s1+"\n", 1000))
	r, _ = NewReader(bytes.NewReader(data[:len(data)/2]), "trunc.gz")
	if _, errText := readAll(t, r); !strings.HasPrefix(errText, "trunc.gz:") || !strings.Contains(errText, "read error") {
		t.Errorf("truncated gzip: err = %q", errText)
	}
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"10.csv", "2.csv", "1.csv", "b.csv", "a.csv"} {
		write(n, []byte(hdr+"\n"+s1+"\n"))
	}
	write("3.csv.gz", gz(hdr+"\n"+s1+"\n"+s2+"\n"))
	write("notes.txt", []byte("x"))
	if err := os.Mkdir(filepath.Join(dir, "4.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	var order []string
	err := ReadDir(dir, func(id string, r *Reader) error {
		got, errText := readAll(t, r)
		if errText != "" {
			return errors.New(errText)
		}
		order = append(order, fmt.Sprintf("%s:%d", id, len(got)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, " "); got != "1:1 2:1 3:2 10:1 a:1 b:1" {
		t.Errorf("order = %q", got)
	}
	// fn's error stops the walk and is returned.
	stop := errors.New("stop")
	calls := 0
	if err := ReadDir(dir, func(string, *Reader) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("err = %v after %d calls", err, calls)
	}
	if err := ReadDir(filepath.Join(dir, "missing"), func(string, *Reader) error { return nil }); err == nil {
		t.Error("missing dir: no error")
	}
}

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

func TestRealRnd(t *testing.T) {
	dir := filepath.Join(tracesDir(t), "bitbrains", "rnd", "2013-7")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("trace samples not found (%v); set DCSIM_TRACES to the shared/traces folder", err)
	}
	var vms int
	err := ReadDir(dir, func(id string, r *Reader) error {
		vms++
		got, errText := readAll(t, r)
		if errText != "" {
			return errors.New(errText)
		}
		s := r.Stats()
		var maxCPU, maxMem float64
		for _, x := range got {
			maxCPU = max(maxCPU, x.CPUUsagePct)
			maxMem = max(maxMem, x.MemUsageKB)
		}
		first, last := got[0], got[len(got)-1]
		t.Logf("VM %s: %d samples, %d..%d s, cores %d, max CPU %.1f%%, max mem %.0f KB, stats %+v",
			id, len(got), first.TimeS, last.TimeS, first.CPUCores, maxCPU, maxMem, s)
		if id == "1" && (len(got) != 8260 || first.TimeS != 1372629804 || last.TimeS != 1375221457) {
			t.Errorf("VM 1: %d samples %d..%d, want 8260 1372629804..1375221457", len(got), first.TimeS, last.TimeS)
		}
		if s.Lines != s.Header+s.Blank+s.Samples {
			t.Errorf("stats %+v do not add up", s)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if vms != 1 {
		t.Errorf("visited %d VM files, want 1", vms)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(hdr + "\n" + s1 + "\n" + s2 + "\n"))
	f.Add([]byte(strings.ReplaceAll(hdr, "\t", "") + "\r\n1;1;1e3;.5;1.;0;0;0;0;0;0\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		var n int64
		var prev int64
		for {
			s, err := r.Next()
			if err != nil {
				if err != io.EOF && !strings.HasPrefix(err.Error(), "fuzz") {
					t.Fatalf("error without file name: %v", err)
				}
				break
			}
			n++
			if s.Line <= 0 || s.TimeS < prev || s.CPUCores < 0 || s.CPUUsagePct < 0 {
				t.Fatalf("bad sample %+v", s)
			}
			prev = s.TimeS
		}
		if st := r.Stats(); st.Samples != n || st.Header+st.Blank+st.Samples > st.Lines {
			t.Fatalf("inconsistent stats %+v (returned %d)", st, n)
		}
	})
}
