package google2019

import (
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/models/trace"
)

// MachineEventType is the type of a machine event (the proto's MachineEvent.EventType).
type MachineEventType int8

// Machine event types.
const (
	MachineUnknown MachineEventType = 0 // EVENT_TYPE_UNKNOWN, "should never happen"
	MachineAdd     MachineEventType = 1
	MachineRemove  MachineEventType = 2
	MachineUpdate  MachineEventType = 3
)

var machineTypeNames = []string{"EVENT_TYPE_UNKNOWN", "ADD", "REMOVE", "UPDATE"}

var missingDataNames = []string{"MISSING_DATA_REASON_NONE", "SNAPSHOT_BUT_NO_TRANSITION"}

// String returns the schema name of t ("ADD").
func (t MachineEventType) String() string {
	if t >= 0 && int(t) < len(machineTypeNames) {
		return machineTypeNames[t]
	}
	return "MachineEventType(" + strconv.Itoa(int(t)) + ")"
}

// MachineEvent is one machine_events record. Absent or null optional fields read as:
// strings ""; Capacity fields with their Has flags false; MissingDataReason −1. Line is
// the 1-based line number in the file.
type MachineEvent struct {
	TimeUS            int64
	MachineID         int64
	Type              MachineEventType
	SwitchID          string
	PlatformID        string
	Capacity          Resources
	MissingDataReason int8
	Line              int
}

// MachineEventReader streams machine_events records.
type MachineEventReader struct{ records }

// OpenMachineEvents opens a machine_events file, gzip'd (recognised by its magic bytes) or
// plain. Errors name the path.
func OpenMachineEvents(path string) (*MachineEventReader, error) {
	return openRecords(path, func(r records) *MachineEventReader { return &MachineEventReader{r} })
}

// NewMachineEventReader reads machine_events records from r (gzip'd or plain); name is
// used in error messages. Close does not close r.
func NewMachineEventReader(r io.Reader, name string) (*MachineEventReader, error) {
	return newRecords(r, name, func(r records) *MachineEventReader { return &MachineEventReader{r} })
}

// Next returns the next record, io.EOF at the end, a *ParseError, or a read error.
// Errors are sticky.
func (r *MachineEventReader) Next() (MachineEvent, error) {
	for {
		ms, err := r.lr.next()
		if err != nil {
			return MachineEvent{}, err
		}
		f := fields{lr: r.lr}
		e := MachineEvent{MissingDataReason: -1, Line: r.lr.line}
		var hasTime, hasMachine, hasType bool
		var typ int
		for i := range ms {
			m := &ms[i]
			switch string(f.key(m)) {
			case "time":
				e.TimeUS, hasTime = f.integer("time", m.val, 0, math.MaxInt64)
			case "machine_id":
				e.MachineID, hasMachine = f.integer("machine_id", m.val, 0, math.MaxInt64)
			case "type":
				typ, hasType = f.enum("type", m.val, "machine event type", machineTypeNames)
			case "switch_id":
				e.SwitchID = f.str("switch_id", m.val)
			case "capacity":
				e.Capacity = f.resources("capacity", m.val)
			case "platform_id":
				e.PlatformID = f.str("platform_id", m.val)
			case "missing_data_reason":
				e.MissingDataReason = f.optEnum("missing_data_reason", m.val, "missing data reason", missingDataNames)
			}
		}
		switch {
		case f.err != nil:
		case !hasTime:
			f.missing("time")
		case !hasMachine:
			f.missing("machine_id")
		case !hasType:
			f.missing("type")
		default:
			f.err = r.lr.ok(e.TimeUS, typ)
		}
		if f.err == nil {
			e.Type = MachineEventType(typ)
			return e, nil
		}
		if err := r.lr.bad(f.err); err != nil {
			return MachineEvent{}, err
		}
	}
}

// MachineStats accounts for the machines of a machine_events file (see ReadMachines).
// Seen = Machines + NoCapacity + NeverAdded.
type MachineStats struct {
	Events       int64    // events read
	EventsByType [4]int64 // events read, by MachineEventType
	Seen         int64    // distinct machine ids
	Machines     int64    // machines returned
	NoCapacity   int64    // added, but CPU or memory capacity never given (or out of range): left out
	NeverAdded   int64    // seen only in REMOVE, UPDATE or unknown-type events: left out
	Removed      int64    // returned machines whose last event was a REMOVE
}

type machineState struct {
	added, removed bool
	cap            Resources // last known capacity, field by field
}

// Machines returns the machines of the machine_events at path with ReadMachines: a
// machine_events file, or a folder holding one cell's export (its machine_events/
// subfolder, or its machine_events*.json[.gz] files, read in name order as one stream). An
// instance_events or collection_events file stands for its folder, so the path a trace
// source was opened with finds the machines beside it.
func Machines(path string, units trace.Units) ([]trace.Machine, MachineStats, error) {
	if base := filepath.Base(path); !isDir(path) &&
		(strings.Contains(base, "instance_events") || strings.Contains(base, "collection_events")) {
		path = filepath.Dir(path)
	}
	files, err := tableFiles(path, "machine_events")
	if err != nil {
		return nil, MachineStats{}, err
	}
	c := newChain(files, func(p string) (reader[MachineEvent], error) { return OpenMachineEvents(p) },
		func(e *MachineEvent) (int64, int) { return e.TimeUS, e.Line })
	ms, st, err := readMachines(c.Next, units)
	c.Close()
	return ms, st, err
}

// ReadMachines returns the machines of a machine_events stream, in increasing machine id
// order: every machine with an ADD event, with its last known capacity (ADD and UPDATE
// events set the figures they carry; REMOVE and EVENT_TYPE_UNKNOWN events change none),
// scaled by units (zero fields take DefaultUnits). A removed machine is still returned:
// the cluster's machines are all the hosts it ever had. Machines whose CPU or memory
// capacity is never given are counted in MachineStats.NoCapacity and left out. It does
// not close r; on an error it returns the statistics so far.
func ReadMachines(r *MachineEventReader, units trace.Units) ([]trace.Machine, MachineStats, error) {
	return readMachines(r.Next, units)
}

func readMachines(next func() (MachineEvent, error), units trace.Units) ([]trace.Machine, MachineStats, error) {
	var st MachineStats
	u, err := checkUnits(units)
	if err != nil {
		return nil, st, err
	}
	state := make(map[int64]*machineState)
	for {
		e, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, st, err
		}
		st.Events++
		st.EventsByType[e.Type]++
		m := state[e.MachineID]
		if m == nil {
			m = &machineState{}
			state[e.MachineID] = m
		}
		switch e.Type {
		case MachineAdd, MachineUpdate:
			if e.Type == MachineAdd {
				m.added, m.removed = true, false
			}
			if e.Capacity.HasCPUs {
				m.cap.CPUs, m.cap.HasCPUs = e.Capacity.CPUs, true
			}
			if e.Capacity.HasMemory {
				m.cap.Memory, m.cap.HasMemory = e.Capacity.Memory, true
			}
		case MachineRemove:
			m.removed = true
		}
	}
	st.Seen = int64(len(state))
	ids := make([]int64, 0, len(state))
	for id, m := range state {
		if m.added {
			ids = append(ids, id)
		} else {
			st.NeverAdded++
		}
	}
	slices.Sort(ids)
	out := make([]trace.Machine, 0, len(ids))
	for _, id := range ids {
		m := state[id]
		cpu, okC := scale(m.cap.CPUs, u.CPUMilliPerUnit)
		mem, okM := scale(m.cap.Memory, u.MemBytesPerUnit)
		if !m.cap.HasCPUs || !m.cap.HasMemory || !okC || !okM {
			st.NoCapacity++
			continue
		}
		if m.removed {
			st.Removed++
		}
		out = append(out, trace.Machine{ID: strconv.FormatInt(id, 10), CPUMilli: cpu, MemBytes: mem})
	}
	st.Machines = int64(len(out))
	return out, st, nil
}
