package scenarios

import (
	"os"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/units"
)

const daily24 = "[260, 255, 250, 250, 255, 265, 260, 220, 160, 110, 80, 70, 65, 65, 70, 85, 120, 190, 270, 310, 305, 295, 280, 270]"

// shiftValid is valid with a deferrable source, a daily carbon profile and carbon-aware shifting.
var shiftValid = edit("      runtime_s: {dist: exponential, mean: 60}\n",
	"      runtime_s: {dist: exponential, mean: 60}\n      deferrable: {fraction: 0.6, max_delay: 12h}\n") +
	"scheduler: {shifting: carbon-aware}\ncost: {carbon_daily: " + daily24 + "}\n"

func TestShiftingKeys(t *testing.T) {
	s, err := Parse("t.yaml", []byte(shiftValid), nil)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Workload.Synthetic[0].Deferrable
	if d == nil || d.Fraction != 0.6 || d.MaxDelay != 12*units.Hour || s.Scheduler.Shifting != ShiftCarbonAware ||
		len(s.Cost.CarbonDaily) != 24 || s.Cost.CarbonDaily[19] != 310 {
		t.Fatalf("decoded %+v, %q, %v", d, s.Scheduler.Shifting, s.Cost.CarbonDaily)
	}
	// The resolved YAML round-trips; fraction defaults to 1.
	out, err := s.YAML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("back.yaml", out, nil)
	if err != nil || !equal(s, back) {
		t.Fatalf("round trip: %v\n%s", err, out)
	}
	s2, err := Parse("t.yaml", []byte(shiftValid), []string{"workload.synthetic.0.deferrable={max_delay: 2h}", "scheduler.shifting=none"})
	if err != nil {
		t.Fatal(err)
	}
	if d := s2.Workload.Synthetic[0].Deferrable; d.Fraction != 1 || d.MaxDelay != 2*units.Hour || s2.Scheduler.Shifting != ShiftNone {
		t.Errorf("--set: %+v, %q", d, s2.Scheduler.Shifting)
	}
	// Without the keys nothing changes: shifting stays absent (none) in the resolved YAML.
	plain, err := Parse("t.yaml", []byte(valid), nil)
	if err != nil {
		t.Fatal(err)
	}
	if y, _ := plain.YAML(); strings.Contains(string(y), "shifting") || strings.Contains(string(y), "deferrable") || strings.Contains(string(y), "carbon_daily") {
		t.Errorf("resolved YAML mentions shifting keys:\n%s", y)
	}
}

func TestShiftingValidation(t *testing.T) {
	csv := t.TempDir() + "/c.csv"
	if err := os.WriteFile(csv, []byte("0,100\n3600,200\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := "      runtime_s: {dist: exponential, mean: 60}\n"
	withDeferrable := func(d string) string { return edit(src, src+"      deferrable: "+d+"\n") }
	for _, tc := range []struct {
		name, yaml string
		sets       []string
		want       string
	}{
		{"unknown policy", shiftValid, []string{"scheduler.shifting=greedy"},
			`scheduler.shifting: unknown shifting policy "greedy" (use none, carbon-aware)`},
		{"no profile", valid + "scheduler: {shifting: carbon-aware}\n", nil,
			"t.yaml:14:23: scheduler.shifting: carbon-aware shifting needs a carbon-intensity profile"},
		{"three values", valid + "cost: {carbon_daily: [1, 2, 3]}\n", nil,
			"t.yaml:14:22: cost.carbon_daily: needs 24 hourly values (g CO2/kWh, hour 0 first), got 3"},
		{"empty profile", valid + "cost: {carbon_daily: []}\n", nil, "cost.carbon_daily: needs 24 hourly values"},
		{"negative value", shiftValid, []string{"cost.carbon_daily.5=-1"}, "cost.carbon_daily[5]: must be a finite number >= 0 (g CO2/kWh), got -1"},
		{"not a number", shiftValid, []string{"cost.carbon_daily.5=high"}, "cost.carbon_daily[5]"},
		{"both profiles", shiftValid, []string{"cost.carbon_series=" + csv}, "cost.carbon_daily: give either cost.carbon_daily or cost.carbon_series, not both"},
		{"fraction above 1", withDeferrable("{fraction: 1.5, max_delay: 1h}"), nil,
			"workload.synthetic[0].deferrable.fraction: must be in [0, 1] (a share of the source's jobs), got 1.5"},
		{"no max_delay", withDeferrable("{fraction: 0.5}"), nil, "workload.synthetic[0].deferrable.max_delay: required"},
		{"zero max_delay", withDeferrable("{fraction: 0.5, max_delay: 0s}"), nil, "workload.synthetic[0].deferrable.max_delay: must be in (0, 1y], got 0s"},
		{"too long", withDeferrable("{max_delay: 2y}"), nil, "workload.synthetic[0].deferrable.max_delay: must be in (0, 1y], got 2y"},
		{"unknown key", withDeferrable("{max_delay: 1h, window: 2h}"), nil, `unknown key "window" in workload.synthetic[0].deferrable`},
	} {
		_, err := Parse("t.yaml", []byte(tc.yaml), tc.sets)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want an error containing %q, got %v", tc.name, tc.want, err)
		}
	}
	// carbon_series alone is a profile too; a trace source takes the same deferrable key
	// (checked without a trace file: the path error comes first, the deferrable one too).
	if _, err := Parse("t.yaml", []byte(valid+"scheduler: {shifting: carbon-aware}\ncost: {carbon_series: "+csv+"}\n"), nil); err != nil {
		t.Errorf("carbon_series profile: %v", err)
	}
	tr := valid + "  traces:\n    - {path: /nonexistent.swf, format: swf, deferrable: {fraction: 2, max_delay: 1h}}\n"
	if _, err := Parse("t.yaml", []byte(tr), nil); err == nil || !strings.Contains(err.Error(), "workload.traces[0].deferrable.fraction: must be in [0, 1]") {
		t.Errorf("trace deferrable: %v", err)
	}
}
