package service

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/dcsim/dcsim/sim"
)

// request is a request waiting in a replica's queue (or being re-dispatched).
type request struct {
	arrUS int64 // arrival time
	svcUS int64 // service demand, drawn at arrival
}

// replica is one server: busy slots and a FIFO ring buffer of waiting requests.
type replica struct {
	buf  []request // ring buffer, length a power of two (or nil)
	head uint32
	n    uint32 // waiting requests
	busy int32  // requests in service
	up   bool
}

// Sim is the request-level simulation of one service. It owns its clock: the caller advances it
// with RunUntil and changes replica availability between steps. A Sim is not safe for
// concurrent use; distinct Sims share nothing and may run on distinct goroutines.
type Sim struct {
	cfg  Config
	bal  balKind
	conc int32
	qcap int64 // max waiting per replica

	now      int64
	finished bool

	reps    []replica
	upCount int
	upList  []int32 // indices of up replicas, increasing
	rr      int32   // round-robin: last replica chosen
	tree    []int64 // least-outstanding: tournament tree of keys load<<32 | index
	treeP   int     // number of leaves (a power of two)
	pick    *rand.PCG
	scratch []request

	// Service slots: slot x = replica·Concurrency + k. A request in service in slot x arrived at
	// slotArr[x], has demand slotSvc[x] and completes at the leaf key of x in the completion
	// tree; free[r·Concurrency …] is a stack of replica r's free slots (its first
	// Concurrency − busy entries).
	slotArr []int64
	slotSvc []int64
	free    []int32
	// Completion tree: a tournament tree over the slots (leaves slotP … 2·slotP−1 hold each
	// slot's completion time, MaxInt64 when idle; each inner node holds the earlier of its
	// children, ties to the left, i.e. the lower slot). doneKey holds the times, doneSlot the
	// winning slot.
	slotP    int
	doneKey  []int64
	doneSlot []int32

	arr       *arrivals
	svc       *serviceTimes
	nextArrUS int64

	// Current window [winStart, winEnd).
	winStart, winEnd int64
	wArr             int64
	wDropFull        int64
	wDropNone        int64
	wRedispatch      int64
	wSum             int64
	wMax             int64
	wMinUp           int
	lat              []int64 // latencies of the window's completions, reused

	rows []WindowRow // closed windows not yet taken by Windows
	tot  Totals      // closed windows only
}

// New validates cfg, fills in its defaults and returns a simulation at time 0 with
// cfg.Replicas replicas up. Bad parameters give an error, never a panic.
func New(cfg Config) (*Sim, error) {
	cfg, bal, err := validate(cfg)
	if err != nil {
		return nil, err
	}
	s := &Sim{cfg: cfg, bal: bal, conc: int32(cfg.Concurrency), rr: -1}
	switch {
	case cfg.QueueCap == QueueNone:
		s.qcap = 0
	case cfg.QueueCap == 0:
		s.qcap = math.MaxInt64
	default:
		s.qcap = int64(cfg.QueueCap)
	}
	s.reps = make([]replica, cfg.Replicas)
	for i := range s.reps {
		s.reps[i].up = true
	}
	s.upCount = cfg.Replicas
	s.rebuildUpList()
	if bal == balLeastOutstanding {
		s.rebuildTree()
	}
	if bal == balPowerOfTwo || bal == balRandom {
		s.pick = sim.NewStream(cfg.Seed, cfg.Name+"/balancer")
	}
	s.growSlots()
	s.arr = newArrivals(cfg.Arrivals, cfg.Seed, cfg.Name)
	s.svc = newServiceTimes(cfg.Service, cfg.Seed, cfg.Name)
	s.nextArrUS = s.arr.next()
	s.winEnd = addSat(0, int64(cfg.Window))
	s.wMinUp = s.upCount
	return s, nil
}

// Config returns the configuration with defaults filled in (its slices are copies).
func (s *Sim) Config() Config {
	c := s.cfg
	c.Arrivals.CountsPerBin = slices.Clone(c.Arrivals.CountsPerBin)
	c.Arrivals.Requests = slices.Clone(c.Arrivals.Requests)
	return c
}

// Now is the simulated time: the t of the last RunUntil (or of the last event, after
// RunUntil(sim.MaxTime)).
func (s *Sim) Now() sim.Time { return sim.Time(s.now) }

// NumReplicas is the number of replicas, up or down (indices 0 … NumReplicas−1).
func (s *Sim) NumReplicas() int { return len(s.reps) }

// ReplicasUp is the number of replicas up now.
func (s *Sim) ReplicasUp() int { return s.upCount }

// RunUntil advances the simulation through every event strictly before t and sets Now to t; an
// event at exactly t happens after whatever the caller does at t (SetReplicaDown, …). At equal
// times, completions happen before arrivals (a slot freed at t serves a request arriving at t),
// and completions are ordered by replica index. Windows that end at or before t are closed and
// made available to Windows.
//
// RunUntil(sim.MaxTime) runs until no event is left and leaves Now at the last event: use it
// only with finite arrival processes ("counts", "requests"). t < Now is an error.
func (s *Sim) RunUntil(t sim.Time) error {
	if s.finished {
		return fmt.Errorf("service %q: RunUntil after Finish", s.cfg.Name)
	}
	until := int64(t)
	if until < s.now {
		return fmt.Errorf("service %q: RunUntil(%v) is before now (%v)", s.cfg.Name, t, sim.Time(s.now))
	}
	for {
		ta := s.nextArrUS
		tc := s.doneKey[1]
		if tc <= ta {
			if tc >= until {
				break
			}
			for tc >= s.winEnd {
				s.closeWindow(s.winEnd)
			}
			s.complete()
		} else {
			if ta >= until {
				break
			}
			for ta >= s.winEnd {
				s.closeWindow(s.winEnd)
			}
			s.arrive(ta)
		}
	}
	if until != math.MaxInt64 {
		s.now = until
	}
	for s.winEnd <= s.now && s.winEnd != math.MaxInt64 {
		s.closeWindow(s.winEnd)
	}
	return nil
}

// arrive handles the arrival at time t of the pending request.
func (s *Sim) arrive(t int64) {
	s.now = t
	s.wArr++
	var req *Request
	if s.arr.kind == arrRequests {
		req = &s.arr.reqs[s.arr.cur]
	}
	s.dispatch(t, s.svc.draw(req))
	s.nextArrUS = s.arr.next()
}

// dispatch sends a request that arrived at arrUS, with service demand svcUS, to the replica the
// balancer picks, at time s.now: it starts service if a slot is free, else waits in the
// replica's FIFO queue, else (queue full) is dropped. With no replica up it is dropped.
func (s *Sim) dispatch(arrUS, svcUS int64) {
	if s.upCount == 0 {
		s.wDropNone++
		return
	}
	i := s.choose()
	rep := &s.reps[i]
	switch {
	case rep.busy < s.conc:
		x := int(i)
		if s.conc > 1 {
			x = int(i)*int(s.conc) + int(s.free[int(i)*int(s.conc)+int(s.conc-rep.busy)-1])
		}
		rep.busy++
		s.slotArr[x], s.slotSvc[x] = arrUS, svcUS
		s.setDone(x, s.now+svcUS)
	case int64(rep.n) < s.qcap:
		rep.enqueue(request{arrUS, svcUS})
	default:
		s.wDropFull++
		return
	}
	if s.bal == balLeastOutstanding {
		s.treeSet(i)
	}
}

// complete handles the earliest completion: it records the latency and starts the replica's
// next waiting request, if any, in the freed slot.
func (s *Sim) complete() {
	now := s.doneKey[1]
	x := int(s.doneSlot[1])
	s.now = now
	lat := now - s.slotArr[x]
	s.lat = append(s.lat, lat)
	s.wSum += lat
	if lat > s.wMax {
		s.wMax = lat
	}
	i := int32(x)
	if s.conc > 1 {
		i = int32(x / int(s.conc))
	}
	rep := &s.reps[i]
	if rep.n > 0 {
		r := rep.dequeue()
		s.slotArr[x], s.slotSvc[x] = r.arrUS, r.svcUS
		s.setDone(x, now+r.svcUS)
	} else {
		if s.conc > 1 {
			s.free[int(i)*int(s.conc)+int(s.conc-rep.busy)] = int32(x - int(i)*int(s.conc))
		}
		rep.busy--
		s.setDone(x, math.MaxInt64)
	}
	if s.bal == balLeastOutstanding {
		s.treeSet(i)
	}
}

// choose returns the replica the balancer picks; at least one replica is up.
func (s *Sim) choose() int32 {
	switch s.bal {
	case balRoundRobin:
		// The next up replica after the last one chosen, cyclically in index order.
		n := int32(len(s.reps))
		i := s.rr
		for {
			i++
			if i >= n {
				i = 0
			}
			if s.reps[i].up {
				break
			}
		}
		s.rr = i
		return i
	case balLeastOutstanding:
		// The tournament tree's root: the smallest key load<<32 | index, i.e. the fewest
		// outstanding requests (in service + waiting), ties to the lowest index.
		return int32(s.tree[1] & math.MaxUint32)
	case balPowerOfTwo:
		// Two distinct up replicas drawn uniformly at random; the one with fewer outstanding
		// requests wins, ties to the lower index (Mitzenmacher 2001, "The power of two choices in
		// randomized load balancing", IEEE TPDS 12(10), with d = 2).
		n := uint64(len(s.upList))
		if n == 1 {
			return s.upList[0]
		}
		x, y := boundedPair(s.pick, n)
		a, b := s.upList[x], s.upList[y]
		if a > b {
			a, b = b, a
		}
		if s.reps[b].load() < s.reps[a].load() { // compiled branch-free (CMOV)
			a = b
		}
		return a
	default: // balRandom: one up replica uniformly at random (the d = 1 baseline).
		return s.upList[bounded(s.pick, uint64(len(s.upList)))]
	}
}

// bounded returns a uniform integer in [0, n), n ≥ 1, without bias, by D. Lemire's
// multiply-and-reject method ("Fast random integer generation in an interval", ACM TOMACS
// 29(1), 2019). It calls the PCG directly: no interface call.
func bounded(p *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(p.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(p.Uint64(), n)
		}
	}
	return hi
}

// boundedPair returns two distinct uniform integers in [0, n), 2 ≤ n < 2^32: x uniform in
// [0, n) and y uniform in [0, n−1), shifted past x. Both come from the two 32-bit halves of one
// PCG output, each reduced without bias by Lemire's method (32-bit form; a half is redrawn in
// the rare rejection case).
func boundedPair(p *rand.PCG, n uint64) (x, y uint64) {
	u := p.Uint64()
	x = lemire32(p, uint32(u>>32), uint32(n))
	y = lemire32(p, uint32(u), uint32(n-1))
	if y >= x {
		y++
	}
	return x, y
}

// lemire32 maps the 32-bit random value v to [0, n) without bias (Lemire 2019), drawing fresh
// 32-bit values from p when v falls in the rejected zone.
func lemire32(p *rand.PCG, v, n uint32) uint64 {
	m := uint64(v) * uint64(n)
	if uint32(m) < n {
		thresh := -n % n
		for uint32(m) < thresh {
			m = uint64(uint32(p.Uint64()>>32)) * uint64(n)
		}
	}
	return m >> 32
}

func (r *replica) load() int64 { return int64(r.busy) + int64(r.n) }

func (r *replica) enqueue(q request) {
	if int(r.n) == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)&uint32(len(r.buf)-1)] = q
	r.n++
}

func (r *replica) dequeue() request {
	q := r.buf[r.head]
	r.head = (r.head + 1) & uint32(len(r.buf)-1)
	r.n--
	return q
}

// grow doubles the ring buffer (amortized O(1) per request; no allocation in steady state).
func (r *replica) grow() {
	c := 2 * len(r.buf)
	if c == 0 {
		c = initialRingCap
	}
	nb := make([]request, c)
	for k := uint32(0); k < r.n; k++ {
		nb[k] = r.buf[(r.head+k)&uint32(len(r.buf)-1)]
	}
	r.buf, r.head = nb, 0
}

// setDone sets the completion time of slot x (MaxInt64: idle) and replays its path of the
// completion tree to the root: log2(slotP) steps, each a comparison compiled without a branch
// (a tournament tree, D. E. Knuth, The Art of Computer Programming Vol. 3, §5.4.1, "tree of
// winners"). Ties go to the left child, so equal times complete in slot order (replica order).
func (s *Sim) setDone(x int, t int64) {
	key, win := s.doneKey, s.doneSlot
	j := s.slotP + x
	k, w := t, int32(x)
	key[j] = k
	for j > 1 {
		// The winner so far (k, w) stays in registers; only the sibling is loaded, so the
		// levels do not wait on each other's stores. A left sibling (j odd) wins ties.
		sib := j ^ 1
		sk, sw := key[sib], win[sib]
		if sk-int64(j&1) < k { // times are ≥ 0: no overflow
			k, w = sk, sw
		}
		j >>= 1
		key[j], win[j] = k, w
	}
}

// growSlots sizes the slot arrays for len(s.reps) replicas, keeping the slots in use, and
// rebuilds the completion tree when it has too few leaves.
func (s *Sim) growSlots() {
	c := int(s.conc)
	old := len(s.slotArr)
	n := len(s.reps) * c
	for x := old; x < n; x++ {
		s.slotArr = append(s.slotArr, 0)
		s.slotSvc = append(s.slotSvc, 0)
		if c > 1 {
			s.free = append(s.free, int32(c-1-x%c)) // stack top (last free entry) is slot 0
		}
	}
	if n <= s.slotP && s.doneKey != nil {
		return
	}
	p := max(s.slotP, 1)
	for p < n {
		p *= 2
	}
	key := make([]int64, 2*p)
	win := make([]int32, 2*p)
	for x := range p {
		key[p+x] = math.MaxInt64
		if x < s.slotP {
			key[p+x] = s.doneKey[s.slotP+x]
		}
		win[p+x] = int32(x)
	}
	for j := p - 1; j >= 1; j-- {
		l, r := 2*j, 2*j+1
		key[j], win[j] = key[l], win[l]
		if key[r] < key[l] {
			key[j], win[j] = key[r], win[r]
		}
	}
	s.slotP, s.doneKey, s.doneSlot = p, key, win
}

// Least-outstanding tournament tree: leaves treeP … 2·treeP−1 hold load<<32 | index for up
// replicas and MaxInt64 for down or absent ones; each inner node holds the minimum of its
// children. An update costs log2(treeP) steps, a query O(1).

func (s *Sim) leafKey(i int) int64 {
	if i >= len(s.reps) || !s.reps[i].up {
		return math.MaxInt64
	}
	return s.reps[i].load()<<32 | int64(i)
}

func (s *Sim) treeSet(i int32) {
	t := s.tree
	j := s.treeP + int(i)
	k := s.leafKey(int(i))
	t[j] = k
	for j > 1 {
		k = min(k, t[j^1]) // the path's minimum stays in a register; only siblings are loaded
		j >>= 1
		t[j] = k
	}
}

func (s *Sim) rebuildTree() {
	p := 1
	for p < len(s.reps) {
		p *= 2
	}
	s.treeP = p
	s.tree = make([]int64, 2*p)
	for i := range p {
		s.tree[p+i] = s.leafKey(i)
	}
	for j := p - 1; j >= 1; j-- {
		s.tree[j] = min(s.tree[2*j], s.tree[2*j+1])
	}
}

func (s *Sim) rebuildUpList() {
	s.upList = s.upList[:0]
	for i := range s.reps {
		if s.reps[i].up {
			s.upList = append(s.upList, int32(i))
		}
	}
}

// SetReplicaDown runs the simulation to t (see RunUntil) and takes replica r down at t (a
// failure, or a scale-in). Its requests, those in service and those waiting, are re-dispatched
// at t to the replicas still up, through the balancer, in order of their original arrival: a
// request in service loses its progress and restarts with its full service demand; its latency
// still counts from its original arrival. A re-dispatched request that finds no replica up, or
// a full queue, is dropped (counted in Dropped, as DroppedNoReplica or DroppedQueueFull). Taking
// down a replica that is already down is an error.
func (s *Sim) SetReplicaDown(t sim.Time, r int) error {
	if err := s.replicaOp(t, r, "SetReplicaDown"); err != nil {
		return err
	}
	rep := &s.reps[r]
	if !rep.up {
		return fmt.Errorf("service %q: SetReplicaDown(%v, %d): replica %d is already down", s.cfg.Name, t, r, r)
	}
	rep.up = false
	s.upCount--
	s.wMinUp = min(s.wMinUp, s.upCount)
	s.rebuildUpList()

	// Take the replica's requests out of its slots and its queue.
	work := s.scratch[:0]
	c := int(s.conc)
	for x := r * c; x < (r+1)*c; x++ {
		if s.doneKey[s.slotP+x] != math.MaxInt64 {
			work = append(work, request{s.slotArr[x], s.slotSvc[x]})
			s.setDone(x, math.MaxInt64)
		}
		if c > 1 {
			s.free[x] = int32(c - 1 - (x - r*c))
		}
	}
	for rep.n > 0 {
		work = append(work, rep.dequeue())
	}
	rep.busy, rep.head = 0, 0
	if s.bal == balLeastOutstanding {
		s.treeSet(int32(r))
	}
	slices.SortStableFunc(work, func(a, b request) int {
		switch {
		case a.arrUS < b.arrUS:
			return -1
		case a.arrUS > b.arrUS:
			return 1
		}
		return 0
	})
	for _, q := range work {
		s.wRedispatch++
		s.dispatch(q.arrUS, q.svcUS)
	}
	s.scratch = work[:0]
	return nil
}

// SetReplicaUp runs the simulation to t (see RunUntil) and brings replica r, which is down, back
// up at t (a repair or a replacement), idle and with an empty queue. Requests already waiting
// elsewhere stay where they are; the balancer considers r from the next request on.
func (s *Sim) SetReplicaUp(t sim.Time, r int) error {
	if err := s.replicaOp(t, r, "SetReplicaUp"); err != nil {
		return err
	}
	if s.reps[r].up {
		return fmt.Errorf("service %q: SetReplicaUp(%v, %d): replica %d is already up", s.cfg.Name, t, r, r)
	}
	s.reps[r].up = true
	s.upCount++
	s.rebuildUpList()
	if s.bal == balLeastOutstanding {
		s.treeSet(int32(r))
	}
	return nil
}

// AddReplica runs the simulation to t (see RunUntil) and adds a new replica, up and idle at t
// (a scale-out). It returns the new replica's index, NumReplicas()−1.
func (s *Sim) AddReplica(t sim.Time) (int, error) {
	if err := s.replicaOp(t, 0, "AddReplica"); err != nil {
		return 0, err
	}
	if len(s.reps) >= maxReplicas || (len(s.reps)+1)*int(s.conc) > maxSlots {
		return 0, fmt.Errorf("service %q: AddReplica: at most %d replicas and %d slots (replicas × concurrency)",
			s.cfg.Name, maxReplicas, maxSlots)
	}
	s.reps = append(s.reps, replica{up: true})
	s.growSlots()
	s.upCount++
	s.rebuildUpList()
	r := len(s.reps) - 1
	if s.bal == balLeastOutstanding {
		if r >= s.treeP {
			s.rebuildTree()
		} else {
			s.treeSet(int32(r))
		}
	}
	return r, nil
}

// replicaOp runs the simulation to t and checks that r is a replica index (except for
// AddReplica).
func (s *Sim) replicaOp(t sim.Time, r int, op string) error {
	if s.finished {
		return fmt.Errorf("service %q: %s after Finish", s.cfg.Name, op)
	}
	if t == sim.MaxTime {
		return fmt.Errorf("service %q: %s at MaxTime", s.cfg.Name, op)
	}
	if int64(t) < s.now {
		return fmt.Errorf("service %q: %s at %v, before now (%v)", s.cfg.Name, op, t, sim.Time(s.now))
	}
	if op != "AddReplica" && (r < 0 || r >= len(s.reps)) {
		return fmt.Errorf("service %q: %s(%v, %d): no replica %d (have %d)", s.cfg.Name, op, t, r, r, len(s.reps))
	}
	return s.RunUntil(t)
}

// addSat is a + b saturated at math.MaxInt64 (a, b ≥ 0).
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
