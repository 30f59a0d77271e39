package alibaba2018

import (
	"io"

	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

var machineMetaFields = []string{
	"machine_id", "time_stamp", "failure_domain_1", "failure_domain_2",
	"cpu_num", "mem_size", "status",
}

var machineUsageFields = []string{
	"machine_id", "time_stamp", "cpu_util_percent", "mem_util_percent", "mem_gps",
	"mkpi", "net_in", "net_out", "disk_io_percent",
}

// MachineMeta is one machine_meta record: the state of a machine from
// TimeStampS (seconds from the start of the trace) on.
type MachineMeta struct {
	MachineID      string
	TimeStampS     int64
	FailureDomain1 string // an enumerated value (an integer in the trace)
	FailureDomain2 string // may be empty (34 rows of the sample)
	CPUNum         int
	MemSize        float64 // normalised 0..100
	Status         string  // USING, IMPORT_INSTALLING, ...
	Line           int     // 1-based line number in the file
}

// MachineUsage is one machine_usage sample. Every metric is -1 when its field
// was empty (mem_gps and mkpi are empty in 78% of the sample); a value of -1
// in the file is kept as -1 (the schema calls -1 and 101 of disk_io_percent
// "abnormal").
type MachineUsage struct {
	MachineID      string
	TimeStampS     int64
	CPUUtilPercent float64 // 0..100
	MemUtilPercent float64 // 0..100
	MemGPS         float64 // normalised memory bandwidth, 0..100
	MKPI           float64 // cache misses per thousand instructions
	NetIn, NetOut  float64 // normalised network traffic, 0..100
	DiskIOPercent  float64 // 0..100; -1 or 101 = abnormal
	Line           int     // 1-based line number in the file
}

// MachineMetaReader streams machine_meta records.
type MachineMetaReader struct{ lr *lineReader }

// OpenMachineMeta opens a machine_meta file, gzip'd or plain.
func OpenMachineMeta(path string) (*MachineMetaReader, error) {
	lr, err := openPath(path, machineMetaFields)
	if err != nil {
		return nil, err
	}
	return &MachineMetaReader{lr}, nil
}

// NewMachineMetaReader reads machine_meta records from r (gzip'd or plain);
// name is used in error messages. Close does not close r.
func NewMachineMetaReader(r io.Reader, name string) (*MachineMetaReader, error) {
	lr, err := newLineReader(r, name, machineMetaFields)
	if err != nil {
		return nil, err
	}
	return &MachineMetaReader{lr}, nil
}

// Stats returns the line counts so far.
func (r *MachineMetaReader) Stats() ReaderStats { return r.lr.Stats }

// Close releases the reader (and the file, for OpenMachineMeta).
func (r *MachineMetaReader) Close() error { return r.lr.Close() }

// Next returns the next record, io.EOF at the end, or a *ParseError. Errors
// are sticky.
func (r *MachineMetaReader) Next() (MachineMeta, error) {
	lr := r.lr
	if err := lr.Next(); err != nil {
		return MachineMeta{}, err
	}
	m := MachineMeta{Line: lr.Line}
	var err error
	if m.MachineID, err = lr.str(1, true); err != nil {
		return MachineMeta{}, err
	}
	if m.TimeStampS, err = lr.nonNegInt(2); err != nil {
		return MachineMeta{}, err
	}
	if m.FailureDomain1, err = lr.str(3, true); err != nil {
		return MachineMeta{}, err
	}
	m.FailureDomain2 = lr.internStr(lr.Fields[3])
	cpus, err := lr.nonNegInt(5)
	if err != nil {
		return MachineMeta{}, err
	}
	if cpus > 1<<20 {
		return MachineMeta{}, lr.Fail(5, "out of range "+textio.Quote(lr.Fields[4]))
	}
	m.CPUNum = int(cpus)
	if m.MemSize, err = lr.floatField(6, false, false); err != nil {
		return MachineMeta{}, err
	}
	if m.Status, err = lr.str(7, true); err != nil {
		return MachineMeta{}, err
	}
	lr.Stats.Rows++
	return m, nil
}

// MachineUsageReader streams machine_usage records.
type MachineUsageReader struct{ lr *lineReader }

// OpenMachineUsage opens a machine_usage file, gzip'd or plain.
func OpenMachineUsage(path string) (*MachineUsageReader, error) {
	lr, err := openPath(path, machineUsageFields)
	if err != nil {
		return nil, err
	}
	return &MachineUsageReader{lr}, nil
}

// NewMachineUsageReader reads machine_usage records from r (gzip'd or plain);
// name is used in error messages. Close does not close r.
func NewMachineUsageReader(r io.Reader, name string) (*MachineUsageReader, error) {
	lr, err := newLineReader(r, name, machineUsageFields)
	if err != nil {
		return nil, err
	}
	return &MachineUsageReader{lr}, nil
}

// Stats returns the line counts so far.
func (r *MachineUsageReader) Stats() ReaderStats { return r.lr.Stats }

// Close releases the reader (and the file, for OpenMachineUsage).
func (r *MachineUsageReader) Close() error { return r.lr.Close() }

// Next returns the next record, io.EOF at the end, or a *ParseError. Errors
// are sticky.
func (r *MachineUsageReader) Next() (MachineUsage, error) {
	lr := r.lr
	if err := lr.Next(); err != nil {
		return MachineUsage{}, err
	}
	u := MachineUsage{Line: lr.Line}
	var err error
	if u.MachineID, err = lr.str(1, true); err != nil {
		return MachineUsage{}, err
	}
	// time_stamp is a double in the schema; whole seconds in the data.
	if u.TimeStampS, err = lr.wholeField(2, false); err != nil {
		return MachineUsage{}, err
	}
	for i, p := range []*float64{&u.CPUUtilPercent, &u.MemUtilPercent, &u.MemGPS, &u.MKPI, &u.NetIn, &u.NetOut, &u.DiskIOPercent} {
		if *p, err = lr.floatField(i+3, true, true); err != nil {
			return MachineUsage{}, err
		}
	}
	lr.Stats.Rows++
	return u, nil
}
