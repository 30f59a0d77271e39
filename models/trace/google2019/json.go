package google2019

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is a small JSON scanner for the one-object-per-line export: it checks the
// whole line against RFC 8259 (the values of ignored keys included, so a truncated line is
// always an error), hands out the top-level members without allocating, and leaves the
// conversion of each value to the field parsers.

// maxDepth bounds the nesting of arrays and objects inside the top-level object.
const maxDepth = 64

// Value kinds.
const (
	kindNull   = 'n'
	kindBool   = 'b'
	kindNumber = '0'
	kindString = '"'
	kindObject = '{'
	kindArray  = '['
)

// jvalue is one JSON value of a line.
type jvalue struct {
	kind byte   // kindNull … kindArray
	raw  []byte // string: the text between the quotes, escapes not decoded; else the value's text
	esc  bool   // a string holding backslash escapes
}

// member is one "key": value pair of an object.
type member struct {
	key jvalue
	val jvalue
}

// syntaxError is a JSON syntax error at byte offset pos of the scanned text.
type syntaxError struct {
	pos int
	msg string
}

type scanner struct {
	b   []byte
	i   int
	err *syntaxError
}

const errEOL = "unexpected end of line"

func (s *scanner) fail(msg string) {
	if s.err == nil {
		s.err = &syntaxError{s.i, msg}
	}
}

// unexpected fails on the byte at s.i.
func (s *scanner) unexpected() {
	if s.i >= len(s.b) {
		s.fail(errEOL)
		return
	}
	c := s.b[s.i]
	if c < utf8.RuneSelf {
		s.fail(fmt.Sprintf("unexpected character %q", rune(c)))
		return
	}
	s.fail(fmt.Sprintf("unexpected byte 0x%02x", c))
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// expect consumes byte c after optional white space.
func (s *scanner) expect(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	s.unexpected()
	return false
}

// next moves past the separator before the next element of a container whose opening
// delimiter has been consumed. It reports false after consuming the closing delimiter
// end, or on error (s.err set).
func (s *scanner) next(end byte, first bool) bool {
	s.ws()
	if s.i >= len(s.b) {
		s.fail(errEOL)
		return false
	}
	switch c := s.b[s.i]; {
	case c == end:
		s.i++
		return false
	case first:
		return true
	case c == ',':
		s.i++
		return true
	}
	s.unexpected()
	return false
}

// member scans `"key" : value`.
func (s *scanner) member(depth int) (member, bool) {
	s.ws()
	key, ok := s.str()
	if !ok || !s.expect(':') {
		return member{}, false
	}
	val, ok := s.value(depth)
	return member{key, val}, ok
}

// value scans one value; depth is the number of containers around it.
func (s *scanner) value(depth int) (jvalue, bool) {
	s.ws()
	if s.i >= len(s.b) {
		s.fail(errEOL)
		return jvalue{}, false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '{' || c == '[':
		start := s.i
		if !s.container(depth) {
			return jvalue{}, false
		}
		return jvalue{kind: c, raw: s.b[start:s.i]}, true
	case c == 't':
		return s.literal("true", kindBool)
	case c == 'f':
		return s.literal("false", kindBool)
	case c == 'n':
		return s.literal("null", kindNull)
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	s.unexpected()
	return jvalue{}, false
}

// container checks the object or array starting at s.i and moves past it.
func (s *scanner) container(depth int) bool {
	if depth >= maxDepth {
		s.fail(fmt.Sprintf("nested deeper than %d levels", maxDepth))
		return false
	}
	open := s.b[s.i]
	s.i++
	end := byte(']')
	if open == '{' {
		end = '}'
	}
	for first := true; s.next(end, first); first = false {
		var ok bool
		if open == '{' {
			_, ok = s.member(depth + 1)
		} else {
			_, ok = s.value(depth + 1)
		}
		if !ok {
			return false
		}
	}
	return s.err == nil
}

func (s *scanner) literal(word string, kind byte) (jvalue, bool) {
	start := s.i
	for k := 0; k < len(word); k++ {
		if s.i >= len(s.b) || s.b[s.i] != word[k] {
			s.unexpected()
			return jvalue{}, false
		}
		s.i++
	}
	return jvalue{kind: kind, raw: s.b[start:s.i]}, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits consumes one or more digits.
func (s *scanner) digits() bool {
	if s.i >= len(s.b) || !isDigit(s.b[s.i]) {
		s.unexpected()
		return false
	}
	for s.i < len(s.b) && isDigit(s.b[s.i]) {
		s.i++
	}
	return true
}

// number scans -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *scanner) number() (jvalue, bool) {
	start := s.i
	if s.b[s.i] == '-' {
		s.i++
	}
	if s.i < len(s.b) && s.b[s.i] == '0' {
		s.i++
	} else if !s.digits() {
		return jvalue{}, false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !s.digits() {
			return jvalue{}, false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return jvalue{}, false
		}
	}
	return jvalue{kind: kindNumber, raw: s.b[start:s.i]}, true
}

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// str scans a string starting at s.i.
func (s *scanner) str() (jvalue, bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		s.unexpected()
		return jvalue{}, false
	}
	s.i++
	start, esc := s.i, false
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			v := jvalue{kind: kindString, raw: s.b[start:s.i], esc: esc}
			s.i++
			return v, true
		case c == '\\':
			esc = true
			if s.i+1 >= len(s.b) {
				s.i = len(s.b)
				s.fail(errEOL)
				return jvalue{}, false
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				for k := 2; k < 6; k++ {
					if s.i+k >= len(s.b) {
						s.i = len(s.b)
						s.fail(errEOL)
						return jvalue{}, false
					}
					if !isHex(s.b[s.i+k]) {
						s.fail("invalid \\u escape in string")
						return jvalue{}, false
					}
				}
				s.i += 6
			default:
				s.fail("invalid escape in string")
				return jvalue{}, false
			}
		case c < 0x20:
			s.fail("control character in string")
			return jvalue{}, false
		default:
			s.i++
		}
	}
	s.fail(errEOL)
	return jvalue{}, false
}

// parseObject checks that b holds exactly one JSON object (white space around it allowed)
// and appends its members to dst.
func parseObject(b []byte, dst []member) ([]member, *syntaxError) {
	s := scanner{b: b}
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		if s.i < len(s.b) {
			s.fail("expected an object")
		} else {
			s.fail(errEOL)
		}
		return dst, s.err
	}
	s.i++
	for first := true; s.next('}', first); first = false {
		m, ok := s.member(0)
		if !ok {
			return dst, s.err
		}
		dst = append(dst, m)
	}
	if s.err != nil {
		return dst, s.err
	}
	s.ws()
	if s.i < len(s.b) {
		s.fail("unexpected text after the object")
	}
	return dst, s.err
}

// elements appends the elements of the array v (already checked) to dst.
func elements(v jvalue, dst []jvalue) []jvalue {
	s := scanner{b: v.raw, i: 1}
	for first := true; s.next(']', first); first = false {
		e, ok := s.value(1)
		if !ok {
			break
		}
		dst = append(dst, e)
	}
	return dst
}

// members appends the members of the object v (already checked) to dst.
func members(v jvalue, dst []member) []member {
	s := scanner{b: v.raw, i: 1}
	for first := true; s.next('}', first); first = false {
		m, ok := s.member(1)
		if !ok {
			break
		}
		dst = append(dst, m)
	}
	return dst
}

// text returns the content of a string value, escapes decoded into buf when it has any
// (the result then aliases buf).
func text(v jvalue, buf []byte) []byte {
	if !v.esc {
		return v.raw
	}
	return unescape(buf[:0], v.raw)
}

// unescape appends the decoded form of raw, a checked string body, to dst. A lone UTF-16
// surrogate decodes to U+FFFD, as in encoding/json.
func unescape(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		switch raw[i+1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(raw[i+2:])
			i += 6
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					r2 = utf16.DecodeRune(r, hex4(raw[i+2:]))
				}
				if r2 != utf8.RuneError {
					i += 6
				}
				r = r2
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // '"', '\\', '/'
			dst = append(dst, raw[i+1])
		}
		i += 2
	}
	return dst
}

// hex4 decodes the 4 hex digits at the start of b (already checked).
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}
