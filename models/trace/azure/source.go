package azure

import (
	"fmt"
	"io"
	"math"

	"github.com/dcsim/dcsim/models/trace"
)

// DefaultUnits: the vmtable gives cores and GiB, so a unit is one core (1000 millicores) and
// one GiB.
var DefaultUnits = trace.Units{CPUMilliPerUnit: 1000, MemBytesPerUnit: 1 << 30}

// Notes of the Azure sources.
const (
	NoteVMBefore   = "VMs created before the trace (vmcreated 0)"
	NoteVMOpenEnd  = "VMs with vmdeleted = vmcreated (replayed as 1 µs)"
	NoteVMBucketGT = "VMs with an open-ended core or memory bucket (>N, lower bound used)"
	NoteFunctions  = "functions"
	NoteMinutes    = "minutes per function"
	NoteInTokens   = "context tokens"
	NoteOutTokens  = "generated tokens"
)

// VMSource replays vmtable.csv as a trace.Source: each VM is a single-task job that holds its
// cores and memory from vmcreated to vmdeleted; ID is the VM id, tenant the subscription.
// vmtable is not sorted by creation time, so the source reads the file and sorts the VMs
// (ties in file order): memory holds about 200 bytes per VM.
type VMSource struct {
	trace.Sorted
}

// NewVMSource reads the vmtable at path (plain or gzip).
func NewVMSource(path string, units trace.Units) (*VMSource, error) {
	r, c, err := OpenVMs(path)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return VMSourceOf(r, units)
}

// VMSourceOf reads an open VMReader to its end.
func VMSourceOf(r *VMReader, units trace.Units) (*VMSource, error) {
	units = units.Or(DefaultUnits)
	s := &VMSource{Sorted: trace.Sorted{Rep: trace.NewReport("azure-vm")}}
	var before, zero, gt int64
	for {
		vm, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", trace.ErrBadInput, err)
		}
		rt := (vm.DeletedS - vm.CreatedS) * 1e6
		if rt <= 0 {
			rt = 1
			zero++
		}
		if vm.CreatedS == 0 {
			before++
		}
		if len(vm.CoresBucket) > 0 && vm.CoresBucket[0] == '>' || len(vm.MemoryBucket) > 0 && vm.MemoryBucket[0] == '>' {
			gt++
		}
		s.Jobs = append(s.Jobs, trace.Job{ID: vm.ID, SubmitUS: vm.CreatedS * 1e6, Tenant: vm.Subscription, Line: int64(vm.Line),
			Tasks: []trace.Task{{Instances: 1, CPUMilli: max(1, int64(math.Round(vm.Cores*units.CPUMilliPerUnit))),
				MemBytes: max(0, int64(math.Round(vm.MemoryGiB*units.MemBytesPerUnit))), RuntimeUS: rt, RequestedUS: -1}}})
	}
	s.Sort()
	s.Rep.Records = int64(len(s.Jobs))
	s.Rep.Note(NoteVMBefore, before)
	s.Rep.Note(NoteVMOpenEnd, zero)
	s.Rep.Note(NoteVMBucketGT, gt)
	return s, nil
}

// InspectFunctions reads an invocations_per_function file and reports its requests: Requests
// is the total of invocations, with notes for the functions and minutes. The trace is
// request-level load (it drives services, not jobs), so it yields no jobs.
func InspectFunctions(path string) (trace.Report, error) {
	rep := trace.NewReport("azure-functions")
	r, c, err := OpenFunctions(path)
	if err != nil {
		return rep, err
	}
	defer c.Close()
	var fns int64
	for {
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rep, fmt.Errorf("%w: %v", trace.ErrBadInput, err)
		}
		fns++
		for _, n := range f.PerMinute {
			rep.Requests += int64(n)
		}
	}
	rep.Records = fns
	rep.FirstSubmitUS, rep.LastSubmitUS = 0, int64(max(r.Minutes()-1, 0))*60e6
	rep.Note(NoteFunctions, fns)
	rep.Note(NoteMinutes, int64(r.Minutes()))
	return rep, nil
}

// InspectLLM reads an Azure LLM inference trace and reports its requests, their time span (µs
// from the first request) and token totals.
func InspectLLM(path string) (trace.Report, error) {
	rep := trace.NewReport("azure-llm")
	r, c, err := OpenLLM(path)
	if err != nil {
		return rep, err
	}
	defer c.Close()
	var in, out int64
	for {
		q, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rep, fmt.Errorf("%w: %v", trace.ErrBadInput, err)
		}
		if rep.Requests == 0 {
			rep.FirstSubmitUS = q.TimeUS
		}
		rep.LastSubmitUS = q.TimeUS
		rep.Requests++
		in += int64(q.ContextTokens)
		out += int64(q.GeneratedTokens)
	}
	rep.Records = rep.Requests
	rep.Note(NoteInTokens, in)
	rep.Note(NoteOutTokens, out)
	return rep, nil
}

// Notes of InspectCPU.
const (
	NoteCPUVMs  = "VMs with readings"
	NoteCPUMean = "mean of avgcpu, percent (rounded)"
	NoteCPUP95  = "readings with maxcpu >= 95 percent"
)

// InspectCPU reads a vm_cpu_readings file (per-VM CPU utilization every 5 minutes: the usage
// time series of the VM trace) and reports readings, VMs, span and mean utilization. The
// replay reserves each VM's cores for its lifetime, as a cloud does, so readings are
// reported, not replayed.
func InspectCPU(path string) (trace.Report, error) {
	rep := trace.NewReport("azure-vm-cpu")
	r, c, err := OpenCPUReadings(path)
	if err != nil {
		return rep, err
	}
	defer c.Close()
	vms := map[string]struct{}{}
	var sum float64
	var hot int64
	for {
		q, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rep, fmt.Errorf("%w: %v", trace.ErrBadInput, err)
		}
		if rep.Records == 0 || q.TimeS*1e6 < rep.FirstSubmitUS {
			rep.FirstSubmitUS = q.TimeS * 1e6
		}
		rep.LastSubmitUS = max(rep.LastSubmitUS, q.TimeS*1e6)
		rep.Records++
		vms[q.VMID] = struct{}{}
		sum += q.AvgCPU
		if q.MaxCPU >= 95 {
			hot++
		}
	}
	rep.Note(NoteCPUVMs, int64(len(vms)))
	if rep.Records > 0 {
		rep.Note(NoteCPUMean, int64(math.Round(sum/float64(rep.Records))))
	}
	rep.Note(NoteCPUP95, hot)
	return rep, nil
}
