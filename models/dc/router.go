package dc

import (
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// fleetMsg is the payload of messages between a fleet's router (partition 0) and its cells: a
// dispatched job (router → cell), or the CPU demand of a job that finished (cell → router).
type fleetMsg struct {
	job  jobSpec
	done int64
}

// Routers: the global routing policies of a fleet.
const (
	RouteRoundRobin  = "round-robin"
	RouteLeastLoaded = "least-loaded"
	RouteCostAware   = "cost-aware"
)

// router is partition 0 of a fleet: it owns the workload sources, draws every job and sends
// it to a cell, which receives it one dispatch delay later. It knows each cell's routed load —
// the CPU demand of jobs it sent there that it has not yet heard finish (a cell's report also
// takes a dispatch delay).
type router struct {
	s       *Sim
	eng     *sim.Engine
	sources []jobSource
	policy  string
	load    []float64 // routed, unfinished CPU demand per cell, millicores × tasks
	capCPU  []float64 // CPU capacity per cell, millicores
	price   []float64
	maxLoad float64
	rr      int
	jobSink JobSink
	row     results.JobRow
	err     error
	st      stats
	cells   []*cell
	out     *sim.Outbox[fleetMsg]
	// nextJobID is the last job id drawn. (Not in Sim: cells read Sim on every event, and a
	// counter written per job next to it would bounce that cache line between workers.)
	nextJobID int64
	_         [64]byte
}

func (r *router) NextTime() sim.Time { return r.eng.PeekTime() }

func (r *router) Receive(msgs []sim.Msg[fleetMsg]) {
	for i := range msgs {
		r.eng.Schedule(msgs[i].Time, evDone, msgs[i].Src-1, msgs[i].Payload.done)
	}
}

func (r *router) Advance(end sim.Time, out *sim.Outbox[fleetMsg]) {
	for r.err == nil {
		ev, ok := r.eng.NextBefore(end)
		if !ok {
			return
		}
		now := ev.Time
		switch ev.Kind {
		case evDone:
			r.load[ev.A] -= float64(ev.B)
		case evArrival:
			src := r.sources[ev.A]
			r.nextJobID++
			js := src.draw(now, r.nextJobID, nil, true)
			t, err := src.nextAfter(now)
			if err != nil && r.err == nil {
				r.err = err
			}
			if t >= 0 {
				r.eng.Schedule(t, evArrival, ev.A, 0)
			}
			r.st.submitted++
			if !r.cells[0].admits(&js) { // cells are identical
				r.reject(&js, now)
				continue
			}
			c := r.choose()
			r.load[c] += float64(js.cpuTotal())
			out.Send(now, int32(c+1), now+r.s.cfg.Fleet.Delay, fleetMsg{job: js})
		}
	}
}

// choose picks the cell for the next job.
func (r *router) choose() int {
	n := len(r.load)
	switch r.policy {
	case RouteRoundRobin:
		c := r.rr
		r.rr = (r.rr + 1) % n
		return c
	case RouteCostAware:
		// Cheapest electricity among cells below maxLoad; ties and overflow go least-loaded.
		best := -1
		for c := 0; c < n; c++ {
			if r.load[c] >= r.maxLoad*r.capCPU[c] {
				continue
			}
			if best < 0 || r.price[c] < r.price[best] || r.price[c] == r.price[best] && r.rel(c) < r.rel(best) {
				best = c
			}
		}
		if best >= 0 {
			return best
		}
	}
	best := 0
	for c := 1; c < n; c++ {
		if r.rel(c) < r.rel(best) {
			best = c
		}
	}
	return best
}

func (r *router) rel(c int) float64 { return r.load[c] / r.capCPU[c] }

func (r *router) reject(js *jobSpec, now sim.Time) {
	j := newJob(js)
	r.st.account(&j, results.StatusRejected, now, r.s.cfg.MaxWait)
	if r.jobSink != nil {
		r.row = results.JobRow{JobID: js.id, Source: r.s.srcNames[js.source], Tenant: js.tenant, Priority: js.priority,
			Tasks: js.ntasks, CPUMilli: js.demand.CPU, MemBytes: js.demand.Mem, GPUs: int32(js.demand.GPU),
			SubmitUS: int64(js.submit), StartUS: -1, EndUS: -1, RuntimeUS: int64(js.maxRuntime),
			DeadlineUS: int64(js.deadline), Status: results.StatusRejected, HostID: -1, Cell: -1,
			TraceJob: js.traceJob, TraceTask: js.traceTask}
		if err := r.jobSink.Write(&r.row); err != nil && r.err == nil {
			r.err = err
		}
	}
}
