package google2019

import (
	"io"
	"math"
	"strconv"
)

// EventType is the type of a collection or instance event (the proto's EventType).
type EventType int8

// Event types.
const (
	EventSubmit        EventType = 0
	EventQueue         EventType = 1
	EventEnable        EventType = 2
	EventSchedule      EventType = 3
	EventEvict         EventType = 4
	EventFail          EventType = 5
	EventFinish        EventType = 6
	EventKill          EventType = 7
	EventLost          EventType = 8
	EventUpdatePending EventType = 9
	EventUpdateRunning EventType = 10
)

// NumEventTypes is the number of event types (0..10).
const NumEventTypes = 11

var eventTypeNames = []string{"SUBMIT", "QUEUE", "ENABLE", "SCHEDULE", "EVICT", "FAIL", "FINISH",
	"KILL", "LOST", "UPDATE_PENDING", "UPDATE_RUNNING"}

// String returns the schema name of t ("FINISH"), "UNFINISHED" for −1.
func (t EventType) String() string {
	if t >= 0 && int(t) < NumEventTypes {
		return eventTypeNames[t]
	}
	if t == -1 {
		return "UNFINISHED"
	}
	return "EventType(" + strconv.Itoa(int(t)) + ")"
}

// Terminal reports whether t ends an attempt: EVICT, FAIL, FINISH, KILL or LOST.
func (t EventType) Terminal() bool { return t >= EventEvict && t <= EventLost }

// Collection types.
const (
	CollectionJob      = 0
	CollectionAllocSet = 1
)

// Names of the other enums, indexed by value.
var (
	collectionTypeNames  = []string{"JOB", "ALLOC_SET"}
	schedulingClassNames = []string{"MOST_INSENSITIVE", "INSENSITIVE", "SENSITIVE", "MOST_SENSITIVE"}
	missingTypeNames     = []string{"MISSING_TYPE_NONE", "SNAPSHOT_BUT_NO_TRANSITION", "NO_SNAPSHOT_OR_TRANSITION",
		"EXISTS_BUT_NO_CREATION", "TRANSITION_MISSING_STEP", "TOO_MANY_EVENTS"}
	verticalScalingNames = []string{"VERTICAL_SCALING_SETTING_UNKNOWN", "VERTICAL_SCALING_OFF",
		"VERTICAL_SCALING_CONSTRAINED", "VERTICAL_SCALING_FULLY_AUTOMATED"}
	schedulerNames = []string{"SCHEDULER_DEFAULT", "SCHEDULER_BATCH"}
)

// Resources is a normalised CPU and memory figure (the proto's Resources); a Has flag is
// false when its field was absent or null.
type Resources struct {
	CPUs, Memory       float64
	HasCPUs, HasMemory bool
}

// common holds the fields instance and collection events share.
type common struct {
	timeUS, collectionID                       int64
	typ                                        int
	schedulingClass, missingType, collectionTy int8
	priority                                   int32
	hasPriority                                bool
	allocCollectionID                          int64
	hasTime, hasType, hasCollection            bool
}

// commonField converts one of the shared fields; it reports false for any other key.
func (f *fields) commonField(c *common, key []byte, v jvalue) bool {
	switch string(key) {
	case "time":
		c.timeUS, c.hasTime = f.integer("time", v, 0, math.MaxInt64)
	case "type":
		c.typ, c.hasType = f.enum("type", v, "event type", eventTypeNames)
	case "collection_id":
		c.collectionID, c.hasCollection = f.integer("collection_id", v, 0, math.MaxInt64)
	case "scheduling_class":
		c.schedulingClass = f.optEnum("scheduling_class", v, "scheduling class", schedulingClassNames)
	case "missing_type":
		c.missingType = f.optEnum("missing_type", v, "missing type", missingTypeNames)
	case "collection_type":
		c.collectionTy = f.optEnum("collection_type", v, "collection type", collectionTypeNames)
	case "priority":
		var p int64
		p, c.hasPriority = f.integer("priority", v, math.MinInt32, math.MaxInt32)
		c.priority = int32(p)
	case "alloc_collection_id":
		c.allocCollectionID, _ = f.integer("alloc_collection_id", v, 0, math.MaxInt64)
	default:
		return false
	}
	return true
}

// checkCommon fails for a missing mandatory shared field.
func (f *fields) checkCommon(c *common) {
	switch {
	case !c.hasTime:
		f.missing("time")
	case !c.hasType:
		f.missing("type")
	case !c.hasCollection:
		f.missing("collection_id")
	}
}

func newCommon() common { return common{schedulingClass: -1, missingType: -1, collectionTy: -1} }

// InstanceEvent is one instance_events record (a task or an alloc instance). Absent or null
// optional fields read as: SchedulingClass, MissingType, CollectionType −1; Priority 0 with
// HasPriority false; AllocCollectionID 0 (NO_ALLOC_COLLECTION); MachineID 0 (NO_MACHINE;
// −1 is DEDICATED_MACHINE); AllocInstanceIndex −1 (NO_ALLOC_INDEX); Request fields with
// their Has flags false. Constraints are checked as JSON but not kept. Line is the 1-based
// line number in the file.
type InstanceEvent struct {
	TimeUS             int64
	Type               EventType
	CollectionID       int64
	SchedulingClass    int8
	MissingType        int8
	CollectionType     int8
	Priority           int32
	HasPriority        bool
	AllocCollectionID  int64
	InstanceIndex      int32
	MachineID          int64
	AllocInstanceIndex int32
	Request            Resources
	Line               int
}

// InstanceEventReader streams instance_events records.
type InstanceEventReader struct{ records }

// OpenInstanceEvents opens an instance_events file, gzip'd (recognised by its magic bytes)
// or plain. Errors name the path.
func OpenInstanceEvents(path string) (*InstanceEventReader, error) {
	return openRecords(path, func(r records) *InstanceEventReader { return &InstanceEventReader{r} })
}

// NewInstanceEventReader reads instance_events records from r (gzip'd or plain); name is
// used in error messages. Close does not close r.
func NewInstanceEventReader(r io.Reader, name string) (*InstanceEventReader, error) {
	return newRecords(r, name, func(r records) *InstanceEventReader { return &InstanceEventReader{r} })
}

// Next returns the next record, io.EOF at the end, a *ParseError, or a read error.
// Errors are sticky.
func (r *InstanceEventReader) Next() (InstanceEvent, error) {
	for {
		ms, err := r.lr.next()
		if err != nil {
			return InstanceEvent{}, err
		}
		f := fields{lr: r.lr}
		c := newCommon()
		e := InstanceEvent{AllocInstanceIndex: -1, Line: r.lr.line}
		hasIndex := false
		for i := range ms {
			m := &ms[i]
			key := f.key(m)
			if f.commonField(&c, key, m.val) {
				continue
			}
			switch string(key) {
			case "instance_index":
				var n int64
				n, hasIndex = f.integer("instance_index", m.val, 0, math.MaxInt32)
				e.InstanceIndex = int32(n)
			case "machine_id":
				e.MachineID, _ = f.integer("machine_id", m.val, -1, math.MaxInt64)
			case "alloc_instance_index":
				if n, has := f.integer("alloc_instance_index", m.val, -1, math.MaxInt32); has {
					e.AllocInstanceIndex = int32(n)
				}
			case "resource_request":
				e.Request = f.resources("resource_request", m.val)
			}
		}
		f.checkCommon(&c)
		if f.err == nil && !hasIndex {
			f.missing("instance_index")
		}
		if f.err == nil {
			f.err = r.lr.ok(c.timeUS, c.typ)
		}
		if f.err == nil {
			e.TimeUS, e.Type, e.CollectionID = c.timeUS, EventType(c.typ), c.collectionID
			e.SchedulingClass, e.MissingType, e.CollectionType = c.schedulingClass, c.missingType, c.collectionTy
			e.Priority, e.HasPriority, e.AllocCollectionID = c.priority, c.hasPriority, c.allocCollectionID
			return e, nil
		}
		if err := r.lr.bad(f.err); err != nil {
			return InstanceEvent{}, err
		}
	}
}

// CollectionEvent is one collection_events record (a job or an alloc set). Absent or null
// optional fields read as: SchedulingClass, MissingType, CollectionType, VerticalScaling,
// Scheduler −1; Priority 0 with HasPriority false; AllocCollectionID and
// ParentCollectionID 0; strings ""; StartAfter nil; MaxPerMachine and MaxPerSwitch 0
// (unlimited). Line is the 1-based line number in the file.
type CollectionEvent struct {
	TimeUS             int64
	Type               EventType
	CollectionID       int64
	SchedulingClass    int8
	MissingType        int8
	CollectionType     int8
	Priority           int32
	HasPriority        bool
	AllocCollectionID  int64
	User               string
	Name               string // collection_name
	LogicalName        string // collection_logical_name
	ParentCollectionID int64
	StartAfter         []int64 // start_after_collection_ids
	MaxPerMachine      int32
	MaxPerSwitch       int32
	VerticalScaling    int8
	Scheduler          int8
	Line               int
}

// CollectionEventReader streams collection_events records.
type CollectionEventReader struct{ records }

// OpenCollectionEvents opens a collection_events file, gzip'd (recognised by its magic
// bytes) or plain. Errors name the path.
func OpenCollectionEvents(path string) (*CollectionEventReader, error) {
	return openRecords(path, func(r records) *CollectionEventReader { return &CollectionEventReader{r} })
}

// NewCollectionEventReader reads collection_events records from r (gzip'd or plain); name
// is used in error messages. Close does not close r.
func NewCollectionEventReader(r io.Reader, name string) (*CollectionEventReader, error) {
	return newRecords(r, name, func(r records) *CollectionEventReader { return &CollectionEventReader{r} })
}

// Next returns the next record, io.EOF at the end, a *ParseError, or a read error.
// Errors are sticky.
func (r *CollectionEventReader) Next() (CollectionEvent, error) {
	for {
		ms, err := r.lr.next()
		if err != nil {
			return CollectionEvent{}, err
		}
		f := fields{lr: r.lr}
		c := newCommon()
		e := CollectionEvent{VerticalScaling: -1, Scheduler: -1, Line: r.lr.line}
		for i := range ms {
			m := &ms[i]
			key := f.key(m)
			if f.commonField(&c, key, m.val) {
				continue
			}
			switch string(key) {
			case "user":
				e.User = f.str("user", m.val)
			case "collection_name":
				e.Name = f.str("collection_name", m.val)
			case "collection_logical_name":
				e.LogicalName = f.str("collection_logical_name", m.val)
			case "parent_collection_id":
				e.ParentCollectionID, _ = f.integer("parent_collection_id", m.val, 0, math.MaxInt64)
			case "start_after_collection_ids":
				e.StartAfter = f.ints("start_after_collection_ids", m.val, 0, math.MaxInt64)
			case "max_per_machine":
				n, _ := f.integer("max_per_machine", m.val, 0, math.MaxInt32)
				e.MaxPerMachine = int32(n)
			case "max_per_switch":
				n, _ := f.integer("max_per_switch", m.val, 0, math.MaxInt32)
				e.MaxPerSwitch = int32(n)
			case "vertical_scaling":
				e.VerticalScaling = f.optEnum("vertical_scaling", m.val, "vertical scaling setting", verticalScalingNames)
			case "scheduler":
				e.Scheduler = f.optEnum("scheduler", m.val, "scheduler", schedulerNames)
			}
		}
		f.checkCommon(&c)
		if f.err == nil {
			f.err = r.lr.ok(c.timeUS, c.typ)
		}
		if f.err == nil {
			e.TimeUS, e.Type, e.CollectionID = c.timeUS, EventType(c.typ), c.collectionID
			e.SchedulingClass, e.MissingType, e.CollectionType = c.schedulingClass, c.missingType, c.collectionTy
			e.Priority, e.HasPriority, e.AllocCollectionID = c.priority, c.hasPriority, c.allocCollectionID
			return e, nil
		}
		if err := r.lr.bad(f.err); err != nil {
			return CollectionEvent{}, err
		}
	}
}
