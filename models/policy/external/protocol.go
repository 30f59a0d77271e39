// Package external runs a scheduling policy as a separate process that speaks dcsim's
// JSON-lines protocol, dcsim-policy/1, over its standard input and output: the simulator sends
// one JSON object per line (a hello, then one schedule message per scheduling point, then an
// end), and the process answers the hello and every schedule message with one line of its own.
// The protocol reference, with every field and its unit, is docs/external-policies.md.
//
// This file holds the messages and their encoding (hand-written appends: no reflection, fields
// in a fixed order, so the bytes a policy reads are deterministic) and the decoding of replies;
// process.go starts, talks to and stops the process.
package external

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Protocol is the protocol name and major version. Additions that a reader may ignore (a new
// field, a new optional message field) keep the version; any change in the meaning of an
// existing field or message, or a removal, makes it dcsim-policy/2.
const Protocol = "dcsim-policy/1"

// Group is a host group as the hello describes it.
type Group struct {
	Name  string
	Count int
}

// HostInfo is a host as the hello describes it: its placement capacity and where it is.
type HostInfo struct {
	Index int32 // host index, 0..len(hosts)-1: what decisions name
	CPU   int64 // placement capacity, millicores (physical × scheduler.cpu_overcommit)
	Mem   int64 // bytes
	GPU   int64 // whole GPUs
	Group int32 // index into Hello.Groups
	Rack  int32
	On    bool // the host accepts tasks (on and up)
}

// Hello is the first message: the protocol, the run and the cluster.
type Hello struct {
	Scenario  string
	Seed      uint64
	HorizonUS int64 // simulated time at which the run stops, µs; 0: when no events remain
	Groups    []Group
	Hosts     []HostInfo
}

// Host is a host whose free capacity or state changed since the previous schedule message.
type Host struct {
	Index int32
	CPU   int64 // free placement capacity, millicores
	Mem   int64 // free bytes
	GPU   int64 // free GPUs
	On    bool  // the host accepts tasks
}

// Task is a waiting task.
type Task struct {
	ID         int64 // unique in the run, never reused; what decisions name
	Job        int64 // job id (as in jobs.arrow's job_id)
	Index      int32 // the task's index within its job
	Tasks      int32 // the job's number of tasks
	Gang       bool  // a rigid job: all its waiting tasks start together, in one reply
	CPU        int64 // demand, millicores
	Mem        int64 // demand, bytes
	GPU        int64 // demand, whole GPUs
	SubmitUS   int64 // job submit time, µs
	EstimateUS int64 // run-time estimate, µs (the user's estimate where the workload has one)
	Priority   int32
	Tenant     string
}

// Schedule is one scheduling point: what changed since the previous message. A policy keeps
// its own copy of the waiting tasks and of the hosts' free capacity, and applies the changes.
type Schedule struct {
	Seq     int64 // 1, 2, 3, ...: the hello is 0
	TimeUS  int64 // simulated time, µs
	Arrived []Task
	Removed []int64 // ids of waiting tasks that left without a decision (their job failed)
	Hosts   []Host
	Waiting int // waiting tasks after applying Arrived and Removed
}

// Decision is one decision: start task Task (its id) on host Host now.
type Decision struct {
	Task int64
	Host int64
}

// AppendHello appends the hello message (one line, with its newline) to b.
func AppendHello(b []byte, h *Hello) []byte {
	b = append(b, `{"type":"hello","protocol":`...)
	b = appendString(b, Protocol)
	b = append(b, `,"scenario":`...)
	b = appendString(b, h.Scenario)
	b = append(b, `,"seed":`...)
	b = strconv.AppendUint(b, h.Seed, 10)
	b = append(b, `,"horizon":`...)
	b = strconv.AppendInt(b, h.HorizonUS, 10)
	b = append(b, `,"groups":[`...)
	for i, g := range h.Groups {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendString(b, g.Name)
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(g.Count), 10)
		b = append(b, '}')
	}
	b = append(b, `],"hosts":[`...)
	for i := range h.Hosts {
		hs := &h.Hosts[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"host":`...)
		b = strconv.AppendInt(b, int64(hs.Index), 10)
		b = append(b, `,"cpu":`...)
		b = strconv.AppendInt(b, hs.CPU, 10)
		b = append(b, `,"mem":`...)
		b = strconv.AppendInt(b, hs.Mem, 10)
		b = append(b, `,"gpu":`...)
		b = strconv.AppendInt(b, hs.GPU, 10)
		b = append(b, `,"group":`...)
		b = strconv.AppendInt(b, int64(hs.Group), 10)
		b = append(b, `,"rack":`...)
		b = strconv.AppendInt(b, int64(hs.Rack), 10)
		b = append(b, `,"on":`...)
		b = strconv.AppendBool(b, hs.On)
		b = append(b, '}')
	}
	return append(b, "]}\n"...)
}

// AppendSchedule appends a schedule message (one line, with its newline) to b.
func AppendSchedule(b []byte, s *Schedule) []byte {
	b = append(b, `{"type":"schedule","seq":`...)
	b = strconv.AppendInt(b, s.Seq, 10)
	b = append(b, `,"time":`...)
	b = strconv.AppendInt(b, s.TimeUS, 10)
	b = append(b, `,"arrived":[`...)
	for i := range s.Arrived {
		t := &s.Arrived[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, t.ID, 10)
		b = append(b, `,"job":`...)
		b = strconv.AppendInt(b, t.Job, 10)
		b = append(b, `,"task":`...)
		b = strconv.AppendInt(b, int64(t.Index), 10)
		b = append(b, `,"tasks":`...)
		b = strconv.AppendInt(b, int64(t.Tasks), 10)
		b = append(b, `,"gang":`...)
		b = strconv.AppendBool(b, t.Gang)
		b = append(b, `,"cpu":`...)
		b = strconv.AppendInt(b, t.CPU, 10)
		b = append(b, `,"mem":`...)
		b = strconv.AppendInt(b, t.Mem, 10)
		b = append(b, `,"gpu":`...)
		b = strconv.AppendInt(b, t.GPU, 10)
		b = append(b, `,"submit":`...)
		b = strconv.AppendInt(b, t.SubmitUS, 10)
		b = append(b, `,"estimate":`...)
		b = strconv.AppendInt(b, t.EstimateUS, 10)
		b = append(b, `,"priority":`...)
		b = strconv.AppendInt(b, int64(t.Priority), 10)
		b = append(b, `,"tenant":`...)
		b = appendString(b, t.Tenant)
		b = append(b, '}')
	}
	b = append(b, `],"removed":[`...)
	for i, id := range s.Removed {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	b = append(b, `],"hosts":[`...)
	for i := range s.Hosts {
		h := &s.Hosts[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"host":`...)
		b = strconv.AppendInt(b, int64(h.Index), 10)
		b = append(b, `,"cpu":`...)
		b = strconv.AppendInt(b, h.CPU, 10)
		b = append(b, `,"mem":`...)
		b = strconv.AppendInt(b, h.Mem, 10)
		b = append(b, `,"gpu":`...)
		b = strconv.AppendInt(b, h.GPU, 10)
		b = append(b, `,"on":`...)
		b = strconv.AppendBool(b, h.On)
		b = append(b, '}')
	}
	b = append(b, `],"waiting":`...)
	b = strconv.AppendInt(b, int64(s.Waiting), 10)
	return append(b, "}\n"...)
}

// AppendEnd appends the end message: the run is over at simulated time timeUS; the process
// should exit (status 0) without replying.
func AppendEnd(b []byte, seq, timeUS int64) []byte {
	b = append(b, `{"type":"end","seq":`...)
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, `,"time":`...)
	b = strconv.AppendInt(b, timeUS, 10)
	return append(b, "}\n"...)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string (RFC 8259 §7): quotes, backslashes and control
// characters are escaped, invalid UTF-8 becomes U+FFFD, everything else is copied as is.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}

// reply is any line a policy writes; fields a message type does not use are ignored, and so are
// unknown fields (a later protocol 1 policy may send more).
type reply struct {
	Type     string     `json:"type"`
	Protocol *string    `json:"protocol"`
	Name     string     `json:"name"`
	Seq      *int64     `json:"seq"`
	Start    []rawStart `json:"start"`
	Message  string     `json:"message"`
}

type rawStart struct {
	Task *int64 `json:"task"`
	Host *int64 `json:"host"`
}

// maxQuote is how much of a bad line an error message quotes.
const maxQuote = 200

// quote shortens a line for an error message.
func quote(line []byte) string {
	if len(line) > maxQuote {
		return strconv.Quote(string(line[:maxQuote])) + fmt.Sprintf(" (%d more bytes)", len(line)-maxQuote)
	}
	return strconv.Quote(string(line))
}

// parseReply decodes one line into r.
func parseReply(line []byte, r *reply) error {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return fmt.Errorf("an empty line instead of a JSON object")
	}
	*r = reply{}
	if err := json.Unmarshal(line, r); err != nil {
		return fmt.Errorf("not a JSON object of the protocol (%v): %s", err, quote(line))
	}
	if r.Type == "error" {
		return fmt.Errorf("the policy reported an error: %s", r.Message)
	}
	return nil
}

// DecodeHello decodes the policy's answer to the hello: {"type":"hello","protocol":
// "dcsim-policy/1"} with an optional "name". It returns the name.
func DecodeHello(line []byte) (string, error) {
	var r reply
	if err := parseReply(line, &r); err != nil {
		return "", err
	}
	if r.Type != "hello" {
		return "", fmt.Errorf(`expected {"type":"hello",...} in answer to the hello, got type %q: %s`, r.Type, quote(line))
	}
	switch {
	case r.Protocol == nil:
		return "", fmt.Errorf(`the hello answer has no "protocol" (dcsim speaks %q)`, Protocol)
	case *r.Protocol != Protocol:
		return "", fmt.Errorf("the policy speaks protocol %q, dcsim speaks %q", *r.Protocol, Protocol)
	}
	return r.Name, nil
}

// DecodeDecisions decodes the policy's answer to schedule message seq, {"type":"decisions",
// "seq":seq,"start":[{"task":id,"host":index},...]} ("seq" optional; "start" may be empty or
// absent), appending the starts to dst[:0]. It checks the form only; the simulator checks that
// each decision can be carried out.
func DecodeDecisions(line []byte, seq int64, dst []Decision) ([]Decision, error) {
	var r reply
	if err := parseReply(line, &r); err != nil {
		return dst[:0], err
	}
	if r.Type != "decisions" {
		return dst[:0], fmt.Errorf(`expected {"type":"decisions",...}, got type %q: %s`, r.Type, quote(line))
	}
	if r.Seq != nil && *r.Seq != seq {
		return dst[:0], fmt.Errorf("the reply is for schedule message %d, expected %d (replies must come in order, one per message)", *r.Seq, seq)
	}
	dst = dst[:0]
	for i, s := range r.Start {
		switch {
		case s.Task == nil:
			return dst, fmt.Errorf(`start[%d] has no "task" (the id of a waiting task)`, i)
		case s.Host == nil:
			return dst, fmt.Errorf(`start[%d] (task %d) has no "host" (a host index)`, i, *s.Task)
		}
		dst = append(dst, Decision{Task: *s.Task, Host: *s.Host})
	}
	return dst, nil
}
