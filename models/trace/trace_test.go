package trace

import (
	"io"
	"math"
	"strconv"
	"testing"
)

// sliceSource is a Source over jobs in memory.
type sliceSource struct {
	jobs []Job
	rep  Report
}

func (s *sliceSource) Next() (Job, error) {
	if len(s.jobs) == 0 {
		return Job{}, io.EOF
	}
	j := s.jobs[0]
	s.jobs = s.jobs[1:]
	s.rep.Records++
	s.rep.Add(&j)
	return j, nil
}
func (s *sliceSource) Report() Report { return s.rep }
func (s *sliceSource) Close() error   { return nil }

func job(id string, submit int64) Job {
	return Job{ID: id, SubmitUS: submit, Tasks: []Task{{Instances: 1, CPUMilli: 1000, RuntimeUS: 1e6, RequestedUS: -1}}}
}

func jobs(n int, gap int64) []Job {
	var js []Job
	for i := range n {
		js = append(js, job(strconv.Itoa(i), 1000+int64(i)*gap))
	}
	return js
}

func TestFilter(t *testing.T) {
	for _, tc := range []struct {
		name      string
		f         Filter
		n         int
		ids       []string
		submits   []int64
		skipped   map[string]int64
		stopNoted bool
	}{
		{"all", Filter{}, 3, []string{"0", "1", "2"}, []int64{0, 10, 20}, nil, false},
		{"window", Filter{FromUS: 10, ToUS: 30}, 5, []string{"1", "2"}, []int64{0, 10}, map[string]int64{SkipBeforeWindow: 1}, true},
		{"scale", Filter{TimeScale: 0.5}, 3, []string{"0", "1", "2"}, []int64{0, 5, 10}, nil, false},
		{"max jobs", Filter{MaxJobs: 2}, 5, []string{"0", "1"}, []int64{0, 10}, nil, true},
		{"window and scale", Filter{FromUS: 20, TimeScale: 2}, 4, []string{"2", "3"}, []int64{0, 20}, map[string]int64{SkipBeforeWindow: 2}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := Apply(&sliceSource{jobs: jobs(tc.n, 10)}, tc.f)
			var ids []string
			var subs []int64
			rep, err := Drain(f, func(j *Job) error { ids, subs = append(ids, j.ID), append(subs, j.SubmitUS); return nil })
			if err != nil {
				t.Fatal(err)
			}
			if strconv.Quote(join(ids)) != strconv.Quote(join(tc.ids)) || len(subs) != len(tc.submits) {
				t.Fatalf("ids %v submits %v, want %v %v", ids, subs, tc.ids, tc.submits)
			}
			for i := range subs {
				if subs[i] != tc.submits[i] {
					t.Errorf("submits %v, want %v", subs, tc.submits)
				}
			}
			if rep.Jobs != int64(len(tc.ids)) {
				t.Errorf("report jobs %d", rep.Jobs)
			}
			for _, s := range rep.Skipped {
				if tc.skipped[s.Reason] != s.Count {
					t.Errorf("skipped %q = %d, want %d", s.Reason, s.Count, tc.skipped[s.Reason])
				}
			}
			if len(rep.Skipped) != len(tc.skipped) {
				t.Errorf("skipped %v, want %v", rep.Skipped, tc.skipped)
			}
			noted := false
			for _, n := range rep.Notes {
				noted = noted || n.Reason == NoteStopped
			}
			if noted != tc.stopNoted {
				t.Errorf("stop noted %v, want %v", noted, tc.stopNoted)
			}
		})
	}
}

func join(s []string) string {
	out := ""
	for _, x := range s {
		out += x + ","
	}
	return out
}

// TestFilterSample checks that sampling keeps about the asked fraction, the same jobs for the
// same seed, other jobs for another seed, and accounts for every job.
func TestFilterSample(t *testing.T) {
	const n = 20000
	pick := func(seed uint64) map[string]bool {
		f := Apply(&sliceSource{jobs: jobs(n, 1)}, Filter{Fraction: 0.25, Seed: seed})
		kept := map[string]bool{}
		rep, err := Drain(f, func(j *Job) error { kept[j.ID] = true; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if rep.Jobs+rep.SkippedTotal() != n {
			t.Errorf("kept %d + skipped %d != %d", rep.Jobs, rep.SkippedTotal(), n)
		}
		return kept
	}
	a, b, c := pick(1), pick(1), pick(2)
	if frac := float64(len(a)) / n; math.Abs(frac-0.25) > 0.015 {
		t.Errorf("kept fraction %.4f, want 0.25 ± 0.015", frac)
	}
	same := 0
	for id := range a {
		if !b[id] {
			t.Fatalf("seed 1 kept %s once, not twice", id)
		}
		if c[id] {
			same++
		}
	}
	if f := float64(same) / float64(len(a)); math.Abs(f-0.25) > 0.03 {
		t.Errorf("seeds 1 and 2 share %.3f of the kept jobs, want about 0.25 (independent samples)", f)
	}
}

func TestValidate(t *testing.T) {
	ok := Task{Instances: 1, CPUMilli: 1, RuntimeUS: 1}
	withParents := func(ps ...int32) Task { t := ok; t.Parents = ps; return t }
	for _, tc := range []struct {
		name string
		j    Job
		bad  bool
	}{
		{"one task", Job{ID: "a", Tasks: []Task{ok}}, false},
		{"no tasks", Job{ID: "a"}, true},
		{"zero instances", Job{ID: "a", Tasks: []Task{{CPUMilli: 1, RuntimeUS: 1}}}, true},
		{"zero cpu", Job{ID: "a", Tasks: []Task{{Instances: 1, RuntimeUS: 1}}}, true},
		{"zero runtime", Job{ID: "a", Tasks: []Task{{Instances: 1, CPUMilli: 1}}}, true},
		{"negative memory", Job{ID: "a", Tasks: []Task{{Instances: 1, CPUMilli: 1, RuntimeUS: 1, MemBytes: -1}}}, true},
		{"dag", Job{ID: "a", Tasks: []Task{ok, withParents(0), withParents(0, 1)}}, false},
		{"self parent", Job{ID: "a", Tasks: []Task{withParents(0)}}, true},
		{"parent out of range", Job{ID: "a", Tasks: []Task{ok, withParents(2)}}, true},
		{"cycle", Job{ID: "a", Tasks: []Task{withParents(1), withParents(0)}}, true},
		{"gang with two tasks", Job{ID: "a", Gang: true, Tasks: []Task{ok, ok}}, true},
	} {
		if err := tc.j.Validate(); (err != nil) != tc.bad {
			t.Errorf("%s: Validate() = %v, want error %v", tc.name, err, tc.bad)
		}
	}
	j := Job{Tasks: []Task{withParents(2), ok, withParents(1)}}
	if order, ok := j.TopoOrder(); !ok || len(order) != 3 || order[0] != 1 || order[1] != 2 || order[2] != 0 {
		t.Errorf("TopoOrder = %v, %v; want [1 2 0]", order, ok)
	}
}

func TestReport(t *testing.T) {
	r := NewReport("x")
	r.Skip("b", 2)
	r.Skip("a", 1)
	r.Skip("b", 3)
	r.Skip("c", 0)
	if len(r.Skipped) != 2 || r.Skipped[0] != (Skip{"a", 1}) || r.Skipped[1] != (Skip{"b", 5}) || r.SkippedTotal() != 6 {
		t.Errorf("skipped %v", r.Skipped)
	}
	j := Job{SubmitUS: 5, Tasks: []Task{{Instances: 4, CPUMilli: 500, MemBytes: 1 << 30, GPUs: 1, RuntimeUS: 2e6}}}
	r.Add(&j)
	if r.Instances != 4 || r.CPUCoreS != 4 || r.MemGiBS != 8 || r.GPUS != 8 || r.FirstSubmitUS != 5 {
		t.Errorf("report %+v", r)
	}
}
