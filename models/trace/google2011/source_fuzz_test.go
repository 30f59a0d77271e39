package google2011

import (
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/trace"
)

// FuzzSource feeds arbitrary task_events text to the replay source: it must never panic, every
// job it returns must validate and come in submit order, and attempts must be accounted for.
func FuzzSource(f *testing.F) {
	f.Add("600000000,,1,0,,0,u,0,2,0.1,0.1,0,0\n600000001,,1,0,7,1,u,0,2,0.1,0.1,0,0\n600000009,,1,0,7,4,u,0,2,0.1,0.1,0,0\n")
	f.Add("0,,2,3,5,1,u,1,9,0.5,,0,1\n700000000,,2,3,5,2,u,1,9,,0.2,0,1\n")
	f.Add("x,,1,0,,0,u,0,2,0.1,0.1,0,0\n")
	f.Fuzz(func(t *testing.T, in string) {
		for _, skip := range []bool{false, true} {
			r, err := NewTaskReader(strings.NewReader(in), "f.csv")
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
			rep, err := trace.Drain(s, func(j *trace.Job) error {
				if err := j.Validate(); err != nil {
					t.Fatalf("invalid job: %v", err)
				}
				if j.SubmitUS < last {
					t.Fatalf("submit %d after %d", j.SubmitUS, last)
				}
				last = j.SubmitUS
				return nil
			})
			if err != nil || rep.Jobs < 0 || rep.Records < rep.Jobs {
				t.Fatalf("report %+v, %v", rep, err)
			}
		}
	})
}
