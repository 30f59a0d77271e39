package google2019

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// ev writes one instance_events line in the export's form; extra holds further members,
// each starting with a comma.
func ev(timeUS int64, typ string, coll int64, index int, extra string) string {
	return fmt.Sprintf(`{"time":"%d","type":"%s","collection_id":"%d","instance_index":%d%s}`, timeUS, typ, coll, index, extra)
}

// assembleSample is a hand-written instance_events sequence (times in µs).
var assembleSample = strings.Join([]string{
	// L1 SUBMIT c1/0 before the window
	ev(0, "SUBMIT", 1, 0, `,"priority":100,"scheduling_class":1,"collection_type":0,"resource_request":{"cpus":0.1,"memory":0.2}`),
	// L2 SCHEDULE c1/0 on m10, before the window
	ev(0, "SCHEDULE", 1, 0, `,"machine_id":"10"`),
	// L3 SUBMIT c1/1, no request
	ev(600000000, "SUBMIT", 1, 1, `,"priority":2`),
	// L4 SUBMIT c1/2
	ev(601000000, "SUBMIT", 1, 2, `,"resource_request":{"cpus":0.05,"memory":0.05}`),
	// L5 SUBMIT c1/2 again: duplicate
	ev(602000000, "SUBMIT", 1, 2, ``),
	// L6 QUEUE c1/2
	ev(605000000, "QUEUE", 1, 2, ``),
	// L7 ENABLE c1/2
	ev(606000000, "ENABLE", 1, 2, ``),
	// L8 SCHEDULE c2/0, no SUBMIT: orphan, opens
	ev(610000000, "SCHEDULE", 2, 0, `,"machine_id":12,"resource_request":{"cpus":0.3,"memory":0.4}`),
	// L9 FINISH c3/0, nothing open: dropped orphan
	ev(620000000, "FINISH", 3, 0, ``),
	// L10 SUBMIT c4/5
	ev(630000000, "SUBMIT", 4, 5, `,"priority":11,"resource_request":{"cpus":0.5,"memory":0.5}`),
	// L11 SCHEDULE c4/5 on m14
	ev(640000000, "SCHEDULE", 4, 5, `,"machine_id":14`),
	// L12 UPDATE_PENDING c1/1
	ev(650000000, "UPDATE_PENDING", 1, 1, `,"priority":3,"resource_request":{"cpus":0.25,"memory":0.125}`),
	// L13 UPDATE_RUNNING c9/0: dropped orphan
	ev(660000000, "UPDATE_RUNNING", 9, 0, ``),
	// L14 EVICT c1/0 -> A
	ev(700000000, "EVICT", 1, 0, `,"machine_id":10`),
	// L15 SUBMIT c1/0 again
	ev(700000000, "SUBMIT", 1, 0, `,"priority":100,"resource_request":{"cpus":0.1,"memory":0.2}`),
	// L16 KILL c1/1 pending -> B
	ev(750000000, "KILL", 1, 1, ``),
	// L17 SCHEDULE c1/0 on m11
	ev(800000000, "SCHEDULE", 1, 0, `,"machine_id":11`),
	// L18 SCHEDULE again: duplicate
	ev(805000000, "SCHEDULE", 1, 0, `,"machine_id":99`),
	// L19 ENABLE while running: late
	ev(806000000, "ENABLE", 1, 0, ``),
	// L20 FAIL c2/0 -> C
	ev(850000000, "FAIL", 2, 0, `,"machine_id":12`),
	// L21 FINISH c1/0 -> D
	ev(900000000, "FINISH", 1, 0, `,"machine_id":11`),
	// L22 SUBMIT alloc c7/0
	ev(910000000, "SUBMIT", 7, 0, `,"collection_type":"ALLOC_SET","resource_request":{"cpus":0.5,"memory":0.5}`),
	// L23 SCHEDULE c7/0
	ev(920000000, "SCHEDULE", 7, 0, `,"machine_id":15`),
	// L24 FINISH c7/0 -> E
	ev(930000000, "FINISH", 7, 0, ``),
	// L25 QUEUE c8/3, nothing open: orphan, opens
	ev(940000000, "QUEUE", 8, 3, ``),
	// L26 UPDATE_RUNNING c4/5
	ev(950000000, "UPDATE_RUNNING", 4, 5, `,"resource_request":{"cpus":0.6}`),
}, "\n") + "\n"

func TestAssemble(t *testing.T) {
	r, err := NewInstanceEventReader(strings.NewReader(assembleSample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	var got []Attempt
	st, err := Assemble(r, func(a Attempt) error { got = append(got, a); return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := []Attempt{
		// A: first attempt of c1/0, submitted and scheduled before the window, evicted.
		{CollectionID: 1, InstanceIndex: 0, CollectionType: 0, SchedulingClass: 1, SubmitUS: 0, ScheduleUS: 0,
			EndUS: 700000000, EndType: EventEvict, MachineID: 10, Priority: 100, HasPriority: true, CPUs: 0.1, Memory: 0.2,
			Events: 3, Line: 1},
		// B: c1/1 killed while pending; request and priority from the UPDATE_PENDING.
		{CollectionID: 1, InstanceIndex: 1, CollectionType: -1, SchedulingClass: -1, SubmitUS: 600000000, ScheduleUS: -1,
			EndUS: 750000000, EndType: EventKill, Priority: 3, HasPriority: true, CPUs: 0.25, Memory: 0.125, Events: 3, Line: 3},
		// C: orphan SCHEDULE of c2/0 (submit unknown), failed on m12.
		{CollectionID: 2, InstanceIndex: 0, CollectionType: -1, SchedulingClass: -1, SubmitUS: -1, ScheduleUS: 610000000,
			EndUS: 850000000, EndType: EventFail, MachineID: 12, CPUs: 0.3, Memory: 0.4, Events: 2, Line: 8},
		// D: resubmitted c1/0, finished on m11; the duplicate SCHEDULE and late ENABLE are its events too.
		{CollectionID: 1, InstanceIndex: 0, CollectionType: -1, SchedulingClass: -1, SubmitUS: 700000000, ScheduleUS: 800000000,
			EndUS: 900000000, EndType: EventFinish, MachineID: 11, Priority: 100, HasPriority: true, CPUs: 0.1, Memory: 0.2,
			Events: 5, Line: 15},
		// E: an alloc instance.
		{CollectionID: 7, InstanceIndex: 0, CollectionType: CollectionAllocSet, SchedulingClass: -1, SubmitUS: 910000000,
			ScheduleUS: 920000000, EndUS: 930000000, EndType: EventFinish, MachineID: 15, CPUs: 0.5, Memory: 0.5, Events: 3, Line: 22},
		// Open at EOF, in (collection, index) order: c1/2 pending with its first submit ...
		{CollectionID: 1, InstanceIndex: 2, CollectionType: -1, SchedulingClass: -1, SubmitUS: 601000000, ScheduleUS: -1,
			EndUS: -1, EndType: -1, CPUs: 0.05, Memory: 0.05, Events: 4, Line: 4},
		// ... c4/5 running, its CPU request updated, memory kept ...
		{CollectionID: 4, InstanceIndex: 5, CollectionType: -1, SchedulingClass: -1, SubmitUS: 630000000, ScheduleUS: 640000000,
			EndUS: -1, EndType: -1, MachineID: 14, Priority: 11, HasPriority: true, CPUs: 0.6, Memory: 0.5, Events: 3, Line: 10},
		// ... and c8/3, opened by an orphan QUEUE.
		{CollectionID: 8, InstanceIndex: 3, CollectionType: -1, SchedulingClass: -1, SubmitUS: -1, ScheduleUS: -1,
			EndUS: -1, EndType: -1, CPUs: -1, Memory: -1, Events: 1, Line: 25},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d attempts, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("attempt %d:\n got  %+v\n want %+v", i, got[i], want[i])
		}
	}
	wantSt := Stats{
		Events:             26,
		EventsByType:       [NumEventTypes]int64{7, 2, 2, 6, 1, 1, 3, 1, 0, 1, 2},
		Opened:             8,
		Attempts:           8,
		ByEndType:          [NumEventTypes]int64{EventEvict: 1, EventFail: 1, EventFinish: 2, EventKill: 1},
		Unfinished:         3,
		Orphans:            4,
		OrphansByType:      [NumEventTypes]int64{EventQueue: 1, EventSchedule: 1, EventFinish: 1, EventUpdateRunning: 1},
		Dropped:            2,
		Updates:            2,
		DuplicateSubmits:   1,
		DuplicateSchedules: 1,
		LateQueues:         1,
		MaxOpen:            5,
	}
	if st != wantSt {
		t.Fatalf("stats\n got  %+v\n want %+v", st, wantSt)
	}
	checkBookkeeping(t, st, got)
}

// checkBookkeeping verifies the accounting identities of the package doc; those involving
// the attempts only when they are given.
func checkBookkeeping(t testing.TB, st Stats, attempts []Attempt) {
	t.Helper()
	var sum, closed, orph, events int64
	for i := range st.EventsByType {
		sum += st.EventsByType[i]
		closed += st.ByEndType[i]
		orph += st.OrphansByType[i]
	}
	for _, a := range attempts {
		events += a.Events
	}
	if sum != st.Events || st.Opened != st.Attempts || closed+st.Unfinished != st.Attempts || orph != st.Orphans ||
		attempts != nil && (int64(len(attempts)) != st.Attempts || events+st.Dropped != st.Events) {
		t.Fatalf("inconsistent stats %+v (Σtypes %d, closed %d, Σorphans %d, %d attempts of %d events)",
			st, sum, closed, orph, len(attempts), events)
	}
	openers := st.OrphansByType[EventQueue] + st.OrphansByType[EventEnable] + st.OrphansByType[EventSchedule]
	if st.Opened != st.EventsByType[EventSubmit]-st.DuplicateSubmits+openers || st.Dropped != st.Orphans-openers {
		t.Fatalf("opened %d != submits %d - duplicates %d + orphan openers %d (dropped %d)", st.Opened,
			st.EventsByType[EventSubmit], st.DuplicateSubmits, openers, st.Dropped)
	}
}

func TestAssembleErrors(t *testing.T) {
	stop := errors.New("stop")
	r, _ := NewInstanceEventReader(strings.NewReader(assembleSample), "sample")
	n := 0
	st, err := Assemble(r, func(Attempt) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 || st.Attempts != 1 {
		t.Fatalf("emit error: err %v n %d stats %+v", err, n, st)
	}
	// An error at EOF emission stops too.
	r, _ = NewInstanceEventReader(strings.NewReader(ev(1, "SUBMIT", 1, 0, "")), "s")
	if _, err := Assemble(r, func(Attempt) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("emit error at EOF: %v", err)
	}
	r, _ = NewInstanceEventReader(strings.NewReader(assembleSample+ev(1, "SUBMIT", 1, 0, "")+"\n"), "sample")
	_, err = Assemble(r, func(Attempt) error { return nil })
	checkErr(t, err, `sample:27: field "time": time 1 is before time 950000000 of line 26 (the file must be sorted by time)`)
}

// TestAssembleLifecycles covers single life cycles, each checked against the bookkeeping.
func TestAssembleLifecycles(t *testing.T) {
	tests := []struct {
		name   string
		lines  []string
		ends   []EventType // EndType of each attempt, in emission order
		events []int64     // Events of each attempt
	}{
		{"submit queue enable schedule finish", []string{ev(1, "SUBMIT", 1, 0, ""), ev(2, "QUEUE", 1, 0, ""),
			ev(3, "ENABLE", 1, 0, ""), ev(4, "SCHEDULE", 1, 0, ""), ev(5, "FINISH", 1, 0, "")},
			[]EventType{EventFinish}, []int64{5}},
		{"evict then resubmit then lost", []string{ev(1, "SUBMIT", 1, 0, ""), ev(2, "SCHEDULE", 1, 0, ""),
			ev(3, "EVICT", 1, 0, ""), ev(3, "SUBMIT", 1, 0, ""), ev(4, "SCHEDULE", 1, 0, ""), ev(5, "LOST", 1, 0, "")},
			[]EventType{EventEvict, EventLost}, []int64{3, 3}},
		{"orphan enable then fail", []string{ev(1, "ENABLE", 1, 0, ""), ev(2, "SCHEDULE", 1, 0, ""), ev(3, "FAIL", 1, 0, "")},
			[]EventType{EventFail}, []int64{3}},
		{"unfinished at EOF", []string{ev(1, "SUBMIT", 2, 0, ""), ev(1, "SUBMIT", 1, 7, ""), ev(2, "SCHEDULE", 1, 7, "")},
			[]EventType{-1, -1}, []int64{2, 1}},
		{"only orphans", []string{ev(1, "KILL", 1, 0, ""), ev(2, "UPDATE_PENDING", 1, 0, "")}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := NewInstanceEventReader(strings.NewReader(strings.Join(tc.lines, "\n")), "s")
			var got []Attempt
			st, err := Assemble(r, func(a Attempt) error { got = append(got, a); return nil })
			if err != nil {
				t.Fatal(err)
			}
			checkBookkeeping(t, st, got)
			if len(got) != len(tc.ends) {
				t.Fatalf("got %+v", got)
			}
			for i, a := range got {
				if a.EndType != tc.ends[i] || a.Events != tc.events[i] {
					t.Errorf("attempt %d: %+v", i, a)
				}
			}
		})
	}
}
