package swf

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// BenchmarkParse measures SWF parsing on one core: lines/s over a synthetic 100,000-line log in
// memory (KTH-SP2-like fields).
func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("; MaxProcs: 100\n")
	const lines = 100000
	for i := range lines {
		fmt.Fprintf(&buf, "%d %d 1234 %d %d -1 -1 %d %d -1 1 %d 1 -1 1 -1 -1 -1\n", i+1, i*60, 100+i%5000, 1+i%64, 1+i%64, 3600, i%200)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data), "bench.swf")
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
		if n != lines {
			b.Fatalf("%d jobs", n)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
