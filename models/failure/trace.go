package failure

import (
	"io"

	"github.com/dcsim/dcsim/sim"
)

// TraceRecord is one recorded change of a machine's presence: at Time the machine with index
// Host was removed (Removed) or added back (!Removed). A caller replaying the Google cluster
// trace 2011 maps machine_events REMOVE (type 1) to Removed = true and ADD (type 0) to
// Removed = false, machine IDs to dense host indices, and drops UPDATE (type 2); this package
// reads no trace format itself.
type TraceRecord struct {
	Time    sim.Time
	Host    int32
	Removed bool
}

// TraceSource yields trace records in non-decreasing time order. Next returns io.EOF after the
// last record; any other error stops the Process, which reports it from Err.
type TraceSource interface {
	Next() (TraceRecord, error)
}

// SliceTrace returns a TraceSource reading recs in order. recs is not copied.
func SliceTrace(recs []TraceRecord) TraceSource { return &sliceTrace{recs: recs} }

type sliceTrace struct {
	recs []TraceRecord
	i    int
}

func (s *sliceTrace) Next() (TraceRecord, error) {
	if s.i >= len(s.recs) {
		return TraceRecord{}, io.EOF
	}
	r := s.recs[s.i]
	s.i++
	return r, nil
}
