// Package google2011 streams the Google cluster-usage trace "clusterdata-2011-2"
// (a Borg cell of about 12.5k machines, May 2011, 29 days; format and schema from
// Google's "v2.1 format + schema document" and schema.csv,
// https://github.com/google/cluster-data/blob/master/ClusterData2011_2.md).
//
// # Files
//
// Every table is gzip'd CSV without a header, comma separated, one record a line.
// An empty field means "missing". Times are integer microseconds; the trace
// starts at 600 s (600000000 µs) and time 0 marks events that happened before
// the trace window; [EndOfTrace] (2^63−1) means "after the end of the trace".
// CPU, memory and disk figures are normalised (0..1) to the largest machine.
// The readers accept gzip (recognised by its magic bytes) or plain text.
//
// machine_events has 6 fields: time, machine ID, event type (0 ADD, 1 REMOVE,
// 2 UPDATE), platform ID, CPUs, memory. task_events has 13 fields: time,
// missing info, job ID, task index, machine ID, event type (0 SUBMIT,
// 1 SCHEDULE, 2 EVICT, 3 FAIL, 4 FINISH, 5 KILL, 6 LOST, 7 UPDATE_PENDING,
// 8 UPDATE_RUNNING), user, scheduling class, priority, CPU request, memory
// request, disk space request, different-machines restriction.
//
// # Readers
//
// [MachineReader] and [TaskReader] read one line at a time (lines longer than
// [MaxLineBytes] are an error), so memory is bounded whatever the file size.
// Mandatory fields (per schema.csv) must be present; optional fields may be
// empty and are reported through the Has* flags (or zero values). A malformed
// line gives a [*ParseError] naming file, line and field, for example
//
//	task_events.csv.gz:1234: field 6 (event type): invalid integer "x"
//	machine_events.csv.gz:7: expected 6 fields, got 5
//
// Times must be non-decreasing within a file (the trace is sorted); a line
// whose time goes backwards is an error naming that line. Errors are sticky:
// once Next has returned an error it returns the same error again.
// Negative times, numbers that overflow, non-finite or negative resource
// figures and out-of-range event types are errors. The readers never panic.
//
// # Task lifecycle assembly
//
// [Assemble] follows each (job ID, task index) through the task state machine
// of the schema document (SUBMIT → pending → SCHEDULE → running → one of
// EVICT, FAIL, FINISH, KILL, LOST → dead, and SUBMIT again after death) and
// calls emit once for every attempt, i.e. every SUBMIT … terminal-event span.
// Only open attempts are kept in memory (a map from (job, index) to the open
// attempt). The rules:
//
//   - SUBMIT with no open attempt opens one: SubmitUS, User, Priority,
//     SchedClass and requests come from the event; ScheduleUS, EndUS = −1,
//     MachineID = −1, EndType = −1.
//   - SUBMIT while an attempt is already open (a repeated SUBMIT with no
//     terminal event in between) is counted in Stats.DuplicateSubmits and
//     otherwise ignored: the open attempt keeps its first submit time.
//   - SCHEDULE on an open, pending attempt sets ScheduleUS and MachineID.
//     SCHEDULE on an attempt that is already running is counted in
//     Stats.DuplicateSchedules and ignored.
//   - SCHEDULE with no open attempt (its SUBMIT lies before the start of the
//     file, e.g. in an earlier shard) is an orphan: it is counted in
//     Stats.Orphans and opens a running attempt with SubmitUS = −1, so that
//     its end is still recorded.
//   - EVICT, FAIL, FINISH, KILL, LOST close the open attempt (pending or
//     running): EndUS and EndType are set, MachineID is filled in from the
//     event if still unknown, and the attempt is emitted at once, so attempts
//     are emitted in end-time order as the events arrive. A later SUBMIT of
//     the same task opens a new attempt. A terminal event with no open
//     attempt is an orphan: counted, nothing emitted.
//   - UPDATE_PENDING and UPDATE_RUNNING on an open attempt overwrite the
//     requests they carry (CPU, memory) and the priority; counted in
//     Stats.Updates. With no open attempt they are orphans.
//   - Requests missing on the SUBMIT (missing-info records) are taken from the
//     first later event of the same attempt that carries them; a request never
//     seen stays −1.
//   - At EOF every attempt still open is emitted with EndUS = −1 and
//     EndType = −1 (still pending or running when the file ends), in
//     increasing (job ID, task index) order so the output is deterministic.
//
// Every event is therefore accounted for in Stats: EventsByType counts all of
// them, and Stats.Opened = SUBMITs that opened an attempt + orphan SCHEDULEs =
// Stats.Attempts = Σ Stats.ByEndType + Stats.Unfinished.
package google2011
