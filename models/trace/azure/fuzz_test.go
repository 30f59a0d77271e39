package azure

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// fuzzDrain reads until an error and checks that errors name the input and stats add up.
func fuzzDrain[T any](t *testing.T, next func() (T, error), stats func() Stats, line func(T) int) {
	var n int64
	for {
		v, err := next()
		if err != nil {
			if err != io.EOF && !strings.HasPrefix(err.Error(), "fuzz") {
				t.Fatalf("error without file name: %v", err)
			}
			break
		}
		n++
		if line(v) <= 0 {
			t.Fatalf("bad line %d", line(v))
		}
	}
	if s := stats(); s.Records != n || s.Header+s.Blank+s.Records > s.Lines {
		t.Fatalf("inconsistent stats %+v (returned %d)", s, n)
	}
}

func FuzzVMReader(f *testing.F) {
	f.Add([]byte(vm1 + "\n" + vm2 + "\n"))
	f.Add([]byte("a,b,c,0,1,1,1,1,x,>1,1e3\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewVMReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		fuzzDrain(t, r.Next, r.Stats, func(v VM) int {
			if v.DeletedS < v.CreatedS || v.Cores < 0 || v.MemoryGiB < 0 {
				t.Fatalf("bad VM %+v", v)
			}
			return v.Line
		})
	})
}

func FuzzCPUReadingReader(f *testing.F) {
	f.Add([]byte(cpu1 + "\n" + cpu2))
	f.Add([]byte("0,id,1e2,2.,.3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewCPUReadingReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		fuzzDrain(t, r.Next, r.Stats, func(c CPUReading) int { return c.Line })
	})
}

func FuzzFunctionReader(f *testing.F) {
	f.Add([]byte(fnH + "\n" + fn1 + "\n" + fn2 + "\n"))
	f.Add([]byte("HashOwner,HashApp,HashFunction,Trigger,1\r\no,a,f,http,7\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewFunctionReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		fuzzDrain(t, r.Next, r.Stats, func(fn Function) int {
			if len(fn.PerMinute) != r.Minutes() || r.Minutes() == 0 {
				t.Fatalf("row has %d minutes, header %d", len(fn.PerMinute), r.Minutes())
			}
			for _, c := range fn.PerMinute {
				if c < 0 {
					t.Fatalf("negative count in %+v", fn)
				}
			}
			return fn.Line
		})
	})
}

func FuzzLLMReader(f *testing.F) {
	f.Add([]byte(llmH + "\r\n" + llm1 + "\r\n" + llm2))
	f.Add([]byte(llmH + "\n0000-01-01 00:00:00,0,0\n9999-12-31 23:59:59.999999999,1,1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewLLMReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		var prev int64
		fuzzDrain(t, r.Next, r.Stats, func(q LLMRequest) int {
			if q.TimeUS < prev || q.TimeUS < 0 || q.ContextTokens < 0 || q.GeneratedTokens < 0 {
				t.Fatalf("bad request %+v after %d", q, prev)
			}
			prev = q.TimeUS
			return q.Line
		})
	})
}
