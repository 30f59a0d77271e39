package alibaba2018

import (
	"bytes"
	"io"
	"testing"
)

var batchSeeds = []string{
	"M1,1.0,j_1,1,Terminated,419912,419912,100.0,0.2\n",
	"R6_3,371.0,j_3,1,Terminated,157297,157325,100.0,0.49\n",
	"M1,,j_3,1,Waiting,0,0,,\r\n",
	"J28_4_5_6_7_8_10_11_12_14_15_16_17_19_20_22_23_24_,1.0,j_9,1,Terminated,1,2,100.0,0.2\n",
	"M5_14_17_28_30_40_42_52_54_64_66_76_78_88_90_100_1,1.0,j_9,1,Terminated,1,2,100.0,0.2\n",
	"task_abc==,7,j_4,12,Running,10,0,50,1e-1",
	"R1__2,1,j_1,1,Terminated,5,6,100,0.2\n",
	"",
}

func FuzzBatchTaskReader(f *testing.F) {
	for _, s := range batchSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(jobsSample))
	f.Add(gz(f, jobsSample))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewBatchTaskReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		defer r.Close()
		var tasks int64
		st, err := Jobs(r, func(j Job) error {
			err := j.Validate()
			order := j.TopoOrder()
			if order != nil {
				if len(order) != len(j.Tasks) {
					t.Fatalf("order %v for %d tasks", order, len(j.Tasks))
				}
				pos := make(map[int]int, len(order))
				for k, i := range order {
					pos[i] = k
				}
				if len(pos) != len(order) {
					t.Fatalf("order %v repeats a task", order)
				}
			} else if err == nil {
				t.Fatalf("nil order for a valid job %s", j.Name)
			}
			for _, tk := range j.Tasks {
				if tk.Name == "" || tk.StartS < 0 || tk.EndS < 0 || tk.Instances < -1 || tk.PlanCPU < -1 || tk.PlanMem < -1 {
					t.Fatalf("invalid task accepted: %+v", tk)
				}
			}
			tasks += int64(len(j.Tasks))
			return nil
		})
		if st.Tasks != tasks || st.InvalidJobs > st.Jobs || st.CyclicJobs > st.Jobs {
			t.Fatalf("stats %+v, tasks emitted %d", st, tasks)
		}
		if err == nil && st.Rows != st.Tasks {
			t.Fatalf("rows %d != tasks %d", st.Rows, st.Tasks)
		}
	})
}

func FuzzParseTaskName(f *testing.F) {
	for _, s := range []string{"R13_2_3_12", "M1", "J4_2_3", "task_LTg0MTUwNTA5Mjg4MDcxNjk2MQ==", "MergeTask",
		"R", "R_2", "R1__2", "Rx_1", "M5_14_17_28_30_40_42_52_54_64_66_76_78_88_90_100_1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		tn, err := ParseTaskName(name)
		if err != nil {
			return
		}
		if tn.Independent {
			if tn.ID != -1 || tn.Parents != nil || tn.Kind != 0 {
				t.Fatalf("%q: %+v", name, tn)
			}
			return
		}
		if tn.Kind < 'A' || tn.Kind > 'Z' || tn.ID < 0 || tn.Kind != name[0] {
			t.Fatalf("%q: %+v", name, tn)
		}
		for _, p := range tn.Parents {
			if p < 0 || p > 999999999 {
				t.Fatalf("%q: %+v", name, tn)
			}
		}
		if tn.Truncated != (len(name) == MaxTaskNameLen && bytes.IndexByte([]byte(name), '_') >= 0) {
			t.Fatalf("%q: truncated = %v", name, tn.Truncated)
		}
	})
}

func FuzzMachineReaders(f *testing.F) {
	f.Add([]byte("m_1,0,219,17,96,100,USING\nm_1263,357600,15,,96,100,USING\n"))
	f.Add([]byte("m_1932,386640,41,92,,,43.04,33.08,5\nm_1947,188370,41,91,,,44.19,35.9,-1\n"))
	f.Add(gz(f, "m_1,0,219,17,96,100,USING\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if r, err := NewMachineMetaReader(bytes.NewReader(data), "fuzz"); err == nil {
			for {
				m, err := r.Next()
				if err != nil {
					if err != io.EOF && m != (MachineMeta{}) {
						t.Fatalf("non-zero record with error %v", err)
					}
					break
				}
				if m.MachineID == "" || m.TimeStampS < 0 || m.CPUNum < 0 || m.MemSize < 0 || m.Status == "" {
					t.Fatalf("invalid record accepted: %+v", m)
				}
			}
		}
		if r, err := NewMachineUsageReader(bytes.NewReader(data), "fuzz"); err == nil {
			for {
				u, err := r.Next()
				if err != nil {
					break
				}
				for _, v := range []float64{u.CPUUtilPercent, u.MemUtilPercent, u.MemGPS, u.MKPI, u.NetIn, u.NetOut, u.DiskIOPercent} {
					if v < 0 && v != -1 || v != v {
						t.Fatalf("invalid record accepted: %+v", u)
					}
				}
			}
		}
	})
}
