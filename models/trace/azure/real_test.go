package azure

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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

// sample returns the path of a real sample, or skips the test.
func sample(t *testing.T, rel string) string {
	p := filepath.Join(tracesDir(t), rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("trace samples not found (%v); set DCSIM_TRACES to the shared/traces folder", err)
	}
	return p
}

// nonBlankLines counts the non-blank lines of a file independently of the readers.
func nonBlankLines(t *testing.T, path string) int64 {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRealVMTable(t *testing.T) {
	p := sample(t, "azure-vm-2017/vmtable/vmtable.csv")
	r, c, err := OpenVMs(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	vms, errText := drain(t, r.Next)
	if errText != "" {
		t.Fatal(errText)
	}
	cats := map[string]int{}
	for _, v := range vms {
		cats[v.Category]++
		if v.DeletedS < v.CreatedS || v.Cores <= 0 || v.MemoryGiB <= 0 {
			t.Errorf("bad VM %+v", v)
		}
	}
	t.Logf("vmtable: %d VMs, categories %v, stats %+v", len(vms), cats, r.Stats())
	if want := nonBlankLines(t, p); int64(len(vms)) != want || len(vms) != 10 {
		t.Errorf("got %d VMs, want %d (10)", len(vms), want)
	}
	if v := vms[0]; v.DeletedS != 2591700 || v.Cores != 1 || v.MemoryGiB != 1.75 || v.Category != "Delay-insensitive" {
		t.Errorf("first VM = %+v", v)
	}
}

func TestRealCPUReadings(t *testing.T) {
	p := sample(t, "azure-vm-2017/vm_cpu_readings/vm_cpu_readings-file-1-of-125.csv")
	r, c, err := OpenCPUReadings(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rs, errText := drain(t, r.Next)
	if errText != "" {
		t.Fatal(errText)
	}
	vms := map[string]bool{}
	for _, x := range rs {
		vms[x.VMID] = true
	}
	t.Logf("cpu readings: %d readings, %d VMs, stats %+v", len(rs), len(vms), r.Stats())
	if want := nonBlankLines(t, p); int64(len(rs)) != want || len(rs) != 100 {
		t.Errorf("got %d readings, want %d (100)", len(rs), want)
	}
}

func TestRealFunctions(t *testing.T) {
	p := sample(t, "azure-functions-2019/invocations_per_function_md.anon.excerpt.csv")
	r, c, err := OpenFunctions(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fns, errText := drain(t, r.Next)
	if errText != "" {
		t.Fatal(errText)
	}
	if r.Minutes() != 1440 {
		t.Errorf("Minutes = %d, want 1440", r.Minutes())
	}
	var total int64
	triggers := map[string]int{}
	for _, f := range fns {
		triggers[f.Trigger]++
		if len(f.PerMinute) != 1440 {
			t.Errorf("line %d: %d minutes", f.Line, len(f.PerMinute))
		}
		for _, n := range f.PerMinute {
			total += int64(n)
		}
	}
	t.Logf("functions: %d rows, %d invocations, triggers %v, stats %+v", len(fns), total, triggers, r.Stats())
	if want := nonBlankLines(t, p) - 1; int64(len(fns)) != want {
		t.Errorf("got %d rows, want %d", len(fns), want)
	}
}

func TestRealLLM(t *testing.T) {
	p := sample(t, "azure-llm-2023/AzureLLMInferenceTrace_code.csv")
	r, c, err := OpenLLM(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n, ctx, gen int64
	var last LLMRequest
	for {
		q, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		ctx += int64(q.ContextTokens)
		gen += int64(q.GeneratedTokens)
		last = q
	}
	st, _ := r.Start()
	t.Logf("llm code: %d requests, start %s, span %d us, %d context and %d generated tokens, stats %+v",
		n, st.Format("2006-01-02 15:04:05.0000000"), last.TimeUS, ctx, gen, r.Stats())
	if n != 8819 || n != nonBlankLines(t, p)-1 {
		t.Errorf("got %d requests, want 8819", n)
	}
	if st.Format("2006-01-02 15:04:05.0000000") != "2023-11-16 18:17:03.9799600" {
		t.Errorf("start = %v", st)
	}
	// Last line "2023-11-16 19:14:19.9280160,549,173".
	if last.TimeUS != (57*60+15)*1_000_000+948_056 || last.ContextTokens != 549 || last.GeneratedTokens != 173 {
		t.Errorf("last = %+v", last)
	}
}
