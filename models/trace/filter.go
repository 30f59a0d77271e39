package trace

import (
	"io"
	"math"
)

// Filter selects and reshapes a Source's jobs for a replay.
type Filter struct {
	// FromUS and ToUS bound a window on the trace's clock, relative to its first job's submit
	// time: a job is kept if FromUS <= submit − first < ToUS (ToUS 0: no end). Reading stops at
	// the first job past the window.
	FromUS, ToUS int64
	// Fraction keeps that share of the jobs (0 or 1: all), chosen by a hash of Seed and the
	// job's ID, so that the choice is the same whatever else changes and a job's attempts or
	// tasks stay together.
	Fraction float64
	Seed     uint64
	// TimeScale multiplies the time between arrivals (0 or 1: as recorded; 0.5 doubles the
	// arrival rate). Run times are not scaled.
	TimeScale float64
	// MaxJobs stops after that many jobs (0: no limit).
	MaxJobs int64
}

// Skip reasons a Filter adds.
const (
	SkipBeforeWindow = "jobs before the time window"
	SkipNotSampled   = "jobs left out by sampling"
	NoteStopped      = "reading stopped at the window's end or the job limit"
)

// Filtered is a Source seen through a Filter. Submit times of the jobs it returns are µs
// from the window's start (the first job's submit + FromUS), scaled.
type Filtered struct {
	src     Source
	f       Filter
	first   int64
	started bool
	done    bool
	before  int64
	notSamp int64
	stopped bool
	rep     Report
}

// Apply returns src seen through f.
func Apply(src Source, f Filter) *Filtered {
	return &Filtered{src: src, f: f, rep: NewReport("")}
}

// keep reports whether the job with id is in the sample.
func (f *Filter) keep(id string) bool {
	if f.Fraction <= 0 || f.Fraction >= 1 {
		return true
	}
	// FNV-1a over the seed's bytes and the id, then a murmur3 finaliser for good high bits.
	h := uint64(14695981039346656037)
	for i := 0; i < 8; i++ {
		h = (h ^ uint64(byte(f.Seed>>(8*i)))) * 1099511628211
	}
	for i := 0; i < len(id); i++ {
		h = (h ^ uint64(id[i])) * 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return float64(h>>11)/(1<<53) < f.Fraction
}

// Next returns the next kept job.
func (s *Filtered) Next() (Job, error) {
	for {
		if s.done {
			return Job{}, io.EOF
		}
		if s.f.MaxJobs > 0 && s.rep.Jobs >= s.f.MaxJobs {
			s.done, s.stopped = true, true
			return Job{}, io.EOF
		}
		j, err := s.src.Next()
		if err != nil {
			return Job{}, err
		}
		if !s.started {
			s.first, s.started = j.SubmitUS, true
		}
		off := j.SubmitUS - s.first
		if off < s.f.FromUS {
			s.before++
			continue
		}
		if s.f.ToUS > 0 && off >= s.f.ToUS {
			s.done, s.stopped = true, true
			return Job{}, io.EOF
		}
		if !s.f.keep(j.ID) {
			s.notSamp++
			continue
		}
		off -= s.f.FromUS
		if s.f.TimeScale > 0 && s.f.TimeScale != 1 {
			off = int64(math.Round(float64(off) * s.f.TimeScale))
		}
		j.SubmitUS = off
		s.rep.Add(&j)
		return j, nil
	}
}

// Report is the underlying source's report with the filter's own counts: Jobs, Tasks,
// Instances, the submit span and the totals are those of the jobs returned, and the jobs the
// filter left out are counted under its reasons. When reading stopped early, the records after
// the stop are not read and not counted.
func (s *Filtered) Report() Report {
	r := s.src.Report()
	r.Skipped = append([]Skip(nil), r.Skipped...)
	r.Notes = append([]Skip(nil), r.Notes...)
	r.Jobs, r.Tasks, r.Instances = s.rep.Jobs, s.rep.Tasks, s.rep.Instances
	r.FirstSubmitUS, r.LastSubmitUS = s.rep.FirstSubmitUS, s.rep.LastSubmitUS
	r.CPUCoreS, r.MemGiBS, r.GPUS = s.rep.CPUCoreS, s.rep.MemGiBS, s.rep.GPUS
	r.Skip(SkipBeforeWindow, s.before)
	r.Skip(SkipNotSampled, s.notSamp)
	if s.stopped {
		r.Note(NoteStopped, 1)
	}
	return r
}

// Close closes the underlying source.
func (s *Filtered) Close() error { return s.src.Close() }

// Origin is the trace-clock time (µs) of the replay's time 0: the first job's submit time plus
// the window's start. ok is false before the first job was read.
func (s *Filtered) Origin() (us int64, ok bool) { return s.first + s.f.FromUS, s.started }
