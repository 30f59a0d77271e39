package results

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkJobsWriter writes 1,000,000 rows to jobs.arrow per iteration (to a file on disk,
// fsync and rename included) and reports ns/row.
func BenchmarkJobsWriter(b *testing.B) {
	benchJobsWriter(b, filepath.Join(b.TempDir(), "jobs.arrow"))
}

func benchJobsWriter(b *testing.B, path string) {
	const rowsPerOp = 1_000_000
	pool := sampleJobs(4096, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w, err := NewJobsWriter(path, testMeta)
		if err != nil {
			b.Fatal(err)
		}
		for i := range rowsPerOp {
			r := &pool[i&(len(pool)-1)]
			r.JobID = int64(i)
			if err := w.Write(r); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rowsPerOp, "ns/row")
}

// BenchmarkJobsWrite measures the writer's CPU cost per row (Write plus the background batch
// encoding), with the file's bytes discarded instead of written.
func BenchmarkJobsWrite(b *testing.B) {
	pool := sampleJobs(4096, 1)
	w, err := NewJobsWriter(filepath.Join(b.TempDir(), "jobs.arrow"), testMeta)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Abort()
	w.t.file.DiscardForBenchmark()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := w.Write(&pool[i&(len(pool)-1)]); err != nil {
			b.Fatal(err)
		}
	}
	w.t.wait()
}

// BenchmarkJobsWriterShm is BenchmarkJobsWriter on tmpfs (/dev/shm), which takes the disk out
// of the figure.
func BenchmarkJobsWriterShm(b *testing.B) {
	if _, err := os.Stat("/dev/shm"); err != nil {
		b.Skip("no /dev/shm")
	}
	dir, err := os.MkdirTemp("/dev/shm", "dcsim-bench-")
	if err != nil {
		b.Skip(err)
	}
	defer os.RemoveAll(dir)
	benchJobsWriter(b, filepath.Join(dir, "jobs.arrow"))
}
