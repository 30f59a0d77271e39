package swf

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/dcsim/dcsim/models/trace"
)

// DefaultUnits are the units of an SWF replay unless a scenario says otherwise: one processor
// is one core, and jobs declare no memory (SWF's requested_memory is mostly -1).
var DefaultUnits = trace.Units{CPUMilliPerUnit: 1000, MemBytesPerUnit: 0}

// Skip reasons of an SWF source.
const (
	SkipNoSize    = "processors unknown (allocated and requested both -1 or 0)"
	SkipNoRuntime = "run time unknown (-1)"
	SkipBadLine   = "malformed line"
	NoteTooLarge  = "jobs larger than MaxProcs (kept; a replay rejects them if they fit no cluster)"
	NoteZeroRun   = "jobs with run time 0 (replayed as 1 µs)"
)

// Source is an SWF file as a trace.Source: each job is one gang task of Procs instances (one
// processor each) with the logged run time and the user's requested time as estimate; the
// tenant is "user<user_id>" ("" when the user is -1).
type Source struct {
	r       *Reader
	closer  io.Closer
	units   trace.Units
	rep     trace.Report
	zeroRun int64
	users   map[int]string
}

// NewSource opens the SWF file at path (plain or gzip). Units' zero fields default to
// DefaultUnits; skipBad skips and counts malformed lines instead of failing.
func NewSource(path string, units trace.Units, skipBad bool) (*Source, error) {
	r, c, err := Open(path)
	if err != nil {
		return nil, err
	}
	s := SourceOf(r, units, skipBad)
	s.closer = c
	return s, nil
}

// SourceOf wraps an open Reader.
func SourceOf(r *Reader, units trace.Units, skipBad bool) *Source {
	if skipBad {
		r.SkipBad()
	}
	return &Source{r: r, units: units.Or(DefaultUnits), rep: trace.NewReport("swf"), users: map[int]string{}}
}

// Header is the file's header.
func (s *Source) Header() Header { return s.r.Header() }

// Next returns the next job.
func (s *Source) Next() (trace.Job, error) {
	j, err := s.r.Next()
	if err != nil {
		if err != io.EOF {
			err = fmt.Errorf("%w: %v", trace.ErrBadInput, err)
		}
		return trace.Job{}, err
	}
	rt := int64(math.Round(j.RunS * 1e6))
	if rt <= 0 {
		rt = 1
		s.zeroRun++
	}
	req := int64(-1)
	if j.ReqTimeS >= 0 {
		req = max(1, int64(math.Round(j.ReqTimeS*1e6)))
	}
	tenant, ok := s.users[j.User]
	if !ok {
		if j.User >= 0 {
			tenant = "user" + strconv.Itoa(j.User)
		}
		s.users[j.User] = tenant
	}
	job := trace.Job{ID: strconv.FormatInt(j.ID, 10), SubmitUS: int64(math.Round(j.SubmitS * 1e6)), Tenant: tenant,
		Gang: true, Line: int64(j.Line),
		Tasks: []trace.Task{{Instances: int32(min(j.Procs, math.MaxInt32)), CPUMilli: max(1, int64(math.Round(s.units.CPUMilliPerUnit))),
			MemBytes: int64(math.Round(s.units.MemBytesPerUnit)), RuntimeUS: rt, RequestedUS: req}}}
	s.rep.Add(&job)
	return job, nil
}

// Report accounts for every line read so far.
func (s *Source) Report() trace.Report {
	st := s.r.Stats()
	r := s.rep
	r.Skipped = append([]trace.Skip(nil), r.Skipped...)
	r.Records = st.Jobs + st.SkippedNoSize + st.SkippedNoRuntime + st.SkippedBad
	r.Skip(SkipNoSize, st.SkippedNoSize)
	r.Skip(SkipNoRuntime, st.SkippedNoRuntime)
	r.Skip(SkipBadLine, st.SkippedBad)
	r.Notes = nil
	r.Note(NoteTooLarge, st.TooLarge)
	r.Note(NoteZeroRun, s.zeroRun)
	return r
}

// Machines is the machine the header describes: MaxNodes nodes of MaxProcs/MaxNodes
// processors each, or MaxProcs one-processor nodes when MaxNodes is absent or does not divide
// MaxProcs; nil when MaxProcs is absent.
func (s *Source) Machines() []trace.Machine {
	h := s.r.Header()
	if h.MaxProcs <= 0 {
		return nil
	}
	nodes, per := h.MaxProcs, 1
	if h.MaxNodes > 0 && h.MaxProcs%h.MaxNodes == 0 {
		nodes, per = h.MaxNodes, h.MaxProcs/h.MaxNodes
	}
	ms := make([]trace.Machine, nodes)
	for i := range ms {
		ms[i] = trace.Machine{ID: "node" + strconv.Itoa(i), CPUMilli: int64(per) * max(1, int64(math.Round(s.units.CPUMilliPerUnit))),
			MemBytes: int64(per) * int64(math.Round(s.units.MemBytesPerUnit))}
	}
	return ms
}

// FirstBad is the first malformed line skipped, nil if none.
func (s *Source) FirstBad() error { return s.r.FirstBad() }

// Close closes the file.
func (s *Source) Close() error {
	if s.closer == nil {
		return nil
	}
	return s.closer.Close()
}
