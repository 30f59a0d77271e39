package external

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// ErrPolicy is matched (errors.Is) by every error a misbehaving policy process causes.
var ErrPolicy = errors.New("external policy failed")

// Error is a policy process's failure: what went wrong, how the process exited if it did, and
// the end of what it wrote to its standard error.
type Error struct {
	Command []string
	What    string // what went wrong, e.g. "no reply within 5s to schedule message 17 (t = 1234 µs)"
	Exit    string // "exit status 1", "killed by dcsim", ...; "" if unknown
	Stderr  string // the last StderrTail bytes of its standard error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "external policy %s: %s", quoteCommand(e.Command), e.What)
	if e.Exit != "" {
		fmt.Fprintf(&b, " (process: %s)", e.Exit)
	}
	if s := strings.TrimRight(e.Stderr, "\n"); s != "" {
		b.WriteString("; its stderr ended with:\n  | ")
		b.WriteString(strings.ReplaceAll(s, "\n", "\n  | "))
	} else {
		b.WriteString("; its stderr was empty")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrPolicy) true.
func (e *Error) Is(target error) bool { return target == ErrPolicy }

func quoteCommand(cmd []string) string {
	q := make([]string, len(cmd))
	for i, a := range cmd {
		q[i] = fmt.Sprintf("%q", a)
	}
	return "[" + strings.Join(q, " ") + "]"
}

// Config says how to run a policy.
type Config struct {
	Command []string // program and arguments; a program without '/' is looked up in PATH
	Dir     string   // working directory ("" = the current one); relative programs resolve against it
	// Timeout bounds the wait for each reply (and for the process to exit after the end
	// message). Wall-clock time: it never changes results, only whether the run fails.
	Timeout time.Duration
}

// Limits.
const (
	// StartupTimeout is the least time the answer to the hello gets, whatever Config.Timeout:
	// an interpreter's start-up (a Python behind a version-manager shim, on a loaded machine)
	// can take a second or more.
	StartupTimeout = 10 * time.Second
	MaxLine        = 64 << 20 // longest reply line, bytes
	StderrTail     = 4 << 10  // how much of the process's stderr an Error quotes
)

// Process is a running policy process. It is used by one goroutine.
type Process struct {
	cfg    Config
	cmd    *exec.Cmd
	in     *os.File // its stdin (our write end)
	out    *os.File // its stdout (our read end)
	rd     *bufio.Reader
	line   []byte // a reply longer than the reader's buffer
	buf    []byte // the message being sent
	stderr tail
	exited chan struct{} // closed when Wait returned
	exit   error         // Wait's result, valid once exited is closed
	seq    int64
	dead   bool
	killed bool // dcsim killed it (rather than it exiting)
	r      reply
	// Name is the policy's name from its hello answer ("" if it gave none).
	Name string
}

// Start starts the policy, sends it the hello and reads its answer. On error the process is
// gone.
func Start(cfg Config, h *Hello) (*Process, error) {
	if len(cfg.Command) == 0 || cfg.Command[0] == "" {
		return nil, &Error{Command: cfg.Command, What: "no command to run"}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	p := &Process{cfg: cfg, exited: make(chan struct{})}
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	p.cmd = exec.Command(cfg.Command[0], cfg.Command[1:]...)
	p.cmd.Dir = cfg.Dir
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = inR, outW, &p.stderr
	p.cmd.WaitDelay = time.Second // a grandchild holding stderr open must not hang Wait
	setProcessGroup(p.cmd)
	err = p.cmd.Start()
	inR.Close() // the child has its own copies
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, &Error{Command: cfg.Command, What: fmt.Sprintf("cannot start: %v", err)}
	}
	p.in, p.out = inW, outR
	p.rd = bufio.NewReaderSize(outR, 64<<10)
	go func() {
		p.exit = p.cmd.Wait()
		close(p.exited)
	}()
	p.buf = AppendHello(p.buf[:0], h)
	line, err := p.roundTrip("the hello", max(cfg.Timeout, StartupTimeout))
	if err != nil {
		return nil, err
	}
	if p.Name, err = DecodeHello(line); err != nil {
		return nil, p.fail("bad answer to the hello: %v", err)
	}
	return p, nil
}

// Schedule sends scheduling point s (its Seq is set here) and returns the policy's decisions,
// appended to dst[:0].
func (p *Process) Schedule(s *Schedule, dst []Decision) ([]Decision, error) {
	if p.dead {
		return dst[:0], &Error{Command: p.cfg.Command, What: "the process was already stopped"}
	}
	p.seq++
	s.Seq = p.seq
	p.buf = AppendSchedule(p.buf[:0], s)
	what := fmt.Sprintf("schedule message %d (t = %d µs)", s.Seq, s.TimeUS)
	line, err := p.roundTrip(what, p.cfg.Timeout)
	if err != nil {
		return dst[:0], err
	}
	dst, err = DecodeDecisions(line, s.Seq, dst)
	if err != nil {
		return dst, p.fail("bad reply to %s: %v", what, err)
	}
	return dst, nil
}

// Seq is the number of the last schedule message sent.
func (p *Process) Seq() int64 { return p.seq }

// roundTrip sends p.buf and reads one reply line, within timeout.
func (p *Process) roundTrip(what string, timeout time.Duration) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	if err := p.in.SetWriteDeadline(deadline); err != nil {
		return nil, p.fail("cannot send %s: %v", what, err)
	}
	if _, err := p.in.Write(p.buf); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, p.fail("it did not read %s within %s", what, timeout)
		}
		p.awaitExit()
		return nil, p.fail("cannot send %s: the process closed its stdin or exited (%v)", what, err)
	}
	if err := p.out.SetReadDeadline(deadline); err != nil {
		return nil, p.fail("cannot read the reply to %s: %v", what, err)
	}
	line, err := p.readLine()
	switch {
	case err == nil:
		return line, nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, p.fail("no reply within %s to %s", timeout, what)
	case errors.Is(err, io.EOF):
		p.awaitExit()
		if len(line) > 0 {
			return nil, p.fail("the reply to %s ended without a newline and the process closed its stdout: %s", what, quote(line))
		}
		return nil, p.fail("the process exited or closed its stdout instead of replying to %s", what)
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, p.fail("the reply to %s is longer than %d bytes", what, MaxLine)
	}
	return nil, p.fail("cannot read the reply to %s: %v", what, err)
}

// readLine reads one line without its newline; the slice is valid until the next read.
func (p *Process) readLine() ([]byte, error) {
	s, err := p.rd.ReadSlice('\n')
	if err == nil {
		return s[:len(s)-1], nil
	}
	if err != bufio.ErrBufferFull {
		return s, err
	}
	p.line = append(p.line[:0], s...)
	for {
		s, err = p.rd.ReadSlice('\n')
		if len(p.line)+len(s) > MaxLine {
			return nil, bufio.ErrBufferFull
		}
		p.line = append(p.line, s...)
		switch err {
		case nil:
			return p.line[:len(p.line)-1], nil
		case bufio.ErrBufferFull:
			continue
		}
		return p.line, err
	}
}

// awaitExit gives a process that closed its end of a pipe a moment to exit by itself, so that
// its own exit status is reported rather than dcsim's kill.
func (p *Process) awaitExit() {
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-p.exited:
	case <-t.C:
	}
}

// fail stops the process and returns an *Error describing what went wrong, with the process's
// exit status and the end of its stderr.
func (p *Process) fail(format string, args ...any) error {
	p.kill()
	e := &Error{Command: p.cfg.Command, What: fmt.Sprintf(format, args...), Stderr: p.stderr.String()}
	select {
	case <-p.exited:
		switch {
		case p.killed:
			e.Exit = "killed by dcsim"
		case p.exit != nil:
			e.Exit = p.exit.Error()
		default:
			e.Exit = "exit status 0"
		}
	default:
	}
	return e
}

// Fail stops the process and returns an error naming what went wrong (for problems the caller
// finds in the decisions), with the end of the process's stderr.
func (p *Process) Fail(format string, args ...any) error { return p.fail(format, args...) }

// kill ends the process (its whole process group) and waits, briefly, for it to be gone.
func (p *Process) kill() {
	if p.dead {
		return
	}
	p.dead = true
	p.in.Close()
	select {
	case <-p.exited:
	default:
		p.killed = true
		killProcess(p.cmd)
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second): // cannot happen short of a kernel problem
		}
	}
	p.out.Close()
}

// End tells the policy the run is over at simulated time timeUS and waits up to the timeout
// for it to exit; it is killed if it does not. An exit status other than 0, or a process that
// had to be killed, is an error. End is idempotent.
func (p *Process) End(timeUS int64) error {
	if p.dead {
		return nil
	}
	p.seq++
	p.buf = AppendEnd(p.buf[:0], p.seq, timeUS)
	p.in.SetWriteDeadline(time.Now().Add(p.cfg.Timeout))
	_, werr := p.in.Write(p.buf)
	p.in.Close()
	t := time.NewTimer(p.cfg.Timeout)
	defer t.Stop()
	select {
	case <-p.exited:
	case <-t.C:
		return p.fail("it did not exit within %s after the end message; killed", p.cfg.Timeout)
	}
	p.dead = true
	p.out.Close()
	if p.exit != nil {
		what := "it exited with an error after the end message"
		if werr != nil {
			what = "it exited before the end message"
		}
		return &Error{Command: p.cfg.Command, What: what, Exit: p.exit.Error(), Stderr: p.stderr.String()}
	}
	return nil
}

// Close kills the process if it still runs (for error paths); it is idempotent.
func (p *Process) Close() error {
	p.kill()
	return nil
}

// tail keeps the last StderrTail bytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(b)
	if len(b) >= StderrTail {
		t.buf = append(t.buf[:0], b[len(b)-StderrTail:]...)
		return n, nil
	}
	if over := len(t.buf) + len(b) - StderrTail; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, b...)
	return n, nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
