package results

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSweepSummaryRoundTrip(t *testing.T) {
	dir := t.TempDir()
	params := []ParamColumn{{"scheduler.placement", ParamString}, {"cluster.host_groups.0.count", ParamInt},
		{"provisioning.headroom", ParamFloat}, {"output.hosts", ParamBool}}
	rows := []SweepRow{
		{RunID: "r000000000001", Replicate: 0, Params: []string{"best-fit", "400", "0.25", "true"},
			Summary: Summary{Scenario: "default", Seed: 1, JobsSubmitted: 10, SLOViolations: 1, CostUSD: 12.5, GPUUtilization: -1, ForecastMAPE: -1}},
		{RunID: "r000000000002", Replicate: 1, Params: []string{"worst-fit", "500", "0.5", "false"},
			Summary: Summary{Scenario: "default", Seed: 2, JobsSubmitted: 20, CostUSD: 13, GPUUtilization: 0.5, ForecastMAPE: -1}},
	}
	meta := Meta{Version: "test", Scenario: "default", Seed: 1, ScenarioYAML: "base: default\n"}
	p := filepath.Join(dir, "summary.arrow")
	if err := WriteSweepSummary(p, meta, params, rows); err != nil {
		t.Fatal(err)
	}
	gm, gp, gr, err := ReadSweepSummary(p)
	if err != nil {
		t.Fatal(err)
	}
	if gm != meta || !reflect.DeepEqual(gp, params) || !reflect.DeepEqual(gr, rows) {
		t.Errorf("round trip:\n%+v\n%+v\n%+v", gm, gp, gr)
	}
	// Deterministic bytes.
	a, _ := os.ReadFile(p)
	p2 := filepath.Join(dir, "again.arrow")
	if err := WriteSweepSummary(p2, meta, params, rows); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p2)
	if !bytes.Equal(a, b) {
		t.Error("two writes of the same sweep summary differ")
	}
	// A run summary is not a sweep summary, and vice versa.
	if _, _, err := ReadSummary(p); err == nil || !strings.Contains(err.Error(), "sweep_summary") {
		t.Errorf("ReadSummary of a sweep summary: %v", err)
	}
	// A value that does not fit its column kind is an error, and no file is left behind.
	bad := filepath.Join(dir, "bad.arrow")
	rows[1].Params[1] = "five hundred"
	if err := WriteSweepSummary(bad, meta, params, rows); err == nil || !strings.Contains(err.Error(), "cluster.host_groups.0.count") {
		t.Errorf("bad int parameter: %v", err)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("bad write left %s: %v", bad, err)
	}
	if ents, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(ents) > 0 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func TestSweepSummaryNoParams(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.arrow")
	rows := []SweepRow{{RunID: "r1", Params: []string{}, Summary: Summary{Scenario: "x", GPUUtilization: -1, ForecastMAPE: -1}}}
	if err := WriteSweepSummary(p, Meta{}, nil, rows); err != nil {
		t.Fatal(err)
	}
	_, params, got, err := ReadSweepSummary(p)
	if err != nil || len(params) != 0 || len(got) != 1 || got[0].RunID != "r1" {
		t.Errorf("got %v %v %v", params, got, err)
	}
}
