package alibaba2018

import (
	"container/heap"
	"fmt"
	"io"
)

// StatusTerminated is the status of a task that finished.
const StatusTerminated = "Terminated"

// Task is one task of a Job, built from one batch_task row.
type Task struct {
	Name        string
	Kind        byte  // DAG letter ('M', 'R', 'J', ...); 0 when Independent
	ID          int   // task id within the job; -1 when Independent
	Parents     []int // ids of the tasks that must finish first
	Independent bool  // name carries no DAG information
	Truncated   bool  // name was cut at MaxTaskNameLen; Parents may be incomplete
	Instances   int64 // instance_num; -1 when empty
	PlanCPU     float64
	PlanMem     float64
	StartS      int64 // 0 = not started
	EndS        int64 // 0 = not ended
	Status      string
	Type        string // task_type
	Line        int    // line of the row in the file
}

// Job is the set of batch_task rows with one job_name, in file order.
type Job struct {
	Name  string
	Tasks []Task
	Line  int // line of the job's first row
}

// Stats accounts for everything Jobs read.
type Stats struct {
	Rows           int64 // batch_task rows read
	Jobs           int64 // jobs emitted
	Tasks          int64 // tasks in emitted jobs
	MaxTasks       int   // largest job, in tasks
	Independent    int64 // tasks with no DAG information
	Truncated      int64 // tasks whose name was cut at MaxTaskNameLen
	NotTerminated  int64 // tasks whose status is not "Terminated"
	MissingParents int64 // tasks naming at least one parent id absent from the job
	DuplicateIDs   int64 // tasks whose id is used by an earlier task of the job
	CyclicJobs     int64 // jobs whose dependencies have a cycle
	InvalidJobs    int64 // jobs for which Validate fails (any of the three above)
}

// Jobs reads r to the end and calls emit once per job, in file order.
//
// The input must be grouped by job_name: all rows of a job on consecutive
// lines (true of the sample and of the trace's batch_task table, which is
// sorted by job). A job is emitted as soon as a row of another job, or EOF,
// ends it, so memory holds one job plus the set of job names already seen; a
// job name that reappears after its job ended is an error naming the line,
// never a silently split job. Jobs are emitted whether or not they validate;
// invalid ones are counted in Stats and emit may call Validate.
//
// Jobs stops at the first error from r (a *ParseError) or from emit and
// returns the statistics so far. It does not close r.
func Jobs(r *BatchTaskReader, emit func(Job) error) (Stats, error) {
	var st Stats
	ended := map[string]int{} // job name -> line of its last row
	var cur Job
	lastLine := 0
	flush := func() error {
		if cur.Name == "" {
			return nil
		}
		ended[cur.Name] = lastLine
		c := cur.check()
		st.Jobs++
		st.Tasks += int64(len(cur.Tasks))
		st.MaxTasks = max(st.MaxTasks, len(cur.Tasks))
		st.MissingParents += int64(c.missing)
		st.DuplicateIDs += int64(c.dups)
		if c.cyclic {
			st.CyclicJobs++
		}
		if c.err != nil {
			st.InvalidJobs++
		}
		j := cur
		cur = Job{}
		return emit(j)
	}
	for {
		t, err := r.Next()
		if err == io.EOF {
			return st, flush()
		}
		if err != nil {
			return st, err
		}
		st.Rows++
		if t.JobName != cur.Name {
			if err := flush(); err != nil {
				return st, err
			}
			if prev, ok := ended[t.JobName]; ok {
				return st, r.lr.Fail(3, fmt.Sprintf("job %q reappears after its rows ended at line %d (rows must be grouped by job)", t.JobName, prev))
			}
			cur = Job{Name: t.JobName, Line: t.Line}
		}
		lastLine = t.Line
		if t.DAG.Independent {
			st.Independent++
		}
		if t.DAG.Truncated {
			st.Truncated++
		}
		if t.Status != StatusTerminated {
			st.NotTerminated++
		}
		cur.Tasks = append(cur.Tasks, Task{
			Name: t.TaskName, Kind: t.DAG.Kind, ID: t.DAG.ID, Parents: t.DAG.Parents,
			Independent: t.DAG.Independent, Truncated: t.DAG.Truncated,
			Instances: t.InstanceNum, PlanCPU: t.PlanCPU, PlanMem: t.PlanMem,
			StartS: t.StartTimeS, EndS: t.EndTimeS, Status: t.Status, Type: t.TaskType, Line: t.Line,
		})
	}
}

// checkResult is what check finds in a job.
type checkResult struct {
	missing int   // tasks with a missing parent
	dups    int   // tasks reusing an id
	cyclic  bool  // the dependency graph has a cycle
	order   []int // topological order (indexes into Tasks); nil when cyclic
	err     error // first problem, as Validate reports it
}

func (j *Job) taskRef(i int) string {
	t := &j.Tasks[i]
	if t.Line > 0 {
		return fmt.Sprintf("task %q (line %d)", t.Name, t.Line)
	}
	return fmt.Sprintf("task %q", t.Name)
}

// check indexes the tasks by id (the first task with an id wins), finds
// missing parents and duplicate ids, and sorts the tasks topologically with
// Kahn's algorithm, always taking the ready task of lowest index.
func (j *Job) check() checkResult {
	var c checkResult
	n := len(j.Tasks)
	byID := make(map[int]int, n)
	for i := range j.Tasks {
		t := &j.Tasks[i]
		if t.Independent {
			continue
		}
		if first, ok := byID[t.ID]; ok {
			c.dups++
			if c.err == nil {
				c.err = fmt.Errorf("job %s: %s: duplicate task id %d (also %s)", j.Name, j.taskRef(i), t.ID, j.taskRef(first))
			}
			continue
		}
		byID[t.ID] = i
	}
	indeg := make([]int, n)
	children := make([][]int, n)
	for i := range j.Tasks {
		miss := false
		for _, p := range j.Tasks[i].Parents {
			pi, ok := byID[p]
			if !ok {
				if !miss && c.err == nil {
					c.err = fmt.Errorf("job %s: %s: parent %d does not exist in the job", j.Name, j.taskRef(i), p)
				}
				miss = true
				continue
			}
			indeg[i]++
			children[pi] = append(children[pi], i)
		}
		if miss {
			c.missing++
		}
	}
	ready := make(intHeap, 0, n)
	for i := range indeg {
		if indeg[i] == 0 {
			ready = append(ready, i)
		}
	}
	heap.Init(&ready)
	order := make([]int, 0, n)
	for len(ready) > 0 {
		i := heap.Pop(&ready).(int)
		order = append(order, i)
		for _, ch := range children[i] {
			if indeg[ch]--; indeg[ch] == 0 {
				heap.Push(&ready, ch)
			}
		}
	}
	if len(order) == n {
		c.order = order
		return c
	}
	c.cyclic = true
	if c.err == nil {
		// Walk up from the first unsorted task through unsorted parents until a
		// task repeats: that task lies on a cycle.
		i := 0
		for indeg[i] == 0 {
			i++
		}
		seen := make([]bool, n)
		for !seen[i] {
			seen[i] = true
			for _, p := range j.Tasks[i].Parents {
				if pi, ok := byID[p]; ok && indeg[pi] > 0 {
					i = pi
					break
				}
			}
		}
		c.err = fmt.Errorf("job %s: dependency cycle through %s", j.Name, j.taskRef(i))
	}
	return c
}

// Validate checks that task ids are unique within the job, that every parent
// id names a task of the job, and that the dependencies have no cycle. The
// error names the job and a task (with its line).
func (j *Job) Validate() error { return j.check().err }

// TopoOrder returns the indexes of j.Tasks in an order where every task comes
// after its parents. It is deterministic: among the tasks whose parents are
// all placed, the one earliest in the file comes first. Parent ids that name
// no task of the job are ignored. It returns nil when the dependencies have a
// cycle (see Validate).
func (j *Job) TopoOrder() []int { return j.check().order }

// intHeap is a min-heap of task indexes.
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(a, b int) bool { return h[a] < h[b] }
func (h intHeap) Swap(a, b int)      { h[a], h[b] = h[b], h[a] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
