package azure

import (
	"fmt"
	"io"

	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

// CPUReadingFields is the number of fields in a vm_cpu_readings line.
const CPUReadingFields = 5

var cpuFieldNames = [CPUReadingFields]string{"timestamp", "vmid", "mincpu", "maxcpu", "avgcpu"}

// CPUReading is one line of a vm_cpu_readings-file-N-of-125.csv file (Azure 2017 V1, no
// header): timestamp, vmid, mincpu, maxcpu, avgcpu. The timestamp is whole seconds from the
// start of the trace (5-minute steps); the CPU figures are percent over that 5-minute window.
// The reader checks each value but not their order (min <= avg <= max) nor the order of
// timestamps.
type CPUReading struct {
	TimeS                  int64
	VMID                   string
	MinCPU, MaxCPU, AvgCPU float64 // percent
	Line                   int     // 1-based line number
}

// CPUReadingReader streams CPU readings.
type CPUReadingReader struct{ lr *lineReader }

// NewCPUReadingReader returns a CPUReadingReader for r (plain or gzip). name is used in
// error messages.
func NewCPUReadingReader(r io.Reader, name string) (*CPUReadingReader, error) {
	lr, err := newLineReader(r, name)
	if err != nil {
		return nil, err
	}
	return &CPUReadingReader{lr: lr}, nil
}

// OpenCPUReadings opens a vm_cpu_readings file (plain or gzip). The caller must Close the
// io.Closer.
func OpenCPUReadings(path string) (*CPUReadingReader, io.Closer, error) {
	return openFile(path, NewCPUReadingReader)
}

// Stats returns the counts so far.
func (r *CPUReadingReader) Stats() Stats { return r.lr.stats }

// Next returns the next reading, or io.EOF at the end of the input.
func (r *CPUReadingReader) Next() (CPUReading, error) {
	line, ok := r.lr.nextNonBlank()
	if !ok {
		return CPUReading{}, r.lr.err
	}
	ln := r.lr.stats.Lines
	var f [CPUReadingFields]string
	if n := splitFields(line, f[:]); n != CPUReadingFields {
		return CPUReading{}, r.lr.fail(r.lr.errorf(ln, "expected %d fields, got %d", CPUReadingFields, n))
	}
	ferr := func(k int, err error) (CPUReading, error) {
		return CPUReading{}, r.lr.fail(r.lr.errorf(ln, "field %d (%s): %v", k+1, cpuFieldNames[k], err))
	}
	c := CPUReading{VMID: f[1], Line: int(ln)}
	var err error
	if c.TimeS, err = textio.ParseUint(f[0], 64); err != nil {
		return ferr(0, err)
	}
	if c.VMID == "" {
		return ferr(1, fmt.Errorf("empty"))
	}
	for i, p := range [3]*float64{&c.MinCPU, &c.MaxCPU, &c.AvgCPU} {
		if *p, err = textio.ParseNonNeg(f[2+i]); err != nil {
			return ferr(2+i, err)
		}
	}
	r.lr.stats.Records++
	return c, nil
}
