package alibaba2018

import (
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/trace"
)

// FuzzSource feeds arbitrary batch_task text to the replay source: it must never panic, and
// every job it returns must validate (DAG parents in range, no cycle) and come in submit order.
func FuzzSource(f *testing.F) {
	f.Add("M1,2,j_1,1,Terminated,100,110,100,1\nR2_1,1,j_1,1,Terminated,110,115,100,1\nM3,1,j_2,1,Terminated,90,104,50,0.5\n")
	f.Add("J3_1_2,1,j_1,1,Terminated,100,110,100,1\nM1_3,1,j_1,1,Terminated,100,110,100,1\n")
	f.Add("task_x,,j_9,1,Running,100,0,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		for _, skip := range []bool{false, true} {
			r, err := NewBatchTaskReader(strings.NewReader(in), "b.csv")
			if err != nil {
				return
			}
			if skip {
				r.SkipBad()
			}
			s, err := SourceOf(r, trace.Units{})
			if err != nil {
				continue
			}
			last := int64(-1 << 62)
			if _, err := trace.Drain(s, func(j *trace.Job) error {
				if err := j.Validate(); err != nil {
					t.Fatalf("invalid job: %v", err)
				}
				if j.SubmitUS < last {
					t.Fatalf("submit %d after %d", j.SubmitUS, last)
				}
				last = j.SubmitUS
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	})
}
