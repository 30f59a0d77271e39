package google2019

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchInput returns n instance_events lines shaped like the export's: INT64 as strings,
// the request nested, a constraint on every fourth line; each instance is submitted,
// scheduled and finished.
func benchInput(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		coll, index := 375790908633+int64(i/30), (i/3)%10
		t := 600_000_000 + int64(i)*1000
		typ, extra := []int{0, 3, 6}[i%3], ""
		if i%4 == 0 {
			extra = `,"constraint":[{"name":"w7DmxQ","value":"2","relation":3}]`
		}
		fmt.Fprintf(&b, `{"time":"%d","type":%d,"collection_id":"%d","scheduling_class":1,"missing_type":null,`+
			`"collection_type":0,"priority":200,"alloc_collection_id":"0","instance_index":%d,"machine_id":"%d",`+
			`"alloc_instance_index":-1,"resource_request":{"cpus":0.0206298828125,"memory":0.0064}%s}`+"\n",
			t, typ, coll, index, 102894866562+int64(i%1000), extra)
	}
	return b.Bytes()
}

func BenchmarkInstanceEvents(b *testing.B) {
	data := benchInput(30000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		r, err := NewInstanceEventReader(bytes.NewReader(data), "bench")
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkSource(b *testing.B) {
	data := benchInput(30000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		src, err := NewSourceFrom(bytes.NewReader(data), "bench", Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := src.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		rows += int(src.Report().Records)
		src.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
