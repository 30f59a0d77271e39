package dc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/workload"
	"github.com/dcsim/dcsim/sim"
)

// source is a synthetic job source with its own random streams. It belongs to exactly one
// partition (the cell of a single-cluster run, or a fleet's router), which alone draws from it.
type source struct {
	Source
	idx                                  int32
	arr                                  *workload.Arrivals
	tasks, cpu, mem, gpus, runtime, prio *workload.Sampler
	in, out                              *workload.Sampler // nil when the source moves no data
	tenantRNG                            *rand.Rand
	generated                            int64
}

func newSource(seed uint64, idx int, src Source) (*source, error) {
	ss := &source{Source: src, idx: int32(idx)}
	stream := func(what string) rand.Source { return sim.NewStream(seed, "source/"+src.Name+"/"+what) }
	var err error
	if ss.arr, err = workload.NewArrivals(src.Arrivals, stream("arrivals")); err != nil {
		return nil, fmt.Errorf("source %q: arrivals: %w", src.Name, err)
	}
	for _, d := range []struct {
		name string
		spec workload.DistSpec
		dst  **workload.Sampler
	}{{"tasks_per_job", orConst(src.TasksPerJob, 1), &ss.tasks}, {"cpu_cores", src.CPUCores, &ss.cpu},
		{"memory_gib", orConst(src.MemoryGiB, 0), &ss.mem}, {"gpus", orConst(src.GPUs, 0), &ss.gpus},
		{"runtime_s", src.RuntimeS, &ss.runtime}, {"priority", orConst(src.Priority, 0), &ss.prio}} {
		if *d.dst, err = workload.NewSampler(d.spec, stream(d.name)); err != nil {
			return nil, fmt.Errorf("source %q: %s: %w", src.Name, d.name, err)
		}
	}
	for _, d := range []struct {
		name string
		spec workload.DistSpec
		dst  **workload.Sampler
	}{{"input_gib", src.InputGiB, &ss.in}, {"output_gib", src.OutputGiB, &ss.out}} {
		if d.spec.Dist == "" || d.spec.Dist == "constant" && d.spec.Value == 0 {
			continue
		}
		if *d.dst, err = workload.NewSampler(d.spec, stream(d.name)); err != nil {
			return nil, fmt.Errorf("source %q: %s: %w", src.Name, d.name, err)
		}
	}
	if len(ss.Tenants) == 0 {
		ss.Tenants = []string{"default"}
	}
	ss.tenantRNG = rand.New(stream("tenant"))
	return ss, nil
}

// orConst returns d, or a constant distribution of v when d is unset.
func orConst(d workload.DistSpec, v float64) workload.DistSpec {
	if d.Dist == "" {
		return workload.DistSpec{Dist: "constant", Value: v}
	}
	return d
}

// first returns the time of the source's first arrival, or -1 if it has none.
func (s *source) first() sim.Time { t, _ := s.nextAfter(s.Start); return t }

// nextAfter returns the next arrival time after now, or -1.
func (s *source) nextAfter(now sim.Time) (sim.Time, error) {
	t := s.arr.Next(int64(now))
	if s.Jobs > 0 && s.generated >= s.Jobs || s.Until > 0 && sim.Time(t) >= s.Until || t < 0 || t >= int64(sim.MaxTime) {
		return -1, nil
	}
	return sim.Time(t), nil
}

// jobSource is a partition's source of jobs: a synthetic generator or a trace replay. It is
// called once per job (not per event).
type jobSource interface {
	// first is the time of the first arrival, -1 if none.
	first() sim.Time
	// draw returns the job arriving now.
	draw(now sim.Time, id int64, scratch *[]sim.Time, own bool) jobSpec
	// nextAfter is the time of the next arrival after the one just drawn, -1 if none.
	nextAfter(now sim.Time) (sim.Time, error)
}

// jobSpec is a freshly drawn job, before it reaches a cell.
type jobSpec struct {
	id         int64
	source     int32
	tenant     string
	priority   int32
	ntasks     int32
	demand     models.Resources // per task
	submit     sim.Time
	deadline   sim.Time // -1 if none
	maxRuntime sim.Time
	runtime0   sim.Time    // first task's run time
	more       []sim.Time  // run times of tasks 1..ntasks-1 (nil for single-task jobs and uniform ones)
	uniform    bool        // every task runs runtime0
	gang       bool        // all tasks must start together (a rigid parallel job)
	estimate   sim.Time    // user's run-time estimate of the tasks (0: their run time)
	traceJob   string      // the trace's job id ("" for synthetic jobs)
	traceTask  string      // the trace's task name of a single-task job
	stages     []stageSpec // a DAG job's tasks (nil otherwise); demand is then the largest stage's
	service    int32       // service index + 1 for a service's replicas, 0 for batch jobs
	pool       int32       // storage pool of its transfers
	inBytes    float64     // per task, read before it runs
	outBytes   float64     // per task, written after it runs
	maxDelay   sim.Time    // deferrable jobs: how long a shifting policy may hold it after submit (0: not deferrable)
	shiftEst   sim.Time    // deferrable jobs: the run-time estimate shifting plans with
}

// stageSpec is one task of a DAG job: count identical instances, enqueued when the parent stages
// have all finished.
type stageSpec struct {
	name     string
	count    int32
	demand   models.Resources
	runtime  sim.Time
	estimate sim.Time
	parents  []int32 // sorted, distinct
}

// cpuTotal is the job's CPU demand over all its tasks, millicores.
func (j *jobSpec) cpuTotal() int64 {
	if j.stages == nil {
		return j.demand.CPU * int64(j.ntasks)
	}
	var n int64
	for i := range j.stages {
		n += j.stages[i].demand.CPU * int64(j.stages[i].count)
	}
	return n
}

func (j *jobSpec) runtime(k int32) sim.Time {
	if k == 0 || j.uniform {
		return j.runtime0
	}
	return j.more[k-1]
}

// draw draws the job arriving now. Each quantity has its own stream, so changing one
// distribution does not change the others' samples. scratch is reused for the run times of
// multi-task jobs unless own is set (the spec then owns a fresh slice, e.g. to travel in a
// message).
func (s *source) draw(now sim.Time, id int64, scratch *[]sim.Time, own bool) jobSpec {
	s.generated++
	ntasks := int32(max(1, math.Min(math.Round(s.tasks.Sample()), 1<<20)))
	j := jobSpec{id: id, source: s.idx, ntasks: ntasks, submit: now, deadline: -1,
		demand: models.Resources{
			CPU: max(1, clampInt(math.Round(s.cpu.Sample()*1000))),
			Mem: max(0, clampInt(math.Round(s.mem.Sample()*(1<<30)))),
			GPU: max(0, clampInt(math.Round(s.gpus.Sample()))),
		},
		priority: int32(clampInt(math.Round(s.prio.Sample()))),
	}
	j.tenant = s.Tenants[0]
	if len(s.Tenants) > 1 {
		j.tenant = s.Tenants[s.tenantRNG.IntN(len(s.Tenants))]
	}
	var more []sim.Time
	if ntasks > 1 {
		if own {
			more = make([]sim.Time, 0, ntasks-1)
		} else {
			more = (*scratch)[:0]
		}
	}
	for k := int32(0); k < ntasks; k++ {
		rt := sim.Time(max(1, clampInt(math.Round(s.runtime.Sample()*1e6))))
		j.maxRuntime = max(j.maxRuntime, rt)
		if k == 0 {
			j.runtime0 = rt
		} else {
			more = append(more, rt)
		}
	}
	if ntasks > 1 {
		j.more = more
		if !own {
			*scratch = more
		}
	}
	if s.in != nil {
		j.inBytes = math.Max(0, s.in.Sample()) * (1 << 30)
	}
	if s.out != nil {
		j.outBytes = math.Max(0, s.out.Sample()) * (1 << 30)
	}
	j.pool = s.Pool
	if s.DeadlineX > 0 {
		j.deadline = now + sim.Time(math.Min(s.DeadlineX*float64(j.maxRuntime), float64(sim.MaxTime-now)))
	}
	return j
}

func clampInt(x float64) int64 {
	const lim = 1 << 62
	if x > lim {
		return lim
	}
	if x < -lim || x != x {
		return -lim
	}
	return int64(x)
}
