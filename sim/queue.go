package sim

// Event is a small value struct: no pointers, so the queue holds no GC-scanned memory and
// scheduling allocates nothing. Kind, A and B are the model's to define (typically Kind selects
// the handler in a switch and A/B index the entity concerned).
type Event struct {
	Time Time   // when the event fires
	seq  uint64 // insertion sequence: breaks ties at equal Time deterministically (FIFO)
	Kind uint32
	A    int32
	B    int64
}

// ID identifies a scheduled event for cancellation.
func (e Event) ID() EventID { return EventID(e.seq) }

// EventID identifies a scheduled event; see Engine.Cancel.
type EventID uint64

// before is the strict total order of events: by time, then by insertion sequence.
// Sequence numbers are unique per engine, so no two events compare equal.
func before(a, b *Event) bool {
	return a.Time < b.Time || (a.Time == b.Time && a.seq < b.seq)
}
