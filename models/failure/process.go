package failure

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/dcsim/dcsim/sim"
)

// Causes of a host's state change, in Event.Cause. When several causes start (or end) at the
// same microsecond, the event carries the smallest.
const (
	CauseHost  uint8 = 1 // the host's own failure/repair process (its group's TBF and TTR)
	CauseRack  uint8 = 2 // a failure/repair of the host's whole rack
	CauseTrace uint8 = 3 // a trace record (removed/added)
)

// CauseName returns "host", "rack", "trace" or "unknown".
func CauseName(c uint8) string {
	switch c {
	case CauseHost:
		return "host"
	case CauseRack:
		return "rack"
	case CauseTrace:
		return "trace"
	}
	return "unknown"
}

// Event is a change of one host's availability: at Time, Host went down (!Up) or came back up
// (Up). A Process emits, for each host, strictly alternating down and up events starting with
// a down event (every host is up at time 0), and at most one event per host per microsecond.
type Event struct {
	Time  sim.Time
	Host  int32
	Up    bool
	Cause uint8
}

// Group is a set of hosts that share failure and repair distributions: hosts First …
// First+Count−1. Each host is an independent alternating renewal process: up for a TBF draw,
// down for a TTR draw, up again, … .
type Group struct {
	Name  string // unique, non-empty; names the hosts' random streams
	First int32
	Count int32
	TBF   Dist // time between failures: the length of each up period of the host's own process
	TTR   Dist // time to repair: the length of each down period
}

// RackFailures are correlated failures of whole racks. Rack r holds hosts
// r·HostsPerRack … min((r+1)·HostsPerRack, Hosts)−1 (the layout models/dc uses). Each rack is
// an alternating renewal process of its own (up for a TBF draw, down for a TTR draw) that takes
// all its hosts down at once. HostsPerRack 0 disables rack failures; then TBF and TTR must be
// left zero.
type RackFailures struct {
	HostsPerRack int32
	TBF          Dist
	TTR          Dist
}

// Config describes a failure process.
type Config struct {
	Seed    uint64
	Hosts   int32   // number of hosts, indices 0 … Hosts−1
	Groups  []Group // disjoint; hosts in no group have no failures of their own
	Racks   RackFailures
	Trace   TraceSource // optional recorded removals and additions, merged with the rest
	Horizon sim.Time    // no event later than Horizon is produced (events at Horizon are); 0: none
}

const (
	bitHost  = 1 << CauseHost
	bitRack  = 1 << CauseRack
	bitTrace = 1 << CauseTrace
	touched  = 0x80
)

// Process generates host failure and repair events in time order, on demand. A host is down
// while at least one of its causes holds (its own process is in repair, its rack is in repair,
// or the trace has it removed) — a reference count of reasons kept as one bit per cause — and
// comes back up only when all have ended.
//
// Next costs O(log n) per timer for a heap of one pending timer per grouped host and per rack,
// plus O(k log k) to order the k hosts touched at one instant (k = HostsPerRack for a rack
// event), and allocates nothing once its buffers have grown. Memory is about 40 bytes per host
// (stream, state, heap entry). A Process is not safe for concurrent use.
type Process struct {
	hosts   int32
	horizon sim.Time
	heap    timerHeap

	group   []int32    // group index per host, −1 for none
	src     []rand.PCG // per-host streams (zero value for hosts in no group)
	reasons []uint8    // per host: bit 1<<Cause set while that cause holds the host down
	mark    []uint8    // per host, during an instant: touched | reasons at the instant's start
	tbf     []dist     // per group
	ttr     []dist

	perRack      int32
	rackSrc      []rand.PCG
	rackDown     []bool
	rackTBF      dist
	rackTTR      dist
	trace        TraceSource
	next         TraceRecord // the trace's next record, valid while hasNext
	hasNext      bool
	traceN       int64    // records read so far
	lastTrace    sim.Time // time of the last record read
	touchedHosts []int32
	buf          []Event
	pos          int
	done         bool
	err          error
}

// HostStreamName is the name of the random stream of the i-th host (0-based, counted within the
// group) of group: "failure/host/<group>/<i>". Each host draws its up and down times from its own
// stream, alternately, so that a host's events depend only on the seed, its group's name and
// distributions, and its index in the group: changing another group, the rack process or the
// trace does not change them.
func HostStreamName(group string, i int32) string {
	return "failure/host/" + group + "/" + strconv.Itoa(int(i))
}

// RackStreamName is the name of rack r's random stream: "failure/rack/<r>".
func RackStreamName(r int32) string { return "failure/rack/" + strconv.Itoa(int(r)) }

// New validates cfg and returns a Process positioned at time 0 with every host up.
func New(cfg Config) (*Process, error) {
	if cfg.Hosts <= 0 {
		return nil, fmt.Errorf("failure: hosts must be > 0, got %d", cfg.Hosts)
	}
	if cfg.Horizon < 0 {
		return nil, fmt.Errorf("failure: horizon must be ≥ 0, got %d µs", int64(cfg.Horizon))
	}
	p := &Process{
		hosts:   cfg.Hosts,
		horizon: cfg.Horizon,
		group:   make([]int32, cfg.Hosts),
		reasons: make([]uint8, cfg.Hosts),
		mark:    make([]uint8, cfg.Hosts),
		trace:   cfg.Trace,
	}
	if p.horizon == 0 {
		p.horizon = sim.MaxTime
	}
	for i := range p.group {
		p.group[i] = -1
	}

	names := make(map[string]bool, len(cfg.Groups))
	grouped := 0
	for gi, g := range cfg.Groups {
		where := fmt.Sprintf("failure: group %d (%q)", gi, g.Name)
		if g.Name == "" {
			return nil, fmt.Errorf("failure: group %d: name is missing", gi)
		}
		if names[g.Name] {
			return nil, fmt.Errorf("%s: duplicate group name", where)
		}
		names[g.Name] = true
		if g.First < 0 || g.Count < 0 || int64(g.First)+int64(g.Count) > int64(cfg.Hosts) {
			return nil, fmt.Errorf("%s: hosts %d…%d+%d out of range [0, %d)", where, g.First, g.First, g.Count, cfg.Hosts)
		}
		tbf, err := g.TBF.compile()
		if err != nil {
			return nil, fmt.Errorf("%s: tbf: %w", where, err)
		}
		ttr, err := g.TTR.compile()
		if err != nil {
			return nil, fmt.Errorf("%s: ttr: %w", where, err)
		}
		p.tbf = append(p.tbf, tbf)
		p.ttr = append(p.ttr, ttr)
		for h := g.First; h < g.First+g.Count; h++ {
			if p.group[h] >= 0 {
				return nil, fmt.Errorf("%s: host %d is already in group %q", where, h, cfg.Groups[p.group[h]].Name)
			}
			p.group[h] = int32(gi)
		}
		grouped += int(g.Count)
	}
	if grouped > 0 {
		p.src = make([]rand.PCG, cfg.Hosts)
	}

	rk := cfg.Racks
	if rk.HostsPerRack < 0 {
		return nil, fmt.Errorf("failure: racks: hosts_per_rack must be ≥ 0, got %d", rk.HostsPerRack)
	}
	nRacks := int32(0)
	if rk.HostsPerRack == 0 {
		if rk.TBF != (Dist{}) || rk.TTR != (Dist{}) {
			return nil, fmt.Errorf("failure: racks: tbf and ttr are given but hosts_per_rack is 0")
		}
	} else {
		var err error
		if p.rackTBF, err = rk.TBF.compile(); err != nil {
			return nil, fmt.Errorf("failure: racks: tbf: %w", err)
		}
		if p.rackTTR, err = rk.TTR.compile(); err != nil {
			return nil, fmt.Errorf("failure: racks: ttr: %w", err)
		}
		p.perRack = rk.HostsPerRack
		nRacks = int32((int64(cfg.Hosts) + int64(rk.HostsPerRack) - 1) / int64(rk.HostsPerRack))
		p.rackSrc = make([]rand.PCG, nRacks)
		p.rackDown = make([]bool, nRacks)
	}

	// Seed the streams and draw every process's first failure: all start up at time 0, fresh
	// (an ordinary renewal process, not the stationary one).
	p.heap = make(timerHeap, 0, grouped+int(nRacks))
	for gi, g := range cfg.Groups {
		for i := int32(0); i < g.Count; i++ {
			h := g.First + i
			a, b := sim.StreamSeed(cfg.Seed, HostStreamName(g.Name, i))
			p.src[h].Seed(a, b)
			p.schedule(uint32(h), 0, p.tbf[gi].sample(&p.src[h]))
		}
	}
	for r := range nRacks {
		a, b := sim.StreamSeed(cfg.Seed, RackStreamName(r))
		p.rackSrc[r].Seed(a, b)
		p.schedule(uint32(cfg.Hosts)+uint32(r), 0, p.rackTBF.sample(&p.rackSrc[r]))
	}
	if p.trace != nil {
		if p.readTrace(); p.err != nil {
			return nil, p.err
		}
	}
	return p, nil
}

// schedule pushes a timer at now+d, or drops it when that would reach sim.MaxTime (it would
// never fire within any horizon).
func (p *Process) schedule(id uint32, now, d sim.Time) {
	if d >= sim.MaxTime-now {
		return
	}
	p.heap.push(timer{t: now + d, id: id})
}

// readTrace reads the trace's next record into p.next, validating it. At the end of the trace
// or on an error hasNext is false; an error is kept in p.err.
func (p *Process) readTrace() {
	p.hasNext = false
	r, err := p.trace.Next()
	if err != nil {
		if !errors.Is(err, io.EOF) {
			p.err = fmt.Errorf("failure: trace record %d: %w", p.traceN+1, err)
		}
		p.trace = nil
		return
	}
	p.traceN++
	switch {
	case r.Time < 0:
		p.err = fmt.Errorf("failure: trace record %d: time %d µs is negative", p.traceN, int64(r.Time))
	case r.Time < p.lastTrace:
		p.err = fmt.Errorf("failure: trace record %d: time %d µs is before the previous record's %d µs", p.traceN, int64(r.Time), int64(p.lastTrace))
	case r.Host < 0 || r.Host >= p.hosts:
		p.err = fmt.Errorf("failure: trace record %d: host %d out of range [0, %d)", p.traceN, r.Host, p.hosts)
	}
	if p.err != nil {
		p.trace = nil
		return
	}
	p.lastTrace = r.Time
	p.next, p.hasNext = r, true
}

// Hosts returns the number of hosts.
func (p *Process) Hosts() int32 { return p.hosts }

// Err returns the error that stopped the process early (a bad or unreadable trace record),
// or nil. The events of the instants before the one at which the bad record was read have
// been delivered; that instant's have not.
func (p *Process) Err() error { return p.err }

// Next returns the next event: events come in non-decreasing time and, at equal times, in
// increasing host order (so at most one event per host and instant; when a host's causes start
// and end at the same microsecond they cancel and no event is emitted). It returns false when
// no event remains at or before the horizon, or after an error (see Err).
func (p *Process) Next() (Event, bool) {
	for p.pos >= len(p.buf) {
		if p.done {
			return Event{}, false
		}
		p.step()
	}
	e := p.buf[p.pos]
	p.pos++
	return e, true
}

// Peek returns the time of the next event without consuming it, or false as Next would.
func (p *Process) Peek() (sim.Time, bool) {
	for p.pos >= len(p.buf) {
		if p.done {
			return 0, false
		}
		p.step()
	}
	return p.buf[p.pos].Time, true
}

// touch records host h's reasons at the start of the current instant, once per instant.
func (p *Process) touch(h int32) {
	if p.mark[h]&touched == 0 {
		p.mark[h] = touched | p.reasons[h]
		p.touchedHosts = append(p.touchedHosts, h)
	}
}

// step processes every transition of the next instant and fills p.buf with the resulting
// events (possibly none).
func (p *Process) step() {
	p.buf, p.pos = p.buf[:0], 0
	if p.err != nil {
		p.done = true
		return
	}
	t := sim.MaxTime
	have := false
	if len(p.heap) > 0 {
		t, have = p.heap[0].t, true
	}
	if p.hasNext && (!have || p.next.Time < t) {
		t, have = p.next.Time, true
	}
	if !have || t > p.horizon {
		p.done = true
		return
	}

	for len(p.heap) > 0 && p.heap[0].t == t {
		tm := p.heap.pop()
		if tm.id < uint32(p.hosts) {
			h := int32(tm.id)
			g := p.group[h]
			p.touch(h)
			if p.reasons[h]&bitHost == 0 {
				p.reasons[h] |= bitHost
				p.schedule(tm.id, t, p.ttr[g].sample(&p.src[h]))
			} else {
				p.reasons[h] &^= bitHost
				p.schedule(tm.id, t, p.tbf[g].sample(&p.src[h]))
			}
			continue
		}
		r := int32(tm.id - uint32(p.hosts))
		first := r * p.perRack
		last := min(int64(first)+int64(p.perRack), int64(p.hosts))
		down := !p.rackDown[r]
		p.rackDown[r] = down
		for h := first; int64(h) < last; h++ {
			p.touch(h)
			if down {
				p.reasons[h] |= bitRack
			} else {
				p.reasons[h] &^= bitRack
			}
		}
		if down {
			p.schedule(tm.id, t, p.rackTTR.sample(&p.rackSrc[r]))
		} else {
			p.schedule(tm.id, t, p.rackTBF.sample(&p.rackSrc[r]))
		}
	}
	for p.hasNext && p.next.Time == t {
		h := p.next.Host
		p.touch(h)
		if p.next.Removed {
			p.reasons[h] |= bitTrace
		} else {
			p.reasons[h] &^= bitTrace
		}
		p.readTrace()
	}
	// A bad trace record (or a read error) found while reading at this instant stops the
	// process before this instant's events: the instant may be incomplete.
	if p.err != nil {
		p.done = true
		p.clearMarks()
		return
	}

	slices.Sort(p.touchedHosts)
	for _, h := range p.touchedHosts {
		before, now := p.mark[h]&^touched, p.reasons[h]
		p.mark[h] = 0
		switch {
		case before == 0 && now != 0:
			p.buf = append(p.buf, Event{Time: t, Host: h, Up: false, Cause: lowestCause(now &^ before)})
		case before != 0 && now == 0:
			p.buf = append(p.buf, Event{Time: t, Host: h, Up: true, Cause: lowestCause(before &^ now)})
		}
	}
	p.touchedHosts = p.touchedHosts[:0]
}

func (p *Process) clearMarks() {
	for _, h := range p.touchedHosts {
		p.mark[h] = 0
	}
	p.touchedHosts = p.touchedHosts[:0]
}

func lowestCause(bits uint8) uint8 {
	for c := CauseHost; c <= CauseTrace; c++ {
		if bits&(1<<c) != 0 {
			return c
		}
	}
	return 0
}
