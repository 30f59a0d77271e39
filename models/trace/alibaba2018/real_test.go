package alibaba2018

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// traceDir returns the alibaba-2018 sample folder: $DCSIM_TRACES/alibaba-2018,
// DCSIM_TRACES defaulting to ../shared/traces relative to the repository root.
func traceDir(t testing.TB) string {
	t.Helper()
	root := os.Getenv("DCSIM_TRACES")
	if root == "" {
		root = filepath.Join("..", "..", "..", "..", "shared", "traces")
	}
	dir := filepath.Join(root, "alibaba-2018")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("Alibaba 2018 trace samples not found at %s (set DCSIM_TRACES to the shared traces folder): %v", dir, err)
	}
	return dir
}

func TestRealBatchTaskJobs(t *testing.T) {
	r, err := OpenBatchTask(filepath.Join(traceDir(t), "batch_task.selected_DAGs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var first string
	var invalid, emptyInst, emptyPlan int64
	kinds := map[byte]int64{}
	statuses := map[string]int64{}
	st, err := Jobs(r, func(j Job) error {
		if first == "" {
			first = j.Name
		}
		if err := j.Validate(); err != nil {
			invalid++
			t.Errorf("invalid job: %v", err)
		} else if o := j.TopoOrder(); len(o) != len(j.Tasks) {
			t.Errorf("job %s: order of %d tasks, want %d", j.Name, len(o), len(j.Tasks))
		}
		for _, tk := range j.Tasks {
			kinds[tk.Kind]++
			statuses[tk.Status]++
			if tk.Instances < 0 {
				emptyInst++
			}
			if tk.PlanCPU < 0 {
				emptyPlan++
			}
			if tk.EndS != 0 && tk.EndS < tk.StartS {
				t.Errorf("job %s task %s ends before it starts", j.Name, tk.Name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("batch_task: %+v reader %+v kinds %v statuses %v empty instance_num %d empty plan %d",
		st, r.Stats(), kinds, statuses, emptyInst, emptyPlan)
	want := Stats{Rows: 55874, Jobs: 2120, Tasks: 55874, MaxTasks: 203, Truncated: 330, NotTerminated: 880}
	if st != want {
		t.Errorf("stats = %+v\nwant    %+v", st, want)
	}
	if rs := r.Stats(); rs != (ReaderStats{Lines: 55875, Rows: 55874, Headers: 1}) {
		t.Errorf("reader stats = %+v", rs)
	}
	if first != "j_1" {
		t.Errorf("first job = %q, want j_1", first)
	}
	if invalid != st.InvalidJobs {
		t.Errorf("invalid jobs %d, stats %d", invalid, st.InvalidJobs)
	}
	if kinds['M'] != 15793 || kinds['R'] != 32796 || kinds['J'] != 7285 {
		t.Errorf("kinds = %v", kinds)
	}
	if statuses["Running"] != 652 || statuses["Waiting"] != 192 || statuses["Failed"] != 36 {
		t.Errorf("statuses = %v", statuses)
	}
	if emptyInst != 192 || emptyPlan != 354 {
		t.Errorf("empty instance_num %d, plan %d", emptyInst, emptyPlan)
	}
}

func TestRealMachineMeta(t *testing.T) {
	r, err := OpenMachineMeta(filepath.Join(traceDir(t), "machine_meta.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	machines := map[string]bool{}
	statuses := map[string]int{}
	var noFD2 int
	var last int64
	for {
		m, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		machines[m.MachineID] = true
		statuses[m.Status]++
		if m.FailureDomain2 == "" {
			noFD2++
		}
		if m.CPUNum != 96 || m.MemSize != 100 {
			t.Fatalf("unexpected machine shape %+v", m)
		}
		last = max(last, m.TimeStampS)
	}
	t.Logf("machine_meta: %+v, %d machines, statuses %v, %d empty failure_domain_2, last time %d s",
		r.Stats(), len(machines), statuses, noFD2, last)
	if rs := r.Stats(); rs.Rows != 17592 || rs.Lines != 17592 || rs.Headers != 0 {
		t.Errorf("stats = %+v", rs)
	}
	if len(machines) != 4034 || statuses["USING"] != 17587 || statuses["IMPORT_INSTALLING"] != 5 || noFD2 != 34 || last != 696633 {
		t.Errorf("machines %d statuses %v noFD2 %d last %d", len(machines), statuses, noFD2, last)
	}
}

func TestRealMachineUsage(t *testing.T) {
	r, err := OpenMachineUsage(filepath.Join(traceDir(t), "machine_usage.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	machines := map[string]int{}
	var noGPS, abnormal int
	prev := map[string]int64{}
	for {
		u, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		machines[u.MachineID]++
		if u.MemGPS == -1 {
			noGPS++
		}
		if u.DiskIOPercent == -1 || u.DiskIOPercent == 101 {
			abnormal++
		}
		if u.TimeStampS < prev[u.MachineID] {
			t.Fatalf("line %d: time goes backwards for %s", u.Line, u.MachineID)
		}
		prev[u.MachineID] = u.TimeStampS
		if u.CPUUtilPercent < 0 || u.CPUUtilPercent > 100 || u.MemUtilPercent < 0 || u.MemUtilPercent > 100 {
			t.Fatalf("implausible usage %+v", u)
		}
	}
	t.Logf("machine_usage: %+v, %d machines, %d rows without mem_gps, %d abnormal disk_io", r.Stats(), len(machines), noGPS, abnormal)
	if rs := r.Stats(); rs.Rows != 100002 || rs.Headers != 0 {
		t.Errorf("stats = %+v", rs)
	}
	if len(machines) != 16 || noGPS != 78325 || abnormal != 16 || machines["m_1933"] != 7193 {
		t.Errorf("machines %d noGPS %d abnormal %d", len(machines), noGPS, abnormal)
	}
}
