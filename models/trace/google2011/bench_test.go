package google2011

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// BenchmarkTaskEvents measures task_events parsing on one core: rows/s over 100,000 synthetic
// rows in memory, shaped like the trace's (all 13 fields, hashed user names).
func BenchmarkTaskEvents(b *testing.B) {
	var buf bytes.Buffer
	const rows = 100000
	for i := range rows {
		fmt.Fprintf(&buf, "%d,,%d,%d,%d,%d,fJYeclskJqPWwvvwPxjXKt3jGGAZ1EByrCpH/2sMqho=,%d,%d,0.0625,0.0318,0.0003862,%d\n",
			600000000+int64(i)*1000, 6251812952+int64(i/50), i%50, 4820000000+int64(i%12000), i%9, i%4, i%12, i%2)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewTaskReader(bytes.NewReader(data), "task_events.csv")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
