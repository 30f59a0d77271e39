package azure

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

// VMTableFields is the number of fields in a vmtable.csv line.
const VMTableFields = 11

// vmFieldNames are the vmtable column names (AzurePublicDataset V1 notebook headers).
var vmFieldNames = [VMTableFields]string{
	"vmid", "subscriptionid", "deploymentid", "vmcreated", "vmdeleted", "maxcpu", "avgcpu",
	"p95maxcpu", "vmcategory", "vmcorecount", "vmmemory",
}

// VM is one line of vmtable.csv (Azure 2017 V1 VM trace, no header). The columns are, in
// order: vmid, subscriptionid, deploymentid, vmcreated, vmdeleted, maxcpu, avgcpu, p95maxcpu,
// vmcategory, vmcorecount, vmmemory.
//
// Times are whole seconds from the start of the trace (multiples of 300 in the dataset);
// the CPU figures are percent of the VM's cores over its lifetime. Category is passed
// through as written: the dataset uses "Delay-insensitive", "Interactive" and "Unkown" (sic,
// for unknown).
//
// The core count and memory are buckets. A bucket is either a number ("1", "1.75", "56") or
// an open-ended bucket ">N" (e.g. ">24" cores, ">64" GiB in the V2 layout). Cores and
// MemoryGiB hold the representative value: the number itself, or for ">N" the bucket's
// lower bound N, which underestimates the VM. CoresBucket and MemoryBucket keep the text.
type VM struct {
	ID, Subscription, Deployment string
	CreatedS, DeletedS           int64   // vmcreated, vmdeleted in seconds; DeletedS >= CreatedS
	MaxCPU, AvgCPU, P95CPU       float64 // percent
	Category                     string
	Cores                        float64 // representative core count of CoresBucket
	MemoryGiB                    float64 // representative memory of MemoryBucket (GiB)
	CoresBucket, MemoryBucket    string  // as in the file
	Line                         int     // 1-based line number
}

// VMReader streams VM records from a vmtable.csv file.
type VMReader struct{ lr *lineReader }

// NewVMReader returns a VMReader for r (plain or gzip). name is used in error messages.
func NewVMReader(r io.Reader, name string) (*VMReader, error) {
	lr, err := newLineReader(r, name)
	if err != nil {
		return nil, err
	}
	return &VMReader{lr: lr}, nil
}

// OpenVMs opens a vmtable file (plain or gzip). The caller must Close the io.Closer.
func OpenVMs(path string) (*VMReader, io.Closer, error) { return openFile(path, NewVMReader) }

// Stats returns the counts so far.
func (r *VMReader) Stats() Stats { return r.lr.stats }

// Next returns the next VM, or io.EOF at the end of the input.
func (r *VMReader) Next() (VM, error) {
	line, ok := r.lr.nextNonBlank()
	if !ok {
		return VM{}, r.lr.err
	}
	vm, err := r.parse(line, r.lr.stats.Lines)
	if err != nil {
		return VM{}, r.lr.fail(err)
	}
	r.lr.stats.Records++
	return vm, nil
}

func (r *VMReader) parse(s string, ln int64) (VM, error) {
	var f [VMTableFields]string
	if n := splitFields(s, f[:]); n != VMTableFields {
		return VM{}, r.lr.errorf(ln, "expected %d fields, got %d", VMTableFields, n)
	}
	ferr := func(k int, err error) error {
		return r.lr.errorf(ln, "field %d (%s): %v", k+1, vmFieldNames[k], err)
	}
	for _, k := range []int{0, 8} {
		if f[k] == "" {
			return VM{}, ferr(k, fmt.Errorf("empty"))
		}
	}
	vm := VM{ID: f[0], Subscription: f[1], Deployment: f[2], Category: f[8],
		CoresBucket: f[9], MemoryBucket: f[10], Line: int(ln)}
	var err error
	if vm.CreatedS, err = textio.ParseUint(f[3], 64); err != nil {
		return VM{}, ferr(3, err)
	}
	if vm.DeletedS, err = textio.ParseUint(f[4], 64); err != nil {
		return VM{}, ferr(4, err)
	}
	if vm.DeletedS < vm.CreatedS {
		return VM{}, ferr(4, fmt.Errorf("%d is before vmcreated %d", vm.DeletedS, vm.CreatedS))
	}
	cpu := [3]*float64{&vm.MaxCPU, &vm.AvgCPU, &vm.P95CPU}
	for i, p := range cpu {
		if *p, err = textio.ParseNonNeg(f[5+i]); err != nil {
			return VM{}, ferr(5+i, err)
		}
	}
	if vm.Cores, err = parseBucket(f[9]); err != nil {
		return VM{}, ferr(9, err)
	}
	if vm.MemoryGiB, err = parseBucket(f[10]); err != nil {
		return VM{}, ferr(10, err)
	}
	return vm, nil
}

// parseBucket returns the representative value of a bucket: the number itself, or N for
// the open-ended bucket ">N" (its lower bound).
func parseBucket(s string) (float64, error) {
	t := strings.TrimPrefix(s, ">")
	if !textio.ValidNumber(t) || t[0] == '-' || t[0] == '+' {
		return 0, fmt.Errorf("invalid bucket %q", s)
	}
	x, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, fmt.Errorf("bucket out of range %q", s)
	}
	return x, nil
}
