package google2019

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"

	"github.com/dcsim/dcsim/models/trace"
)

// Format is the Report.Format of this package's Source.
const Format = "google2019"

// Default units: normalised 1.0 is assumed to be the largest machine of a 2019 cell, taken
// as 64 cores and 256 GiB. The trace does not publish these figures; a scenario overrides
// them through Options.Units.
const (
	DefaultCPUMilliPerUnit = 64_000
	DefaultMemBytesPerUnit = 256 << 30
)

// DefaultUnits returns the units that zero fields of Options.Units take.
func DefaultUnits() trace.Units {
	return trace.Units{CPUMilliPerUnit: DefaultCPUMilliPerUnit, MemBytesPerUnit: DefaultMemBytesPerUnit}
}

// Options configure NewSource.
type Options struct {
	// Units scale the normalised requests; zero fields take DefaultUnits.
	Units trace.Units
	// SkipBad counts a malformed instance_events line in the Report's Skipped (under
	// SkipBadLine) and goes on, instead of failing. An over-long line, a read error and
	// shards out of time order still fail.
	SkipBad bool
	// CollectionEvents is a collection_events file or folder (as for NewSource). When set,
	// each job's Tenant is its collection's user (the first non-empty one); instance_events
	// has no user field, so without it Tenant is "". NewSource on a folder uses the
	// collection_events files it holds when this is "". These lines are not part of the
	// Report, and a malformed one always fails.
	CollectionEvents string
}

// Skip reasons (in attempts, but SkipBadLine in lines) and notes of a Google 2019 source.
const (
	SkipAllocInstance  = "attempts of alloc instances (reservations, not work)"
	SkipNeverScheduled = "attempts never scheduled (no run time)"
	SkipPendingAtEnd   = "attempts still pending at the end of the input"
	SkipRunningAtEnd   = "attempts still running at the end of the input (no end time)"
	SkipBeforeTrace    = "attempts scheduled before the trace window (time 0: start unknown)"
	SkipAfterTrace     = "attempts ending after the trace window (time 2^63-1)"
	SkipNoCPU          = "attempts without a CPU request"
	SkipTooLarge       = "attempts whose scaled request is out of range"
	SkipBadLine        = "malformed lines"
	NoteOrphanEvents   = "events referring to no open attempt (their SUBMIT precedes the input)"
	NoteOrphanStarts   = "attempts whose SUBMIT precedes the input (submit = schedule time)"
	NoteSubmitAtZero   = "attempts submitted before the trace window (submit time 0 kept)"
	NoteNoMemory       = "attempts without a memory request (replayed with 0 bytes)"
	NoteZeroRun        = "attempts with run time 0 (replayed as 1 µs)"
	NoteEndTypePrefix  = "replayed attempts ending in "
)

// job is a replayable attempt, kept until the whole input has been read (56 bytes).
type job struct {
	submitUS, collection int64
	cpuMilli, memBytes   int64
	runtimeUS            int64
	line                 int64
	index, priority      int32
}

type source struct {
	name   string
	units  trace.Units
	events reader[InstanceEvent]
	coll   reader[CollectionEvent] // nil without users
	lines  bool                    // one file: jobs carry their line
	users  map[int64]string
	rep    trace.Report
	st     Stats // of the assembly
	jobs   []job
	pos    int
	loaded bool
	err    error
	closed bool
	// Counts for the report.
	malformed, orphanStarts, atZero, noMem, zeroRun int64
	ends                                            [NumEventTypes]int64
}

// NewSource returns a trace.Source of the instance events at path: an instance_events file
// (gzip'd or plain JSON lines), or a folder holding one cell's export, whose instance_events
// shards (its instance_events/ subfolder, or its instance_events*.json[.gz] files) are read
// in name order as one stream, times non-decreasing across them.
//
// The first call to Next reads and assembles the whole input, so memory grows with it:
// about 100 bytes per replayable attempt (the jobs are held to be sorted), plus the
// attempts open at any one time, plus one user per collection when users are read. Export
// part of a cell (a time range, or a set of collection ids) to bound it.
func NewSource(path string, opt Options) (trace.Source, error) {
	u, err := checkUnits(opt.Units)
	if err != nil {
		return nil, err
	}
	files, err := tableFiles(path, "instance_events")
	if err != nil {
		return nil, err
	}
	if opt.CollectionEvents == "" && isDir(path) {
		if _, err := tableFiles(path, "collection_events"); err == nil {
			opt.CollectionEvents = path
		}
	}
	events := newChain(files, func(p string) (reader[InstanceEvent], error) { return OpenInstanceEvents(p) },
		func(e *InstanceEvent) (int64, int) { return e.TimeUS, e.Line })
	return newSource(events, path, len(files) == 1, u, opt)
}

func isDir(p string) bool { fi, err := os.Stat(p); return err == nil && fi.IsDir() }

// NewSourceFrom is NewSource reading one instance_events stream from r (gzip'd or plain);
// name is used in error messages. Close does not close r.
func NewSourceFrom(r io.Reader, name string, opt Options) (trace.Source, error) {
	u, err := checkUnits(opt.Units)
	if err != nil {
		return nil, err
	}
	ir, err := NewInstanceEventReader(r, name)
	if err != nil {
		return nil, err
	}
	return newSource(ir, name, true, u, opt)
}

func newSource(events reader[InstanceEvent], name string, lines bool, u trace.Units, opt Options) (*source, error) {
	s := &source{name: name, units: u, events: events, lines: lines, rep: trace.NewReport(Format)}
	if opt.CollectionEvents != "" {
		files, err := tableFiles(opt.CollectionEvents, "collection_events")
		if err != nil {
			events.Close()
			return nil, err
		}
		s.coll = newChain(files, func(p string) (reader[CollectionEvent], error) { return OpenCollectionEvents(p) },
			func(e *CollectionEvent) (int64, int) { return e.TimeUS, e.Line })
	}
	if opt.SkipBad {
		events.OnMalformed(func(*ParseError) { s.malformed++ })
	}
	return s, nil
}

// checkUnits returns u with its zero fields defaulted, or an error if a figure is not
// finite and positive.
func checkUnits(u trace.Units) (trace.Units, error) {
	u = u.Or(DefaultUnits())
	for _, x := range []float64{u.CPUMilliPerUnit, u.MemBytesPerUnit} {
		if !(x > 0) || math.IsInf(x, 0) {
			return u, fmt.Errorf("google2019: units must be finite and positive, got %+v", u)
		}
	}
	return u, nil
}

// scale returns round(x × unit), false when x is negative or the result is not below
// 2^62.
func scale(x, unit float64) (int64, bool) {
	v := math.Round(x * unit)
	if !(v >= 0 && v < 1<<62) {
		return 0, false
	}
	return int64(v), true
}

func (s *source) Next() (trace.Job, error) {
	if s.err != nil {
		return trace.Job{}, s.err
	}
	if !s.loaded {
		s.loaded = true
		if err := s.load(); err != nil {
			s.err, s.jobs = err, nil
			return trace.Job{}, err
		}
	}
	if s.pos == len(s.jobs) {
		s.err, s.jobs = io.EOF, nil
		return trace.Job{}, io.EOF
	}
	j := &s.jobs[s.pos]
	s.pos++
	out := trace.Job{
		ID:       strconv.FormatInt(j.collection, 10),
		SubmitUS: j.submitUS,
		Tenant:   s.users[j.collection],
		Priority: j.priority,
		Line:     j.line,
		Tasks: []trace.Task{{
			Name:        strconv.FormatInt(int64(j.index), 10),
			Instances:   1,
			CPUMilli:    j.cpuMilli,
			MemBytes:    j.memBytes,
			RuntimeUS:   j.runtimeUS,
			RequestedUS: -1,
		}},
	}
	s.rep.Add(&out)
	return out, nil
}

// load reads the users, assembles the instance events, fills the report and sorts the jobs.
func (s *source) load() error {
	if s.coll != nil {
		users, err := readUsers(s.coll)
		if err != nil {
			return err
		}
		s.users = users
	}
	st, err := AssembleEvents(s.events.Next, func(a Attempt) error { s.take(&a); return nil })
	s.st = st
	s.rep.Records = st.Events + s.malformed
	if err != nil {
		return err
	}
	s.rep.Skip(SkipBadLine, s.malformed)
	s.rep.Note(NoteOrphanEvents, st.Dropped)
	s.rep.Note(NoteOrphanStarts, s.orphanStarts)
	s.rep.Note(NoteSubmitAtZero, s.atZero)
	s.rep.Note(NoteNoMemory, s.noMem)
	s.rep.Note(NoteZeroRun, s.zeroRun)
	for _, k := range []EventType{EventFinish, EventEvict, EventFail, EventKill, EventLost} {
		s.rep.Note(NoteEndTypePrefix+k.String(), s.ends[k])
	}
	slices.SortFunc(s.jobs, func(a, b job) int {
		return cmp.Or(cmp.Compare(a.submitUS, b.submitUS), cmp.Compare(a.collection, b.collection),
			cmp.Compare(a.index, b.index), cmp.Compare(a.line, b.line))
	})
	return nil
}

// take keeps attempt a as a job or counts it under the reason it is skipped.
func (s *source) take(a *Attempt) {
	cpu, okC := scale(a.CPUs, s.units.CPUMilliPerUnit)
	mem, okM := scale(max(a.Memory, 0), s.units.MemBytesPerUnit)
	reason := ""
	switch {
	case a.CollectionType == CollectionAllocSet:
		reason = SkipAllocInstance
	case a.EndUS < 0 && a.ScheduleUS < 0:
		reason = SkipPendingAtEnd
	case a.EndUS < 0:
		reason = SkipRunningAtEnd
	case a.ScheduleUS < 0:
		reason = SkipNeverScheduled
	case a.ScheduleUS == 0:
		reason = SkipBeforeTrace
	case a.EndUS == EndOfTrace:
		reason = SkipAfterTrace
	case a.CPUs < 0:
		reason = SkipNoCPU
	case !okC || !okM:
		reason = SkipTooLarge
	}
	if reason != "" {
		s.rep.Skip(reason, 1)
		return
	}
	submit := a.SubmitUS
	switch {
	case submit < 0:
		submit = a.ScheduleUS
		s.orphanStarts++
	case submit == 0:
		s.atZero++
	}
	if a.Memory < 0 {
		s.noMem++
	}
	if a.EndUS == a.ScheduleUS {
		s.zeroRun++
	}
	s.ends[a.EndType]++
	line := int64(0)
	if s.lines {
		line = int64(a.Line)
	}
	s.jobs = append(s.jobs, job{submitUS: submit, collection: a.CollectionID, index: a.InstanceIndex,
		priority: a.Priority, cpuMilli: max(cpu, 1), memBytes: mem,
		runtimeUS: max(a.EndUS-a.ScheduleUS, 1), line: line})
}

// readUsers maps each collection id to its first non-empty user.
func readUsers(r reader[CollectionEvent]) (map[int64]string, error) {
	users := make(map[int64]string)
	for {
		e, err := r.Next()
		if err == io.EOF {
			return users, nil
		}
		if err != nil {
			return nil, err
		}
		if _, ok := users[e.CollectionID]; !ok && e.User != "" {
			users[e.CollectionID] = e.User
		}
	}
}

// Report accounts for the input: Records are the events read plus the malformed lines
// skipped; Skipped counts attempts (and malformed lines); Notes count orphan events and
// odd attempts that were kept.
func (s *source) Report() trace.Report { return s.rep }

// Close releases the files and the jobs not yet returned; Next then fails.
func (s *source) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.events.Close()
	if s.coll != nil {
		if cerr := s.coll.Close(); err == nil {
			err = cerr
		}
	}
	if s.err == nil || s.err == io.EOF {
		s.err = fmt.Errorf("%s: source closed", s.name)
	}
	s.jobs = nil
	return err
}
