package results

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadJobs feeds arbitrary bytes (seeded with valid jobs, hosts and summary files and some
// damaged ones) to the jobs reader: it must return rows or an error, never panic, hang or
// exhaust memory.
func FuzzReadJobs(f *testing.F) {
	dir := f.TempDir()
	jobs := filepath.Join(dir, "jobs.arrow")
	hosts := filepath.Join(dir, "hosts.arrow")
	summary := filepath.Join(dir, "summary.arrow")
	writeJobs(f, jobs, sampleJobs(9, 1), testMeta)
	writeHosts(f, hosts, sampleHosts(3), testMeta)
	s := sampleSummary()
	if err := WriteSummary(summary, testMeta, &s); err != nil {
		f.Fatal(err)
	}
	for _, p := range []string{jobs, hosts, summary} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
		f.Add(b[len(b)/2:])
	}
	f.Add([]byte{})
	f.Add([]byte("ARROW1\x00\x00ARROW1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := readJobsBytes(data)
		if err != nil && rows != nil && len(rows) > len(data) {
			t.Fatalf("%d rows from %d bytes", len(rows), len(data))
		}
	})
}
