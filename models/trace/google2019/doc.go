// Package google2019 reads the Google cluster-usage trace "clusterdata-2019" (eight Borg
// cells, May 2019, trace format v3) in the JSON-lines form that BigQuery's export writes,
// and turns its instance events into dcsim's workload model ([trace.Job]). Format and
// schema are those of Google's "Google cluster-usage traces v3" document and
// clusterdata_trace_format_v3.proto, https://github.com/google/cluster-data
// (ClusterData2019.md).
//
// # Files
//
// Each file is one table of one cell (collection_events, instance_events, machine_events),
// or one shard of it (a large table exports as instance_events-000000000000.json.gz, ...),
// one JSON object a line, gzip'd (recognised by its magic bytes) or plain. Export them
// sorted, e.g. `SELECT * FROM clusterdata_2019_a.instance_events ORDER BY time, type`: a
// table's own export has no order, and ordering ties by type puts SUBMIT before SCHEDULE
// before the terminal event of one instance at the same µs. Keys are the proto's field
// names; keys this package does not use (constraint, and columns a later export adds) are
// ignored, though their values must still be valid JSON. A value may be written in any of
// the export's forms:
//
//   - integers (INT64) as numbers or as strings of digits: "time":"600123" or 600123;
//   - enums as their number or their proto name: "type":3, "type":"3", "type":"SCHEDULE";
//   - resources as an object: "resource_request":{"cpus":0.02,"memory":0.01}, each figure
//     a number or a numeric string;
//   - a missing value as an absent key or null (a nested null too).
//
// Times are µs since 600 s before the start of the trace window ([TraceStartUS]); 0 marks
// events before the window, [EndOfTrace] (2^63−1) events after it. CPU and memory figures
// are normalised: CPU in Google Compute Units scaled so that 1.0 is the largest machine,
// memory likewise.
//
// Fields read. instance_events: time, type, collection_id, scheduling_class,
// missing_type, collection_type, priority, alloc_collection_id, instance_index,
// machine_id, alloc_instance_index, resource_request {cpus, memory}. collection_events:
// the same first eight, then user, collection_name, collection_logical_name,
// parent_collection_id, start_after_collection_ids, max_per_machine, max_per_switch,
// vertical_scaling, scheduler. machine_events: time, machine_id, type (0
// EVENT_TYPE_UNKNOWN, 1 ADD, 2 REMOVE, 3 UPDATE), switch_id, capacity {cpus, memory},
// platform_id, missing_data_reason. Event types: 0 SUBMIT, 1 QUEUE, 2 ENABLE,
// 3 SCHEDULE, 4 EVICT, 5 FAIL, 6 FINISH, 7 KILL, 8 LOST, 9 UPDATE_PENDING,
// 10 UPDATE_RUNNING.
//
// # Readers
//
// [InstanceEventReader], [CollectionEventReader] and [MachineEventReader] read one line at
// a time (a line longer than [MaxLineBytes] is an error), so memory is bounded whatever
// the file size. Blank lines are skipped. The rules:
//
//   - time, type and collection_id are mandatory, and instance_index for instances;
//     time, machine_id and type for machines. An absent mandatory key, or a null one, is
//     an error. Optional fields read as documented on each event type (−1 for an absent
//     enum, 0 with a Has flag false for an absent priority or resource figure).
//   - Integers must be whole decimal numbers in their field's range (time, ids ≥ 0;
//     machine_id of an instance ≥ −1, −1 being DEDICATED_MACHINE; instance_index and
//     alloc_instance_index in int32; priority in int32); "1.0", "1e3", overflow and any
//     other text are errors. Resource figures must be finite and ≥ 0 (NaN, Infinity and
//     negative values are errors). Enums must be a known name or a number in range.
//   - A line that is not exactly one JSON object (truncated, trailing text, bad escape,
//     nesting deeper than 64) is an error.
//   - Times must be non-decreasing within a file; a line whose time goes backwards is an
//     error naming that line and the earlier one.
//
// Errors are of type [*ParseError], name file, line, field and the offending text, and
// wrap [trace.ErrBadInput]:
//
//	instance_events.json:12: field "time": invalid integer "abc"
//	instance_events.json:3: invalid JSON at column 57: unexpected end of line
//
// Errors are sticky: once Next has returned one it returns it again. OnMalformed makes a
// reader skip malformed lines instead (an over-long line and read errors still end it).
// The readers never panic.
//
// # Attempt assembly
//
// [Assemble] follows each (collection_id, instance_index) through the instance life
// cycle of the v3 document (SUBMIT → pending, QUEUE/ENABLE ↔ queued, SCHEDULE →
// running, EVICT, FAIL, FINISH, KILL or LOST → dead, SUBMIT again after death) and calls
// emit once for every attempt, i.e. every span from SUBMIT to a terminal event. Only open
// attempts are kept in memory. The rules:
//
//   - SUBMIT with no open attempt opens one (SubmitUS from the event). SUBMIT while one is
//     open is counted in Stats.DuplicateSubmits and otherwise ignored.
//   - QUEUE, ENABLE and SCHEDULE with no open attempt (its SUBMIT lies before the file)
//     are orphans: counted in Stats.Orphans, they open an attempt with SubmitUS = −1.
//   - SCHEDULE on a pending attempt sets ScheduleUS and MachineID; on a running one it is
//     counted in Stats.DuplicateSchedules and ignored. QUEUE or ENABLE on a running
//     attempt is counted in Stats.LateQueues and ignored.
//   - EVICT, FAIL, FINISH, KILL and LOST close the open attempt (pending or running) and
//     it is emitted at once; with no open attempt they are orphans, counted in
//     Stats.Orphans and Stats.Dropped.
//   - UPDATE_PENDING and UPDATE_RUNNING overwrite the request figures, priority and
//     scheduling class they carry (Stats.Updates); with no open attempt they are dropped
//     orphans.
//   - Any event fills in the request figures, priority, scheduling class and collection
//     type of its attempt while they are still unknown.
//   - At EOF the attempts still open are emitted with EndUS = −1, in increasing
//     (collection_id, instance_index) order.
//
// Every event is accounted for: Stats.Events = Σ EventsByType = Σ Attempt.Events over the
// attempts + Stats.Dropped, and Stats.Opened = SUBMITs − DuplicateSubmits + orphan QUEUE,
// ENABLE and SCHEDULE = Stats.Attempts = Σ ByEndType + Unfinished.
//
// # Jobs
//
// [NewSource] turns instance events into a [trace.Source]: one [trace.Job] per attempt that
// both started (SCHEDULE) and ended (terminal event, whatever its type: the trace's record
// of how long the attempt held its machine):
//
//   - ID is the collection id in decimal, Tenant the collection's user (from
//     collection_events, see Options.CollectionEvents; "" without it), Priority the
//     attempt's priority, Line the line of the attempt's first event (0 when the input is
//     several files);
//   - one Task: Name the instance index in decimal, Instances 1, CPUMilli =
//     round(cpus × Units.CPUMilliPerUnit) but at least 1, MemBytes = round(memory ×
//     Units.MemBytesPerUnit) (0 when memory is never given), RuntimeUS = end − schedule
//     but at least 1, RequestedUS −1 (unknown);
//   - SubmitUS is the attempt's SUBMIT time, or its SCHEDULE time when its SUBMIT is not in
//     the input. A SUBMIT at time 0 (before the window) stays 0.
//
// The input is an instance_events file or a folder of one cell's export: its
// instance_events shards are read in name order as one stream (times must not go back
// from one shard to the next), and its collection_events, if any, give the users.
//
// Report.Records counts the events read (plus the malformed lines skipped under
// Options.SkipBad). Report.Skipped counts the attempts left out, by reason: alloc
// instances (collection_type 1: reservations, not work), still pending or still running at
// the end of the input, never scheduled (ended while pending), scheduled before the trace
// window (time 0: the true start is unknown), ending after it (time 2^63−1), without a
// CPU request, and with a scaled request of 2^62 or more; and the malformed lines skipped.
// So Stats.Attempts = Report.Jobs + the skipped attempts. Report.Notes count the orphan
// terminal and update events (part of no attempt), and among the jobs: attempts whose
// SUBMIT precedes the input, those submitted at time 0, those without a memory request,
// those with run time 0, and the jobs by terminal event type.
//
// An attempt's run time is known only at its end, long after its submit, so the Source
// assembles the whole input on the first Next and then streams the jobs sorted by
// (SubmitUS, collection id, instance index): memory is about 100 bytes per replayable
// attempt, plus about 150 bytes per attempt open at any one time while reading.
//
// Units: [DefaultUnits] takes normalised 1.0 as 64 cores (64,000 millicores) and 256 GiB.
// Google does not publish the largest machine's size, so these are assumptions, which a
// scenario overrides through Options.Units (zero fields keep the defaults).
//
// [Machines] returns the cell's machines (from a machine_events file, or the
// machine_events shards of a folder): every machine ADDed, with its last known capacity
// (ADD and UPDATE set the figures they carry), in increasing machine id order, removed
// ones included; machines whose CPU or memory capacity is never given are counted in
// MachineStats and left out.
package google2019
