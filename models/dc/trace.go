package dc

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/models/trace/formats"
	"github.com/dcsim/dcsim/sim"
)

// TraceConfig replays a trace.
type TraceConfig struct {
	Name    string
	Format  string // a name of formats.Names()
	Path    string // resolved path
	Units   trace.Units
	Filter  trace.Filter // window, sampling, time scaling, job limit
	SkipBad bool
}

// ErrInput marks errors caused by input the simulator reads while running (a malformed trace
// line, say); the CLI maps them to exit code 2.
var ErrInput = errors.New("invalid input")

// OpenTrace opens the trace of tc through its format and filter.
func OpenTrace(tc TraceConfig) (*trace.Filtered, error) {
	f, err := formats.Lookup(tc.Format)
	if err != nil {
		return nil, fmt.Errorf("%w: trace %q: %v", ErrInput, tc.Name, err)
	}
	if f.Open == nil {
		return nil, fmt.Errorf("%w: trace %q: format %s is request-level and replays no jobs", ErrInput, tc.Name, f.Name)
	}
	src, err := f.Open(tc.Path, formats.Options{Units: tc.Units, SkipBad: tc.SkipBad})
	if err != nil {
		return nil, fmt.Errorf("%w: trace %q: %v", ErrInput, tc.Name, err)
	}
	return trace.Apply(src, tc.Filter), nil
}

// traceSource replays a trace: each trace.Job arrives at its (filtered) submit time, µs from the
// window's start. A job of one task of n instances becomes n tasks (started together if the
// trace says gang); a job of several tasks becomes a DAG job whose tasks are stages, each
// enqueued when its parents have finished.
type traceSource struct {
	idx       int32
	cfg       TraceConfig
	src       *trace.Filtered
	next      trace.Job
	hasNext   bool
	err       error
	last      int64
	generated int64
}

func newTraceSource(idx int, cfg TraceConfig) (*traceSource, error) {
	src, err := OpenTrace(cfg)
	if err != nil {
		return nil, err
	}
	s := &traceSource{idx: int32(idx), cfg: cfg, src: src}
	s.advance()
	if s.err != nil {
		src.Close()
		return nil, s.err
	}
	return s, nil
}

// advance reads the next job of the trace.
func (s *traceSource) advance() {
	j, err := s.src.Next()
	switch {
	case err == io.EOF:
		s.hasNext = false
	case err != nil:
		s.hasNext, s.err = false, fmt.Errorf("%w: trace %q: %v", ErrInput, s.cfg.Name, err)
	case j.SubmitUS < s.last:
		s.hasNext, s.err = false, fmt.Errorf("%w: trace %q: job %q submitted at %d µs, before the previous job (%d µs)", ErrInput, s.cfg.Name, j.ID, j.SubmitUS, s.last)
	default:
		if err := j.Validate(); err != nil {
			s.hasNext, s.err = false, fmt.Errorf("%w: trace %q: %v", ErrInput, s.cfg.Name, err)
			return
		}
		s.next, s.hasNext, s.last = j, true, j.SubmitUS
	}
}

func (s *traceSource) first() sim.Time {
	if !s.hasNext {
		return -1
	}
	return sim.Time(s.next.SubmitUS)
}

func (s *traceSource) nextAfter(sim.Time) (sim.Time, error) {
	if s.err != nil {
		return -1, s.err
	}
	if !s.hasNext {
		return -1, nil
	}
	return sim.Time(s.next.SubmitUS), nil
}

func (s *traceSource) draw(now sim.Time, id int64, _ *[]sim.Time, _ bool) jobSpec {
	js := specOf(&s.next, now, id, s.idx)
	s.generated++
	s.advance()
	return js
}

func (s *traceSource) close() error { return s.src.Close() }

// specOf turns a validated trace job into a job spec.
func specOf(j *trace.Job, now sim.Time, id int64, src int32) jobSpec {
	js := jobSpec{id: id, source: src, tenant: j.Tenant, priority: j.Priority, submit: now, deadline: -1, traceJob: j.ID}
	if len(j.Tasks) == 1 && len(j.Tasks[0].Parents) == 0 {
		t := &j.Tasks[0]
		rt := sim.Time(t.RuntimeUS)
		js.ntasks, js.demand, js.runtime0, js.maxRuntime, js.uniform, js.gang = t.Instances, demandOf(t), rt, rt, true, j.Gang
		js.estimate, js.traceTask = estimateOf(t), t.Name
		return js
	}
	js.stages = make([]stageSpec, len(j.Tasks))
	var total int64
	for i := range j.Tasks {
		t := &j.Tasks[i]
		d := demandOf(t)
		ps := slices.Clone(t.Parents)
		slices.Sort(ps)
		js.stages[i] = stageSpec{name: t.Name, count: t.Instances, demand: d, runtime: sim.Time(t.RuntimeUS),
			estimate: estimateOf(t), parents: slices.Compact(ps)}
		js.demand = models.Resources{CPU: max(js.demand.CPU, d.CPU), Mem: max(js.demand.Mem, d.Mem), GPU: max(js.demand.GPU, d.GPU)}
		total += int64(t.Instances)
	}
	js.ntasks = int32(min(total, math.MaxInt32))
	// The job's run time on an empty cluster is its longest dependency chain.
	order, _ := j.TopoOrder()
	finish := make([]sim.Time, len(j.Tasks))
	for _, i := range order {
		var ready sim.Time
		for _, p := range j.Tasks[i].Parents {
			ready = max(ready, finish[p])
		}
		finish[i] = ready + sim.Time(j.Tasks[i].RuntimeUS)
		js.maxRuntime = max(js.maxRuntime, finish[i])
	}
	js.runtime0, js.uniform = js.stages[0].runtime, true
	return js
}

func demandOf(t *trace.Task) models.Resources {
	return models.Resources{CPU: t.CPUMilli, Mem: t.MemBytes, GPU: t.GPUs}
}

func estimateOf(t *trace.Task) sim.Time {
	if t.RequestedUS > 0 {
		return sim.Time(t.RequestedUS)
	}
	return sim.Time(t.RuntimeUS)
}
