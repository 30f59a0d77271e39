package alibaba2018

import (
	"reflect"
	"strings"
	"testing"
)

// jobsSample has three jobs: j_ok (a valid diamond plus an independent task),
// j_cyc (2 -> 3 -> 4 -> 2 cycle) and j_miss (task 3 names a missing parent 9).
const jobsSample = batchHeader +
	"J4_2_3,1,j_ok,1,Terminated,30,40,100,0.2\n" + // line 2
	"M1,1,j_ok,1,Terminated,10,20,100,0.2\n" +
	"R3_1,1,j_ok,1,Terminated,20,30,100,0.2\n" +
	"R2_1,1,j_ok,1,Terminated,20,30,100,0.2\n" +
	"task_xyz==,1,j_ok,1,Failed,10,11,100,0.2\n" +
	"M1,2,j_cyc,1,Terminated,5,6,50,0.1\n" + // line 7
	"R2_1_4,2,j_cyc,1,Running,6,0,50,0.1\n" +
	"R3_2,2,j_cyc,1,Terminated,6,7,50,0.1\n" +
	"J4_3,2,j_cyc,1,Terminated,7,8,50,0.1\n" +
	"M1,,j_miss,1,Waiting,0,0,,\n" + // line 11
	"R3_1_9,1,j_miss,1,Terminated,5,6,50,0.1\n"

func collectJobs(t *testing.T, in string) ([]Job, Stats, error) {
	t.Helper()
	r, err := NewBatchTaskReader(strings.NewReader(in), "bt.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var jobs []Job
	st, err := Jobs(r, func(j Job) error { jobs = append(jobs, j); return nil })
	return jobs, st, err
}

func TestJobs(t *testing.T) {
	jobs, st, err := collectJobs(t, jobsSample)
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{Rows: 11, Jobs: 3, Tasks: 11, MaxTasks: 5, Independent: 1, NotTerminated: 3,
		MissingParents: 1, CyclicJobs: 1, InvalidJobs: 2}
	if st != want {
		t.Errorf("stats = %+v\nwant    %+v", st, want)
	}
	if len(jobs) != 3 || jobs[0].Name != "j_ok" || jobs[1].Name != "j_cyc" || jobs[2].Name != "j_miss" {
		t.Fatalf("jobs = %+v", jobs)
	}
	if jobs[1].Line != 7 || len(jobs[1].Tasks) != 4 {
		t.Errorf("j_cyc = %+v", jobs[1])
	}
	wantTask := Task{Name: "R2_1_4", Kind: 'R', ID: 2, Parents: []int{1, 4}, Instances: 2, PlanCPU: 50, PlanMem: 0.1,
		StartS: 6, Status: "Running", Type: "1", Line: 8}
	if !reflect.DeepEqual(jobs[1].Tasks[1], wantTask) {
		t.Errorf("task = %+v\nwant   %+v", jobs[1].Tasks[1], wantTask)
	}
	if ind := jobs[0].Tasks[4]; !ind.Independent || ind.ID != -1 || ind.Parents != nil {
		t.Errorf("independent task = %+v", ind)
	}

	// Validation.
	if err := jobs[0].Validate(); err != nil {
		t.Errorf("j_ok: %v", err)
	}
	wantErr := []string{
		"",
		`job j_cyc: dependency cycle through task "R2_1_4" (line 8)`,
		`job j_miss: task "R3_1_9" (line 12): parent 9 does not exist in the job`,
	}
	for i, j := range jobs {
		err := j.Validate()
		if (err == nil) != (wantErr[i] == "") || err != nil && err.Error() != wantErr[i] {
			t.Errorf("%s: Validate = %v, want %q", j.Name, err, wantErr[i])
		}
	}

	// Topological orders (indexes into Tasks), lowest ready index first.
	if got := jobs[0].TopoOrder(); !reflect.DeepEqual(got, []int{1, 2, 3, 0, 4}) {
		t.Errorf("j_ok order = %v", got)
	}
	if got := jobs[1].TopoOrder(); got != nil {
		t.Errorf("j_cyc order = %v, want nil", got)
	}
	if got := jobs[2].TopoOrder(); !reflect.DeepEqual(got, []int{0, 1}) {
		t.Errorf("j_miss order = %v", got)
	}
}

func TestValidateCases(t *testing.T) {
	mk := func(names ...string) Job {
		j := Job{Name: "j"}
		for _, n := range names {
			tn, err := ParseTaskName(n)
			if err != nil {
				t.Fatal(err)
			}
			j.Tasks = append(j.Tasks, Task{Name: n, Kind: tn.Kind, ID: tn.ID, Parents: tn.Parents, Independent: tn.Independent})
		}
		return j
	}
	tests := []struct {
		names []string
		err   string
		order []int
	}{
		{[]string{"M1"}, "", []int{0}},
		{nil, "", []int{}},
		{[]string{"R2_2"}, `job j: dependency cycle through task "R2_2"`, nil},
		{[]string{"M1", "R1"}, `job j: task "R1": duplicate task id 1 (also task "M1")`, []int{0, 1}},
		{[]string{"R3_1_1", "M1"}, "", []int{1, 0}},
		{[]string{"M1", "R2_1_3", "R3_2", "J4_2"}, `job j: dependency cycle through task "R2_1_3"`, nil},
		{[]string{"task_a", "MergeTask"}, "", []int{0, 1}},
	}
	for _, tc := range tests {
		j := mk(tc.names...)
		err := j.Validate()
		if (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("%v: Validate = %v, want %q", tc.names, err, tc.err)
		}
		if got := j.TopoOrder(); !reflect.DeepEqual(got, tc.order) {
			t.Errorf("%v: TopoOrder = %#v, want %#v", tc.names, got, tc.order)
		}
	}
}

func TestJobsUngrouped(t *testing.T) {
	in := "M1,1,j_a,1,Terminated,1,2,100,1\n" +
		"M1,1,j_b,1,Terminated,1,2,100,1\n" +
		"R2_1,1,j_a,1,Terminated,1,2,100,1\n"
	jobs, st, err := collectJobs(t, in)
	if err == nil || err.Error() != `bt.csv:3: field 3 (job_name): job "j_a" reappears after its rows ended at line 1 (rows must be grouped by job)` {
		t.Errorf("error = %v", err)
	}
	if len(jobs) != 2 || st.Jobs != 2 || st.Rows != 3 {
		t.Errorf("jobs %d, stats %+v", len(jobs), st)
	}
	// A parse error stops Jobs with the reader's error.
	_, _, err = collectJobs(t, "M1,1,j_a,1,Terminated,1,2,100,1\nR_1,1,j_a,1,Terminated,1,2,100,1\n")
	if err == nil || err.Error() != `bt.csv:2: field 1 (task_name): malformed task name "R_1": empty task id` {
		t.Errorf("error = %v", err)
	}
}
