package google2019

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/trace"
)

// Seeds shared by the fuzz targets (more are in testdata/fuzz).
var fuzzSeeds = []string{
	instRow + "\n",
	assembleSample,
	sourceSample,
	machineSample,
	`{"time":"0","type":0,"collection_id":"1234","user":"u","start_after_collection_ids":["7",8],"scheduler":"SCHEDULER_BATCH"}` + "\n",
	`{"time":"1","type":"SUBMIT","collection_id":"1","instance_index":0,"x":{"a":[1,2.5e-3,{"b":null}],"c":"\"\u00e9\\"}}` + "\r\n",
	`{"time":"1","type":0,` + "\n" + `{"time":1.5}` + "\n" + `[1]` + "\n" + `{"a":"\ud83d"} x`,
	`{"time":"9223372036854775807","type":8,"collection_id":"9223372036854775807","instance_index":2147483647,"machine_id":-1}`,
	"\n \t\n",
	"",
}

// checkReader reads data with a fresh reader twice, failing reads then skipping malformed
// lines, and checks what any reader must keep: no panic, sorted times and rising lines,
// sticky errors, consistent statistics, the skipping pass extending the failing one, and
// JSON syntax agreeing with encoding/json line by line.
func checkReader[E any](t *testing.T, data []byte, open func(io.Reader) (reader[E], error),
	when func(*E) (int64, int), valid func(*E) bool) []E {
	r, err := open(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	defer r.Close()
	strict, err := readAll(r.Next)
	check := func(events []E, st ReadStats) {
		prevT, prevL := int64(-1), 0
		for i := range events {
			tm, line := when(&events[i])
			if tm < prevT || line <= prevL || !valid(&events[i]) {
				t.Fatalf("invalid or unsorted record accepted: %+v", events[i])
			}
			prevT, prevL = tm, line
		}
		var byType int64
		for _, n := range st.ByType {
			byType += n
		}
		if st.Lines != st.Blank+st.Records+st.Malformed || st.Records != int64(len(events)) || byType != st.Records {
			t.Fatalf("stats %+v for %d records", st, len(events))
		}
	}
	check(strict, r.Stats())
	var pe *ParseError
	if err != nil {
		if _, err2 := r.Next(); err2 != err {
			t.Fatalf("error not sticky: %v then %v", err, err2)
		}
		if errors.As(err, &pe) != errors.Is(err, trace.ErrBadInput) {
			t.Fatalf("error %v: *ParseError and trace.ErrBadInput disagree", err)
		}
	}

	r2, _ := open(bytes.NewReader(data))
	defer r2.Close()
	bad := map[int]*ParseError{}
	r2.OnMalformed(func(pe *ParseError) {
		if pe.File != "fuzz" || pe.Line < 1 || bad[pe.Line] != nil {
			t.Fatalf("bad report %+v", pe)
		}
		bad[pe.Line] = pe
	})
	lenient, err2 := readAll(r2.Next)
	st := r2.Stats()
	check(lenient, st)
	if len(lenient) < len(strict) || len(strict) > 0 && !reflect.DeepEqual(lenient[:len(strict)], strict) {
		t.Fatalf("skipping reader lost records: %d then %d", len(strict), len(lenient))
	}
	if pe != nil && err2 == nil && bad[pe.Line] == nil {
		t.Fatalf("error %v not reported when skipping", pe)
	}
	if extra := int64(0); err2 != nil {
		if errors.As(err2, &pe) {
			extra = 1 // an over-long line, counted but not skippable
		}
		if st.Malformed != int64(len(bad))+extra {
			t.Fatalf("malformed %d, reported %d, error %v", st.Malformed, len(bad), err2)
		}
	}

	// The JSON syntax check agrees with encoding/json, line by line.
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		return strict
	}
	lines := strings.Split(string(data), "\n")
	ok := map[int]bool{}
	for i := range lenient {
		_, line := when(&lenient[i])
		ok[line] = true
	}
	for i := 0; i < int(st.Lines) && i < len(lines); i++ {
		line := strings.TrimSuffix(lines[i], "\r")
		if isBlank([]byte(line)) || strings.Count(line, "[")+strings.Count(line, "{") > maxDepth {
			continue
		}
		isJSON := json.Valid([]byte(line)) && strings.TrimLeft(line, " \t\r")[0] == '{'
		syntaxErr := bad[i+1] != nil && strings.HasPrefix(bad[i+1].Msg, "invalid JSON")
		if ok[i+1] && !isJSON || isJSON == syntaxErr && (ok[i+1] || bad[i+1] != nil) {
			t.Fatalf("line %d %q: encoding/json says valid object %v, reader accepted %v, error %v", i+1, line, isJSON, ok[i+1], bad[i+1])
		}
	}
	return strict
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Add(gz(f, sourceSample))
}

func FuzzInstanceEvents(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		open := func(r io.Reader) (reader[InstanceEvent], error) { return NewInstanceEventReader(r, "fuzz") }
		events := checkReader(t, data, open, func(e *InstanceEvent) (int64, int) { return e.TimeUS, e.Line },
			func(e *InstanceEvent) bool {
				return e.Type >= 0 && e.Type < NumEventTypes && e.TimeUS >= 0 && e.CollectionID >= 0 && e.InstanceIndex >= 0 &&
					e.MachineID >= -1 && e.AllocInstanceIndex >= -1 && e.Request.CPUs >= 0 && e.Request.Memory >= 0
			})
		r, _ := NewInstanceEventReader(bytes.NewReader(data), "fuzz")
		if r == nil {
			return
		}
		defer r.Close()
		var attempts []Attempt
		st, err := Assemble(r, func(a Attempt) error {
			known := func(x int64) bool { return x >= 0 }
			if a.EndType != -1 && !a.EndType.Terminal() || (a.EndType == -1) != (a.EndUS == -1) ||
				known(a.SubmitUS) && known(a.ScheduleUS) && a.SubmitUS > a.ScheduleUS ||
				known(a.ScheduleUS) && known(a.EndUS) && a.ScheduleUS > a.EndUS || a.Events < 1 {
				t.Fatalf("bad attempt %+v", a)
			}
			attempts = append(attempts, a)
			return nil
		})
		if err == nil {
			checkBookkeeping(t, st, attempts)
		}
		if st.Events != int64(len(events)) {
			t.Fatalf("reader returned %d events, Assemble saw %d", len(events), st.Events)
		}
	})
}

func FuzzCollectionEvents(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		open := func(r io.Reader) (reader[CollectionEvent], error) { return NewCollectionEventReader(r, "fuzz") }
		checkReader(t, data, open, func(e *CollectionEvent) (int64, int) { return e.TimeUS, e.Line },
			func(e *CollectionEvent) bool {
				ok := e.Type >= 0 && e.Type < NumEventTypes && e.TimeUS >= 0 && e.CollectionID >= 0 &&
					e.MaxPerMachine >= 0 && e.MaxPerSwitch >= 0 && e.CollectionType >= -1 && e.CollectionType <= 1
				for _, id := range e.StartAfter {
					ok = ok && id >= 0
				}
				return ok
			})
	})
}

func FuzzMachineEvents(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		open := func(r io.Reader) (reader[MachineEvent], error) { return NewMachineEventReader(r, "fuzz") }
		events := checkReader(t, data, open, func(e *MachineEvent) (int64, int) { return e.TimeUS, e.Line },
			func(e *MachineEvent) bool {
				return e.Type >= 0 && e.Type <= MachineUpdate && e.TimeUS >= 0 && e.MachineID >= 0 &&
					e.Capacity.CPUs >= 0 && e.Capacity.Memory >= 0
			})
		r, _ := NewMachineEventReader(bytes.NewReader(data), "fuzz")
		if r == nil {
			return
		}
		defer r.Close()
		ms, st, err := ReadMachines(r, trace.Units{})
		if err != nil {
			return
		}
		if st.Events != int64(len(events)) || st.Seen != st.Machines+st.NoCapacity+st.NeverAdded ||
			st.Machines != int64(len(ms)) || st.Removed > st.Machines {
			t.Fatalf("stats %+v for %d machines, %d events", st, len(ms), len(events))
		}
		for i, m := range ms {
			if m.CPUMilli < 0 || m.MemBytes < 0 || i > 0 && len(m.ID) < len(ms[i-1].ID) ||
				i > 0 && len(m.ID) == len(ms[i-1].ID) && m.ID <= ms[i-1].ID {
				t.Fatalf("machines out of order or negative: %+v", ms)
			}
		}
	})
}

func FuzzSource(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Add(gz(f, sourceSample), true)
	f.Fuzz(func(t *testing.T, data []byte, skipBad bool) {
		src, err := NewSourceFrom(bytes.NewReader(data), "fuzz", Options{SkipBad: skipBad})
		if err != nil {
			return
		}
		defer src.Close()
		_, _, err = drain(t, src) // checks order, validity and accounting
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) != errors.Is(err, trace.ErrBadInput) {
				t.Fatalf("error %v: *ParseError and trace.ErrBadInput disagree", err)
			}
			if _, err2 := src.Next(); err2 != err {
				t.Fatalf("error not sticky: %v then %v", err, err2)
			}
		}
	})
}
