package policy

import (
	"container/heap"

	"github.com/dcsim/dcsim/models"
)

func init() { RegisterQueue("drf", func() Queue { return &DRF{} }) }

// UsageAware is implemented by queue disciplines that need to know what runs: the simulator
// calls SetCapacity once with the cluster's total capacity, Started when a task it handed out
// starts (after PopFront), and Ended when a task ends or is killed.
type UsageAware interface {
	SetCapacity(total models.Resources)
	Started(e Entry)
	Ended(tenant int32, d models.Resources)
}

// DRF is dominant resource fairness across tenants (Ghodsi et al., "Dominant Resource Fairness:
// Fair Allocation of Multiple Resource Types", NSDI 2011): the next task is the oldest waiting
// task of the tenant whose dominant share — its largest share, over CPU, memory and GPUs, of
// the cluster's capacity held by its running tasks — is the smallest (ties: the tenant whose
// oldest task came first). Within a tenant, FCFS. A task that does not fit blocks the queue, as
// in FCFS. Push, Front and PopFront are O(log T) for T tenants with waiting tasks.
type DRF struct {
	cap     models.Resources
	tenants map[int32]*drfTenant
	h       drfHeap // tenants with waiting tasks
	seq     int64
}

type drfTenant struct {
	id    int32
	used  models.Resources
	share float64
	fifo  []drfEntry // waiting, oldest first
	head  int
	pos   int // in the heap, -1 if not there
}

type drfEntry struct {
	e   Entry
	seq int64
}

// SetCapacity sets the cluster's total capacity (the denominators of the shares).
func (q *DRF) SetCapacity(total models.Resources) { q.cap = total }

func (q *DRF) tenant(id int32) *drfTenant {
	if q.tenants == nil {
		q.tenants = map[int32]*drfTenant{}
	}
	t := q.tenants[id]
	if t == nil {
		t = &drfTenant{id: id, pos: -1}
		q.tenants[id] = t
	}
	return t
}

// dominant is the largest of the tenant's shares of CPU, memory and GPUs.
func (q *DRF) dominant(u models.Resources) float64 {
	s := 0.0
	if q.cap.CPU > 0 {
		s = max(s, float64(u.CPU)/float64(q.cap.CPU))
	}
	if q.cap.Mem > 0 {
		s = max(s, float64(u.Mem)/float64(q.cap.Mem))
	}
	if q.cap.GPU > 0 {
		s = max(s, float64(u.GPU)/float64(q.cap.GPU))
	}
	return s
}

// Push queues e behind its tenant's other waiting tasks.
func (q *DRF) Push(e Entry) {
	t := q.tenant(e.Tenant)
	q.seq++
	t.fifo = append(t.fifo, drfEntry{e, q.seq})
	if t.pos < 0 {
		heap.Push(&q.h, t)
	}
}

// Front returns the oldest waiting task of the tenant with the smallest dominant share.
func (q *DRF) Front() (Entry, bool) {
	if len(q.h) == 0 {
		return Entry{}, false
	}
	t := q.h[0]
	return t.fifo[t.head].e, true
}

// PopFront removes the front task (it starts; Started accounts for its resources).
func (q *DRF) PopFront() {
	t := q.h[0]
	t.fifo[t.head] = drfEntry{}
	t.head++
	if t.head == len(t.fifo) {
		t.fifo, t.head = t.fifo[:0], 0
		heap.Remove(&q.h, t.pos)
		return
	}
	heap.Fix(&q.h, t.pos)
}

// Started adds a started task's demand to its tenant's usage.
func (q *DRF) Started(e Entry) { q.use(e.Tenant, e.Demand, 1) }

// Ended removes an ended (or killed) task's demand from its tenant's usage.
func (q *DRF) Ended(tenant int32, d models.Resources) { q.use(tenant, d, -1) }

func (q *DRF) use(id int32, d models.Resources, sign int64) {
	t := q.tenant(id)
	t.used = models.Resources{CPU: t.used.CPU + sign*d.CPU, Mem: t.used.Mem + sign*d.Mem, GPU: t.used.GPU + sign*d.GPU}
	t.share = q.dominant(t.used)
	if t.pos >= 0 {
		heap.Fix(&q.h, t.pos)
	}
}

// Len is the number of waiting tasks.
func (q *DRF) Len() int {
	n := 0
	for _, t := range q.h {
		n += len(t.fifo) - t.head
	}
	return n
}

type drfHeap []*drfTenant

func (h drfHeap) Len() int { return len(h) }
func (h drfHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.share != b.share {
		return a.share < b.share
	}
	return a.fifo[a.head].seq < b.fifo[b.head].seq
}
func (h drfHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].pos, h[j].pos = i, j
}
func (h *drfHeap) Push(x any) {
	t := x.(*drfTenant)
	t.pos = len(*h)
	*h = append(*h, t)
}
func (h *drfHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	t.pos = -1
	return t
}
