package service

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/dcsim/dcsim/sim"
)

// tokenService makes the "llm" service time equal to PromptTokens µs, so a test controls every
// service time exactly through a request list.
var tokenService = ServiceSpec{Dist: "llm", LLM: LLMParams{PrefillUSPerToken: 1}}

func drain(t *testing.T, s *Sim) []WindowRow {
	t.Helper()
	return s.Windows()
}

// Round-robin, arrivals every 10 µs, constant 25 µs service, 2 replicas. Request k (k = 1, 2, …)
// arrives at 10k on replica (k−1) mod 2, which receives one request every 20 µs but needs 25:
// each replica's backlog grows by 5 µs per request, so request k's latency is
// 25 + 5·⌊(k−1)/2⌋. Completions: 35, 45, 60, 70, 85, 95 | 110, 120, 135, 145, 160, 170, 185,
// 195 | 210 …
func TestRoundRobinHandWorked(t *testing.T) {
	s := mustNew(t, Config{
		Replicas: 2,
		Service:  ServiceSpec{Dist: "constant", MeanUS: 25},
		Arrivals: ArrivalSpec{Process: "constant", RatePerS: 100_000},
		Window:   100,
		SLOP99US: 50,
	})
	mustRun(t, s, 200)
	rows := drain(t, s)
	want := []WindowRow{
		{Service: "service", StartUS: 0, EndUS: 100, Arrivals: 9, Completed: 6, ThroughputPerS: 60_000,
			MeanUS: 30, P50US: 30, P95US: 35, P99US: 35, MaxUS: 35, ReplicasUp: 2, MinReplicasUp: 2, InFlight: 3},
		{Service: "service", StartUS: 100, EndUS: 200, Arrivals: 10, Completed: 8, ThroughputPerS: 80_000,
			MeanUS: 47.5, P50US: 45, P95US: 55, P99US: 55, MaxUS: 55, ReplicasUp: 2, MinReplicasUp: 2, InFlight: 5,
			SLOViolated: true},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows:\n got %+v\nwant %+v", rows, want)
	}
	tot := s.Totals()
	if tot.Arrivals != 19 || tot.Completed != 14 || tot.InFlight != 5 || tot.SLOViolations != 1 ||
		tot.MeanLatencyUS != (6*30+8*47.5)/14.0 || tot.MaxLatencyUS != 55 {
		t.Fatalf("totals %+v", tot)
	}
	if m := tot.SLOViolationMinutes; math.Abs(m-100.0/60e6) > 1e-18 {
		t.Fatalf("SLO violation minutes %v, want 100 µs = %v", m, 100.0/60e6)
	}
}

// One replica, queue capacity 2, arrivals every 10 µs, 25 µs service. Worked by hand:
//
//	10 r1 starts (done 35) · 20 r2 waits [2] · 30 r3 waits [2 3] · 35 r2 starts (60) [3]
//	40 r4 waits [3 4] · 50 r5 dropped · 60 r3 starts (85) [4], then r6 waits [4 6]
//	70 r7 dropped · 80 r8 dropped · 85 r4 starts (110) [6] · 90 r9 waits [6 9] · 100 r10 dropped
//
// Up to 101 µs: 10 arrivals, 3 completed (latencies 25, 40, 55), 4 dropped, 3 in flight.
func TestQueueCapacityDrops(t *testing.T) {
	cases := []struct {
		name                         string
		queueCap                     int
		completed, dropped, inFlight int64
		meanUS                       float64
		p50, maxUS                   int64
	}{
		{"capacity 2", 2, 3, 4, 3, 40, 40, 55},
		// No waiting room: 10 serves (35), 20, 30 dropped, 40 serves (65), 50, 60 dropped,
		// 70 serves (95), 80, 90 dropped, 100 serves (125).
		{"no queue", QueueNone, 3, 6, 1, 25, 25, 25},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mustNew(t, Config{
				Replicas: 1,
				QueueCap: c.queueCap,
				Service:  ServiceSpec{Dist: "constant", MeanUS: 25},
				Arrivals: ArrivalSpec{Process: "constant", RatePerS: 100_000},
			})
			mustRun(t, s, 101)
			tot := s.Totals()
			if tot.Arrivals != 10 || tot.Completed != c.completed || tot.Dropped != c.dropped ||
				tot.DroppedQueueFull != c.dropped || tot.InFlight != c.inFlight ||
				tot.MeanLatencyUS != c.meanUS || tot.MaxLatencyUS != c.maxUS {
				t.Fatalf("totals %+v", tot)
			}
			if err := s.Finish(); err != nil {
				t.Fatal(err)
			}
			rows := s.Windows()
			if len(rows) != 1 || rows[0].EndUS != 101 || rows[0].P50US != c.p50 || rows[0].Dropped != c.dropped {
				t.Fatalf("rows %+v", rows)
			}
		})
	}
}

// Replica down and up, worked by hand. Two replicas, round-robin; requests of 100 µs at 0
// (replica 0) and 10 (replica 1). At 50 replica 0 goes down: request 0 restarts on replica 1,
// behind request 1, so it completes at 210 (latency 210)… but at 150 replica 1 goes down too:
// request 0 is dropped (no replica up). At 200 replica 0 is back; the request at 300 runs there.
func TestReplicaDownUpHandWorked(t *testing.T) {
	s := mustNew(t, Config{
		Replicas: 2,
		Service:  tokenService,
		Arrivals: ArrivalSpec{Process: "requests", Requests: []Request{
			{TimeUS: 0, PromptTokens: 100}, {TimeUS: 10, PromptTokens: 100}, {TimeUS: 300, PromptTokens: 100},
		}},
		Window: 1000,
	})
	if err := s.SetReplicaDown(50, 0); err != nil {
		t.Fatal(err)
	}
	if got := s.Totals(); got.Redispatched != 1 || got.InFlight != 2 || got.Dropped != 0 {
		t.Fatalf("after down(0): %+v", got)
	}
	if err := s.SetReplicaDown(150, 1); err != nil {
		t.Fatal(err)
	}
	// Request 1 completed at 110; request 0 was in service on replica 1 and is dropped.
	if got := s.Totals(); got.Completed != 1 || got.Redispatched != 2 || got.DroppedNoReplica != 1 || got.InFlight != 0 {
		t.Fatalf("after down(1): %+v", got)
	}
	if err := s.SetReplicaUp(200, 0); err != nil {
		t.Fatal(err)
	}
	mustRun(t, s, 1000)
	rows := s.Windows()
	want := WindowRow{Service: "service", StartUS: 0, EndUS: 1000, Arrivals: 3, Completed: 2, Dropped: 1,
		ThroughputPerS: 2000, MeanUS: 100, P50US: 100, P95US: 100, P99US: 100, MaxUS: 100,
		ReplicasUp: 1, MinReplicasUp: 0}
	if len(rows) != 1 || rows[0] != want {
		t.Fatalf("rows %+v, want %+v", rows, want)
	}
	for _, err := range []error{
		s.SetReplicaDown(1000, 1),        // already down
		s.SetReplicaUp(1000, 0),          // already up
		s.SetReplicaDown(1000, 2),        // no such replica
		s.SetReplicaUp(999, 1),           // in the past
		s.RunUntil(10),                   // in the past
		s.SetReplicaDown(sim.MaxTime, 0), // never
	} {
		if err == nil {
			t.Error("expected an error")
		}
	}
	if r, err := s.AddReplica(1000); err != nil || r != 2 || s.NumReplicas() != 3 || s.ReplicasUp() != 2 {
		t.Fatalf("AddReplica = %d, %v; %d replicas, %d up", r, err, s.NumReplicas(), s.ReplicasUp())
	}
}

// Scale from zero: no replica at first (requests dropped), then replicas added one by one,
// growing the slot and least-outstanding trees.
func TestScaleFromZero(t *testing.T) {
	for _, bal := range []string{"round-robin", "least-outstanding", "power-of-two", "random"} {
		s := mustNew(t, Config{Replicas: 0, Concurrency: 2, Balancer: bal, Service: ServiceSpec{Dist: "constant", MeanUS: 1500},
			Arrivals: ArrivalSpec{Process: "counts", CountsPerBin: []int32{5, 5000, 5000}, Bin: sim.Second}, Window: sim.Second})
		for k := range 5 {
			if r, err := s.AddReplica(sim.Second + sim.Time(k)*100*sim.Millisecond); err != nil || r != k {
				t.Fatalf("%s: AddReplica = %d, %v", bal, r, err)
			}
		}
		mustRun(t, s, sim.MaxTime)
		tot := s.Totals()
		if tot.Arrivals != 10_005 || tot.DroppedNoReplica != 5 || tot.Completed != 10_000 || tot.InFlight != 0 {
			t.Fatalf("%s: totals %+v", bal, tot)
		}
	}
}

// refSim is a brute-force reference of the model, written for clarity: linear scans, slices,
// no trees, no rings. It uses the package's balancer random draws (bounded, boundedPair) on the
// same stream, so that power-of-two and random can be checked exactly too.
type refOp struct {
	t  int64
	op byte // 'd' down, 'u' up, 'a' add
	r  int
}

type refWindow struct {
	arrivals, dropped int64
	lat               []int64
}

func refSim(reqs []Request, nRep, conc, queueCap int, bal string, seed uint64, ops []refOp, until, window int64) ([]refWindow, []int64) {
	type slot struct {
		busy           bool
		done, arr, svc int64
	}
	type rep struct {
		up    bool
		slots []slot
		queue [][2]int64
	}
	reps := make([]rep, nRep)
	for i := range reps {
		reps[i] = rep{up: true, slots: make([]slot, conc)}
	}
	pick := sim.NewStream(seed, "service/balancer")
	wins := make([]refWindow, until/window)
	rr := -1
	load := func(r *rep) int {
		n := len(r.queue)
		for _, s := range r.slots {
			if s.busy {
				n++
			}
		}
		return n
	}
	var inFlightAt []int64 // at each window end
	var arrivals, completed, dropped int64
	dispatch := func(now, arr, svc int64) {
		var up []int
		for i := range reps {
			if reps[i].up {
				up = append(up, i)
			}
		}
		if len(up) == 0 {
			wins[now/window].dropped++
			dropped++
			return
		}
		var c int
		switch bal {
		case "round-robin":
			for {
				rr = (rr + 1) % len(reps)
				if reps[rr].up {
					break
				}
			}
			c = rr
		case "least-outstanding":
			c = up[0]
			for _, i := range up {
				if load(&reps[i]) < load(&reps[c]) {
					c = i
				}
			}
		case "random":
			c = up[bounded(pick, uint64(len(up)))]
		case "power-of-two":
			if len(up) == 1 {
				c = up[0]
			} else {
				x, y := boundedPair(pick, uint64(len(up)))
				a, b := min(up[x], up[y]), max(up[x], up[y])
				c = a
				if load(&reps[b]) < load(&reps[a]) {
					c = b
				}
			}
		}
		r := &reps[c]
		for k := range r.slots {
			if !r.slots[k].busy {
				r.slots[k] = slot{true, now + svc, arr, svc}
				return
			}
		}
		if queueCap == 0 || (queueCap > 0 && len(r.queue) < queueCap) {
			r.queue = append(r.queue, [2]int64{arr, svc})
			return
		}
		wins[now/window].dropped++
		dropped++
	}
	ai, oi := 0, 0
	nextWin := window
	for {
		// Earliest completion, ties to the lowest (replica, slot).
		tc, cr, ck := int64(math.MaxInt64), -1, -1
		for i := range reps {
			for k, s := range reps[i].slots {
				if s.busy && s.done < tc {
					tc, cr, ck = s.done, i, k
				}
			}
		}
		ta := int64(math.MaxInt64)
		if ai < len(reqs) {
			ta = int64(reqs[ai].TimeUS)
		}
		to := int64(math.MaxInt64)
		if oi < len(ops) {
			to = ops[oi].t
		}
		next := min(tc, ta, to)
		for nextWin <= min(next, until) {
			inFlightAt = append(inFlightAt, arrivals-completed-dropped)
			nextWin += window
		}
		if next >= until {
			break
		}
		switch {
		case to <= tc && to <= ta:
			o := ops[oi]
			oi++
			switch o.op {
			case 'a':
				reps = append(reps, rep{up: true, slots: make([]slot, conc)})
			case 'u':
				reps[o.r].up = true
			case 'd':
				r := &reps[o.r]
				r.up = false
				var work [][2]int64
				for k := range r.slots {
					if r.slots[k].busy {
						work = append(work, [2]int64{r.slots[k].arr, r.slots[k].svc})
						r.slots[k].busy = false
					}
				}
				work = append(work, r.queue...)
				r.queue = nil
				slices.SortStableFunc(work, func(a, b [2]int64) int { return int(a[0] - b[0]) })
				for _, w := range work {
					dispatch(o.t, w[0], w[1])
				}
			}
		case tc <= ta:
			r := &reps[cr]
			s := &r.slots[ck]
			wins[tc/window].lat = append(wins[tc/window].lat, tc-s.arr)
			completed++
			s.busy = false
			if len(r.queue) > 0 {
				q := r.queue[0]
				r.queue = r.queue[1:]
				*s = slot{true, tc + q[1], q[0], q[1]}
			}
		default:
			q := reqs[ai]
			ai++
			wins[ta/window].arrivals++
			arrivals++
			dispatch(ta, ta, int64(q.PromptTokens))
		}
	}
	return wins, inFlightAt
}

// TestMatchesReference runs random request lists with random replica failures, repairs and
// additions through the Sim and through refSim and requires identical window rows: counts,
// mean, exact percentiles (computed here by sorting, with a float ceiling), maximum, in flight.
func TestMatchesReference(t *testing.T) {
	const window, until = 2000, 40_000
	rng := rand.New(rand.NewPCG(3, 4))
	var drops, redispatched, dropsNone int64
	for trial := range 48 {
		bal := []string{"round-robin", "least-outstanding", "power-of-two", "random"}[trial%4]
		conc := 1 + trial/4%3
		queueCap := []int{0, 2, QueueNone}[trial/12%3]
		nRep := 3
		seed := uint64(trial + 1)
		// Requests at distinct, increasing times; service 0 … 400 µs (some exactly 0).
		var reqs []Request
		for ts := int64(rng.IntN(50)); ts < until+500; ts += 1 + int64(rng.IntN(60)) {
			svc := int32(rng.IntN(400))
			if rng.IntN(20) == 0 {
				svc = 0
			}
			reqs = append(reqs, Request{TimeUS: sim.Time(ts), PromptTokens: svc})
		}
		// Random operations, valid at each point.
		var ops []refOp
		up := []bool{true, true, true}
		for ts := int64(0); ; {
			ts += 500 + int64(rng.IntN(4000))
			if ts >= until {
				break
			}
			r := rng.IntN(len(up) + 1)
			switch {
			case r == len(up) && len(up) < 6:
				ops = append(ops, refOp{ts, 'a', len(up)})
				up = append(up, true)
			case r < len(up) && up[r]:
				ops = append(ops, refOp{ts, 'd', r})
				up[r] = false
			case r < len(up):
				ops = append(ops, refOp{ts, 'u', r})
				up[r] = true
			}
		}
		s := mustNew(t, Config{
			Replicas: nRep, Concurrency: conc, QueueCap: queueCap, Balancer: bal, Seed: seed,
			Service: tokenService, Arrivals: ArrivalSpec{Process: "requests", Requests: reqs},
			Window: window,
		})
		for _, o := range ops {
			var err error
			switch o.op {
			case 'a':
				_, err = s.AddReplica(sim.Time(o.t))
			case 'd':
				err = s.SetReplicaDown(sim.Time(o.t), o.r)
			case 'u':
				err = s.SetReplicaUp(sim.Time(o.t), o.r)
			}
			if err != nil {
				t.Fatal(err)
			}
			if tot := s.Totals(); tot.Arrivals != tot.Completed+tot.Dropped+tot.InFlight {
				t.Fatalf("trial %d: conservation broken: %+v", trial, tot)
			}
		}
		mustRun(t, s, until)
		rows := s.Windows()
		ref, inFlight := refSim(reqs, nRep, conc, queueCap, bal, seed, ops, until, window)
		if len(rows) != len(ref) {
			t.Fatalf("trial %d: %d rows, reference %d", trial, len(rows), len(ref))
		}
		var sumArr, sumDone, sumDrop int64
		for w, row := range rows {
			rw := ref[w]
			lat := slices.Clone(rw.lat)
			slices.Sort(lat)
			n := len(lat)
			pct := func(p float64) int64 {
				if n == 0 {
					return 0
				}
				return lat[int(math.Ceil(p*float64(n)/100))-1]
			}
			var sum int64
			for _, l := range lat {
				sum += l
			}
			mean := 0.0
			if n > 0 {
				mean = float64(sum) / float64(n)
			}
			maxLat := int64(0)
			if n > 0 {
				maxLat = lat[n-1]
			}
			if row.Arrivals != rw.arrivals || row.Completed != int64(n) || row.Dropped != rw.dropped ||
				row.MeanUS != mean || row.P50US != pct(50) || row.P95US != pct(95) || row.P99US != pct(99) ||
				row.MaxUS != maxLat || row.InFlight != inFlight[w] || row.StartUS != sim.Time(w*window) {
				t.Fatalf("trial %d (%s, concurrency %d, queue %d) window %d:\n got %+v\nwant arrivals %d completed %d dropped %d mean %v p50 %d p95 %d p99 %d max %d in flight %d",
					trial, bal, conc, queueCap, w, row, rw.arrivals, n, rw.dropped, mean, pct(50), pct(95), pct(99), maxLat, inFlight[w])
			}
			sumArr += row.Arrivals
			sumDone += row.Completed
			sumDrop += row.Dropped
		}
		tot := s.Totals()
		if tot.Arrivals != sumArr || tot.Completed != sumDone || tot.Dropped != sumDrop || tot.Windows != int64(len(rows)) {
			t.Fatalf("trial %d: window sums %d/%d/%d, totals %+v", trial, sumArr, sumDone, sumDrop, tot)
		}
		drops += tot.DroppedQueueFull
		dropsNone += tot.DroppedNoReplica
		redispatched += tot.Redispatched
	}
	t.Logf("checked: %d queue-full drops, %d no-replica drops, %d re-dispatches", drops, dropsNone, redispatched)
	if drops == 0 || dropsNone == 0 || redispatched == 0 {
		t.Fatal("the random cases do not exercise drops and re-dispatch")
	}
}

// After the last request, with every replica up again, everything completes: nothing lost or
// duplicated.
func TestConservationPoissonWithFailures(t *testing.T) {
	s := mustNew(t, Config{
		Replicas: 4, Balancer: "power-of-two", QueueCap: 50,
		Service:  ServiceSpec{Dist: "lognormal", MeanUS: 2000, CV: 1.5},
		Arrivals: ArrivalSpec{Process: "counts", CountsPerBin: []int32{60_000, 90_000, 30_000}, Bin: 30 * sim.Second},
		Seed:     5,
		Window:   10 * sim.Second,
	})
	rng := rand.New(rand.NewPCG(1, 1))
	down := map[int]bool{}
	for ts := sim.Second; ts < 90*sim.Second; ts += sim.Time(rng.IntN(int(5 * sim.Second))) {
		r := rng.IntN(4)
		var err error
		if down[r] {
			err = s.SetReplicaUp(ts, r)
		} else {
			err = s.SetReplicaDown(ts, r)
		}
		if err != nil {
			t.Fatal(err)
		}
		down[r] = !down[r]
		if tot := s.Totals(); tot.Arrivals != tot.Completed+tot.Dropped+tot.InFlight || tot.InFlight < 0 {
			t.Fatalf("conservation broken at %v: %+v", ts, tot)
		}
	}
	for r := range 4 {
		if down[r] {
			if err := s.SetReplicaUp(90*sim.Second, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	mustRun(t, s, sim.MaxTime)
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	tot := s.Totals()
	if tot.Arrivals != 180_000 || tot.InFlight != 0 || tot.Completed+tot.Dropped != tot.Arrivals || tot.Redispatched == 0 {
		t.Fatalf("totals %+v", tot)
	}
	var a, c, d int64
	for _, row := range s.Windows() {
		a, c, d = a+row.Arrivals, c+row.Completed, d+row.Dropped
	}
	if a != tot.Arrivals || c != tot.Completed || d != tot.Dropped {
		t.Fatalf("window sums %d/%d/%d, totals %+v", a, c, d, tot)
	}
}

// runRows runs cfg to until in RunUntil steps of step, taking replica 1 down at 100 s and back
// up at 130 s, and returns every window row.
func runRows(t *testing.T, cfg Config, until sim.Time, step sim.Time) []WindowRow {
	s := mustNew(t, cfg)
	var rows []WindowRow
	ops := []refOp{{int64(100 * sim.Second), 'd', 1}, {int64(130 * sim.Second), 'u', 1}}
	for ts := step; ; ts += step {
		ts = min(ts, until)
		for len(ops) > 0 && ops[0].t <= int64(ts) {
			var err error
			if ops[0].op == 'd' {
				err = s.SetReplicaDown(sim.Time(ops[0].t), ops[0].r)
			} else {
				err = s.SetReplicaUp(sim.Time(ops[0].t), ops[0].r)
			}
			if err != nil {
				t.Fatal(err)
			}
			ops = ops[1:]
		}
		mustRun(t, s, ts)
		rows = append(rows, s.Windows()...)
		if ts == until {
			break
		}
	}
	return rows
}

// Same seed ⇒ identical rows, whatever the RunUntil step; another seed ⇒ different rows.
func TestDeterminism(t *testing.T) {
	for _, cfg := range []Config{
		{Replicas: 5, Balancer: "power-of-two", Service: ServiceSpec{Dist: "lognormal", MedianUS: 800, Sigma: 1},
			Arrivals: ArrivalSpec{Process: "mmpp", RatesPerS: [2]float64{2000, 6000}, MeanSojourn: [2]sim.Time{5 * sim.Second, sim.Second}}},
		{Replicas: 5, Balancer: "random", Service: ServiceSpec{Dist: "exponential", MeanUS: 1000},
			Arrivals: ArrivalSpec{Process: "diurnal", RatePerS: 3000, Amplitude: 0.5, Period: 2 * sim.Minute}},
	} {
		cfg.Seed = 42
		a := runRows(t, cfg, 3*sim.Minute, 7*sim.Second)
		b := runRows(t, cfg, 3*sim.Minute, 13*sim.Second)
		if len(a) != 3 || !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: same seed, different rows:\n%+v\n%+v", cfg.Arrivals.Process, a, b)
		}
		cfg.Seed = 43
		c := runRows(t, cfg, 3*sim.Minute, 7*sim.Second)
		if reflect.DeepEqual(a, c) {
			t.Fatalf("%s: seeds 42 and 43 gave identical rows", cfg.Arrivals.Process)
		}
	}
}

// The balancer does not perturb the request stream: every balancer sees the same arrivals and
// the same service demands (common random numbers).
func TestCommonRandomNumbers(t *testing.T) {
	var first []int64
	for _, bal := range []string{"round-robin", "least-outstanding", "power-of-two", "random"} {
		s := mustNew(t, Config{Replicas: 3, Balancer: bal, Seed: 9, QueueCap: QueueNone,
			Service:  ServiceSpec{Dist: "exponential", MeanUS: 100},
			Arrivals: ArrivalSpec{RatePerS: 1000}, Window: sim.Second})
		mustRun(t, s, 20*sim.Second)
		var arr []int64
		for _, r := range s.Windows() {
			arr = append(arr, r.Arrivals)
		}
		if first == nil {
			first = arr
		} else if !slices.Equal(arr, first) {
			t.Fatalf("%s: arrivals per window %v differ from %v", bal, arr, first)
		}
	}
}

func TestFinish(t *testing.T) {
	s := mustNew(t, Config{Replicas: 1, Service: ServiceSpec{Dist: "constant", MeanUS: 10},
		Arrivals: ArrivalSpec{Process: "constant", RatePerS: 1000}, Window: sim.Second})
	mustRun(t, s, 2500*sim.Millisecond)
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	rows := s.Windows()
	if len(rows) != 3 || rows[2].StartUS != 2*sim.Second || rows[2].EndUS != 2500*sim.Millisecond ||
		rows[2].Arrivals != 500 || rows[2].ThroughputPerS != 1000 {
		t.Fatalf("rows %+v", rows)
	}
	if s.Windows() != nil {
		t.Fatal("Windows returned rows twice")
	}
	if s.RunUntil(3*sim.Second) == nil || s.Finish() == nil || s.SetReplicaDown(3*sim.Second, 0) == nil {
		t.Fatal("calls after Finish must fail")
	}
}

// Outage windows (drops, no completions) violate the SLO; a window with no traffic does not.
func TestSLOOutage(t *testing.T) {
	s := mustNew(t, Config{Replicas: 1, Service: ServiceSpec{Dist: "constant", MeanUS: 0},
		Arrivals: ArrivalSpec{Process: "counts", CountsPerBin: []int32{10, 10, 0}, Bin: sim.Second},
		Window:   sim.Second, SLOP99US: 1000})
	if err := s.SetReplicaDown(sim.Second, 0); err != nil {
		t.Fatal(err)
	}
	mustRun(t, s, 3*sim.Second)
	rows := s.Windows()
	if len(rows) != 3 || rows[0].SLOViolated || !rows[1].SLOViolated || rows[2].SLOViolated ||
		rows[1].Dropped != 10 || rows[1].MinReplicasUp != 0 || rows[0].MinReplicasUp != 1 {
		t.Fatalf("rows %+v", rows)
	}
	if tot := s.Totals(); tot.SLOViolations != 1 || tot.SLOViolationMinutes != 1.0/60 || tot.DroppedNoReplica != 10 {
		t.Fatalf("totals %+v", tot)
	}
}

// The LLM service time of an isolated request is BaseUS + PrefillUSPerToken·P + DecodeUSPerToken·O.
func TestLLMServiceTime(t *testing.T) {
	reqs := []Request{{TimeUS: 0, PromptTokens: 1000, OutputTokens: 10}, {TimeUS: 10 * sim.Second, PromptTokens: 10, OutputTokens: 100}}
	for _, c := range []struct {
		p    LLMParams
		want [2]int64
	}{
		{LLMParams{}, [2]int64{5000 + 100*1000 + 30_000*10, 5000 + 100*10 + 30_000*100}}, // defaults
		{LLMParams{BaseUS: 1, PrefillUSPerToken: 2, DecodeUSPerToken: 3}, [2]int64{1 + 2000 + 30, 1 + 20 + 300}},
	} {
		s := mustNew(t, Config{Replicas: 1, Service: ServiceSpec{Dist: "LLM", LLM: c.p},
			Arrivals: ArrivalSpec{Process: "requests", Requests: reqs}, Window: 10 * sim.Second})
		mustRun(t, s, 20*sim.Second)
		rows := s.Windows()
		if len(rows) != 2 || rows[0].MaxUS != c.want[0] || rows[1].MaxUS != c.want[1] {
			t.Fatalf("%+v: rows %+v, want latencies %v", c.p, rows, c.want)
		}
	}
}

func TestSelectNth(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 300 {
		n := 1 + rng.IntN(5000)
		if trial%10 == 0 {
			n = 50_000
		}
		a := make([]int64, n)
		spread := []int{1, 3, 100, 1 << 30}[trial%4] // many duplicates to none
		for i := range a {
			a[i] = int64(rng.IntN(spread))
		}
		if trial%7 == 0 {
			slices.Sort(a) // sorted and reversed inputs
			if trial%2 == 0 {
				slices.Reverse(a)
			}
		}
		sorted := slices.Clone(a)
		slices.Sort(sorted)
		k := rng.IntN(n)
		selectNth(a, k)
		if a[k] != sorted[k] {
			t.Fatalf("trial %d: selectNth(n=%d, k=%d) = %d, want %d", trial, n, k, a[k], sorted[k])
		}
		for i := range a {
			if (i < k && a[i] > a[k]) || (i > k && a[i] < a[k]) {
				t.Fatalf("trial %d: not partitioned around k=%d at %d", trial, k, i)
			}
		}
	}
	for n := 1; n <= 300; n++ {
		for _, p := range []int{50, 95, 99, 100} {
			if got, want := percentileRank(p, n), int(math.Ceil(float64(p)*float64(n)/100-1e-9)); got != want {
				t.Fatalf("percentileRank(%d, %d) = %d, want %d", p, n, got, want)
			}
		}
	}
}

func TestNoAllocsInSteadyState(t *testing.T) {
	s := mustNew(t, Config{Replicas: 10, Balancer: "least-outstanding", QueueCap: 1000,
		Service: ServiceSpec{Dist: "exponential", MeanUS: 1000}, Arrivals: ArrivalSpec{RatePerS: 8000},
		Window: 10 * sim.Second})
	now := 30 * sim.Second
	mustRun(t, s, now) // grow the latency buffer, rings and row slice
	s.Windows()
	allocs := testing.AllocsPerRun(20, func() {
		now += 500 * sim.Millisecond // 4,000 requests; a window closes every 20 steps
		if err := s.RunUntil(now); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0.1 {
		t.Fatalf("%.2f allocations per 4,000 requests, want none", allocs)
	}
}

func TestConfigErrors(t *testing.T) {
	ok := Config{Replicas: 2, Service: ServiceSpec{Dist: "exponential", MeanUS: 10}, Arrivals: ArrivalSpec{RatePerS: 1}}
	if _, err := New(ok); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(c *Config){
		"negative replicas":    func(c *Config) { c.Replicas = -1 },
		"negative concurrency": func(c *Config) { c.Concurrency = -2 },
		"too many slots":       func(c *Config) { c.Replicas, c.Concurrency = 1<<20, 1<<10 },
		"queue cap":            func(c *Config) { c.QueueCap = -5 },
		"balancer":             func(c *Config) { c.Balancer = "fastest" },
		"window":               func(c *Config) { c.Window = -1 },
		"slo":                  func(c *Config) { c.SLOP99US = -1 },
		"no dist":              func(c *Config) { c.Service = ServiceSpec{} },
		"dist":                 func(c *Config) { c.Service.Dist = "weibull" },
		"exp mean":             func(c *Config) { c.Service.MeanUS = 0 },
		"exp NaN":              func(c *Config) { c.Service.MeanUS = math.NaN() },
		"constant neg":         func(c *Config) { c.Service = ServiceSpec{Dist: "constant", MeanUS: -1} },
		"lognormal both":       func(c *Config) { c.Service = ServiceSpec{Dist: "lognormal", MeanUS: 1, CV: 1, MedianUS: 1, Sigma: 1} },
		"lognormal cv":         func(c *Config) { c.Service = ServiceSpec{Dist: "lognormal", MeanUS: 1} },
		"lognormal sigma":      func(c *Config) { c.Service = ServiceSpec{Dist: "lognormal", MedianUS: 1} },
		"llm without requests": func(c *Config) { c.Service = ServiceSpec{Dist: "llm"} },
		"llm negative": func(c *Config) {
			c.Service = ServiceSpec{Dist: "llm", LLM: LLMParams{BaseUS: -1}}
			c.Arrivals = ArrivalSpec{Process: "requests"}
		},
		"process":           func(c *Config) { c.Arrivals.Process = "hawkes" },
		"rate":              func(c *Config) { c.Arrivals.RatePerS = 0 },
		"rate inf":          func(c *Config) { c.Arrivals.RatePerS = math.Inf(1) },
		"diurnal amplitude": func(c *Config) { c.Arrivals = ArrivalSpec{Process: "diurnal", RatePerS: 1, Amplitude: 1.5} },
		"diurnal period":    func(c *Config) { c.Arrivals = ArrivalSpec{Process: "diurnal", RatePerS: 1, Period: -1} },
		"mmpp rates": func(c *Config) {
			c.Arrivals = ArrivalSpec{Process: "mmpp", MeanSojourn: [2]sim.Time{1, 1}}
		},
		"mmpp sojourn": func(c *Config) {
			c.Arrivals = ArrivalSpec{Process: "mmpp", RatesPerS: [2]float64{1, 1}, MeanSojourn: [2]sim.Time{1, 0}}
		},
		"counts negative": func(c *Config) { c.Arrivals = ArrivalSpec{Process: "counts", CountsPerBin: []int32{1, -1}} },
		"counts bin":      func(c *Config) { c.Arrivals = ArrivalSpec{Process: "counts", Bin: -1} },
		"requests order": func(c *Config) {
			c.Arrivals = ArrivalSpec{Process: "requests", Requests: []Request{{TimeUS: 5}, {TimeUS: 4}}}
		},
		"requests tokens": func(c *Config) {
			c.Arrivals = ArrivalSpec{Process: "requests", Requests: []Request{{TimeUS: 5, OutputTokens: -1}}}
		},
		"requests time": func(c *Config) {
			c.Arrivals = ArrivalSpec{Process: "requests", Requests: []Request{{TimeUS: -1}}}
		},
	}
	for name, mod := range cases {
		cfg := ok
		mod(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: expected an error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}
