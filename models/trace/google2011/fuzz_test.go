package google2011

import (
	"bytes"
	"io"
	"testing"
)

var taskSeeds = []string{
	"0,2,3418309,0,4155527081,0,70s3v5qRyCO/1PCdI6fVXnrW8FU/w+5CKRSa72xgcIo=,3,9,,,,\n",
	"0,,3418314,0,3938719206,0,70s3v5qRyCO/1PCdI6fVXnrW8FU/w+5CKRSa72xgcIo=,3,9,0.125,0.07446,0.0004244,0\n",
	"600026913,,515042969,1,372630443,1,/fk1fVcVxZ6iM6gHZzqbIyq56m5zrmHfpdcZ/zzkq4c=,2,0,0.01562,0.01553,0.0002155,0\n",
	"600046926,,6251537638,1832,4304051942,4,fJYeclskJqPWsAT6TX/r9X5OiIZpSEb2PBGliYAOMxM=,0,2,0.02499,0.07959,0.0003862,1\n",
	"5611086343,,515042969,26,,5,/fk1fVcVxZ6iM6gHZzqbIyq56m5zrmHfpdcZ/zzkq4c=,2,0,0.01562,0.01553,0.0002155,0\n" +
		"5611086346,,515042969,26,,0,/fk1fVcVxZ6iM6gHZzqbIyq56m5zrmHfpdcZ/zzkq4c=,2,0,0.01562,0.01553,0.0002155,0\n",
	"9223372036854775807,,1,2,,7,,,11,1.144e-05,,,\r\n",
	"0,,1,2,,x,,,9,,,,\n",
	"",
}

func FuzzTaskReader(f *testing.F) {
	for _, s := range taskSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(assembleSample))
	f.Add(gz(f, assembleSample))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewTaskReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		defer r.Close()
		st, err := Assemble(r, func(tk Task) error {
			if tk.EndType < -1 || tk.EndType >= NumTaskEventTypes {
				t.Fatalf("bad end type %+v", tk)
			}
			return nil
		})
		if err == nil {
			checkBookkeeping(t, st)
		}
		// Plain reading must agree with the events Assemble saw.
		r2, err := NewTaskReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			t.Fatal("second open failed")
		}
		var n int64
		for {
			e, err := r2.Next()
			if err != nil {
				if err != io.EOF && e != (TaskEvent{}) {
					t.Fatalf("non-zero event with error %v", err)
				}
				break
			}
			if e.Type < 0 || e.Type >= NumTaskEventTypes || e.TimeUS < 0 {
				t.Fatalf("invalid event accepted: %+v", e)
			}
			n++
		}
		if n != st.Events {
			t.Fatalf("reader saw %d events, Assemble %d", n, st.Events)
		}
	})
}

func FuzzMachineReader(f *testing.F) {
	f.Add([]byte(machineSample))
	f.Add(gz(f, machineSample))
	f.Add([]byte("113019603442,6264344062,0,JQ1tVQBMHBAIISU1gUNXk2powhYumYA+4cB3KzU29l8=,,\n"))
	f.Add([]byte("0,5,3,p,0.5,0.25\n"))
	f.Add([]byte("0,5,0,p,0.5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewMachineReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		defer r.Close()
		prev := int64(-1)
		for {
			e, err := r.Next()
			if err != nil {
				break
			}
			if e.Type < 0 || e.Type > 2 || e.TimeUS < prev || e.CPU < 0 || e.Mem < 0 {
				t.Fatalf("invalid event accepted: %+v", e)
			}
			prev = e.TimeUS
		}
	})
}
