// Package results writes and reads dcsim's result files: jobs.arrow, hosts.arrow and
// summary.arrow (Apache Arrow IPC files, uncompressed, deterministic byte for byte) and run.json
// (wall-clock facts). The columns, units and metadata are documented in docs/results.md.
//
// Writers stream rows in record batches of BatchRows rows with bounded memory and write
// atomically: a file appears under its final name, complete, only when Close succeeds.
// Readers (ReadJobs, ReadHosts, ReadSummary, ReadTable) verify a file's structure before
// decoding it and return an error, never panic, on a corrupt or foreign file.
package results
