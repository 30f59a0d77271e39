package canonical

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/models/trace"
)

// benchJobs is a mixed workload: 60 % single-task jobs (SWF, Azure VMs), 40 % DAG jobs of 2 to
// 8 named tasks (Alibaba), about 2.4 rows per job.
func benchJobs(n int) []trace.Job {
	rng := rand.New(rand.NewPCG(42, 43))
	jobs := make([]trace.Job, n)
	for i := range jobs {
		j := trace.Job{ID: fmt.Sprintf("j_%d", 1_000_000+i), SubmitUS: int64(i) * 1000,
			Tenant: fmt.Sprintf("user%d", rng.IntN(200)), Priority: int32(rng.IntN(3))}
		nt := 1
		if rng.IntN(10) >= 6 {
			nt = 2 + rng.IntN(7)
		} else {
			j.Gang = rng.IntN(2) == 0
		}
		j.Tasks = make([]trace.Task, nt)
		for k := range j.Tasks {
			t := &j.Tasks[k]
			t.Instances = int32(1 + rng.IntN(16))
			t.CPUMilli = 100 * (1 + rng.Int64N(40))
			t.MemBytes = rng.Int64N(1 << 34)
			t.RuntimeUS = 1 + rng.Int64N(1e9)
			t.RequestedUS = -1
			if nt > 1 {
				t.Name = fmt.Sprintf("M%d", k+1)
				if k > 0 {
					t.Parents = []int32{int32(rng.IntN(k))}
				}
			}
		}
		jobs[i] = j
	}
	return jobs
}

const benchN = 50_000

func BenchmarkWriteJobs(b *testing.B) {
	jobs := benchJobs(benchN)
	rows := expectedReport(jobs).Records
	b.ResetTimer()
	for b.Loop() {
		w, err := NewWriter(io.Discard, map[string]string{"source.format": "bench"})
		if err != nil {
			b.Fatal(err)
		}
		for i := range jobs {
			if err := w.Write(&jobs[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)*benchN/s, "jobs/s")
	b.ReportMetric(float64(b.N)*float64(rows)/s, "rows/s")
}

func BenchmarkReadJobs(b *testing.B) {
	jobs := benchJobs(benchN)
	rows := expectedReport(jobs).Records
	data := writeBytes(b, jobs, nil)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data), int64(len(data)), "bench")
		if err != nil {
			b.Fatal(err)
		}
		rep, err := trace.Drain(r, nil)
		if err != nil || rep.Jobs != benchN {
			b.Fatal(err, rep.Jobs)
		}
		r.Close()
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)*benchN/s, "jobs/s")
	b.ReportMetric(float64(b.N)*float64(rows)/s, "rows/s")
}
