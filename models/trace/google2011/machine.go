package google2011

import "io"

// Machine event types (machine_events field 3).
const (
	MachineAdd    = 0
	MachineRemove = 1
	MachineUpdate = 2
)

var machineFields = []string{"time", "machine ID", "event type", "platform ID", "CPUs", "memory"}

// MachineEvent is one machine_events record. CPU and Mem are capacities
// normalised to the largest machine; HasCPU/HasMem are false when the field
// was empty. Line is the 1-based line number in the file.
type MachineEvent struct {
	TimeUS    int64
	MachineID int64
	Type      int // 0 ADD, 1 REMOVE, 2 UPDATE
	Platform  string
	CPU, Mem  float64
	HasCPU    bool
	HasMem    bool
	Line      int
}

// MachineReader streams machine_events records.
type MachineReader struct{ lr *lineReader }

// OpenMachineEvents opens a machine_events file, gzip'd (recognised by its
// magic bytes) or plain. Errors name the path.
func OpenMachineEvents(path string) (*MachineReader, error) {
	lr, err := openPath(path, machineFields)
	if err != nil {
		return nil, err
	}
	return &MachineReader{lr}, nil
}

// NewMachineReader reads machine_events records from r (gzip'd or plain);
// name is used in error messages. Close does not close r.
func NewMachineReader(r io.Reader, name string) (*MachineReader, error) {
	lr, err := newLineReader(r, name, machineFields)
	if err != nil {
		return nil, err
	}
	return &MachineReader{lr}, nil
}

// Next returns the next record, io.EOF at the end, or a *ParseError.
func (r *MachineReader) Next() (MachineEvent, error) {
	lr := r.lr
	if err := lr.Next(); err != nil {
		return MachineEvent{}, err
	}
	var e MachineEvent
	var err error
	e.Line = lr.Line
	if e.TimeUS, err = lr.timeField(); err != nil {
		return MachineEvent{}, err
	}
	if e.MachineID, _, err = lr.intField(2, false); err != nil {
		return MachineEvent{}, err
	}
	if e.Type, _, err = lr.rangeField(3, false, 0, 2); err != nil {
		return MachineEvent{}, err
	}
	e.Platform = lr.str(4)
	if e.CPU, e.HasCPU, err = lr.floatField(5); err != nil {
		return MachineEvent{}, err
	}
	if e.Mem, e.HasMem, err = lr.floatField(6); err != nil {
		return MachineEvent{}, err
	}
	return e, nil
}

// Close releases the decompressor and, for OpenMachineEvents, the file.
func (r *MachineReader) Close() error { return r.lr.Close() }
