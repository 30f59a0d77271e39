package textio

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// ErrLineTooLong is returned by Scanner.Next for a line over the scanner's limit.
var ErrLineTooLong = errors.New("line too long")

// Scanner reads lines with bounded memory: a line is abandoned as soon as it exceeds the
// limit. Lines end in "\n" or "\r\n"; a final line without a newline is read as usual.
// Errors are sticky. A Scanner is not safe for concurrent use.
type Scanner struct {
	br          *bufio.Reader
	max         int
	countEnding bool
	buf         []byte
	lines       int64
	err         error
}

// NewScanner returns a Scanner for r. max is the longest line accepted: without its line
// ending, or with it when countEnding is set.
func NewScanner(r io.Reader, max int, countEnding bool) *Scanner {
	if rd, ok := r.(*reader); ok {
		r = rd.Reader // already buffered: don't buffer twice
	}
	return &Scanner{br: bufio.NewReaderSize(r, BufSize), max: max, countEnding: countEnding}
}

// Lines returns the number of lines returned so far; the line an error concerns is
// Lines()+1.
func (s *Scanner) Lines() int64 { return s.lines }

// Next returns the next line without its line ending; the bytes are valid until the next
// call. At the end of input it returns io.EOF; a line over the limit gives ErrLineTooLong;
// an error of the underlying reader is returned as is. Errors are sticky.
func (s *Scanner) Next() ([]byte, error) {
	if s.err != nil {
		return nil, s.err
	}
	limit := s.max + 2 // room for "\r\n"
	if s.countEnding {
		limit = s.max
	}
	s.buf = s.buf[:0]
	var b []byte
	for {
		chunk, err := s.br.ReadSlice('\n')
		if len(s.buf) == 0 && err != bufio.ErrBufferFull {
			b = chunk // the whole line is in the read buffer: no copy
		} else {
			s.buf = append(s.buf, chunk...)
			b = s.buf
		}
		if len(b) > limit {
			s.err = ErrLineTooLong
			return nil, s.err
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if len(b) == 0 {
				s.err = io.EOF
				return nil, s.err
			}
			break // final line without newline
		}
		if err != nil {
			s.err = err
			return nil, s.err
		}
		break
	}
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	if len(b) > s.max {
		s.err = ErrLineTooLong
		return nil, s.err
	}
	s.lines++
	return b, nil
}

// Error formats an error of Next the way the text readers report it: "NAME:LINE: line
// longer than MAX bytes" or "NAME:LINE: read error: ERR" (ERR not wrapped), with LINE the
// line concerned. io.EOF and nil are returned as they are.
func (s *Scanner) Error(name string, err error) error {
	switch err {
	case nil, io.EOF:
		return err
	case ErrLineTooLong:
		return fmt.Errorf("%s:%d: line longer than %d bytes", name, s.lines+1, s.max)
	}
	return fmt.Errorf("%s:%d: read error: %v", name, s.lines+1, err)
}
