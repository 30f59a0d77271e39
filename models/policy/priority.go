package policy

import "container/heap"

func init() { RegisterQueue("priority", func() Queue { return &Priority{} }) }

// Priority serves the waiting task of highest priority first (ties: earlier submit, lower job
// id and task index: FCFS within a priority). With scheduler.preemption the simulator may evict
// lower-priority running tasks to make room for the front task. Push and PopFront are O(log n).
type Priority struct{ h prioHeap }

type prioHeap []Entry

func (h prioHeap) Len() int { return len(h) }
func (h prioHeap) Less(i, j int) bool {
	a, b := &h[i], &h[j]
	switch {
	case a.Priority != b.Priority:
		return a.Priority > b.Priority
	case a.Submit != b.Submit:
		return a.Submit < b.Submit
	case a.Job != b.Job:
		return a.Job < b.Job
	}
	return a.Index < b.Index
}
func (h prioHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *prioHeap) Push(x any)   { *h = append(*h, x.(Entry)) }
func (h *prioHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// Push adds e.
func (q *Priority) Push(e Entry) { heap.Push(&q.h, e) }

// Front returns the waiting entry of highest priority.
func (q *Priority) Front() (Entry, bool) {
	if len(q.h) == 0 {
		return Entry{}, false
	}
	return q.h[0], true
}

// PopFront removes the front entry.
func (q *Priority) PopFront() { heap.Pop(&q.h) }

// Len is the number of waiting entries.
func (q *Priority) Len() int { return len(q.h) }
