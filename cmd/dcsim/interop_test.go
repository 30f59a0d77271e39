package main

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/internal/interop"
	"github.com/dcsim/dcsim/results"
)

// TestInteropEndToEnd runs the CLI on the default scenario (shortened) and reads the three
// files back with nodejs-polars and apache-arrow, checking row counts, column names and values
// against what dcsim printed and against dcsim's own reader.
func TestInteropEndToEnd(t *testing.T) {
	interop.Require(t)
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"run", "default", "-o", dir, "--set", "horizon=2h"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	printed := out.String()
	submitted := printedInt(t, printed, "jobs submitted")
	rep := interop.Read(t, dir)
	sum, _, err := results.ReadSummary(filepath.Join(dir, "summary.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	wantCols := map[string][]string{
		"jobs":    {"job_id", "submit_s", "start_s", "end_s", "wait_s", "status", "host_id", "cpu_cores", "mem_gib", "gpus"},
		"hosts":   {"time_s", "host_id", "cpu_utilization", "mem_utilization", "power_w", "energy_j"},
		"summary": {"scenario", "seed", "jobs_submitted", "jobs_finished", "jobs_rejected", "jobs_unfinished", "mean_wait_s", "p50_wait_s", "p99_wait_s", "mean_bounded_slowdown", "slo_violations", "cpu_utilization", "mem_utilization", "energy_kwh", "cost_usd", "carbon_kg", "sim_time_s", "events"},
	}
	for reader, tables := range map[string]map[string]interop.Table{"nodejs-polars": rep.Polars, "apache-arrow": rep.Arrow} {
		jobs, hosts, summ := tables["jobs"], tables["hosts"], tables["summary"]
		if jobs.Rows != submitted {
			t.Errorf("%s: jobs.arrow has %d rows, dcsim printed %d jobs submitted", reader, jobs.Rows, submitted)
		}
		if hosts.Rows != 1000*24 {
			t.Errorf("%s: hosts.arrow has %d rows, want 1000 hosts × 24 intervals", reader, hosts.Rows)
		}
		if summ.Rows != 1 {
			t.Errorf("%s: summary.arrow has %d rows", reader, summ.Rows)
		}
		for name, cols := range wantCols {
			have := map[string]bool{}
			for _, c := range tables[name].Columns {
				have[c] = true
			}
			for _, c := range cols {
				if !have[c] {
					t.Errorf("%s: %s.arrow lacks column %s", reader, name, c)
				}
			}
		}
		first := summ.FirstRow
		if first["scenario"] != "default" || num(first["jobs_submitted"]) != float64(submitted) ||
			num(first["jobs_finished"]) != float64(sum.JobsFinished) || num(first["events"]) != float64(sum.Events) {
			t.Errorf("%s: summary row %v does not match dcsim's (%+v)", reader, first, sum)
		}
		if math.Abs(num(first["energy_kwh"])-sum.EnergyKWh) > 1e-9*sum.EnergyKWh {
			t.Errorf("%s: energy_kwh %v, dcsim %v", reader, first["energy_kwh"], sum.EnergyKWh)
		}
		// Sum of a column read independently equals dcsim's own figure.
		if e := num(hosts.Sums["energy_j"]) / 3.6e6; math.Abs(e-sum.EnergyKWh) > 1e-6*sum.EnergyKWh {
			t.Errorf("%s: hosts energy sums to %v kWh, summary %v", reader, e, sum.EnergyKWh)
		}
		if int64(jobs.NullCounts["end_s"]) != sum.JobsRejected+sum.JobsUnfinished {
			t.Errorf("%s: %d null end_s, want %d unfinished/rejected", reader, jobs.NullCounts["end_s"], sum.JobsRejected+sum.JobsUnfinished)
		}
	}
	if md := rep.Arrow["jobs"].FieldMetadata["wait_s"]["unit"]; md != "s" {
		t.Errorf("wait_s unit metadata = %q", md)
	}
	if rep.Arrow["jobs"].SchemaMetadata["dcsim.scenario_yaml"] == "" {
		t.Error("jobs.arrow lacks the scenario YAML")
	}
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return math.NaN()
}

func printedInt(t *testing.T, out, label string) int64 {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), label) {
			var n int64
			f := strings.Fields(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), label)))
			if len(f) > 0 {
				if _, err := fmt.Sscan(f[0], &n); err == nil {
					return n
				}
			}
		}
	}
	t.Fatalf("dcsim did not print %q:\n%s", label, out)
	return 0
}
