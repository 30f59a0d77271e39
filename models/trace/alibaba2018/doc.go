// Package alibaba2018 streams the Alibaba cluster trace v2018
// (https://github.com/alibaba/clusterdata/tree/master/cluster-trace-v2018:
// about 4,000 machines over 8 days, co-located online containers and batch DAG
// jobs; schema from the trace's schema.txt). It reads three tables:
// batch_task, machine_meta and machine_usage.
//
// # Files
//
// Each table is CSV, comma separated, one record a line, without quoting,
// optionally gzip'd (recognised by its magic bytes). The original tables have
// no header; a first line equal to the schema's column names joined by ","
// (as pandas writes it, e.g. in batch_task.selected_DAGs.csv) is skipped and
// counted in ReaderStats.Headers. Empty lines are skipped and counted. Times
// are integer seconds from the start of the trace.
//
//	batch_task:    task_name, instance_num, job_name, task_type, status,
//	               start_time, end_time, plan_cpu, plan_mem
//	machine_meta:  machine_id, time_stamp, failure_domain_1, failure_domain_2,
//	               cpu_num, mem_size, status
//	machine_usage: machine_id, time_stamp, cpu_util_percent, mem_util_percent,
//	               mem_gps, mkpi, net_in, net_out, disk_io_percent
//
// plan_cpu is in hundredths of a core (100 = 1 core); plan_mem, mem_size and
// the usage figures are normalised to 0..100.
//
// # Readers
//
// [BatchTaskReader], [MachineMetaReader] and [MachineUsageReader] read one
// line at a time (a line longer than [MaxLineBytes] is an error), so memory is
// bounded whatever the file size. Next returns records in file order and
// io.EOF at the end. A malformed line gives a [*ParseError] naming file, line
// and field, for example
//
//	batch_task.csv:7: field 2 (instance_num): not a whole number "1.5"
//	machine_meta.csv:3: expected 7 fields, got 6
//
// Errors are sticky: after Next returns an error it returns it forever. The
// readers never panic. Field rules:
//
//   - Names, job names, statuses, task types, machine ids and failure_domain_1
//     must not be empty; failure_domain_2 may be (34 rows of the sample).
//   - Times and cpu_num are non-negative decimal integers. machine_usage's
//     time_stamp (a double in the schema) may also be a whole float ("5.0").
//   - instance_num is a non-negative whole number, written "371" or "371.0"
//     (the sample was written by pandas, which prints the column as float
//     because it has gaps); empty (Waiting tasks) gives -1.
//   - plan_cpu, plan_mem and mem_size are finite and >= 0; plan_cpu and
//     plan_mem may be empty (-1). The usage metrics are finite and >= 0 or
//     exactly -1 (the schema's "abnormal" disk_io_percent); empty gives -1.
//     "NaN", "Inf", hex and '_' are rejected everywhere.
//   - In batch_task, start_time 0 means "not started" and end_time 0 "not
//     ended": Waiting tasks have both 0, some Running tasks have end 0.
//
// # DAG encoding of task names
//
// A batch task name encodes the job's dependency graph (Alibaba's
// explanation of batch workloads): a letter for the task kind (M, R and J in
// the sample, commonly read as map, reduce and join), the task's id within its
// job, then the ids of the parent tasks that must finish before it starts,
// all separated by '_'. "R13_2_3_12" is task 13 of kind R, which waits for
// tasks 2, 3 and 12 of the same job; "M1" is task 1 with no parents. Names
// that carry no DAG information, "task_<base64>" or a plain word such as
// "MergeTask", are independent tasks with no id and no parents.
// [ParseTaskName] gives the exact grammar.
//
// The trace cuts task names at [MaxTaskNameLen] (50) bytes, which can cut the
// parent list anywhere, even inside an id: "M5_14_..._100_1" stands for
// "M5_14_..._100_1xx". A 50-byte DAG name is therefore marked Truncated and
// its last, possibly partial, parent id is dropped (or its trailing '_'
// removed). Its parent list is incomplete, never wrong.
//
// # Jobs
//
// [Jobs] groups the rows of a batch_task file into [Job]s, one per job_name,
// streaming: the rows of a job must be consecutive (they are in the sample:
// 2,120 jobs in 2,120 runs), which [Jobs] checks. [Job.Validate] checks the
// DAG (unique ids, existing parents, no cycle) and [Job.TopoOrder] gives a
// deterministic topological order. [Stats] counts every row and every kind of
// problem; invalid jobs are emitted and counted, never dropped.
package alibaba2018
