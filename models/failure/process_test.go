package failure

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/sim"
)

func hours(h float64) float64 { return h * 3600 }

func exp(meanS float64) Dist   { return Dist{Kind: KindExponential, MeanS: meanS} }
func konst(meanS float64) Dist { return Dist{Kind: KindConstant, MeanS: meanS} }

func mustNew(t testing.TB, cfg Config) *Process {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

func collect(t testing.TB, p *Process) []Event {
	t.Helper()
	var out []Event
	for {
		e, ok := p.Next()
		if !ok {
			break
		}
		out = append(out, e)
	}
	if err := p.Err(); err != nil {
		t.Fatalf("Err: %v", err)
	}
	return out
}

// checkStream checks the invariants of an event stream: times non-decreasing and at most the
// horizon, ties in increasing host order (so one event per host and instant), and each host's
// events alternating down, up, … starting with down.
func checkStream(t testing.TB, ev []Event, hosts int32, horizon sim.Time) {
	t.Helper()
	down := make([]bool, hosts)
	for i, e := range ev {
		if e.Host < 0 || e.Host >= hosts {
			t.Fatalf("event %d: host %d out of range", i, e.Host)
		}
		if e.Time < 0 || e.Time > horizon {
			t.Fatalf("event %d: time %d outside [0, %d]", i, e.Time, horizon)
		}
		if i > 0 {
			p := ev[i-1]
			if e.Time < p.Time || (e.Time == p.Time && e.Host <= p.Host) {
				t.Fatalf("events %d, %d out of order: %+v then %+v", i-1, i, p, e)
			}
		}
		if e.Up != down[e.Host] {
			t.Fatalf("event %d: %+v does not alternate", i, e)
		}
		down[e.Host] = !e.Up
		if e.Cause < CauseHost || e.Cause > CauseTrace {
			t.Fatalf("event %d: bad cause %d", i, e.Cause)
		}
	}
}

func availability(t testing.TB, ev []Event, hosts int32, end sim.Time) float64 {
	t.Helper()
	a, err := Availability(ev, hosts, end)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestRenewalAvailability: for an alternating renewal process with mean up time MTBF and mean
// down time MTTR, the long-run fraction of time up is MTBF / (MTBF + MTTR) whatever the
// distributions (renewal-reward theorem; e.g. Ross, "Stochastic Processes", 2nd ed., 1996,
// §3.4.1). Independent rack failures multiply: A = A_host × A_rack. Each case accumulates
// about 20 000+ up/down cycles, putting the estimate's standard error well under 0.3 %.
func TestRenewalAvailability(t *testing.T) {
	tests := []struct {
		name     string
		hosts    int32
		horizon  sim.Time
		tbf, ttr Dist
		racks    RackFailures
		want     float64
	}{
		{"exponential", 100, 22_000 * sim.Hour, exp(hours(100)), exp(hours(10)), RackFailures{}, 100.0 / 110},
		{"weibull lognormal", 200, 55_000 * sim.Hour,
			Dist{Kind: KindWeibull, Shape: 0.7, MeanS: hours(100)},
			Dist{Kind: KindLogNormal, MeanS: hours(10), Sigma: 1}, RackFailures{}, 100.0 / 110},
		{"exponential with racks", 200, 22_000 * sim.Hour, exp(hours(100)), exp(hours(10)),
			RackFailures{HostsPerRack: 2, TBF: exp(hours(200)), TTR: exp(hours(5))}, 100.0 / 110 * 200 / 205},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustNew(t, Config{Seed: 7, Hosts: tt.hosts, Horizon: tt.horizon, Racks: tt.racks,
				Groups: []Group{{Name: "all", Count: tt.hosts, TBF: tt.tbf, TTR: tt.ttr}}})
			ev := collect(t, p)
			checkStream(t, ev, tt.hosts, tt.horizon)
			got := availability(t, ev, tt.hosts, tt.horizon)
			if rel := math.Abs(got-tt.want) / tt.want; rel > 0.01 {
				t.Errorf("availability %.5f, renewal theory %.5f (relative error %.3g%%)", got, tt.want, 100*rel)
			}
			t.Logf("%d events, availability %.5f, theory %.5f", len(ev), got, tt.want)
		})
	}
}

// TestRackHandWorked: 4 hosts, 2 per rack. Host 0 alone has failures of its own: up 10 s, down
// 30 s (constant). Every rack is up 20 s, down 5 s. Own process of host 0: down [10, 40),
// [50, 80), …; racks: down [20, 25), [45, 50), [70, 75), ….
//
//	t=10  host 0 fails                      → 0 down (host)
//	t=20  rack 0 and rack 1 fail            → 1, 2, 3 down (rack); 0 already down: 2 reasons
//	t=25  racks repaired                    → 1, 2, 3 up (rack); 0 still down for its own repair
//	t=40  host 0 repaired                   → 0 up (host)
//	t=45  racks fail                        → 0, 1, 2, 3 down (rack)
//	t=50  racks repaired, host 0 fails      → 1, 2, 3 up (rack); 0 stays down (host replaces rack)
//	t=70  racks fail                        → 1, 2, 3 down (rack); 0 already down
//
// Horizon 70 s: events at the horizon are included.
func TestRackHandWorked(t *testing.T) {
	s := sim.Second
	p := mustNew(t, Config{Seed: 1, Hosts: 4, Horizon: 70 * s,
		Groups: []Group{{Name: "g", First: 0, Count: 1, TBF: konst(10), TTR: konst(30)}},
		Racks:  RackFailures{HostsPerRack: 2, TBF: konst(20), TTR: konst(5)},
	})
	got := collect(t, p)
	d := func(sec sim.Time, h int32, c uint8) Event { return Event{Time: sec * s, Host: h, Cause: c} }
	u := func(sec sim.Time, h int32, c uint8) Event { return Event{Time: sec * s, Host: h, Up: true, Cause: c} }
	want := []Event{
		d(10, 0, CauseHost),
		d(20, 1, CauseRack), d(20, 2, CauseRack), d(20, 3, CauseRack),
		u(25, 1, CauseRack), u(25, 2, CauseRack), u(25, 3, CauseRack),
		u(40, 0, CauseHost),
		d(45, 0, CauseRack), d(45, 1, CauseRack), d(45, 2, CauseRack), d(45, 3, CauseRack),
		u(50, 1, CauseRack), u(50, 2, CauseRack), u(50, 3, CauseRack),
		d(70, 1, CauseRack), d(70, 2, CauseRack), d(70, 3, CauseRack),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events:\n%s\nwant:\n%s", fmtEvents(got), fmtEvents(want))
	}
	// Host 0 down [10,40) ∪ [45,70]: 30 + 25 = 55 s; hosts 1–3 down [20,25) ∪ [45,50): 10 s each.
	// Availability over [0, 70 s): 1 − (55 + 3·10)/(4·70) = 1 − 85/280.
	if a, want := availability(t, got, 4, 70*s), 1-85.0/280; math.Abs(a-want) > 1e-15 {
		t.Errorf("availability %v, want %v", a, want)
	}
}

// TestRackAllHostsSameInstant: with random rack failures, every rack event moves all hosts of
// the rack that are not down for another reason, at one instant.
func TestRackAllHostsSameInstant(t *testing.T) {
	const hosts, per = 10, 4 // racks {0..3} {4..7} {8,9}
	p := mustNew(t, Config{Seed: 3, Hosts: hosts, Horizon: 1000 * sim.Hour,
		Racks: RackFailures{HostsPerRack: per, TBF: exp(hours(50)), TTR: Dist{Kind: KindLogNormal, MedianS: hours(2), Sigma: 1}}})
	ev := collect(t, p)
	checkStream(t, ev, hosts, 1000*sim.Hour)
	if len(ev) == 0 {
		t.Fatal("no events")
	}
	for i := 0; i < len(ev); {
		e := ev[i]
		rack := e.Host / per
		size := int32(min(per, hosts-rack*per))
		for k := int32(0); k < size; k++ {
			g := ev[i+int(k)]
			if g.Time != e.Time || g.Host != rack*per+k || g.Up != e.Up || g.Cause != CauseRack {
				t.Fatalf("event %d: rack %d %+v: host %d moved alone: %+v", i, rack, e, rack*per+k, g)
			}
		}
		i += int(size)
	}
}

func fmtEvents(ev []Event) string {
	var b strings.Builder
	for _, e := range ev {
		fmt.Fprintf(&b, "  t=%v host=%d up=%v cause=%s\n", e.Time, e.Host, e.Up, CauseName(e.Cause))
	}
	return b.String()
}

func twoGroups(seed uint64, bTBF Dist) Config {
	return Config{Seed: seed, Hosts: 60, Horizon: 5000 * sim.Hour,
		Groups: []Group{
			{Name: "a", First: 0, Count: 30, TBF: Dist{Kind: KindWeibull, Shape: 0.7, MeanS: hours(300)}, TTR: exp(hours(4))},
			{Name: "b", First: 30, Count: 30, TBF: bTBF, TTR: Dist{Kind: KindLogNormal, MedianS: hours(1), Sigma: 1.2}},
		},
		Racks: RackFailures{HostsPerRack: 10, TBF: exp(hours(2000)), TTR: konst(hours(3))},
	}
}

func TestDeterminism(t *testing.T) {
	base := collect(t, mustNew(t, twoGroups(11, exp(hours(200)))))
	again := collect(t, mustNew(t, twoGroups(11, exp(hours(200)))))
	if !reflect.DeepEqual(base, again) {
		t.Fatal("same seed gave different events")
	}
	checkStream(t, base, 60, 5000*sim.Hour)

	other := collect(t, mustNew(t, twoGroups(12, exp(hours(200)))))
	if reflect.DeepEqual(base, other) {
		t.Fatal("different seeds gave the same events")
	}

	// Changing group b's MTBF leaves group a's hosts (0–29) untouched: each host draws from its
	// own stream, and the rack streams are separate.
	changed := collect(t, mustNew(t, twoGroups(11, exp(hours(50)))))
	sub := func(ev []Event, lo, hi int32) []Event {
		var out []Event
		for _, e := range ev {
			if e.Host >= lo && e.Host < hi {
				out = append(out, e)
			}
		}
		return out
	}
	if !reflect.DeepEqual(sub(base, 0, 30), sub(changed, 0, 30)) {
		t.Error("changing group b's TBF changed group a's events")
	}
	if reflect.DeepEqual(sub(base, 30, 60), sub(changed, 30, 60)) {
		t.Error("changing group b's TBF did not change group b's events")
	}
	if len(sub(base, 0, 30)) == 0 {
		t.Error("group a has no events")
	}
}

// TestGroupLayoutIndependence: a group's events depend on its name and its hosts' indices
// within the group, not on where the group sits or which other groups exist.
func TestGroupLayoutIndependence(t *testing.T) {
	g := Group{Name: "gpu", Count: 5, TBF: exp(hours(10)), TTR: exp(hours(1))}
	alone := collect(t, mustNew(t, Config{Seed: 5, Hosts: 5, Horizon: 500 * sim.Hour, Groups: []Group{g}}))
	g.First = 7
	shifted := collect(t, mustNew(t, Config{Seed: 5, Hosts: 20, Horizon: 500 * sim.Hour, Groups: []Group{
		{Name: "cpu", First: 0, Count: 7, TBF: exp(hours(3)), TTR: exp(hours(1))}, g}}))
	var mine []Event
	for _, e := range shifted {
		if e.Host >= 7 && e.Host < 12 {
			e.Host -= 7
			mine = append(mine, e)
		}
	}
	if len(alone) == 0 || !reflect.DeepEqual(alone, mine) {
		t.Errorf("group gpu's events changed with its position: %d vs %d events", len(alone), len(mine))
	}
}

func TestSortedRandomConfigs(t *testing.T) {
	for seed := uint64(0); seed < 20; seed++ {
		hosts := int32(1 + seed*7%50)
		cfg := Config{Seed: seed, Hosts: hosts, Horizon: 2000 * sim.Hour,
			Groups: []Group{{Name: "x", First: 0, Count: hosts / 2, TBF: exp(hours(20)), TTR: konst(hours(2))},
				{Name: "y", First: hosts / 2, Count: hosts - hosts/2, TBF: Dist{Kind: KindWeibull, Shape: 0.5, ScaleS: hours(30)}, TTR: exp(hours(1))}},
			Racks: RackFailures{HostsPerRack: int32(1 + seed%5), TBF: exp(hours(100)), TTR: exp(hours(4))},
		}
		var recs []TraceRecord
		for i := range 40 {
			recs = append(recs, TraceRecord{Time: sim.Time(i) * 50 * sim.Hour, Host: int32(i*13) % hosts, Removed: i%3 != 2})
		}
		cfg.Trace = SliceTrace(recs)
		ev := collect(t, mustNew(t, cfg))
		checkStream(t, ev, hosts, cfg.Horizon)
	}
}

// TestTraceExact: trace records become events one for one, except that a removal of a removed
// host or an addition of a present host changes nothing, and a removal and addition at the same
// microsecond cancel.
func TestTraceExact(t *testing.T) {
	s := sim.Second
	recs := []TraceRecord{
		{0, 1, true},
		{0, 2, true}, {0, 2, false}, // cancel: no event
		{0, 3, false}, // present already: no event
		{5 * s, 0, true},
		{5 * s, 0, true}, // removed already
		{7 * s, 1, false},
		{9 * s, 1, true},
		{9 * s, 0, false},
		{12 * s, 1, false},
	}
	p := mustNew(t, Config{Hosts: 4, Trace: SliceTrace(recs), Horizon: 10 * s})
	got := collect(t, p)
	want := []Event{
		{Time: 0, Host: 1, Up: false, Cause: CauseTrace},
		{Time: 5 * s, Host: 0, Up: false, Cause: CauseTrace},
		{Time: 7 * s, Host: 1, Up: true, Cause: CauseTrace},
		{Time: 9 * s, Host: 0, Up: true, Cause: CauseTrace},
		{Time: 9 * s, Host: 1, Up: false, Cause: CauseTrace},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events:\n%s\nwant:\n%s", fmtEvents(got), fmtEvents(want))
	}
}

// TestTraceMerged: a trace removal overlapping a rack failure (rack 0 = hosts 0, 1 down
// [20, 25), [45, 50), …) holds host 1 down until both end.
//
//	t=20 rack fails        → 0, 1 down (rack)
//	t=22 host 1 removed    → (already down)
//	t=25 rack repaired     → 0 up (rack); 1 stays down (trace)
//	t=45 rack fails        → 0 down (rack); 1 already down
//	t=47 host 1 added      → (rack still holds it)
//	t=50 rack repaired     → 0, 1 up (rack)
func TestTraceMerged(t *testing.T) {
	s := sim.Second
	p := mustNew(t, Config{Hosts: 2, Horizon: 60 * s,
		Racks: RackFailures{HostsPerRack: 2, TBF: konst(20), TTR: konst(5)},
		Trace: SliceTrace([]TraceRecord{{22 * s, 1, true}, {47 * s, 1, false}})})
	got := collect(t, p)
	want := []Event{
		{20 * s, 0, false, CauseRack}, {20 * s, 1, false, CauseRack},
		{25 * s, 0, true, CauseRack},
		{45 * s, 0, false, CauseRack},
		{50 * s, 0, true, CauseRack}, {50 * s, 1, true, CauseRack},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events:\n%s\nwant:\n%s", fmtEvents(got), fmtEvents(want))
	}
}

type errTrace struct{ n int }

func (e *errTrace) Next() (TraceRecord, error) {
	e.n++
	if e.n > 2 {
		return TraceRecord{}, errors.New("disk on fire")
	}
	return TraceRecord{Time: sim.Time(e.n) * sim.Second, Host: 0, Removed: e.n == 1}, nil
}

func TestTraceErrors(t *testing.T) {
	s := sim.Second
	tests := []struct {
		name   string
		recs   []TraceRecord
		events int // delivered before the error
		want   string
	}{
		{"out of order", []TraceRecord{{5 * s, 0, true}, {6 * s, 0, false}, {4 * s, 1, true}}, 1,
			"failure: trace record 3: time 4000000 µs is before the previous record's 6000000 µs"},
		{"host range", []TraceRecord{{5 * s, 0, true}, {6 * s, 2, false}}, 0,
			"failure: trace record 2: host 2 out of range [0, 2)"},
	}
	for _, tt := range tests {
		p := mustNew(t, Config{Hosts: 2, Trace: SliceTrace(tt.recs)})
		n := 0
		for {
			if _, ok := p.Next(); !ok {
				break
			}
			n++
		}
		if p.Err() == nil || p.Err().Error() != tt.want || n != tt.events {
			t.Errorf("%s: %d events, error %v; want %d events, %q", tt.name, n, p.Err(), tt.events, tt.want)
		}
	}
	if _, err := New(Config{Hosts: 2, Trace: SliceTrace([]TraceRecord{{-1, 0, true}})}); err == nil ||
		err.Error() != "failure: trace record 1: time -1 µs is negative" {
		t.Errorf("negative first record: %v", err)
	}
	p := mustNew(t, Config{Hosts: 1, Trace: &errTrace{}})
	n := 0
	for {
		if _, ok := p.Next(); !ok {
			break
		}
		n++
	}
	if p.Err() == nil || p.Err().Error() != "failure: trace record 3: disk on fire" || n != 1 {
		t.Errorf("reader error: %d events, %v", n, p.Err())
	}
}

func TestConfigErrors(t *testing.T) {
	ok := exp(10)
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Hosts: 0}, "failure: hosts must be > 0, got 0"},
		{Config{Hosts: 1, Horizon: -1}, "failure: horizon must be ≥ 0, got -1 µs"},
		{Config{Hosts: 4, Groups: []Group{{Count: 1, TBF: ok, TTR: ok}}}, "failure: group 0: name is missing"},
		{Config{Hosts: 4, Groups: []Group{{Name: "a", Count: 2, TBF: ok, TTR: ok}, {Name: "a", First: 2, Count: 2, TBF: ok, TTR: ok}}},
			`failure: group 1 ("a"): duplicate group name`},
		{Config{Hosts: 4, Groups: []Group{{Name: "a", First: 3, Count: 2, TBF: ok, TTR: ok}}},
			`failure: group 0 ("a"): hosts 3…3+2 out of range [0, 4)`},
		{Config{Hosts: 4, Groups: []Group{{Name: "a", Count: 2, TBF: ok, TTR: ok}, {Name: "b", First: 1, Count: 2, TBF: ok, TTR: ok}}},
			`failure: group 1 ("b"): host 1 is already in group "a"`},
		{Config{Hosts: 4, Groups: []Group{{Name: "a", Count: 2, TTR: ok}}},
			`failure: group 0 ("a"): tbf: distribution kind is missing; want exponential, weibull, lognormal or constant`},
		{Config{Hosts: 4, Groups: []Group{{Name: "a", Count: 2, TBF: ok, TTR: exp(-1)}}},
			`failure: group 0 ("a"): ttr: exponential: mean_s must be a finite number > 0, got -1`},
		{Config{Hosts: 4, Racks: RackFailures{HostsPerRack: -1}}, "failure: racks: hosts_per_rack must be ≥ 0, got -1"},
		{Config{Hosts: 4, Racks: RackFailures{TBF: ok}}, "failure: racks: tbf and ttr are given but hosts_per_rack is 0"},
		{Config{Hosts: 4, Racks: RackFailures{HostsPerRack: 2, TBF: ok}},
			"failure: racks: ttr: distribution kind is missing; want exponential, weibull, lognormal or constant"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%+v: error %v, want %q", tt.cfg, err, tt.want)
		}
	}
}

func TestPeekAndNoEvents(t *testing.T) {
	p := mustNew(t, Config{Hosts: 3})
	if _, ok := p.Next(); ok {
		t.Error("a process without groups, racks or trace produced an event")
	}
	p = mustNew(t, Config{Hosts: 1, Horizon: 100 * sim.Second, Groups: []Group{{Name: "g", Count: 1, TBF: konst(30), TTR: konst(10)}}})
	for _, want := range []Event{{30 * sim.Second, 0, false, CauseHost}, {40 * sim.Second, 0, true, CauseHost}} {
		if tm, ok := p.Peek(); !ok || tm != want.Time {
			t.Fatalf("Peek = %v %v, want %v", tm, ok, want.Time)
		}
		if e, ok := p.Next(); !ok || e != want {
			t.Fatalf("Next = %+v %v, want %+v", e, ok, want)
		}
	}
}

// TestHugeSamplesNoOverflow: durations clamped to MaxSample (2^60 µs) with no horizon: the
// stream ends after a few cycles, when the next timer would pass sim.MaxTime, instead of
// overflowing into negative times.
func TestHugeSamplesNoOverflow(t *testing.T) {
	p := mustNew(t, Config{Hosts: 1, Groups: []Group{{Name: "g", Count: 1, TBF: konst(1), TTR: konst(1e300)}}})
	ev := collect(t, p)
	checkStream(t, ev, 1, sim.MaxTime)
	if len(ev) != 15 || ev[0] != (Event{sim.Second, 0, false, CauseHost}) || ev[1].Time != sim.Second+MaxSample {
		t.Errorf("%d events: %+v", len(ev), ev)
	}
	p = mustNew(t, Config{Hosts: 1, Horizon: 1000 * sim.Hour, Groups: []Group{{Name: "g", Count: 1, TBF: konst(1), TTR: konst(1e300)}}})
	if ev := collect(t, p); len(ev) != 1 {
		t.Errorf("with horizon: %+v", ev)
	}
}

func TestNextNoAllocs(t *testing.T) {
	p := mustNew(t, Config{Seed: 1, Hosts: 1000, Groups: []Group{{Name: "g", Count: 1000, TBF: Dist{Kind: KindWeibull, Shape: 0.7, MeanS: hours(100)}, TTR: Dist{Kind: KindLogNormal, MeanS: hours(2), Sigma: 1}}},
		Racks: RackFailures{HostsPerRack: 40, TBF: exp(hours(1000)), TTR: exp(hours(3))}})
	for range 10_000 { // warm up the buffers
		p.Next()
	}
	if a := testing.AllocsPerRun(1000, func() { p.Next() }); a != 0 {
		t.Errorf("%v allocations per Next", a)
	}
}

func BenchmarkNext(b *testing.B) {
	p := mustNew(b, Config{Seed: 1, Hosts: 100_000, Groups: []Group{{Name: "g", Count: 100_000, TBF: Dist{Kind: KindWeibull, Shape: 0.7, MeanS: hours(10_000)}, TTR: Dist{Kind: KindLogNormal, MeanS: hours(4), Sigma: 1}}},
		Racks: RackFailures{HostsPerRack: 40, TBF: exp(hours(20_000)), TTR: exp(hours(3))}})
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := p.Next(); !ok {
			b.Fatal("stream ended")
		}
	}
}
