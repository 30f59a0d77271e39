package policy

import "container/heap"

func init() { RegisterQueue("sjf", func() Queue { return &SJF{} }) }

// SJF is shortest-job-first: the waiting task with the smallest run-time Estimate goes first
// (ties: earlier submit, then lower job id and task index, so a job's tasks stay together and
// the order is total). Like FCFS it blocks on a head that does not fit. SJF minimises the mean
// wait of a single server among non-preemptive disciplines (Smith's rule; Kleinrock, Queueing
// Systems Vol. 2, §3.7), at the risk of starving long jobs. Push and PopFront are O(log n).
type SJF struct{ h sjfHeap }

type sjfHeap []Entry

func (h sjfHeap) Len() int { return len(h) }
func (h sjfHeap) Less(i, j int) bool {
	a, b := &h[i], &h[j]
	switch {
	case a.Estimate != b.Estimate:
		return a.Estimate < b.Estimate
	case a.Submit != b.Submit:
		return a.Submit < b.Submit
	case a.Job != b.Job:
		return a.Job < b.Job
	}
	return a.Index < b.Index
}
func (h sjfHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *sjfHeap) Push(x any)   { *h = append(*h, x.(Entry)) }
func (h *sjfHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// Push adds e.
func (q *SJF) Push(e Entry) { heap.Push(&q.h, e) }

// Front returns the entry with the smallest estimate.
func (q *SJF) Front() (Entry, bool) {
	if len(q.h) == 0 {
		return Entry{}, false
	}
	return q.h[0], true
}

// PopFront removes the front entry.
func (q *SJF) PopFront() { heap.Pop(&q.h) }

// Len is the number of waiting entries.
func (q *SJF) Len() int { return len(q.h) }
