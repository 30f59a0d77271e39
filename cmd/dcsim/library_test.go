package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/dcsim/dcsim/results"
)

// The answers docs/scenario-library.md gives for the built-in planning questions stay true.
func TestScenarioLibraryAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs 48 simulations")
	}
	dir := t.TempDir()
	var out, errb bytes.Buffer
	// capacity-quarter: the cheapest server count meeting a 99.9% wait SLO is 158.
	plan := filepath.Join(dir, "quarter")
	if code := run([]string{"plan", "capacity-quarter", "--vary", "cluster.host_groups.0.count=120:320", "--minimize", "cost_usd",
		"--subject-to", "slo_violation_rate<=0.001", "--seeds", "3", "-o", plan}, &out, &errb); code != 0 {
		t.Fatalf("plan: exit %d\n%s%s", code, out.String(), errb.String())
	}
	var pj struct {
		Answer struct {
			Feasible bool
			Values   []struct {
				Key   string
				Value float64
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(plan, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &pj); err != nil {
		t.Fatal(err)
	}
	if !pj.Answer.Feasible || len(pj.Answer.Values) != 1 || pj.Answer.Values[0].Value != 158 {
		t.Errorf("capacity-quarter plan: %+v, docs say 158 servers", pj.Answer)
	}

	// traffic-spike: 12 replicas hold the SLO today; the spike breaks it for ~30 of 120 minutes;
	// 13 replicas absorb it.
	spike := filepath.Join(dir, "spike")
	if code := run([]string{"sweep", "traffic-spike", "--axis", "services.0.arrivals.rate=480/s,576/s",
		"--axis", "services.0.replicas=12,13", "--seeds", "3", "-q", "-o", spike}, &out, &errb); code != 0 {
		t.Fatalf("sweep: exit %d\n%s%s", code, out.String(), errb.String())
	}
	_, _, rows, err := results.ReadSweepSummary(filepath.Join(spike, "summary.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	minutes := map[string]float64{}
	for _, r := range rows {
		minutes[r.Params[0]+" "+r.Params[1]] += r.Summary.ServiceSLOViolationMinutes / 3
	}
	if minutes["480/s 12"] != 0 || minutes["576/s 13"] != 0 || math.Abs(minutes["576/s 12"]-30.3) > 0.5 {
		t.Errorf("traffic-spike violation minutes %v; docs say 0 today on 12, ~30.3 under the spike on 12, 0 on 13", minutes)
	}

	// carbon-shift: carbon-aware shifting saves 6.4% of carbon at the same energy.
	carbon := filepath.Join(dir, "carbon")
	if code := run([]string{"sweep", "carbon-shift", "--axis", "scheduler.shifting=none,carbon-aware", "--seeds", "3", "-q", "-o", carbon}, &out, &errb); code != 0 {
		t.Fatalf("sweep: exit %d\n%s%s", code, out.String(), errb.String())
	}
	_, _, rows, err = results.ReadSweepSummary(filepath.Join(carbon, "summary.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	kg, kwh := map[string]float64{}, map[string]float64{}
	for _, r := range rows {
		kg[r.Params[0]] += r.Summary.CarbonKg
		kwh[r.Params[0]] += r.Summary.EnergyKWh
	}
	if saved := 1 - kg["carbon-aware"]/kg["none"]; math.Abs(saved-0.064) > 0.001 || math.Abs(kwh["carbon-aware"]/kwh["none"]-1) > 1e-9 {
		t.Errorf("carbon-shift saves %.4f of carbon (docs: 6.4%%), energy ratio %v (docs: unchanged)", saved, kwh["carbon-aware"]/kwh["none"])
	}
}
