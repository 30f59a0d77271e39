package runner

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/internal/interop"
	"github.com/dcsim/dcsim/models/policy"
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
)

func init() {
	scenarios.KnownPolicy = policy.Known
	scenarios.KnownPowerTable = power.HasTable
}

func runScenario(t *testing.T, name string, sets []string, dir string) *Output {
	t.Helper()
	sc, err := scenarios.Resolve(name, sets)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(sc, Options{OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

var tables = []string{"jobs.arrow", "hosts.arrow", "summary.arrow"}

// TestDeterminism: the same scenario and seed give byte-identical Arrow files, for every
// placement policy (random included: its stream is seeded).
func TestDeterminism(t *testing.T) {
	cases := []struct {
		name string
		sets []string
	}{
		{"default", []string{"horizon=3h"}},
		{"default", []string{"horizon=2h", "scheduler.placement=random", "seed=11"}},
		{"default", []string{"horizon=2h", "scheduler.placement=worst-fit", "output.host_interval=7m"}},
		{"default", []string{"horizon=2h", "scheduler.placement=first-fit"}},
		{"mmc", []string{"workload.synthetic.0.jobs=30000", "output.hosts=true"}},
	}
	for _, c := range cases {
		a, b := t.TempDir(), t.TempDir()
		runScenario(t, c.name, c.sets, a)
		runScenario(t, c.name, c.sets, b)
		for _, f := range tables {
			x, err := os.ReadFile(filepath.Join(a, f))
			if err != nil {
				t.Fatal(err)
			}
			y, err := os.ReadFile(filepath.Join(b, f))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(x, y) {
				t.Errorf("%s %v: %s differs between two runs", c.name, c.sets, f)
			}
		}
	}
}

// TestSeedMatters guards against a seed that is ignored.
func TestSeedMatters(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	runScenario(t, "mmc", []string{"workload.synthetic.0.jobs=2000", "seed=1"}, a)
	runScenario(t, "mmc", []string{"workload.synthetic.0.jobs=2000", "seed=2"}, b)
	x, _ := os.ReadFile(filepath.Join(a, "jobs.arrow"))
	y, _ := os.ReadFile(filepath.Join(b, "jobs.arrow"))
	if bytes.Equal(x, y) {
		t.Fatal("different seeds gave identical jobs.arrow")
	}
}

// TestFilesMatchSummary reads the files back and checks them against the run's own figures:
// one row per job, every job in exactly one terminal state, metadata present.
func TestFilesMatchSummary(t *testing.T) {
	dir := t.TempDir()
	o := runScenario(t, "default", []string{"horizon=4h"}, dir)
	jobs, meta, err := results.ReadJobs(filepath.Join(dir, "jobs.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	sum, _, err := results.ReadSummary(filepath.Join(dir, "summary.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	if sum != o.Result.Summary {
		t.Fatalf("summary.arrow differs from the run's summary:\n%+v\n%+v", sum, o.Result.Summary)
	}
	if int64(len(jobs)) != sum.JobsSubmitted {
		t.Fatalf("%d job rows, %d submitted", len(jobs), sum.JobsSubmitted)
	}
	counts := map[string]int64{}
	seen := map[int64]bool{}
	for _, j := range jobs {
		counts[j.Status]++
		if seen[j.JobID] {
			t.Fatalf("job %d appears twice", j.JobID)
		}
		seen[j.JobID] = true
	}
	if counts[results.StatusFinished] != sum.JobsFinished || counts[results.StatusRejected] != sum.JobsRejected ||
		counts[results.StatusUnfinished] != sum.JobsUnfinished || len(counts) > 3 {
		t.Fatalf("status counts %v do not match summary %+v", counts, sum)
	}
	if sum.JobsSubmitted != sum.JobsFinished+sum.JobsRejected+sum.JobsUnfinished {
		t.Fatal("conservation violated")
	}
	if meta.Scenario != "default" || meta.Seed != 1 || meta.ScenarioYAML == "" || meta.Version == "" {
		t.Fatalf("metadata incomplete: %+v", meta)
	}
	// The embedded scenario YAML reproduces the run.
	sc, err := scenarios.Parse("embedded", []byte(meta.ScenarioYAML), nil)
	if err != nil {
		t.Fatalf("embedded scenario does not parse: %v", err)
	}
	dir2 := t.TempDir()
	if _, err := Run(sc, Options{OutDir: dir2}); err != nil {
		t.Fatal(err)
	}
	for _, f := range tables {
		x, _ := os.ReadFile(filepath.Join(dir, f))
		y, _ := os.ReadFile(filepath.Join(dir2, f))
		if !bytes.Equal(x, y) {
			t.Errorf("re-running the embedded scenario changed %s", f)
		}
	}
	hosts, _, err := results.ReadHosts(filepath.Join(dir, "hosts.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	// 1,000 hosts × 48 five-minute intervals in 4 hours.
	if len(hosts) != 1000*48 {
		t.Fatalf("%d host rows, want %d", len(hosts), 1000*48)
	}
	var e float64
	for _, h := range hosts {
		if h.CPUUtil < 0 || h.CPUUtil > 1+1e-12 || h.MemUtil < 0 || h.MemUtil > 1+1e-12 {
			t.Fatalf("utilization out of range: %+v", h)
		}
		e += h.EnergyJ
	}
	if rel := (e/3.6e6 - sum.EnergyKWh) / sum.EnergyKWh; rel > 1e-9 || rel < -1e-9 {
		t.Fatalf("host energies sum to %.6f kWh, summary says %.6f", e/3.6e6, sum.EnergyKWh)
	}
}

// TestFleetDeterminismAcrossWorkers: a fleet's result files are byte-identical for 1, 2, 4, 8
// and 16 workers, for every router. (Runs under -race in `make test`.)
func TestFleetDeterminismAcrossWorkers(t *testing.T) {
	for _, router := range []string{"least-loaded", "round-robin", "cost-aware"} {
		sets := []string{"fleet.cells=6", "fleet.router=" + router, "horizon=40m", "output.host_interval=10m",
			"cluster.host_groups.0.count=60", "cluster.host_groups.1.count=12", "cluster.host_groups.2.count=4",
			"workload.synthetic.0.arrivals.rate=1.2/s", "workload.synthetic.1.arrivals.rate=200/h", "workload.synthetic.2.arrivals.rate=20/h"}
		sc, err := scenarios.Resolve("fleet", sets)
		if err != nil {
			t.Fatal(err)
		}
		var ref string
		for _, w := range []int{1, 2, 4, 8, 16} {
			dir := t.TempDir()
			o, err := Run(sc, Options{OutDir: dir, Workers: w})
			if err != nil {
				t.Fatal(err)
			}
			s := o.Result.Summary
			if s.JobsSubmitted == 0 || s.JobsSubmitted != s.JobsFinished+s.JobsRejected+s.JobsUnfinished {
				t.Fatalf("%s: conservation: %+v", router, s)
			}
			if ref == "" {
				ref = dir
				continue
			}
			for _, f := range tables {
				x, _ := os.ReadFile(filepath.Join(ref, f))
				y, _ := os.ReadFile(filepath.Join(dir, f))
				if len(x) == 0 || !bytes.Equal(x, y) {
					t.Errorf("%s: %s differs between 1 and %d workers", router, f, w)
				}
			}
		}
	}
}

// TestFleetRows: every job has one row, cells and host ids are in range, in-flight jobs at the
// horizon are unfinished, and a single-cell fleet behaves like its cluster apart from the delay.
func TestFleetRows(t *testing.T) {
	dir := t.TempDir()
	sc, err := scenarios.Resolve("fleet", []string{"fleet.cells=3", "horizon=30m", "cluster.host_groups.0.count=40",
		"cluster.host_groups.1.count=8", "cluster.host_groups.2.count=2", "workload.synthetic.0.arrivals.rate=1/s",
		"workload.synthetic.1.arrivals.rate=100/h", "workload.synthetic.2.arrivals.rate=10/h"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(sc, Options{OutDir: dir, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	jobs, _, err := results.ReadJobs(filepath.Join(dir, "jobs.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(jobs)) != o.Result.Summary.JobsSubmitted {
		t.Fatalf("%d rows for %d jobs", len(jobs), o.Result.Summary.JobsSubmitted)
	}
	seen := map[int64]bool{}
	cells := map[int32]int{}
	for _, j := range jobs {
		if seen[j.JobID] {
			t.Fatalf("job %d twice", j.JobID)
		}
		seen[j.JobID] = true
		cells[j.Cell]++
		if j.HostID >= 0 && (j.HostID < j.Cell*50 || j.HostID >= (j.Cell+1)*50) {
			t.Fatalf("job %d on host %d outside cell %d", j.JobID, j.HostID, j.Cell)
		}
		if j.StartUS >= 0 && j.StartUS < j.SubmitUS+500_000 {
			t.Fatalf("job %d started before its dispatch delay had passed", j.JobID)
		}
	}
	if len(cells) != 3 {
		t.Fatalf("jobs per cell %v: least-loaded should use every cell", cells)
	}
	for i := int64(1); i <= int64(len(jobs)); i++ {
		if !seen[i] {
			t.Fatalf("job id %d missing", i)
		}
	}
}

// TestFleetWithoutHorizon: finite sources and no horizon — the run ends when the last job ends,
// every job finishes, and the host time series covers the whole run in every cell.
func TestFleetWithoutHorizon(t *testing.T) {
	sc, err := scenarios.Resolve("fleet", []string{"fleet.cells=4", "horizon=0s", "output.host_interval=10m",
		"cluster.host_groups.0.count=30", "cluster.host_groups.1.count=6", "cluster.host_groups.2.count=2",
		"workload.synthetic.0.jobs=3000", "workload.synthetic.1.jobs=200", "workload.synthetic.2.jobs=10"})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{1, 3} {
		dir := t.TempDir()
		o, err := Run(sc, Options{OutDir: dir, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		s := o.Result.Summary
		if s.JobsSubmitted != 3210 || s.JobsFinished != 3210 {
			t.Fatalf("workers %d: %+v", w, s)
		}
		hosts, _, err := results.ReadHosts(filepath.Join(dir, "hosts.arrow"))
		if err != nil {
			t.Fatal(err)
		}
		var covered float64
		for _, h := range hosts {
			covered += float64(h.IntervalUS)
		}
		if want := s.SimTimeS * 1e6 * 4 * 38; covered < want*(1-1e-9) || covered > want*(1+1e-9) {
			t.Fatalf("host rows cover %.0f host·µs, want %.0f", covered, want)
		}
	}
}

// TestRouters checks each router's rule on a light load: round-robin alternates cells,
// cost-aware sends everything to the cheapest cell while it is below max_load, and least-loaded
// spreads the load.
func TestRouters(t *testing.T) {
	base := []string{"fleet.cells=2", "fleet.energy_usd_per_kwh=[0.20, 0.05]", "horizon=20m",
		"cluster.host_groups.0.count=40", "cluster.host_groups.1.count=4", "cluster.host_groups.2.count=2",
		"workload.synthetic.0.arrivals.rate=0.3/s", "workload.synthetic.1.arrivals.rate=20/h", "workload.synthetic.2.arrivals.rate=2/h"}
	perCell := func(router string) (map[int32]int, []results.JobRow) {
		sc, err := scenarios.Resolve("fleet", append(base, "fleet.router="+router))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if _, err := Run(sc, Options{OutDir: dir, Workers: 2}); err != nil {
			t.Fatal(err)
		}
		jobs, _, err := results.ReadJobs(filepath.Join(dir, "jobs.arrow"))
		if err != nil {
			t.Fatal(err)
		}
		n := map[int32]int{}
		for _, j := range jobs {
			n[j.Cell]++
		}
		return n, jobs
	}
	if n, _ := perCell("cost-aware"); n[0] != 0 || n[1] == 0 {
		t.Errorf("cost-aware: jobs per cell %v, want all in cell 1 (the cheaper one)", n)
	}
	n, jobs := perCell("round-robin")
	for i, j := range jobs {
		if j.Cell >= 0 && int64(j.Cell) != (j.JobID-1)%2 {
			t.Fatalf("round-robin: job %d (row %d) in cell %d", j.JobID, i, j.Cell)
		}
	}
	if d := n[0] - n[1]; d < -1 || d > 1 {
		t.Errorf("round-robin: jobs per cell %v", n)
	}
	if n, _ := perCell("least-loaded"); n[0] == 0 || n[1] == 0 {
		t.Errorf("least-loaded: jobs per cell %v, want both used", n)
	}
}

// TestTraceReplayKTH replays the first 3,000 jobs of the KTH-SP2 log twice (single cluster and a
// 2-cell fleet on 2 workers) and checks conservation and byte-identical repeat runs. It needs
// the trace samples (DCSIM_TRACES; CI always sets it).
func TestTraceReplayKTH(t *testing.T) {
	if os.Getenv("DCSIM_TRACES") == "" {
		t.Setenv("DCSIM_TRACES", filepath.Join("..", "..", "..", "shared", "traces"))
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("DCSIM_TRACES"), "swf", "KTH-SP2-1996-2.1-cln.swf")); err != nil {
		t.Skipf("KTH-SP2 sample not found under DCSIM_TRACES=%s: %v", os.Getenv("DCSIM_TRACES"), err)
	}
	for _, sets := range [][]string{{"workload.traces.0.jobs=3000"}, {"workload.traces.0.jobs=3000", "fleet.cells=2"}} {
		sc, err := scenarios.Resolve("kth-sp2", sets)
		if err != nil {
			t.Fatal(err)
		}
		var first []byte
		for rep := 0; rep < 2; rep++ {
			dir := t.TempDir()
			o, err := Run(sc, Options{OutDir: dir, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			s := o.Result.Summary
			if s.JobsSubmitted != 3000 || s.JobsSubmitted != s.JobsFinished+s.JobsRejected+s.JobsUnfinished {
				t.Fatalf("%v: %+v", sets, s)
			}
			b, _ := os.ReadFile(filepath.Join(dir, "jobs.arrow"))
			if rep == 0 {
				first = b
			} else if !bytes.Equal(first, b) {
				t.Fatalf("%v: jobs.arrow differs between two runs", sets)
			}
		}
	}
}

// filesIn lists the regular files in dir, sorted.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// TestFormats runs scenarios one after another into the same folder with each format: every
// run leaves exactly its own tables in its own format (no stale file of another format or of
// a table it did not write), summary.arrow always stays, and run.json records the format.
func TestFormats(t *testing.T) {
	dir := t.TempDir()
	base := []string{"horizon=1h"}
	noHosts := []string{"horizon=1h", "output.hosts=false"}
	cases := []struct {
		scenario string
		sets     []string
		format   string
		want     []string // besides run.json
	}{
		{"default", base, "both", []string{"hosts.arrow", "hosts.parquet", "jobs.arrow", "jobs.parquet", "summary.arrow", "summary.parquet"}},
		{"default", base, "parquet", []string{"hosts.parquet", "jobs.parquet", "summary.arrow", "summary.parquet"}},
		{"default", base, "arrow", []string{"hosts.arrow", "jobs.arrow", "summary.arrow"}},
		{"default", base, "parquet", []string{"hosts.parquet", "jobs.parquet", "summary.arrow", "summary.parquet"}},
		{"default", base, "", []string{"hosts.arrow", "jobs.arrow", "summary.arrow"}},
		{"default", base, "both", []string{"hosts.arrow", "hosts.parquet", "jobs.arrow", "jobs.parquet", "summary.arrow", "summary.parquet"}},
		{"default", noHosts, "parquet", []string{"jobs.parquet", "summary.arrow", "summary.parquet"}},
		{"autoscale-diurnal", []string{"horizon=2h"}, "both", []string{"jobs.arrow", "jobs.parquet", "provisioning.arrow",
			"provisioning.parquet", "summary.arrow", "summary.parquet"}},
		{"services", []string{"horizon=10m"}, "parquet", []string{"jobs.parquet", "services.parquet", "summary.arrow", "summary.parquet"}},
		{"default", noHosts, "arrow", []string{"jobs.arrow", "summary.arrow"}},
	}
	for i, c := range cases {
		sc, err := scenarios.Resolve(c.scenario, c.sets)
		if err != nil {
			t.Fatal(err)
		}
		o, err := Run(sc, Options{OutDir: dir, Format: c.format})
		if err != nil {
			t.Fatalf("%d %s %q: %v", i, c.scenario, c.format, err)
		}
		want := slices.Sorted(slices.Values(append([]string{"run.json"}, c.want...)))
		if got := filesIn(t, dir); !slices.Equal(got, want) {
			t.Errorf("%d %s %q: files %v, want %v", i, c.scenario, c.format, got, want)
		}
		b, err := os.ReadFile(filepath.Join(dir, "run.json"))
		if err != nil {
			t.Fatal(err)
		}
		var info Info
		if err := json.Unmarshal(b, &info); err != nil {
			t.Fatal(err)
		}
		wantFormat := cmp.Or(c.format, FormatArrow)
		if info.Format != wantFormat || o.Info.Format != wantFormat {
			t.Errorf("%d: run.json format %q, Info %q, want %q", i, info.Format, o.Info.Format, wantFormat)
		}
		if converted := c.format == FormatBoth || c.format == FormatParquet; converted != (info.ParquetBytes > 0 && info.ArrowBytes > 0) {
			t.Errorf("%d: parquet_bytes %d, arrow_bytes %d", i, info.ParquetBytes, info.ArrowBytes)
		}
		// The summary that stays is this run's.
		sum, _, err := results.ReadSummary(filepath.Join(dir, "summary.arrow"))
		if err != nil || sum != o.Result.Summary {
			t.Errorf("%d: summary.arrow is not this run's (%v)", i, err)
		}
	}
}

// TestFormatParquetDeterminism: two runs give byte-identical Parquet files, the same under
// "parquet" as under "both", and the Parquet tables hold the rows of the Arrow tables.
func TestFormatParquetDeterminism(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	sets := []string{"horizon=2h", "scheduler.placement=random", "seed=5"}
	sc, err := scenarios.Resolve("default", sets)
	if err != nil {
		t.Fatal(err)
	}
	oa, err := Run(sc, Options{OutDir: a, Format: FormatBoth})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(sc, Options{OutDir: b, Format: FormatParquet, Workers: 3}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"jobs.parquet", "hosts.parquet", "summary.parquet", "summary.arrow"} {
		x, err := os.ReadFile(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between a run with format both and one with format parquet", f)
		}
	}
	if oa.Info.ParquetBytes <= 0 || oa.Info.ParquetBytes >= oa.Info.ArrowBytes {
		t.Errorf("parquet %d bytes, arrow %d bytes", oa.Info.ParquetBytes, oa.Info.ArrowBytes)
	}
}

func TestFormatBad(t *testing.T) {
	sc, err := scenarios.Resolve("mmc", []string{"workload.synthetic.0.jobs=10"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, err = Run(sc, Options{OutDir: dir, Format: "csv"})
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "csv") {
		t.Fatalf("error %v, want an input error naming csv", err)
	}
	if got := filesIn(t, dir); len(got) != 0 {
		t.Errorf("files written: %v", got)
	}
}

// TestParquetInterop runs a scenario with format "both" and reads every .parquet with DuckDB
// (@duckdb/node-api) and nodejs-polars: the same row counts, columns, nulls, first rows and
// sums as nodejs-polars sees in the .arrow files, and as many rows as the run wrote. It skips
// without Node.js and `npm ci --prefix internal/interop`, unless DCSIM_REQUIRE_INTEROP=1.
func TestParquetInterop(t *testing.T) {
	interop.RequireParquet(t)
	interop.Require(t)
	for _, c := range []struct {
		scenario string
		sets     []string
	}{
		{"default", []string{"horizon=2h", "output.host_interval=10m"}},
		{"autoscale-diurnal", []string{"horizon=3h"}},
	} {
		dir := t.TempDir()
		sc, err := scenarios.Resolve(c.scenario, c.sets)
		if err != nil {
			t.Fatal(err)
		}
		o, err := Run(sc, Options{OutDir: dir, Format: FormatBoth})
		if err != nil {
			t.Fatal(err)
		}
		pq := interop.ReadParquet(t, dir)
		names := slices.Sorted(maps.Keys(pq.DuckDB))
		for _, d := range interop.DiffParquet(interop.Read(t, dir, names...), pq) {
			t.Errorf("%s: %s", c.scenario, d)
		}
		want := map[string]int64{"jobs": o.Info.JobsRows, "hosts": o.Info.HostsRows, "summary": 1,
			"provisioning": o.Info.ProvisioningRows}
		for name, n := range want {
			if n == 0 && name != "jobs" {
				if _, ok := pq.DuckDB[name]; ok {
					t.Errorf("%s: %s.parquet without rows", c.scenario, name)
				}
				continue
			}
			if got := pq.DuckDB[name].Rows; got != n {
				t.Errorf("%s: duckdb %s: %d rows, want %d", c.scenario, name, got, n)
			}
			if got := pq.DuckDB[name].KVMetadata[results.MetaKeyScenario]; got != c.scenario {
				t.Errorf("%s: duckdb %s: dcsim.scenario %q", c.scenario, name, got)
			}
		}
		if got := pq.DuckDB["summary"].FirstRow["jobs_submitted"]; got != float64(o.Result.Summary.JobsSubmitted) {
			t.Errorf("%s: duckdb summary.jobs_submitted %v, want %d", c.scenario, got, o.Result.Summary.JobsSubmitted)
		}
	}
}
