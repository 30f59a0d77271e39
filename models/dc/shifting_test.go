package dc

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/power"
	"github.com/dcsim/dcsim/models/timeseries"
	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/models/units"
	"github.com/dcsim/dcsim/models/workload"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
	"github.com/dcsim/dcsim/sim"
)

func mustSeries(t testing.TB, times []sim.Time, values []float64) *timeseries.Series {
	t.Helper()
	s, err := timeseries.New(times, values)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBestStartHandWorked on the profile 300 g/kWh on [0, 2h), 100 on [2h, 3h), 200 on
// [3h, 5h), 50 on [5h, 6h), 400 from 6h on.
func TestBestStartHandWorked(t *testing.T) {
	const h, m = sim.Hour, sim.Minute
	ser := mustSeries(t, []sim.Time{0, 2 * h, 3 * h, 5 * h, 6 * h}, []float64{300, 100, 200, 50, 400})
	for _, tc := range []struct {
		name      string
		lo, hi, r sim.Time
		want      sim.Time
	}{
		{"the 100 hour, at a change point", 0, 4 * h, h, 2 * h},
		{"all windows equal: the earliest", 0, h, h, 0},
		{"the 50 hour", 0, 8 * h, h, 5 * h},
		// 2 h windows: [2h,4h) = 300, [4h,6h) = 250, [5h,7h) = 450: the best window ends at the
		// change point 6h, so it starts at 6h − r = 4h, which is not a change point itself.
		{"window end on a change point", 0, 8 * h, 2 * h, 4 * h},
		{"no room to wait", 150 * m, 150 * m, h, 150 * m},
		{"flat inside the window: the earliest", 30 * m, 90 * m, 30 * m, 30 * m},
		// F(s) = 300 h·g for s ≤ 1h, then falls as the window reaches the 100 hour: hi wins.
		{"still falling at the end: hi", 0, 90 * m, h, 90 * m},
		{"start inside a step", 150 * m, 330 * m, h, 5 * h},
		{"the window reaches beyond the last step", 7 * h, 9 * h, h, 7 * h},
		{"short job, wide window", 0, 24 * h, sim.Second, 5 * h},
	} {
		if got := bestStart(ser, tc.lo, tc.hi, tc.r); got != tc.want {
			t.Errorf("%s: bestStart(%v, %v, %v) = %v, want %v", tc.name, tc.lo, tc.hi, tc.r, got, tc.want)
		}
	}
	if got := bestStart(mustSeries(t, []sim.Time{0}, []float64{0}), 5, 500, 10); got != 5 {
		t.Errorf("zero profile: %v, want the earliest start 5", got)
	}
}

// checkBestStart compares bestStart with a scan of every whole second in [lo, hi] when the
// profile's change points, lo, hi and r are whole seconds: every kink of F is then a whole
// second, so the scan sees the minimum and its earliest position. Integer values keep every
// integral exact in float64.
func checkBestStart(t *testing.T, ser *timeseries.Series, lo, hi, r sim.Time) {
	t.Helper()
	got := bestStart(ser, lo, hi, r)
	want, wantF := lo, ser.Integrate(lo, lo+r)
	for s := lo; s <= hi; s += sim.Second {
		if f := ser.Integrate(s, s+r); f < wantF {
			want, wantF = s, f
		}
	}
	if got != want {
		var steps []string
		for i := 0; i < ser.Len(); i++ {
			ts, v := ser.Step(i)
			steps = append(steps, fmt.Sprintf("%v:%g", ts, v))
		}
		t.Fatalf("profile %v, lo %v hi %v r %v: bestStart %v (F %v), scan %v (F %v)", steps, lo, hi, r,
			got, ser.Integrate(got, got+r), want, wantF)
	}
}

// TestBestStartBruteForce: the optimum property over random small profiles.
func TestBestStartBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 3000; trial++ {
		n := 1 + rng.IntN(7)
		times, values := make([]sim.Time, n), make([]float64, n)
		at := sim.Time(rng.IntN(5)) * sim.Second
		for i := range times {
			times[i], values[i] = at, float64(rng.IntN(10))
			at += sim.Time(1+rng.IntN(20)) * sim.Second
		}
		ser := mustSeries(t, times, values)
		lo := sim.Time(rng.IntN(60)) * sim.Second
		hi := lo + sim.Time(rng.IntN(80))*sim.Second
		r := sim.Time(1+rng.IntN(40)) * sim.Second
		checkBestStart(t, ser, lo, hi, r)
	}
}

// FuzzBestStart: arbitrary small profiles and windows (whole seconds), against the scan.
func FuzzBestStart(f *testing.F) {
	f.Add([]byte{0, 3, 2, 1, 5, 9}, uint8(0), uint8(30), uint8(4))
	f.Add([]byte{1, 1, 1, 1}, uint8(3), uint8(0), uint8(1))
	f.Add([]byte{7, 0, 7, 0, 7, 0, 7, 0}, uint8(10), uint8(100), uint8(13))
	f.Fuzz(func(t *testing.T, prof []byte, lo, width, r uint8) {
		if len(prof) < 2 || len(prof) > 40 {
			return
		}
		// Pairs (gap, value): step i starts gap seconds after step i−1.
		var times []sim.Time
		var values []float64
		at := sim.Time(0)
		for i := 0; i+1 < len(prof); i += 2 {
			if i > 0 {
				at += sim.Time(1+int(prof[i])%30) * sim.Second
			}
			times, values = append(times, at), append(values, float64(prof[i+1]))
		}
		ser := mustSeries(t, times, values)
		l := sim.Time(lo) * sim.Second
		checkBestStart(t, ser, l, l+sim.Time(width)*sim.Second, sim.Time(1+int(r)%60)*sim.Second)
	})
}

func TestDailySeries(t *testing.T) {
	daily := make([]float64, 24)
	for h := range daily {
		daily[h] = float64(100 + h)
	}
	const h = sim.Hour
	for _, tc := range []struct {
		tod   time.Duration
		at    sim.Time
		value float64
	}{
		{0, 0, 100}, {0, h - 1, 100}, {0, h, 101}, {0, 23 * h, 123}, {0, 24 * h, 100}, {0, 49*h + 5, 101},
		{6*time.Hour + 30*time.Minute, 0, 106}, {6*time.Hour + 30*time.Minute, 29*sim.Minute + 59*sim.Second, 106},
		{6*time.Hour + 30*time.Minute, 30 * sim.Minute, 107}, {6*time.Hour + 30*time.Minute, 17*h + 30*sim.Minute, 100},
		{23 * time.Hour, h, 100},
	} {
		ser, err := DailySeries(daily, tc.tod, 72*h)
		if err != nil {
			t.Fatal(err)
		}
		if got := ser.At(tc.at); got != tc.value {
			t.Errorf("tod %v: value at %v = %v, want %v", tc.tod, tc.at, got, tc.value)
		}
	}
	ser, _ := DailySeries(daily, 0, 72*h)
	if last, _ := ser.Step(ser.Len() - 1); last < 72*h {
		t.Errorf("last step at %v, want the series to cover 72h", last)
	}
	for _, bad := range []struct {
		daily []float64
		tod   time.Duration
	}{{daily[:23], 0}, {daily, 24 * time.Hour}, {daily, -time.Second}} {
		if _, err := DailySeries(bad.daily, bad.tod, h); err == nil {
			t.Errorf("DailySeries(%d values, %v): no error", len(bad.daily), bad.tod)
		}
	}
}

// solarDaily is a duck-curve profile: high at night and in the evening, low at midday.
var solarDaily = []float64{260, 255, 250, 250, 255, 265, 260, 220, 160, 110, 80, 70,
	65, 65, 70, 85, 120, 190, 270, 310, 305, 295, 280, 270}

// shiftConfig: an ample cluster (nothing ever queues) under 1 job/min of 30-minute one-core
// jobs, half of them deferrable by 6 h, over the solar profile.
func shiftConfig(t testing.TB, shifting string) Config {
	cfg := Config{
		Scenario: "shift-test", Seed: 7, HostsPerRack: 40, Queue: "fcfs", Placement: "best-fit",
		MaxWait: sim.Hour, PUE: 1.2, USDPerKWh: 0.1, CarbonGPerKWh: 400, HostInterval: 15 * sim.Minute,
		Horizon: 48 * sim.Hour, Shifting: shifting,
		Groups: []Group{{Name: "g", Count: 20, Cap: models.Resources{CPU: 64000, Mem: 256 << 30}, Curve: linearTB(t),
			CapexUSD: 10000, LifetimeUS: int64(4 * 365 * sim.Day)}},
		Sources: []Source{{Name: "batch", Until: 36 * sim.Hour,
			Arrivals:   workload.ArrivalSpec{Process: "poisson", Rate: units.Rate(1.0 / 60)},
			CPUCores:   workload.DistSpec{Dist: "constant", Value: 1},
			MemoryGiB:  workload.DistSpec{Dist: "constant", Value: 1},
			RuntimeS:   workload.DistSpec{Dist: "constant", Value: 1800},
			Deferrable: Deferrable{Fraction: 0.5, MaxDelay: 6 * sim.Hour}}},
	}
	var err error
	if cfg.CarbonSeries, err = DailySeries(solarDaily, 0, 10*24*sim.Hour); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func linearTB(t testing.TB) power.Curve {
	c, err := power.NewCurve(power.Spec{Model: "linear", Idle: 100, Max: 300})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func runRows(t *testing.T, cfg Config) ([]results.JobRow, results.Summary) {
	t.Helper()
	sink := &rowsSink{}
	s, err := New(cfg, Options{Jobs: sink})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	return sink.rows, r.Summary
}

// TestShiftingReleaseTimes: with ample capacity, every job starts at its submission or, if it
// was held, exactly at bestStart over [submit, submit + 6 h] for its 30-minute estimate; the
// summary counts exactly the jobs that started late, and their total delay.
func TestShiftingReleaseTimes(t *testing.T) {
	cfg := shiftConfig(t, ShiftCarbonAware)
	rows, sum := runRows(t, cfg)
	var shifted int64
	var shiftUS int64
	for _, r := range rows {
		if r.Status != results.StatusFinished {
			t.Fatalf("job %d: %s", r.JobID, r.Status)
		}
		sub := sim.Time(r.SubmitUS)
		best := bestStart(cfg.CarbonSeries, sub, sub+6*sim.Hour, 30*sim.Minute)
		switch sim.Time(r.StartUS) {
		case sub:
		case best:
			shifted++
			shiftUS += r.StartUS - r.SubmitUS
		default:
			t.Fatalf("job %d submitted %v started %v; want %v or %v", r.JobID, sub, sim.Time(r.StartUS), sub, best)
		}
	}
	if shifted == 0 || shifted != sum.JobsShifted || !near(sum.ShiftHours, float64(shiftUS)/3.6e9, 1e-9) {
		t.Errorf("%d jobs started late (%v h); summary says %d, %v h", shifted, float64(shiftUS)/3.6e9, sum.JobsShifted, sum.ShiftHours)
	}
	// About half the jobs are deferrable, and most of those are worth holding.
	if n := int64(len(rows)); shifted < n/4 || shifted > n/2+n/10 {
		t.Errorf("%d of %d jobs shifted", shifted, n)
	}
	if sum.SLOViolations != 0 {
		t.Errorf("%d SLO violations; held jobs start within their max delay", sum.SLOViolations)
	}
}

// TestShiftingSavesCarbon: the same jobs (common random numbers), the same energy, less carbon.
func TestShiftingSavesCarbon(t *testing.T) {
	none, sNone := runRows(t, shiftConfig(t, ShiftNone))
	ca, sCA := runRows(t, shiftConfig(t, ShiftCarbonAware))
	key := func(rows []results.JobRow) []results.JobRow {
		out := slices.Clone(rows)
		for i := range out {
			out[i].StartUS, out[i].EndUS, out[i].HostID, out[i].SLOViolated = 0, 0, 0, false
		}
		slices.SortFunc(out, func(a, b results.JobRow) int { return cmpInt64(a.JobID, b.JobID) })
		return out
	}
	if !reflect.DeepEqual(key(none), key(ca)) {
		t.Error("the policies saw different jobs")
	}
	if sNone.JobsShifted != 0 || sNone.MeanWaitS != 0 {
		t.Errorf("none: %d shifted, mean wait %v", sNone.JobsShifted, sNone.MeanWaitS)
	}
	if !near(sNone.EnergyKWh, sCA.EnergyKWh, 1e-9*sNone.EnergyKWh) {
		t.Errorf("energy %v vs %v kWh: the same work should use the same energy", sNone.EnergyKWh, sCA.EnergyKWh)
	}
	if !(sCA.CarbonKg < sNone.CarbonKg) || !(sCA.MeanWaitS > 0) {
		t.Errorf("carbon %v → %v kg, mean wait %v → %v s", sNone.CarbonKg, sCA.CarbonKg, sNone.MeanWaitS, sCA.MeanWaitS)
	}
	t.Logf("carbon %.3f → %.3f kg (%.1f%%), mean wait %.0f s, %d jobs shifted, %.1f h", sNone.CarbonKg, sCA.CarbonKg,
		100*(1-sCA.CarbonKg/sNone.CarbonKg), sCA.MeanWaitS, sCA.JobsShifted, sCA.ShiftHours)
}

// TestShiftingTerminalStates: a horizon that cuts the run while jobs are held, queued and
// running, on a small cluster: every submitted job has exactly one row, held ones unfinished.
func TestShiftingTerminalStates(t *testing.T) {
	for _, horizon := range []sim.Time{20 * sim.Hour, 30 * sim.Hour, 48 * sim.Hour} {
		cfg := shiftConfig(t, ShiftCarbonAware)
		cfg.Horizon = horizon
		cfg.Groups[0].Count, cfg.Groups[0].Cap.CPU = 2, 4000 // 8 cores: jobs queue at the clean hours
		cfg.Sources[0].Deferrable.Fraction = 0.8
		rows, sum := runRows(t, cfg)
		seen := map[int64]int{}
		count := map[string]int64{}
		for _, r := range rows {
			seen[r.JobID]++
			count[r.Status]++
		}
		for id := int64(1); id <= sum.JobsSubmitted; id++ {
			if seen[id] != 1 {
				t.Fatalf("horizon %v: job %d has %d rows", horizon, id, seen[id])
			}
		}
		if int64(len(rows)) != sum.JobsSubmitted || count[results.StatusFinished] != sum.JobsFinished ||
			count[results.StatusUnfinished] != sum.JobsUnfinished || sum.JobsFinished+sum.JobsUnfinished != sum.JobsSubmitted {
			t.Errorf("horizon %v: %d rows %v, summary %d submitted %d finished %d unfinished", horizon, len(rows), count,
				sum.JobsSubmitted, sum.JobsFinished, sum.JobsUnfinished)
		}
		if horizon < 36*sim.Hour && sum.JobsUnfinished == 0 {
			t.Errorf("horizon %v: no unfinished jobs", horizon)
		}
	}
}

// TestShiftingDeterminism: the same run twice gives byte-identical jobs.arrow and the same
// summary; a fleet gives the same rows for 1 and 3 workers.
func TestShiftingDeterminism(t *testing.T) {
	run := func(cfg Config, workers int) ([]byte, results.Summary) {
		path := filepath.Join(t.TempDir(), "jobs.arrow")
		w, err := results.NewJobsWriter(path, results.Meta{Version: "test", Scenario: cfg.Scenario, Seed: cfg.Seed})
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(cfg, Options{Jobs: w, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Run()
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b, r.Summary
	}
	cfg := shiftConfig(t, ShiftCarbonAware)
	cfg.Groups[0].Count = 3
	cfg.Sources[0].TasksPerJob = workload.DistSpec{Dist: "uniform", Min: ptr(1), Max: ptr(4)}
	cfg.Sources[0].RuntimeS = workload.DistSpec{Dist: "exponential", Mean: 1800}
	a, sa := run(cfg, 1)
	b, sb := run(cfg, 1)
	if !bytes.Equal(a, b) || sa != sb || sa.JobsShifted == 0 {
		t.Errorf("two runs differ (or nothing shifted: %d)", sa.JobsShifted)
	}
	cfg.Fleet = &FleetConfig{Cells: 3, Router: RouteLeastLoaded, Delay: 500 * sim.Millisecond}
	f1, s1 := run(cfg, 1)
	f3, s3 := run(cfg, 3)
	if !bytes.Equal(f1, f3) || s1 != s3 || s1.JobsShifted == 0 {
		t.Errorf("fleet: 1 and 3 workers differ (or nothing shifted: %d)", s1.JobsShifted)
	}
}

// TestDeferrableSLO, worked by hand: one 1-core host, four 90-minute jobs submitted at ~0, FCFS,
// slo.max_wait 1h, no shifting. They start at 0, 1.5h, 3h and 4.5h. Not deferrable: the last
// three wait more than 1h. Deferrable by 2h: their SLO allows 2h + 1h = 3h of waiting, so
// only the last one (4.5h) violates it.
func TestDeferrableSLO(t *testing.T) {
	for _, tc := range []struct {
		d    Deferrable
		want int64
	}{{Deferrable{}, 3}, {Deferrable{Fraction: 1, MaxDelay: 2 * sim.Hour}, 1}, {Deferrable{Fraction: 0, MaxDelay: 2 * sim.Hour}, 3}} {
		cfg := mmcConfig(t, 1, 1, 0, 1)
		cfg.Sources = oneShot(4, 5400)
		cfg.Sources[0].Deferrable = tc.d
		_, sum := runRows(t, cfg)
		if sum.SLOViolations != tc.want || sum.JobsShifted != 0 {
			t.Errorf("%+v: %d violations (want %d), %d shifted", tc.d, sum.SLOViolations, tc.want, sum.JobsShifted)
		}
	}
}

// TestTraceDeferrable: a trace job is shifted with its requested time as the estimate. Profile:
// 300 on [0, 1h), 0 on [1h, 1.5h), 1000 on [1.5h, 3h), 200 after. The job runs 10 minutes but
// requested 2 h: the best 2-hour window in [0, 4h] starts at 3h (mean 200), while a 10-minute
// one would start at 1h.
func TestTraceDeferrable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.swf")
	if err := os.WriteFile(path, []byte("; MaxProcs: 1\n1 0 0 600 1 -1 -1 1 7200 -1 1 1 1 -1 1 -1 -1 -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mmcConfig(t, 1, 1, 0, 1)
	cfg.Sources, cfg.Shifting = nil, ShiftCarbonAware
	cfg.Traces = []TraceConfig{{Name: "t", Format: "swf", Path: path, Units: trace.Units{CPUMilliPerUnit: 1000}}}
	cfg.TraceDeferrable = []Deferrable{{Fraction: 1, MaxDelay: 4 * sim.Hour}}
	cfg.CarbonSeries = mustSeries(t, []sim.Time{0, sim.Hour, 90 * sim.Minute, 3 * sim.Hour}, []float64{300, 0, 1000, 200})
	rows, sum := runRows(t, cfg)
	if len(rows) != 1 || rows[0].StartUS != int64(3*sim.Hour) || sum.JobsShifted != 1 || sum.ShiftHours != 3 {
		t.Errorf("rows %+v, %d shifted %v h; want a start at 3h", rows, sum.JobsShifted, sum.ShiftHours)
	}
	if got := bestStart(cfg.CarbonSeries, 0, 4*sim.Hour, 10*sim.Minute); got != sim.Hour {
		t.Errorf("10-minute window: %v, want 1h", got)
	}
}

func TestShiftingConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no series", func(c *Config) { c.CarbonSeries = nil }, "needs a carbon-intensity series"},
		{"unknown policy", func(c *Config) { c.Shifting = "greedy" }, `unknown shifting policy "greedy"`},
		{"fraction", func(c *Config) { c.Sources[0].Deferrable.Fraction = 1.5 }, "fraction in [0, 1]"},
		{"delay", func(c *Config) { c.Sources[0].Deferrable.MaxDelay = -sim.Hour }, "max delay in (0, 1 year]"},
	} {
		cfg := shiftConfig(t, ShiftCarbonAware)
		tc.edit(&cfg)
		if _, err := New(cfg, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// TestCarbonDailyEqualsSeries: cost.carbon_daily and a cost.carbon_series file holding the same
// hourly values give the same carbon_kg, to the bit, with and without shifting; series_start
// moves the daily profile's clock.
func TestCarbonDailyEqualsSeries(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("timestamp,value\n")
	for h := 0; h < 24*6; h++ {
		fmt.Fprintf(&csv, "%d,%g\n", h*3600, solarDaily[h%24])
	}
	csvPath := filepath.Join(dir, "carbon.csv")
	if err := os.WriteFile(csvPath, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	daily := make([]string, 24)
	for i, v := range solarDaily {
		daily[i] = fmt.Sprint(v)
	}
	base := `
horizon: 48h
cluster:
  host_groups: [{name: n, count: 10, cpu: 16, memory: 64 GiB}]
workload:
  synthetic:
    - name: batch
      until: 40h
      arrivals: {process: diurnal, rate: 60/h, amplitude: 0.5}
      cpu_cores: {dist: constant, value: 4}
      memory_gib: {dist: constant, value: 4}
      runtime_s: {dist: exponential, mean: 3600}
      deferrable: {fraction: 0.5, max_delay: 8h}
`
	run := func(extra string, sets ...string) results.Summary {
		sc, err := scenarios.Parse("s.yaml", []byte(base+extra), sets)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := FromScenario(sc)
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Run()
		if err != nil {
			t.Fatal(err)
		}
		return r.Summary
	}
	dailyCost := "cost: {carbon_daily: [" + strings.Join(daily, ", ") + "]}\n"
	seriesCost := "cost: {carbon_series: " + csvPath + "}\n"
	for _, sh := range []string{"none", "carbon-aware"} {
		a := run(dailyCost, "scheduler.shifting="+sh)
		b := run(seriesCost, "scheduler.shifting="+sh)
		if a.CarbonKg != b.CarbonKg || a.JobsShifted != b.JobsShifted || a.MeanWaitS != b.MeanWaitS {
			t.Errorf("%s: carbon_daily %v kg (%d shifted), carbon_series %v kg (%d shifted)", sh, a.CarbonKg, a.JobsShifted, b.CarbonKg, b.JobsShifted)
		}
		if sh == "carbon-aware" && a.JobsShifted == 0 {
			t.Error("nothing shifted")
		}
	}
	// series_start at 06:30 UTC: simulated time 0 is in hour 6.
	sc, err := scenarios.Parse("s.yaml", []byte(base+"cost: {series_start: 2023-04-01T06:30:00Z, carbon_daily: ["+strings.Join(daily, ", ")+"]}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := FromScenario(sc)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := cfg.CarbonSeries.At(0), cfg.CarbonSeries.At(30*sim.Minute); a != solarDaily[6] || b != solarDaily[7] {
		t.Errorf("series_start 06:30: %v then %v, want %v then %v", a, b, solarDaily[6], solarDaily[7])
	}
}

// BenchmarkShifting: the cost of shifting per job (hold, release) on the test configuration.
func BenchmarkShifting(b *testing.B) {
	for _, sh := range []string{ShiftNone, ShiftCarbonAware} {
		b.Run(sh, func(b *testing.B) {
			cfg := shiftConfig(b, sh)
			cfg.Sources[0].Arrivals.Rate = 1
			b.ReportAllocs()
			var jobs int64
			for i := 0; i < b.N; i++ {
				s, err := New(cfg, Options{})
				if err != nil {
					b.Fatal(err)
				}
				r, err := s.Run()
				if err != nil {
					b.Fatal(err)
				}
				jobs += r.Summary.JobsSubmitted
			}
			b.ReportMetric(float64(jobs)/b.Elapsed().Seconds(), "jobs/s")
		})
	}
}
