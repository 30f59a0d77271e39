package google2019

import (
	"cmp"
	"io"
	"slices"
)

// Attempt is one attempt of an instance: the span from a SUBMIT (or an orphan QUEUE,
// ENABLE or SCHEDULE) to the terminal event that ends it. Times are µs; −1 means unknown
// (SubmitUS of an orphan, ScheduleUS of an attempt never scheduled, EndUS of an attempt
// still open at the end of the input). EndType is a terminal EventType, −1 when
// unfinished. MachineID is 0 (NO_MACHINE) when never given. CPUs and Memory are the
// normalised request, −1 when never given. CollectionType and SchedulingClass are −1 when
// never given; Priority is 0 with HasPriority false when never given. Events counts the events that made the
// attempt (its opening and terminal events included); Line is the line of the first.
type Attempt struct {
	CollectionID                int64
	InstanceIndex               int32
	CollectionType              int8
	SchedulingClass             int8
	SubmitUS, ScheduleUS, EndUS int64
	EndType                     EventType
	MachineID                   int64
	Priority                    int32
	HasPriority                 bool
	CPUs, Memory                float64
	Events                      int64
	Line                        int
}

// Stats accounts for every event seen by Assemble (see the package doc).
type Stats struct {
	Events             int64                // events read
	EventsByType       [NumEventTypes]int64 // events read, by type
	Opened             int64                // attempts opened (SUBMIT + orphan QUEUE, ENABLE, SCHEDULE)
	Attempts           int64                // attempts emitted (closed + unfinished)
	ByEndType          [NumEventTypes]int64 // closed attempts emitted, by terminal type
	Unfinished         int64                // attempts emitted at EOF with EndUS = −1
	Orphans            int64                // events that referred to no open attempt
	OrphansByType      [NumEventTypes]int64 // orphans, by event type
	Dropped            int64                // orphan terminal and UPDATE events: part of no attempt
	Updates            int64                // UPDATE_* events applied to an open attempt
	DuplicateSubmits   int64                // SUBMIT while an attempt was open (ignored)
	DuplicateSchedules int64                // SCHEDULE while already running (ignored)
	LateQueues         int64                // QUEUE or ENABLE while running (ignored)
	MaxOpen            int                  // largest number of simultaneously open attempts
}

type instanceKey struct {
	collection int64
	index      int32
}

// Assemble reads r to the end and calls emit for every instance attempt, following the
// rules in the package doc. It stops at the first error from r or from emit, returning the
// statistics so far. It does not close r.
func Assemble(r *InstanceEventReader, emit func(Attempt) error) (Stats, error) {
	return AssembleEvents(r.Next, emit)
}

// AssembleEvents is Assemble over any stream of events in time order (several files read
// one after another, say); next returns io.EOF at the end.
func AssembleEvents(next func() (InstanceEvent, error), emit func(Attempt) error) (Stats, error) {
	var st Stats
	open := make(map[instanceKey]*Attempt)
	for {
		e, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return st, err
		}
		st.Events++
		st.EventsByType[e.Type]++
		k := instanceKey{e.CollectionID, e.InstanceIndex}
		a := open[k]
		if a == nil {
			switch e.Type {
			case EventSubmit, EventQueue, EventEnable, EventSchedule:
				a = &Attempt{CollectionID: e.CollectionID, InstanceIndex: e.InstanceIndex, CollectionType: -1,
					SchedulingClass: -1, SubmitUS: -1, ScheduleUS: -1, EndUS: -1, EndType: -1, CPUs: -1, Memory: -1,
					Line: e.Line}
				open[k] = a
				st.Opened++
				st.MaxOpen = max(st.MaxOpen, len(open))
				if e.Type == EventSubmit {
					a.SubmitUS = e.TimeUS
				} else {
					st.Orphans++
					st.OrphansByType[e.Type]++
				}
			default: // terminal or update: nothing to apply it to
				st.Orphans++
				st.OrphansByType[e.Type]++
				st.Dropped++
				continue
			}
		} else {
			switch e.Type {
			case EventSubmit:
				st.DuplicateSubmits++
			case EventQueue, EventEnable:
				if a.ScheduleUS >= 0 {
					st.LateQueues++
				}
			case EventSchedule:
				if a.ScheduleUS >= 0 {
					st.DuplicateSchedules++
				}
			case EventUpdatePending, EventUpdateRunning:
				st.Updates++
				if e.Request.HasCPUs {
					a.CPUs = e.Request.CPUs
				}
				if e.Request.HasMemory {
					a.Memory = e.Request.Memory
				}
				if e.HasPriority {
					a.Priority, a.HasPriority = e.Priority, true
				}
				if e.SchedulingClass >= 0 {
					a.SchedulingClass = e.SchedulingClass
				}
			}
		}
		a.Events++
		fill(a, &e)
		if e.Type == EventSchedule && a.ScheduleUS < 0 {
			a.ScheduleUS = e.TimeUS
			if e.MachineID != 0 {
				a.MachineID = e.MachineID
			}
		}
		if e.Type.Terminal() {
			a.EndUS, a.EndType = e.TimeUS, e.Type
			if a.MachineID == 0 {
				a.MachineID = e.MachineID
			}
			delete(open, k)
			st.Attempts++
			st.ByEndType[e.Type]++
			if err := emit(*a); err != nil {
				return st, err
			}
		}
	}
	rest := make([]*Attempt, 0, len(open))
	for _, a := range open {
		rest = append(rest, a)
	}
	slices.SortFunc(rest, func(a, b *Attempt) int {
		return cmp.Or(cmp.Compare(a.CollectionID, b.CollectionID), cmp.Compare(a.InstanceIndex, b.InstanceIndex))
	})
	for _, a := range rest {
		st.Attempts++
		st.Unfinished++
		if err := emit(*a); err != nil {
			return st, err
		}
	}
	return st, nil
}

// fill sets the fields of a still unknown from e.
func fill(a *Attempt, e *InstanceEvent) {
	if a.CPUs < 0 && e.Request.HasCPUs {
		a.CPUs = e.Request.CPUs
	}
	if a.Memory < 0 && e.Request.HasMemory {
		a.Memory = e.Request.Memory
	}
	if a.CollectionType < 0 {
		a.CollectionType = e.CollectionType
	}
	if a.SchedulingClass < 0 {
		a.SchedulingClass = e.SchedulingClass
	}
	if !a.HasPriority && e.HasPriority {
		a.Priority, a.HasPriority = e.Priority, true
	}
}
