package results

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

var testMeta = Meta{
	Version:      "v0.0.0-test",
	Scenario:     "unit-test",
	ScenarioYAML: "name: unit-test\nseed: 42\nclusters:\n  - name: a\n    hosts: 4\n",
	Seed:         42,
}

// sampleJobs returns n deterministic rows that cover every null and status combination.
func sampleJobs(n int, seed uint64) []JobRow {
	rng := rand.New(rand.NewPCG(seed, 7))
	sources := []string{"synthetic", "google-2019", "alibaba-2018"}
	tenants := []string{"team-a", "team-b", "ünïcode-tenant", ""}
	rows := make([]JobRow, n)
	for i := range rows {
		submit := rng.Int64N(1e12)
		runtime := rng.Int64N(3600e6)
		r := JobRow{
			JobID:       int64(i) + 1,
			Source:      sources[rng.IntN(len(sources))],
			Tenant:      tenants[rng.IntN(len(tenants))],
			Priority:    int32(rng.IntN(12)) - 1,
			Tasks:       int32(1 + rng.IntN(64)),
			CPUMilli:    rng.Int64N(128_000),
			MemBytes:    rng.Int64N(1 << 40),
			GPUs:        int32(rng.IntN(9)),
			SubmitUS:    submit,
			StartUS:     -1,
			EndUS:       -1,
			RuntimeUS:   runtime,
			DeadlineUS:  -1,
			Status:      StatusUnfinished,
			HostID:      -1,
			SLOViolated: rng.IntN(5) == 0,
		}
		if r.Source != "synthetic" {
			r.TraceJob = "j" + strconv.Itoa(rng.IntN(1000))
			if rng.IntN(2) == 0 {
				r.TraceTask = "ü" + strconv.Itoa(i)
			}
		}
		switch i % 4 {
		case 0: // finished
			r.StartUS = submit + rng.Int64N(1e9)
			r.EndUS = r.StartUS + runtime
			r.Status = StatusFinished
			r.HostID = int32(rng.IntN(10_000))
		case 1: // started, unfinished
			r.StartUS = submit + rng.Int64N(1e9)
			r.HostID = int32(rng.IntN(10_000))
		case 2: // rejected
			r.Status = StatusRejected
		}
		if rng.IntN(3) == 0 {
			r.DeadlineUS = submit + rng.Int64N(1e10)
		}
		rows[i] = r
	}
	return rows
}

func sampleHosts(n int) []HostRow {
	rows := make([]HostRow, n)
	for i := range rows {
		rows[i] = HostRow{
			TimeUS:     int64(i/8) * 300e6,
			IntervalUS: 300e6,
			HostID:     int32(i % 8),
			Group:      []string{"cpu-gen5", "gpu-a100"}[i%8/6],
			Rack:       int32(i % 8 / 4),
			CPUUtil:    float64(i%11) / 10,
			MemUtil:    float64(i%7) / 7,
			GPUUtil:    0.125,
			PowerW:     250.5 + float64(i),
			EnergyJ:    (250.5 + float64(i)) * 300,
			OnFrac:     1,
		}
	}
	return rows
}

func sampleSummary() Summary {
	return Summary{
		Scenario: "unit-test", Seed: math.MaxUint64 - 1,
		JobsSubmitted: 1000, JobsFinished: 900, JobsRejected: 10, JobsUnfinished: 90,
		MeanWaitS: 12.5, P50WaitS: 3, P99WaitS: 400.25, MeanBoundedSlowdown: 1.75,
		SLOViolations: 7, CPUUtilization: 0.61, MemUtilization: 0.42,
		EnergyKWh: 1234.5, FacilityEnergyKWh: 1481.4, CapexUSD: 1e6, EnergyUSD: 148.14,
		CostUSD: 1e6 + 148.14, CarbonKg: 600.1, HostHours: 96, SimTimeS: 86400, Events: 123456789,
	}
}

func writeJobs(t testing.TB, path string, rows []JobRow, meta Meta) {
	t.Helper()
	w, err := NewJobsWriter(path, meta)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for i := range rows {
		if err := w.Write(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if w.Rows() != int64(len(rows)) {
		t.Fatalf("Rows() = %d, want %d", w.Rows(), len(rows))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func writeHosts(t testing.TB, path string, rows []HostRow, meta Meta) {
	t.Helper()
	w, err := NewHostsWriter(path, meta)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for i := range rows {
		if err := w.Write(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestJobsRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000, 2*BatchRows + 3} {
		dir := t.TempDir()
		path := filepath.Join(dir, "jobs.arrow")
		rows := sampleJobs(n, uint64(n))
		writeJobs(t, path, rows, testMeta)
		got, meta, err := ReadJobs(path)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if meta != testMeta {
			t.Errorf("n=%d: meta = %+v, want %+v", n, meta, testMeta)
		}
		if len(got) != len(rows) {
			t.Fatalf("n=%d: read %d rows", n, len(got))
		}
		for i := range rows {
			if got[i] != rows[i] {
				t.Fatalf("n=%d row %d:\n got %+v\nwant %+v", n, i, got[i], rows[i])
			}
		}
		// Only the temp-free final file is left.
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("dir holds %d entries, want 1", len(ents))
		}
	}
}

func TestJobsDerivedColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.arrow")
	rows := []JobRow{
		// finished, short job: denominator is tau = 10 s; response 30 s → 3.
		{JobID: 1, Source: "s", Tenant: "t", Tasks: 1, CPUMilli: 1500, MemBytes: 3 << 29, SubmitUS: 1_000_000,
			StartUS: 21_000_000, EndUS: 31_000_000, RuntimeUS: 10_000_000, DeadlineUS: -1, Status: StatusFinished, HostID: 3},
		// finished, long job: (100+200)/200 = 1.5.
		{JobID: 2, Source: "s", Tenant: "t", Tasks: 1, SubmitUS: 0, StartUS: 100e6, EndUS: 300e6, RuntimeUS: 200e6,
			DeadlineUS: 250e6, Status: StatusFinished, HostID: 0, SLOViolated: true},
		// finished without waiting, runtime 1 s → bounded slowdown 1 (not 0.1).
		{JobID: 3, Source: "s", Tenant: "t", Tasks: 1, SubmitUS: 5e6, StartUS: 5e6, EndUS: 6e6, RuntimeUS: 1e6,
			DeadlineUS: -1, Status: StatusFinished, HostID: 1},
		// never started.
		{JobID: 4, Source: "s", Tenant: "t", Tasks: 2, SubmitUS: 7, StartUS: -1, EndUS: -1, RuntimeUS: 5,
			DeadlineUS: -1, Status: StatusRejected, HostID: -1},
		// started, unfinished.
		{JobID: 5, Source: "s", Tenant: "t", Tasks: 2, SubmitUS: 7, StartUS: 9, EndUS: -1, RuntimeUS: 5,
			DeadlineUS: 1, Status: StatusUnfinished, HostID: 2},
	}
	writeJobs(t, path, rows, testMeta)
	tbl, err := ReadTable(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	f64 := func(name string) []any {
		idx := tbl.Schema().FieldIndices(name)
		if len(idx) != 1 {
			t.Fatalf("no column %s", name)
		}
		var out []any
		for _, ch := range tbl.Column(idx[0]).Data().Chunks() {
			a := ch.(*array.Float64)
			for i := 0; i < a.Len(); i++ {
				if a.IsNull(i) {
					out = append(out, nil)
				} else {
					out = append(out, a.Value(i))
				}
			}
		}
		return out
	}
	check := func(name string, want ...any) {
		t.Helper()
		if got := f64(name); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("cpu_cores", 1.5, 0.0, 0.0, 0.0, 0.0)
	check("mem_gib", 1.5, 0.0, 0.0, 0.0, 0.0)
	check("submit_s", 1.0, 0.0, 5.0, 7e-6, 7e-6)
	check("start_s", 21.0, 100.0, 5.0, nil, 9e-6)
	check("end_s", 31.0, 300.0, 6.0, nil, nil)
	check("wait_s", 20.0, 100.0, 0.0, nil, 2e-6)
	check("deadline_s", nil, 250.0, nil, nil, 1e-6)
	check("bounded_slowdown", 3.0, 1.5, 1.0, nil, nil)
	if tbl.NumRows() != 5 {
		t.Errorf("rows = %d", tbl.NumRows())
	}
}

func TestHostsRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 100, BatchRows + 1} {
		path := filepath.Join(t.TempDir(), "hosts.arrow")
		rows := sampleHosts(n)
		writeHosts(t, path, rows, testMeta)
		got, meta, err := ReadHosts(path)
		if err != nil {
			t.Fatal(err)
		}
		if meta != testMeta || len(got) != n {
			t.Fatalf("meta %+v, %d rows", meta, len(got))
		}
		for i := range rows {
			if got[i] != rows[i] {
				t.Fatalf("row %d: got %+v want %+v", i, got[i], rows[i])
			}
		}
	}
}

func TestSummaryRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.arrow")
	s := sampleSummary()
	if err := WriteSummary(path, testMeta, &s); err != nil {
		t.Fatal(err)
	}
	got, meta, err := ReadSummary(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != s || meta != testMeta {
		t.Fatalf("got %+v %+v", got, meta)
	}
}

func TestSummaryColumnOrder(t *testing.T) {
	want := []string{"scenario", "seed", "jobs_submitted", "jobs_finished", "jobs_rejected",
		"jobs_unfinished", "mean_wait_s", "p50_wait_s", "p99_wait_s", "mean_bounded_slowdown",
		"slo_violations", "cpu_utilization", "mem_utilization", "energy_kwh", "cost_usd",
		"carbon_kg", "sim_time_s", "events",
		"facility_energy_kwh", "capex_usd", "energy_usd", "host_hours", "gpu_utilization",
		"jobs_failed", "host_failures", "task_retries", "lost_core_hours", "unavailability", "embodied_carbon_kg",
		"service_requests", "service_dropped", "service_slo_violation_minutes",
		"transferred_gib", "storage_written_gib", "storage_overflow_gib",
		"power_ons", "power_offs", "forecast_mape", "underprovisioned_host_hours", "preemptions", "jobs_preempted", "slo_violation_rate",
		"jobs_shifted", "shift_hours"}
	var got []string
	for _, f := range SummarySchema(testMeta).Fields() {
		got = append(got, f.Name)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("summary columns\n got %v\nwant %v", got, want)
	}
}

func TestSchemaMetadata(t *testing.T) {
	for _, tc := range []struct {
		table  string
		schema *arrow.Schema
		ncols  int
	}{
		{TableJobs, JobsSchema(testMeta), 22},
		{TableHosts, HostsSchema(testMeta), 12},
		{TableSummary, SummarySchema(testMeta), 44},
	} {
		if tc.schema.NumFields() != tc.ncols {
			t.Errorf("%s: %d columns, want %d", tc.table, tc.schema.NumFields(), tc.ncols)
		}
		md := tc.schema.Metadata()
		wantKeys := []string{MetaKeyTable, MetaKeyVersion, MetaKeyScenario, MetaKeySeed, MetaKeyScenarioYAML}
		wantVals := []string{tc.table, testMeta.Version, testMeta.Scenario, "42", testMeta.ScenarioYAML}
		if !reflect.DeepEqual(md.Keys(), wantKeys) || !reflect.DeepEqual(md.Values(), wantVals) {
			t.Errorf("%s: metadata %v", tc.table, md)
		}
		for _, f := range tc.schema.Fields() {
			keys := f.Metadata.Keys()
			if !reflect.DeepEqual(keys, []string{FieldKeyUnit, FieldKeyDescription}) {
				t.Errorf("%s.%s: field metadata keys %v", tc.table, f.Name, keys)
			}
			unit, _ := f.Metadata.GetValue(FieldKeyUnit)
			desc, _ := f.Metadata.GetValue(FieldKeyDescription)
			if desc == "" || !strings.HasSuffix(desc, ".") {
				t.Errorf("%s.%s: description %q", tc.table, f.Name, desc)
			}
			isStr := f.Type.ID() == arrow.STRING
			if isStr != (unit == "") {
				t.Errorf("%s.%s: unit %q for type %s", tc.table, f.Name, unit, f.Type)
			}
			if strings.HasSuffix(f.Name, "_s") && unit != "s" {
				t.Errorf("%s.%s: unit %q, want s", tc.table, f.Name, unit)
			}
		}
	}
}

// TestFileSchema checks that what is on disk is the declared schema, field metadata included.
func TestFileSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.arrow")
	writeJobs(t, path, sampleJobs(3, 1), testMeta)
	tbl, err := ReadTable(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if want := JobsSchema(testMeta); !tbl.Schema().Equal(want) ||
		!reflect.DeepEqual(tbl.Schema().Metadata(), want.Metadata()) {
		t.Errorf("schema on disk\n%v\nwant\n%v", tbl.Schema(), want)
	}
	for i, f := range tbl.Schema().Fields() {
		if !reflect.DeepEqual(f.Metadata, JobsSchema(testMeta).Field(i).Metadata) {
			t.Errorf("field %s metadata %v", f.Name, f.Metadata)
		}
	}
}

func TestDeterministicBytes(t *testing.T) {
	dir := t.TempDir()
	rows := sampleJobs(BatchRows+100, 3)
	hosts := sampleHosts(500)
	s := sampleSummary()
	var files [2][3][]byte
	for k := range 2 {
		sub := filepath.Join(dir, string(rune('a'+k)))
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		writeJobs(t, filepath.Join(sub, "jobs.arrow"), rows, testMeta)
		writeHosts(t, filepath.Join(sub, "hosts.arrow"), hosts, testMeta)
		if err := WriteSummary(filepath.Join(sub, "summary.arrow"), testMeta, &s); err != nil {
			t.Fatal(err)
		}
		for j, name := range []string{"jobs.arrow", "hosts.arrow", "summary.arrow"} {
			b, err := os.ReadFile(filepath.Join(sub, name))
			if err != nil {
				t.Fatal(err)
			}
			files[k][j] = b
		}
	}
	for j := range 3 {
		if !bytes.Equal(files[0][j], files[1][j]) {
			t.Errorf("file %d differs between two identical writes", j)
		}
	}
	// Arrow IPC file format: magic at both ends.
	for j := range 3 {
		b := files[0][j]
		if !bytes.HasPrefix(b, []byte("ARROW1")) || !bytes.HasSuffix(b, []byte("ARROW1")) {
			t.Errorf("file %d is not an Arrow IPC file", j)
		}
	}
}

func TestInvalidUTF8IsReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.arrow")
	rows := sampleJobs(6, 1)
	tenants := []string{"ok", "bad\xffname\xc3", "", "é", "\xc3", "\xa9"} // "\xc3"+"\xa9" = "é"
	want := []string{"ok", "bad\uFFFDname\uFFFD", "", "é", "\uFFFD", "\uFFFD"}
	for i := range rows {
		rows[i].Tenant = tenants[i]
	}
	writeJobs(t, path, rows, testMeta)
	got, _, err := ReadJobs(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i].Tenant != want[i] {
			t.Errorf("row %d: tenant = %q, want %q", i, got[i].Tenant, want[i])
		}
		if got[i].Source != rows[i].Source || got[i].Status != rows[i].Status {
			t.Errorf("row %d: other strings changed", i)
		}
	}
}

func TestAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "jobs.arrow")
	w, err := NewJobsWriter(path, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	rows := sampleJobs(BatchRows+1, 1) // at least one batch reaches the temp file
	for i := range rows {
		if err := w.Write(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("final file exists before Close: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || !strings.HasPrefix(ents[0].Name(), ".jobs.arrow.tmp-") {
		t.Errorf("temp files: %v", ents)
	}
	w.Abort()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("Abort left %v", ents)
	}
	if err := w.Write(&rows[0]); err == nil {
		t.Error("Write after Abort succeeded")
	}
	if err := w.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}

	// An old file under the final name is replaced only on Close.
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err = NewJobsWriter(path, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(&rows[0])
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Error("final file changed before Close")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.Abort() // no-op after Close
	if _, _, err := ReadJobs(path); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&rows[0]); err == nil {
		t.Error("Write after Close succeeded")
	}
	if err := w.Close(); err == nil {
		t.Error("second Close succeeded")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("dir holds %v", ents)
	}
}

func TestCreateErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "jobs.arrow")
	if _, err := NewJobsWriter(missing, testMeta); err == nil {
		t.Error("NewJobsWriter in a missing directory succeeded")
	}
	if _, err := NewHostsWriter(missing, testMeta); err == nil {
		t.Error("NewHostsWriter in a missing directory succeeded")
	}
	s := sampleSummary()
	if err := WriteSummary(missing, testMeta, &s); err == nil {
		t.Error("WriteSummary in a missing directory succeeded")
	}
	if err := WriteRunInfo(missing, map[string]int{"a": 1}); err == nil {
		t.Error("WriteRunInfo in a missing directory succeeded")
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	jobs := filepath.Join(dir, "jobs.arrow")
	hosts := filepath.Join(dir, "hosts.arrow")
	summary := filepath.Join(dir, "summary.arrow")
	writeJobs(t, jobs, sampleJobs(100, 1), testMeta)
	writeHosts(t, hosts, sampleHosts(10), testMeta)
	s := sampleSummary()
	if err := WriteSummary(summary, testMeta, &s); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(jobs)
	bad := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name string
		read func() error
	}{
		{"missing", func() error { _, _, err := ReadJobs(filepath.Join(dir, "nope.arrow")); return err }},
		{"hosts as jobs", func() error { _, _, err := ReadJobs(hosts); return err }},
		{"jobs as hosts", func() error { _, _, err := ReadHosts(jobs); return err }},
		{"jobs as summary", func() error { _, _, err := ReadSummary(jobs); return err }},
		{"empty", func() error { _, _, err := ReadJobs(bad("empty", nil)); return err }},
		{"text", func() error { _, _, err := ReadJobs(bad("text", []byte("job_id,source\n1,x\n"))); return err }},
		{"truncated", func() error { _, _, err := ReadJobs(bad("trunc", good[:len(good)/2])); return err }},
		{"no footer", func() error { _, _, err := ReadJobs(bad("nofoot", good[:len(good)-10])); return err }},
		{"table", func() error { _, err := ReadTable(bad("t2", good[:100])); return err }},
	} {
		if err := tc.read(); err == nil {
			t.Errorf("%s: no error", tc.name)
		} else if !strings.HasPrefix(err.Error(), "results: ") {
			t.Errorf("%s: error %q lacks the package prefix", tc.name, err)
		}
	}
}

// TestCorruptBytes flips bytes all over a valid file: reading must fail or succeed, never panic.
func TestCorruptBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.arrow")
	writeJobs(t, path, sampleJobs(20, 1), testMeta)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range good {
		for _, x := range []byte{0xff, 0x01, 0x80} {
			data := bytes.Clone(good)
			data[i] ^= x
			readJobsBytes(data)
		}
	}
}

func readJobsBytes(data []byte) ([]JobRow, error) {
	var rows []JobRow
	_, err := readTyped(bytes.NewReader(data), int64(len(data)), TableJobs,
		func(b *batch) { rows = decodeJobs(b, rows) })
	return rows, err
}

func TestSecondsRoundTripProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1_000_000 {
		// Up to ~31 years of simulated time.
		us := rng.Int64N(1e15)
		if got := int64(math.Round(seconds(us) * 1e6)); got != us {
			t.Fatalf("%d µs → %v s → %d µs", us, seconds(us), got)
		}
	}
}

func TestWriteRunInfo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.json")
	info := struct {
		WallS   float64 `json:"wall_s"`
		Workers int     `json:"workers"`
	}{1.5, 4}
	if err := WriteRunInfo(path, info); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "{\n  \"wall_s\": 1.5,\n  \"workers\": 4\n}\n" {
		t.Errorf("run.json = %q", b)
	}
	if err := WriteRunInfo(path, func() {}); err == nil {
		t.Error("encoding a func succeeded")
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("dir holds %v", ents)
	}
}

func TestBoundedSlowdown(t *testing.T) {
	for _, tc := range []struct {
		submit, end, runtime int64
		want                 float64
	}{
		{0, 10e6, 10e6, 1},
		{0, 20e6, 10e6, 2},
		{0, 2e6, 1e6, 1},       // short job: bounded below by 1
		{0, 30e6, 1e6, 3},      // short job: divided by tau
		{5e6, 405e6, 200e6, 2}, // long job
	} {
		if got := BoundedSlowdown(tc.submit, tc.end, tc.runtime); got != tc.want {
			t.Errorf("BoundedSlowdown(%d, %d, %d) = %v, want %v", tc.submit, tc.end, tc.runtime, got, tc.want)
		}
	}
}
