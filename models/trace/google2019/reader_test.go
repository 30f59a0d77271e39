package google2019

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/trace"
)

// A real-looking instance_events row in the BigQuery export's form: INT64 as strings,
// enums as numbers, the request nested, constraints an array of objects.
const instRow = `{"time":"600026913","type":3,"collection_id":"375790908633","scheduling_class":2,` +
	`"missing_type":null,"collection_type":0,"priority":200,"alloc_collection_id":"0",` +
	`"instance_index":12,"machine_id":"102894866562","alloc_instance_index":-1,` +
	`"resource_request":{"cpus":0.0206298828125,"memory":0.0064},` +
	`"constraint":[{"name":"5","value":"x","relation":0}]}`

// gz returns s gzip'd.
func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readAll reads every record of a reader, returning them and the final error.
func readAll[E any](next func() (E, error)) ([]E, error) {
	var out []E
	for {
		e, err := next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
}

// checkErr checks that err is the *ParseError with text want, wrapping trace.ErrBadInput.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant    %s", err, want)
	}
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, trace.ErrBadInput) {
		t.Fatalf("error %T does not wrap trace.ErrBadInput as a *ParseError", err)
	}
}

func TestInstanceEvents(t *testing.T) {
	const name = "instance_events.json"
	base := InstanceEvent{SchedulingClass: -1, MissingType: -1, CollectionType: -1, AllocInstanceIndex: -1, Line: 1}
	with := func(f func(*InstanceEvent)) InstanceEvent { e := base; f(&e); return e }
	tests := []struct {
		name, in string
		want     []InstanceEvent
		err      string
	}{
		{name: "export row, int64 as strings, enums as numbers", in: instRow,
			want: []InstanceEvent{{TimeUS: 600026913, Type: EventSchedule, CollectionID: 375790908633,
				SchedulingClass: 2, MissingType: -1, CollectionType: 0, Priority: 200, HasPriority: true,
				InstanceIndex: 12, MachineID: 102894866562, AllocInstanceIndex: -1,
				Request: Resources{CPUs: 0.0206298828125, Memory: 0.0064, HasCPUs: true, HasMemory: true}, Line: 1}}},
		{name: "numbers, enums as names",
			in: `{"time":700000000,"type":"FINISH","collection_id":5,"instance_index":0,"scheduling_class":"MOST_SENSITIVE",` +
				`"missing_type":"TOO_MANY_EVENTS","collection_type":"ALLOC_SET","priority":"0","alloc_collection_id":7,"alloc_instance_index":"3"}`,
			want: []InstanceEvent{with(func(e *InstanceEvent) {
				e.TimeUS, e.Type, e.CollectionID, e.SchedulingClass, e.MissingType, e.CollectionType = 700000000, EventFinish, 5, 3, 5, 1
				e.HasPriority, e.AllocCollectionID, e.AllocInstanceIndex = true, 7, 3
			})}},
		{name: "enum number as string, mandatory fields only",
			in:   `{"time":"0","type":"9","collection_id":"1","instance_index":"4"}`,
			want: []InstanceEvent{with(func(e *InstanceEvent) { e.Type, e.CollectionID, e.InstanceIndex = EventUpdatePending, 1, 4 })}},
		{name: "nulls everywhere optional, nested null",
			in: `{"time":"1","type":0,"collection_id":"1","instance_index":0,"priority":null,"machine_id":null,` +
				`"scheduling_class":null,"alloc_instance_index":null,"resource_request":{"cpus":null,"memory":0.5}}`,
			want: []InstanceEvent{with(func(e *InstanceEvent) {
				e.TimeUS, e.CollectionID, e.Request = 1, 1, Resources{Memory: 0.5, HasMemory: true}
			})}},
		{name: "null request, figures as strings, unknown keys, escaped key, white space, CRLF",
			in: " { \"t\\u0069me\" : \"2\" , \"type\":\"SUBMIT\",\"collection_id\":\"1\",\"instance_index\":0," +
				`"new_column":{"a":[1,2.5e-3,{"b":null}],"c":"\"\u00e9\\"},"flag":true,"resource_request":null}` + " \r\n" +
				`{"time":"3","type":0,"collection_id":"1","instance_index":1,"resource_request":{"cpus":"0.25","memory":"1e-3","gpus":9}}`,
			want: []InstanceEvent{with(func(e *InstanceEvent) { e.TimeUS, e.CollectionID = 2, 1 }),
				with(func(e *InstanceEvent) {
					e.TimeUS, e.CollectionID, e.InstanceIndex, e.Line = 3, 1, 1, 2
					e.Request = Resources{CPUs: 0.25, Memory: 0.001, HasCPUs: true, HasMemory: true}
				})}},
		{name: "end of trace, dedicated machine, blank lines",
			in: "\n  \t\n" + `{"time":"9223372036854775807","type":8,"collection_id":"9223372036854775807","instance_index":2147483647,"machine_id":-1}` + "\n\n",
			want: []InstanceEvent{with(func(e *InstanceEvent) {
				e.TimeUS, e.Type, e.CollectionID, e.InstanceIndex, e.MachineID, e.Line = EndOfTrace, EventLost, math.MaxInt64, math.MaxInt32, -1, 3
			})}},
		{name: "bad integer", in: `{"time":"abc","type":0,"collection_id":"1","instance_index":0}`,
			err: `instance_events.json:1: field "time": invalid integer "abc"`},
		{name: "fractional integer", in: `{"time":1.5,"type":0,"collection_id":"1","instance_index":0}`,
			err: `instance_events.json:1: field "time": invalid integer "1.5"`},
		{name: "integer with exponent", in: `{"time":"1","type":0,"collection_id":1e3,"instance_index":0}`,
			err: `instance_events.json:1: field "collection_id": invalid integer "1e3"`},
		{name: "integer overflow", in: `{"time":"1","type":0,"collection_id":"9223372036854775808","instance_index":0}`,
			err: `instance_events.json:1: field "collection_id": invalid integer "9223372036854775808"`},
		{name: "integer as bool", in: `{"time":"1","type":0,"collection_id":"1","instance_index":true}`,
			err: `instance_events.json:1: field "instance_index": invalid integer "true"`},
		{name: "negative time", in: `{"time":-1,"type":0,"collection_id":"1","instance_index":0}`,
			err: `instance_events.json:1: field "time": value -1 out of range [0, 9223372036854775807]`},
		{name: "instance index over int32", in: `{"time":"1","type":0,"collection_id":"1","instance_index":"2147483648"}`,
			err: `instance_events.json:1: field "instance_index": value 2147483648 out of range [0, 2147483647]`},
		{name: "machine below dedicated", in: `{"time":"1","type":0,"collection_id":"1","instance_index":0,"machine_id":"-2"}`,
			err: `instance_events.json:1: field "machine_id": value -2 out of range [-1, 9223372036854775807]`},
		{name: "missing time", in: `{"type":0,"collection_id":"1","instance_index":0}`,
			err: `instance_events.json:1: field "time": missing mandatory value`},
		{name: "null type", in: `{"time":"1","type":null,"collection_id":"1","instance_index":0}`,
			err: `instance_events.json:1: field "type": missing mandatory value`},
		{name: "missing collection", in: `{"time":"1","type":0,"instance_index":0}`,
			err: `instance_events.json:1: field "collection_id": missing mandatory value`},
		{name: "missing instance index", in: `{"time":"1","type":0,"collection_id":"1"}`,
			err: `instance_events.json:1: field "instance_index": missing mandatory value`},
		{name: "unknown enum name", in: `{"time":"1","type":"SUBMITTED","collection_id":"1","instance_index":0}`,
			err: `instance_events.json:1: field "type": unknown event type "SUBMITTED"`},
		{name: "enum out of range", in: `{"time":"1","type":11,"collection_id":"1","instance_index":0}`,
			err: `instance_events.json:1: field "type": event type 11 out of range [0, 10]`},
		{name: "bad optional enum", in: `{"time":"1","type":0,"collection_id":"1","instance_index":0,"collection_type":"JOBS"}`,
			err: `instance_events.json:1: field "collection_type": unknown collection type "JOBS"`},
		{name: "NaN request", in: `{"time":"1","type":0,"collection_id":"1","instance_index":0,"resource_request":{"cpus":"NaN"}}`,
			err: `instance_events.json:1: field "resource_request.cpus": invalid number "NaN"`},
		{name: "negative request", in: `{"time":"1","type":0,"collection_id":"1","instance_index":0,"resource_request":{"memory":-0.1}}`,
			err: `instance_events.json:1: field "resource_request.memory": negative value "-0.1"`},
		{name: "request not an object", in: `{"time":"1","type":0,"collection_id":"1","instance_index":0,"resource_request":[0.1]}`,
			err: `instance_events.json:1: field "resource_request": expected an object, got "[0.1]"`},
		{name: "truncated JSON", in: `{"time":"1","type":0,"collection_id":"1","instance_`,
			err: `instance_events.json:1: invalid JSON at column 52: unexpected end of line`},
		{name: "truncated after value", in: `{"time":"1","type":0`,
			err: `instance_events.json:1: invalid JSON at column 21: unexpected end of line`},
		{name: "not an object", in: `[1,2]`,
			err: `instance_events.json:1: invalid JSON at column 1: expected an object`},
		{name: "trailing text", in: `{"time":"1","type":0,"collection_id":"1","instance_index":0} x`,
			err: `instance_events.json:1: invalid JSON at column 62: unexpected text after the object`},
		{name: "trailing comma", in: `{"time":"1",}`,
			err: `instance_events.json:1: invalid JSON at column 13: unexpected character '}'`},
		{name: "leading zero", in: `{"time":01}`,
			err: `instance_events.json:1: invalid JSON at column 10: unexpected character '1'`},
		{name: "bad escape", in: `{"time":"1","x":"a\qb"}`,
			err: `instance_events.json:1: invalid JSON at column 19: invalid escape in string`},
		{name: "control character", in: "{\"x\":\"a\tb\"}",
			err: `instance_events.json:1: invalid JSON at column 8: control character in string`},
		{name: "bad literal", in: `{"x":nul}`,
			err: `instance_events.json:1: invalid JSON at column 9: unexpected character '}'`},
		{name: "too deep", in: `{"x":` + strings.Repeat("[", 65) + strings.Repeat("]", 65) + `}`,
			err: `instance_events.json:1: invalid JSON at column 70: nested deeper than 64 levels`},
		{name: "time going backwards, naming both lines",
			in: `{"time":"10","type":0,"collection_id":"1","instance_index":0}` + "\n\n" +
				`{"time":"5","type":3,"collection_id":"1","instance_index":0}`,
			want: []InstanceEvent{with(func(e *InstanceEvent) { e.TimeUS, e.CollectionID = 10, 1 })},
			err:  `instance_events.json:3: field "time": time 5 is before time 10 of line 1 (the file must be sorted by time)`},
		{name: "over-long line",
			in:   `{"time":"1","type":0,"collection_id":"1","instance_index":0}` + "\n" + `{"x":"` + strings.Repeat("y", MaxLineBytes) + `"}`,
			want: []InstanceEvent{with(func(e *InstanceEvent) { e.TimeUS, e.CollectionID = 1, 1 })},
			err:  `instance_events.json:2: line longer than 262144 bytes`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewInstanceEventReader(strings.NewReader(tc.in), name)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := readAll(r.Next)
			if tc.err != "" {
				checkErr(t, err, tc.err)
				if _, err2 := r.Next(); err2 != err {
					t.Errorf("error not sticky: %v then %v", err, err2)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) || len(got) > 0 && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
			st := r.Stats()
			if st.Lines != st.Blank+st.Records+st.Malformed || st.Records != int64(len(got)) {
				t.Errorf("inconsistent stats %+v for %d records", st, len(got))
			}
		})
	}
}

func TestCollectionEvents(t *testing.T) {
	const name = "collection_events.json"
	tests := []struct {
		name, in string
		want     []CollectionEvent
		err      string
	}{
		{name: "export row",
			in: `{"time":"0","type":0,"collection_id":"1234","scheduling_class":3,"missing_type":null,` +
				`"collection_type":0,"priority":"103","alloc_collection_id":"0","user":"U/x+9=","collection_name":"n\/1",` +
				`"collection_logical_name":"ln","parent_collection_id":"99","start_after_collection_ids":["7",8],` +
				`"max_per_machine":"2","max_per_switch":null,"vertical_scaling":"VERTICAL_SCALING_FULLY_AUTOMATED","scheduler":1}`,
			want: []CollectionEvent{{CollectionID: 1234, SchedulingClass: 3, MissingType: -1, Priority: 103, HasPriority: true,
				User: "U/x+9=", Name: "n/1", LogicalName: "ln", ParentCollectionID: 99, StartAfter: []int64{7, 8},
				MaxPerMachine: 2, VerticalScaling: 3, Scheduler: 1, Line: 1}}},
		{name: "minimal, names, empty list",
			in: `{"time":5,"type":"KILL","collection_id":3,"collection_type":"ALLOC_SET","start_after_collection_ids":[],"scheduler":"SCHEDULER_BATCH"}`,
			want: []CollectionEvent{{TimeUS: 5, Type: EventKill, CollectionID: 3, SchedulingClass: -1, MissingType: -1,
				CollectionType: 1, VerticalScaling: -1, Scheduler: 1, Line: 1}}},
		{name: "bad list element",
			in:  `{"time":5,"type":0,"collection_id":3,"start_after_collection_ids":["1","x"]}`,
			err: `collection_events.json:1: field "start_after_collection_ids[1]": invalid integer "x"`},
		{name: "list not an array",
			in:  `{"time":5,"type":0,"collection_id":3,"start_after_collection_ids":"1"}`,
			err: `collection_events.json:1: field "start_after_collection_ids": expected an array, got "1"`},
		{name: "user not a string", in: `{"time":5,"type":0,"collection_id":3,"user":5}`,
			err: `collection_events.json:1: field "user": expected a string, got "5"`},
		{name: "bad vertical scaling", in: `{"time":5,"type":0,"collection_id":3,"vertical_scaling":4}`,
			err: `collection_events.json:1: field "vertical_scaling": vertical scaling setting 4 out of range [0, 3]`},
		{name: "missing type", in: `{"time":5,"collection_id":3}`,
			err: `collection_events.json:1: field "type": missing mandatory value`},
		{name: "priority over int32", in: `{"time":5,"type":0,"collection_id":3,"priority":2147483648}`,
			err: `collection_events.json:1: field "priority": value 2147483648 out of range [-2147483648, 2147483647]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewCollectionEventReader(strings.NewReader(tc.in+"\n"), name)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := readAll(r.Next)
			if tc.err != "" {
				checkErr(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestMachineEvents(t *testing.T) {
	const name = "machine_events.json"
	tests := []struct {
		name, in string
		want     []MachineEvent
		err      string
	}{
		{name: "export row",
			in: `{"time":"0","machine_id":"102894866562","type":1,"switch_id":"S1","capacity":{"cpus":0.5,"memory":0.2493},` +
				`"platform_id":"P1","missing_data_reason":null}`,
			want: []MachineEvent{{MachineID: 102894866562, Type: MachineAdd, SwitchID: "S1", PlatformID: "P1",
				Capacity: Resources{CPUs: 0.5, Memory: 0.2493, HasCPUs: true, HasMemory: true}, MissingDataReason: -1, Line: 1}}},
		{name: "names, null capacity, unknown type",
			in: `{"time":7,"machine_id":5,"type":"REMOVE","capacity":null,"missing_data_reason":"SNAPSHOT_BUT_NO_TRANSITION"}` + "\n" +
				`{"time":8,"machine_id":5,"type":0}`,
			want: []MachineEvent{{TimeUS: 7, MachineID: 5, Type: MachineRemove, MissingDataReason: 1, Line: 1},
				{TimeUS: 8, MachineID: 5, Type: MachineUnknown, MissingDataReason: -1, Line: 2}}},
		{name: "missing machine", in: `{"time":7,"type":1}`,
			err: `machine_events.json:1: field "machine_id": missing mandatory value`},
		{name: "type out of range", in: `{"time":7,"machine_id":5,"type":4}`,
			err: `machine_events.json:1: field "type": machine event type 4 out of range [0, 3]`},
		{name: "instance event type name", in: `{"time":7,"machine_id":5,"type":"SUBMIT"}`,
			err: `machine_events.json:1: field "type": unknown machine event type "SUBMIT"`},
		{name: "bad capacity", in: `{"time":7,"machine_id":5,"type":1,"capacity":{"cpus":"Infinity"}}`,
			err: `machine_events.json:1: field "capacity.cpus": invalid number "Infinity"`},
		{name: "bad machine", in: `{"time":7,"machine_id":"5a","type":1}`,
			err: `machine_events.json:1: field "machine_id": invalid integer "5a"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewMachineEventReader(strings.NewReader(tc.in), name)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := readAll(r.Next)
			if tc.err != "" {
				checkErr(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestOnMalformed(t *testing.T) {
	in := strings.Join([]string{
		`{"time":"1","type":0,"collection_id":"1","instance_index":0}`,
		`{"time":"x","type":0,"collection_id":"1","instance_index":0}`,
		`{"time":"2","type":0,`,
		``,
		`{"time":"0","type":0,"collection_id":"1","instance_index":0}`, // backwards
		`{"time":"3","type":3,"collection_id":"1","instance_index":0}`,
	}, "\n")
	r, err := NewInstanceEventReader(strings.NewReader(in), "f")
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	r.OnMalformed(func(pe *ParseError) { bad = append(bad, pe.Error()) })
	got, err := readAll(r.Next)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Line != 1 || got[1].Line != 6 {
		t.Fatalf("got %+v", got)
	}
	want := []string{`f:2: field "time": invalid integer "x"`, `f:3: invalid JSON at column 22: unexpected end of line`,
		`f:5: field "time": time 0 is before time 1 of line 1 (the file must be sorted by time)`}
	if !reflect.DeepEqual(bad, want) {
		t.Fatalf("malformed lines\n got  %q\n want %q", bad, want)
	}
	st := r.Stats()
	wantSt := ReadStats{Lines: 6, Blank: 1, Records: 2, Malformed: 3}
	wantSt.ByType[EventSubmit], wantSt.ByType[EventSchedule] = 1, 1
	if st != wantSt {
		t.Fatalf("stats %+v, want %+v", st, wantSt)
	}
}

func TestReaderGzipAndClose(t *testing.T) {
	r, err := NewInstanceEventReader(bytes.NewReader(gz(t, instRow+"\n")), "g")
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Next()
	if err != nil || e.CollectionID != 375790908633 {
		t.Fatalf("gzip: %+v, %v", e, err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil || err.Error() != "g: reader closed" {
		t.Fatalf("after close: %v", err)
	}
	if _, err := NewMachineEventReader(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0}), "bad.gz"); err == nil ||
		!strings.HasPrefix(err.Error(), "bad.gz: gzip: ") {
		t.Fatalf("bad gzip header: %v", err)
	}
	// A truncated gzip stream is a read error naming the line, not bad input.
	data := gz(t, strings.Repeat(instRow+"\n", 2000))
	r, _ = NewInstanceEventReader(bytes.NewReader(data[:len(data)/2]), "t.gz")
	_, err = readAll(r.Next)
	if err == nil || !strings.HasPrefix(err.Error(), "t.gz:") || !strings.Contains(err.Error(), "read error") ||
		errors.Is(err, trace.ErrBadInput) {
		t.Fatalf("truncated gzip: %v", err)
	}
}

func TestEventTypeString(t *testing.T) {
	for _, tc := range []struct {
		t    EventType
		want string
	}{{EventSubmit, "SUBMIT"}, {EventUpdateRunning, "UPDATE_RUNNING"}, {-1, "UNFINISHED"}, {11, "EventType(11)"}} {
		if got := tc.t.String(); got != tc.want {
			t.Errorf("%d: %q, want %q", tc.t, got, tc.want)
		}
	}
	if MachineUpdate.String() != "UPDATE" || MachineEventType(9).String() != "MachineEventType(9)" {
		t.Error("machine event type names")
	}
	for ty := EventType(0); ty < NumEventTypes; ty++ {
		if ty.Terminal() != (ty >= EventEvict && ty <= EventLost) {
			t.Errorf("%v.Terminal() = %v", ty, ty.Terminal())
		}
	}
}

func TestUnescape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`plain`, "plain"},
		{`a\"b\\c\/d\b\f\n\r\t`, "a\"b\\c/d\b\f\n\r\t"},
		{`\u00e9\u20AC`, "é€"},
		{`\ud83d\ude00`, "😀"},
		{`\ud83dx`, "\uFFFDx"},
		{`\ud83d\u0041`, "\uFFFDA"},
		{`\ude00`, "\uFFFD"},
	} {
		if got := string(unescape(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("unescape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
