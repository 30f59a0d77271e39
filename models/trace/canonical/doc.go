// Package canonical is dcsim's own workload format: the jobs of any trace.Source stored as an
// Apache Arrow IPC file (the "Feather v2" random-access format, uncompressed), so that a trace
// converted once replays fast and loads in any Arrow tool (pyarrow, polars, DuckDB, arrow JS).
// A [Writer] stores jobs; a [Reader] is a trace.Source that streams them back, record batch by
// record batch, exactly as written (Job.Line is 0).
//
// # Schema
//
// One row per task; the rows of a job are consecutive, and jobs follow in non-decreasing
// submit time. No column may hold nulls. Columns, in this order:
//
//	column        type         unit        meaning
//	job_id        utf8                     the trace's own job identifier (repeated on every row of the job)
//	submit_us     int64        µs          submit time on the trace's own clock (job-level)
//	tenant        utf8                     user, subscription or tenant; "" if none (job-level)
//	priority      int32                    job priority as the trace gives it (job-level)
//	gang          bool                     all instances of the job's single task start together (job-level)
//	task          utf8                     the trace's own task name; may be ""
//	task_index    int32                    0, 1, ..., n-1: the task's index in its job
//	instances     int32        count       identical instances of the task, >= 1
//	cpu_milli     int64        millicores  CPU per instance, >= 1
//	mem_bytes     int64        bytes       memory per instance, >= 0
//	gpus          int64        count       GPUs per instance, >= 0
//	runtime_us    int64        µs          true run time of each instance, >= 1
//	requested_us  int64        µs          the user's run-time estimate, >= 0; -1 unknown
//	parents       list<int32>              task_index of the tasks of the same job that must finish
//	                                       before this one starts; empty for none
//
// The unit is in each quantity column's field metadata under "unit"; every column has a
// one-sentence "description". requested_us uses -1, not null, for "unknown" (the value
// trace.Task.RequestedUS uses), which keeps every column non-nullable.
//
// Schema metadata: "dcsim.format" = "dcsim-workload", "dcsim.version" = "1", then the
// caller's provenance metadata (source format and path, units, ...) sorted by key; keys
// starting with "dcsim." are reserved. [Reader.Meta] returns the provenance metadata.
//
// # Rules
//
// A job is the run of rows from a row with task_index 0 up to the next row with task_index 0
// (or the end of the file); its task_index values are 0, 1, ..., n-1 in row order, and its
// later rows repeat job_id, submit_us, tenant, priority and gang of its first row. Every job
// is valid as trace.Job.Validate checks (at least one task, the limits above, parents in
// range and not the task itself, no dependency cycle, a gang job has exactly one task), and
// submit_us never decreases from one job to the next. Job IDs need not be unique. Strings are
// valid UTF-8 (Arrow's utf8 requires it). A job may span record batches; the Writer writes
// batches of [BatchRows] rows, the Reader accepts any batching.
//
// The Reader checks the schema (names, order and types of the columns, the format metadata)
// when it opens a file, and every row as it streams; an error names the file, the row
// (numbered from 0 over the whole file, as pyarrow and polars number them) and the column,
// and wraps trace.ErrBadInput:
//
//	w.arrow: row 17: column "instances": 0 instances (want >= 1)
//
// Corrupt or truncated files give errors, never panics: the Arrow metadata is verified
// before arrow-go reads it (see verify.go).
//
// Output is deterministic: the same metadata and jobs give a byte-identical file. Create
// writes through internal/atomicfile, so nothing appears under the final name until Close
// succeeds.
package canonical
