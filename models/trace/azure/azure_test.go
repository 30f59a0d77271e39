package azure

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	vm1  = "x/Xs+uf,VDU4,Pc2V==,0,2591700,99.369869,3.4240942342446719,10.194309,Delay-insensitive,1,1.75"
	vm2  = "aTSX,dBub,C9Gn==,2290500,2292300,94.113335,32.461745857142866,94.113335,Unkown,>24,>64"
	cpu1 = "0,+Zcr/c,2.052803,3.911587,2.86979"
	cpu2 = "300,2zrg,1.64695,8.794403,3.254472"
	llmH = "TIMESTAMP,ContextTokens,GeneratedTokens"
	llm1 = "2023-11-16 18:17:03.9799600,4808,10"
	llm2 = "2023-11-16 18:17:04.0319600,3180,8"
	fnH  = "HashOwner,HashApp,HashFunction,Trigger,1,2,3"
	fn1  = "o1,a1,f1,http,0,5,2147483647"
	fn2  = "o1,a2,f2,timer,1,0,0"
)

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// drain reads records with next until an error; it returns the count and the error text
// ("" on EOF) and checks that errors are sticky.
func drain[T any](t *testing.T, next func() (T, error)) ([]T, string) {
	t.Helper()
	var out []T
	for {
		v, err := next()
		if err == io.EOF {
			return out, ""
		}
		if err != nil {
			if _, err2 := next(); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("second Next = %v, want the same error %v", err2, err)
			}
			return out, err.Error()
		}
		out = append(out, v)
	}
}

type lineCase struct {
	name, in, wantErr string
	n                 int
	stats             Stats
}

func checkCase[T any](t *testing.T, tc lineCase, next func() (T, error), stats func() Stats) []T {
	t.Helper()
	got, err := drain(t, next)
	if err != tc.wantErr {
		t.Errorf("error = %q, want %q", err, tc.wantErr)
	}
	if len(got) != tc.n {
		t.Errorf("got %d records, want %d", len(got), tc.n)
	}
	if s := stats(); s != tc.stats {
		t.Errorf("stats = %+v, want %+v", s, tc.stats)
	}
	return got
}

func TestVMTable(t *testing.T) {
	long := strings.Repeat("a", MaxLineBytes+1)
	tests := []lineCase{
		{"two", vm1 + "\n" + vm2 + "\n", "", 2, Stats{Lines: 2, Records: 2}},
		{"crlf blank no final newline", vm1 + "\r\n\r\n  \n" + vm2, "", 2, Stats{Lines: 4, Blank: 2, Records: 2}},
		{"empty", "", "", 0, Stats{}},
		{"too long", vm1 + "\n" + long, "vm.csv:2: line longer than 1048576 bytes", 1, Stats{Lines: 1, Records: 1}},
		{"10 fields", "a,b,c,0,1,1,1,1,x,1", "vm.csv:1: expected 11 fields, got 10", 0, Stats{Lines: 1}},
		{"12 fields", vm1 + ",", "vm.csv:1: expected 11 fields, got 12", 0, Stats{Lines: 1}},
		{"empty id", ",b,c,0,1,1,1,1,x,1,1", "vm.csv:1: field 1 (vmid): empty", 0, Stats{Lines: 1}},
		{"bad created", "a,b,c,1.5,1,1,1,1,x,1,1", `vm.csv:1: field 4 (vmcreated): invalid integer "1.5"`, 0, Stats{Lines: 1}},
		{"negative deleted", "a,b,c,0,-300,1,1,1,x,1,1", `vm.csv:1: field 5 (vmdeleted): negative value "-300"`, 0, Stats{Lines: 1}},
		{"deleted before created", "a,b,c,600,300,1,1,1,x,1,1", "vm.csv:1: field 5 (vmdeleted): 300 is before vmcreated 600", 0, Stats{Lines: 1}},
		{"bad avgcpu", vm1 + "\na,b,c,0,1,1,NaN,1,x,1,1", `vm.csv:2: field 7 (avgcpu): invalid number "NaN"`, 1, Stats{Lines: 2, Records: 1}},
		{"negative p95", "a,b,c,0,1,1,1,-1,x,1,1", `vm.csv:1: field 8 (p95maxcpu): negative value "-1"`, 0, Stats{Lines: 1}},
		{"overflow cpu", "a,b,c,0,1,1e999,1,1,x,1,1", `vm.csv:1: field 6 (maxcpu): number out of range "1e999"`, 0, Stats{Lines: 1}},
		{"empty category", "a,b,c,0,1,1,1,1,,1,1", "vm.csv:1: field 9 (vmcategory): empty", 0, Stats{Lines: 1}},
		{"bad core bucket", "a,b,c,0,1,1,1,1,x,<2,1", `vm.csv:1: field 10 (vmcorecount): invalid bucket "<2"`, 0, Stats{Lines: 1}},
		{"bad memory bucket", "a,b,c,0,1,1,1,1,x,1,>-4", `vm.csv:1: field 11 (vmmemory): invalid bucket ">-4"`, 0, Stats{Lines: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewVMReader(strings.NewReader(tc.in), "vm.csv")
			if err != nil {
				t.Fatal(err)
			}
			checkCase(t, tc, r.Next, r.Stats)
		})
	}
}

func TestVMFields(t *testing.T) {
	r, _ := NewVMReader(bytes.NewReader(gz(t, vm1+"\n"+vm2+"\n")), "vm.csv.gz")
	got, err := drain(t, r.Next)
	if err != "" {
		t.Fatal(err)
	}
	want := []VM{
		{ID: "x/Xs+uf", Subscription: "VDU4", Deployment: "Pc2V==", CreatedS: 0, DeletedS: 2591700,
			MaxCPU: 99.369869, AvgCPU: 3.4240942342446719, P95CPU: 10.194309, Category: "Delay-insensitive",
			Cores: 1, MemoryGiB: 1.75, CoresBucket: "1", MemoryBucket: "1.75", Line: 1},
		{ID: "aTSX", Subscription: "dBub", Deployment: "C9Gn==", CreatedS: 2290500, DeletedS: 2292300,
			MaxCPU: 94.113335, AvgCPU: 32.461745857142866, P95CPU: 94.113335, Category: "Unkown",
			Cores: 24, MemoryGiB: 64, CoresBucket: ">24", MemoryBucket: ">64", Line: 2},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestCPUReadings(t *testing.T) {
	tests := []lineCase{
		{"two", cpu1 + "\n" + cpu2 + "\n", "", 2, Stats{Lines: 2, Records: 2}},
		{"spaces crlf", " 0 , id , 1 , 2 , 1.5 \r\n", "", 1, Stats{Lines: 1, Records: 1}},
		{"4 fields", "0,id,1,2", "cpu.csv:1: expected 5 fields, got 4", 0, Stats{Lines: 1}},
		{"bad timestamp", "x,id,1,2,3", `cpu.csv:1: field 1 (timestamp): invalid integer "x"`, 0, Stats{Lines: 1}},
		{"empty vmid", "0,,1,2,3", "cpu.csv:1: field 2 (vmid): empty", 0, Stats{Lines: 1}},
		{"bad min", cpu1 + "\n0,id,,2,3", `cpu.csv:2: field 3 (mincpu): invalid number ""`, 1, Stats{Lines: 2, Records: 1}},
		{"negative avg", "0,id,1,2,-3", `cpu.csv:1: field 5 (avgcpu): negative value "-3"`, 0, Stats{Lines: 1}},
		{"hex max", "0,id,1,0x2,3", `cpu.csv:1: field 4 (maxcpu): invalid number "0x2"`, 0, Stats{Lines: 1}},
		{"huge time", "99999999999999999999,id,1,2,3", `cpu.csv:1: field 1 (timestamp): integer out of range "99999999999999999999"`, 0, Stats{Lines: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewCPUReadingReader(strings.NewReader(tc.in), "cpu.csv")
			if err != nil {
				t.Fatal(err)
			}
			checkCase(t, tc, r.Next, r.Stats)
		})
	}
	r, _ := NewCPUReadingReader(bytes.NewReader(gz(t, cpu1+"\n"+cpu2)), "cpu.csv.gz")
	got, err := drain(t, r.Next)
	want := CPUReading{TimeS: 300, VMID: "2zrg", MinCPU: 1.64695, MaxCPU: 8.794403, AvgCPU: 3.254472, Line: 2}
	if err != "" || len(got) != 2 || got[1] != want {
		t.Errorf("gzip: %+v %q", got, err)
	}
}

func TestFunctions(t *testing.T) {
	tests := []lineCase{
		{"two", fnH + "\n" + fn1 + "\n" + fn2 + "\n", "", 2, Stats{Lines: 3, Header: 1, Records: 2}},
		{"blank lines crlf", "\r\n" + fnH + "\r\n\r\n" + fn1 + "\r\n", "", 1, Stats{Lines: 4, Header: 1, Blank: 2, Records: 1}},
		{"empty", "", `f.csv: missing header "HashOwner,HashApp,HashFunction,Trigger,1,2,..."`, 0, Stats{}},
		{"only header", fnH, "", 0, Stats{Lines: 1, Header: 1}},
		{"no header", fn1, `f.csv:1: header field 1: expected "HashOwner"`, 0, Stats{Lines: 1}},
		{"no minutes", "HashOwner,HashApp,HashFunction,Trigger", "f.csv:1: header has no minute columns", 0, Stats{Lines: 1}},
		{"minute gap", "HashOwner,HashApp,HashFunction,Trigger,1,3", `f.csv:1: header field 6: expected minute column "2", got "3"`, 0, Stats{Lines: 1}},
		{"short row", fnH + "\n" + fn1 + "\no,a,f,http,1,2", "f.csv:3: expected 7 fields, got 6", 1, Stats{Lines: 3, Header: 1, Records: 1}},
		{"long row", fnH + "\no,a,f,http,1,2,3,4", "f.csv:2: expected 7 fields, got 8", 0, Stats{Lines: 2, Header: 1}},
		{"empty trigger", fnH + "\no,a,f,,1,2,3", "f.csv:2: field 4 (Trigger): empty", 0, Stats{Lines: 2, Header: 1}},
		{"bad count", fnH + "\no,a,f,http,1,2.0,3", `f.csv:2: field 6 (minute 2): invalid integer "2.0"`, 0, Stats{Lines: 2, Header: 1}},
		{"negative count", fnH + "\no,a,f,http,1,2,-3", `f.csv:2: field 7 (minute 3): negative value "-3"`, 0, Stats{Lines: 2, Header: 1}},
		{"int32 overflow", fnH + "\no,a,f,http,2147483648,2,3", `f.csv:2: field 5 (minute 1): integer out of range "2147483648"`, 0, Stats{Lines: 2, Header: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewFunctionReader(strings.NewReader(tc.in), "f.csv")
			if err != nil {
				t.Fatal(err)
			}
			checkCase(t, tc, r.Next, r.Stats)
		})
	}
	r, _ := NewFunctionReader(bytes.NewReader(gz(t, fnH+"\n"+fn1+"\n"+fn2)), "f.csv.gz")
	got, err := drain(t, r.Next)
	if err != "" || len(got) != 2 || r.Minutes() != 3 {
		t.Fatalf("gzip: %+v %q", got, err)
	}
	g := got[0]
	if g.Owner != "o1" || g.App != "a1" || g.Name != "f1" || g.Trigger != "http" || g.Line != 2 ||
		len(g.PerMinute) != 3 || g.PerMinute[0] != 0 || g.PerMinute[1] != 5 || g.PerMinute[2] != 2147483647 {
		t.Errorf("row = %+v", g)
	}
	if &got[0].PerMinute[0] == &got[1].PerMinute[0] {
		t.Error("PerMinute slices shared between rows")
	}
}

func TestLLM(t *testing.T) {
	tests := []lineCase{
		{"two", llmH + "\r\n" + llm1 + "\r\n" + llm2, "", 2, Stats{Lines: 3, Header: 1, Records: 2}},
		{"empty", "", `l.csv: missing header "TIMESTAMP,ContextTokens,GeneratedTokens"`, 0, Stats{}},
		{"bad header", "TIME,Ctx,Gen\n" + llm1, `l.csv:1: expected header "TIMESTAMP,ContextTokens,GeneratedTokens"`, 0, Stats{Lines: 1}},
		{"equal times ok", llmH + "\n" + llm1 + "\n" + llm1, "", 2, Stats{Lines: 3, Header: 1, Records: 2}},
		{"backwards", llmH + "\n" + llm2 + "\n" + llm1, "l.csv:3: timestamp goes backwards (2023-11-16 18:17:03.9799600 < previous 2023-11-16 18:17:04.0319600)", 1, Stats{Lines: 3, Header: 1, Records: 1}},
		{"backwards by 100ns", llmH + "\n2023-11-16 18:17:03.9799601,1,1\n2023-11-16 18:17:03.97996,1,1", "l.csv:3: timestamp goes backwards (2023-11-16 18:17:03.97996 < previous 2023-11-16 18:17:03.9799601)", 1, Stats{Lines: 3, Header: 1, Records: 1}},
		{"2 fields", llmH + "\n2023-11-16 18:17:03.9799600,1", "l.csv:2: expected 3 fields, got 2", 0, Stats{Lines: 2, Header: 1}},
		{"T separator", llmH + "\n2023-11-16T18:17:03.9799600,1,1", `l.csv:2: field 1 (TIMESTAMP): invalid timestamp "2023-11-16T18:17:03.9799600" (want YYYY-MM-DD HH:MM:SS.fffffff)`, 0, Stats{Lines: 2, Header: 1}},
		{"10 frac digits", llmH + "\n2023-11-16 18:17:03.1234567890,1,1", `l.csv:2: field 1 (TIMESTAMP): invalid timestamp "2023-11-16 18:17:03.1234567890" (want YYYY-MM-DD HH:MM:SS.fffffff)`, 0, Stats{Lines: 2, Header: 1}},
		{"trailing dot", llmH + "\n2023-11-16 18:17:03.,1,1", `l.csv:2: field 1 (TIMESTAMP): invalid timestamp "2023-11-16 18:17:03." (want YYYY-MM-DD HH:MM:SS.fffffff)`, 0, Stats{Lines: 2, Header: 1}},
		{"feb 30", llmH + "\n2023-02-30 18:17:03.1,1,1", `l.csv:2: field 1 (TIMESTAMP): timestamp out of range "2023-02-30 18:17:03.1"`, 0, Stats{Lines: 2, Header: 1}},
		{"hour 24", llmH + "\n2023-11-16 24:00:00,1,1", `l.csv:2: field 1 (TIMESTAMP): timestamp out of range "2023-11-16 24:00:00"`, 0, Stats{Lines: 2, Header: 1}},
		{"bad tokens", llmH + "\n" + llm1 + "\n2023-11-16 18:17:04,1.5,1", `l.csv:3: field 2 (ContextTokens): invalid integer "1.5"`, 1, Stats{Lines: 3, Header: 1, Records: 1}},
		{"negative generated", llmH + "\n" + llm1 + "\n2023-11-16 18:17:04,1,-1", `l.csv:3: field 3 (GeneratedTokens): negative value "-1"`, 1, Stats{Lines: 3, Header: 1, Records: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewLLMReader(strings.NewReader(tc.in), "l.csv")
			if err != nil {
				t.Fatal(err)
			}
			checkCase(t, tc, r.Next, r.Stats)
		})
	}
}

func TestLLMTimes(t *testing.T) {
	in := llmH + "\n" + llm1 + "\n" + llm2 + "\n" +
		"2023-11-16 18:17:04.0319609,1,2\n" + // sub-microsecond digits are rounded down
		"2023-11-16 18:17:05,3,4\n" +
		"2023-11-17 00:00:00.5,5,6\n"
	r, _ := NewLLMReader(bytes.NewReader(gz(t, in)), "l.csv.gz")
	got, err := drain(t, r.Next)
	if err != "" {
		t.Fatal(err)
	}
	want := []LLMRequest{
		{TimeUS: 0, ContextTokens: 4808, GeneratedTokens: 10, Line: 2},
		{TimeUS: 52_000, ContextTokens: 3180, GeneratedTokens: 8, Line: 3},
		{TimeUS: 52_000, ContextTokens: 1, GeneratedTokens: 2, Line: 4},
		{TimeUS: 1_020_040, ContextTokens: 3, GeneratedTokens: 4, Line: 5},
		{TimeUS: (5*3600+42*60+56)*1_000_000 + 520_040, ContextTokens: 5, GeneratedTokens: 6, Line: 6},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d requests", len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if st, ok := r.Start(); !ok || st.Format("2006-01-02 15:04:05.0000000") != "2023-11-16 18:17:03.9799600" {
		t.Errorf("Start = %v %v", st, ok)
	}
}

func TestGzipErrors(t *testing.T) {
	if _, err := NewVMReader(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0}), "bad.gz"); err == nil || !strings.HasPrefix(err.Error(), "bad.gz: gzip: ") {
		t.Errorf("err = %v", err)
	}
	data := gz(t, strings.Repeat(cpu1+"\n", 2000))
	r, _ := NewCPUReadingReader(bytes.NewReader(data[:len(data)/2]), "trunc.gz")
	if _, err := drain(t, r.Next); !strings.HasPrefix(err, "trunc.gz:") || !strings.Contains(err, "read error") {
		t.Errorf("truncated gzip: err = %q", err)
	}
	p := filepath.Join(t.TempDir(), "vm.csv.gz")
	if err := os.WriteFile(p, gz(t, vm1+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	vr, c, err := OpenVMs(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, err := drain(t, vr.Next); err != "" || len(got) != 1 {
		t.Errorf("OpenVMs: %d, %q", len(got), err)
	}
	if _, _, err := OpenLLM(filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Error("OpenLLM of a missing file: no error")
	}
}
