package dc

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/trace/swf"
	"github.com/dcsim/dcsim/sim"
)

// TraceConfig replays a trace file.
type TraceConfig struct {
	Name       string
	Format     string // "swf"
	Path       string // resolved path
	CPUPerProc int64  // millicores per trace processor
	MemPerProc int64  // bytes per trace processor
	Jobs       int64  // at most this many jobs (0 = all)
}

// ErrInput marks errors caused by input the simulator reads while running (a malformed trace
// line, say); the CLI maps them to exit code 2.
var ErrInput = errors.New("invalid input")

// swfSource replays an SWF trace: each job becomes Procs tasks of one processor each, all with
// the job's true run time, started together (gang scheduling); it arrives at its submit time
// relative to the first job's. Users become tenants "user<id>".
type swfSource struct {
	idx       int32
	cfg       TraceConfig
	r         *swf.Reader
	closer    io.Closer
	next      swf.Job
	hasNext   bool
	err       error
	base      float64 // first job's submit time, s
	generated int64
	users     map[int]string
}

func newSWFSource(idx int, cfg TraceConfig) (*swfSource, error) {
	r, closer, err := swf.Open(cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("%w: trace %q: %v", ErrInput, cfg.Name, err)
	}
	s := &swfSource{idx: int32(idx), cfg: cfg, r: r, closer: closer, users: map[int]string{}}
	s.advance()
	if s.err != nil {
		closer.Close()
		return nil, s.err
	}
	s.base = s.next.SubmitS
	return s, nil
}

// advance reads the next job of the file.
func (s *swfSource) advance() {
	j, err := s.r.Next()
	switch {
	case err == io.EOF:
		s.hasNext = false
	case err != nil:
		s.hasNext, s.err = false, fmt.Errorf("%w: trace %q: %v", ErrInput, s.cfg.Name, err)
	default:
		s.next, s.hasNext = j, true
	}
}

func (s *swfSource) at(submitS float64) sim.Time {
	return sim.Time(math.Round((submitS - s.base) * 1e6))
}

func (s *swfSource) first() sim.Time {
	if !s.hasNext {
		return -1
	}
	return s.at(s.next.SubmitS)
}

func (s *swfSource) nextAfter(sim.Time) (sim.Time, error) {
	if s.err != nil {
		return -1, s.err
	}
	if !s.hasNext || s.cfg.Jobs > 0 && s.generated >= s.cfg.Jobs {
		return -1, nil
	}
	return s.at(s.next.SubmitS), nil
}

func (s *swfSource) draw(now sim.Time, id int64, _ *[]sim.Time, _ bool) jobSpec {
	j := s.next
	s.generated++
	user, ok := s.users[j.User]
	if !ok {
		user = "user" + strconv.Itoa(j.User)
		s.users[j.User] = user
	}
	rt := sim.Time(max(1, math.Round(j.RunS*1e6)))
	js := jobSpec{id: id, source: s.idx, tenant: user, ntasks: int32(min(j.Procs, math.MaxInt32)),
		demand: models.Resources{CPU: s.cfg.CPUPerProc, Mem: s.cfg.MemPerProc}, submit: now, deadline: -1,
		maxRuntime: rt, runtime0: rt, uniform: true, gang: true}
	s.advance()
	return js
}
