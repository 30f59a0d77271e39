package canonical

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Schema metadata keys.
const (
	// MetaKeyFormat holds FormatName: it marks a file as a dcsim workload.
	MetaKeyFormat = "dcsim.format"
	// MetaKeyVersion holds FormatVersion, the version of the schema and rules below.
	MetaKeyVersion = "dcsim.version"

	// FormatName is the value of MetaKeyFormat.
	FormatName = "dcsim-workload"
	// FormatVersion is the value of MetaKeyVersion this package writes and reads.
	FormatVersion = "1"
)

// Suggested provenance keys (a converter's choice; any other key is allowed too).
const (
	MetaKeySourceFormat    = "source.format"                   // e.g. "swf", "google2011"
	MetaKeySourcePath      = "source.path"                     // the converted file or directory
	MetaKeyCPUMilliPerUnit = "source.units.cpu_milli_per_unit" // trace.Units used, decimal
	MetaKeyMemBytesPerUnit = "source.units.mem_bytes_per_unit" // trace.Units used, decimal
)

// reservedPrefix starts the keys that this package writes; a caller's metadata may not use it.
const reservedPrefix = "dcsim."

// Field metadata keys.
const (
	FieldKeyUnit        = "unit"        // on quantity columns: "µs", "millicores", "bytes", "count"
	FieldKeyDescription = "description" // on every column: one short sentence
)

// ReportFormat is the trace.Report Format of a Reader.
const ReportFormat = "canonical"

// Column names, in file order.
const (
	ColJobID       = "job_id"
	ColSubmitUS    = "submit_us"
	ColTenant      = "tenant"
	ColPriority    = "priority"
	ColGang        = "gang"
	ColTask        = "task"
	ColTaskIndex   = "task_index"
	ColInstances   = "instances"
	ColCPUMilli    = "cpu_milli"
	ColMemBytes    = "mem_bytes"
	ColGPUs        = "gpus"
	ColRuntimeUS   = "runtime_us"
	ColRequestedUS = "requested_us"
	ColParents     = "parents"
)

// Column indices, in file order.
const (
	iJobID = iota
	iSubmitUS
	iTenant
	iPriority
	iGang
	iTask
	iTaskIndex
	iInstances
	iCPUMilli
	iMemBytes
	iGPUs
	iRuntimeUS
	iRequestedUS
	iParents
	numCols
)

// kind is the physical type of a column.
type kind uint8

const (
	kUTF8 kind = iota
	kInt32
	kInt64
	kBool
	kListInt32
)

func (k kind) String() string {
	return [...]string{"utf8", "int32", "int64", "bool", "list<int32>"}[k]
}

func (k kind) dataType() arrow.DataType {
	switch k {
	case kUTF8:
		return arrow.BinaryTypes.String
	case kInt32:
		return arrow.PrimitiveTypes.Int32
	case kInt64:
		return arrow.PrimitiveTypes.Int64
	case kBool:
		return arrow.FixedWidthTypes.Boolean
	default:
		return arrow.ListOfNonNullable(arrow.PrimitiveTypes.Int32)
	}
}

// column describes one column of the format.
type column struct {
	name, unit, desc string
	kind             kind
}

// columns are the format's columns, in file order.
var columns = [numCols]column{
	{ColJobID, "", "The trace's own job identifier; every row of a job holds it.", kUTF8},
	{ColSubmitUS, "µs", "Submit time on the trace's own clock; non-decreasing over the file.", kInt64},
	{ColTenant, "", "User, subscription or tenant; empty if the trace has none.", kUTF8},
	{ColPriority, "", "Job priority as the trace gives it.", kInt32},
	{ColGang, "", "All instances of the job's single task start together.", kBool},
	{ColTask, "", "The trace's own task name; may be empty.", kUTF8},
	{ColTaskIndex, "", "Index of the task within its job: 0, 1, ... in row order.", kInt32},
	{ColInstances, "count", "Identical instances of the task (>= 1).", kInt32},
	{ColCPUMilli, "millicores", "CPU per instance (>= 1).", kInt64},
	{ColMemBytes, "bytes", "Memory per instance (>= 0).", kInt64},
	{ColGPUs, "count", "GPUs per instance (>= 0).", kInt64},
	{ColRuntimeUS, "µs", "True run time of each instance (>= 1).", kInt64},
	{ColRequestedUS, "µs", "User's run-time estimate (>= 0), -1 unknown.", kInt64},
	{ColParents, "", "task_index of the tasks of the same job that must finish first; empty for none.", kListInt32},
}

// Schema returns the Arrow schema of a canonical workload file with the given provenance
// metadata (see Create for the rules on meta).
func Schema(meta map[string]string) (*arrow.Schema, error) {
	keys := make([]string, 0, len(meta)+2)
	for k := range meta {
		if k == "" {
			return nil, fmt.Errorf("canonical: empty metadata key")
		}
		if strings.HasPrefix(k, reservedPrefix) {
			return nil, fmt.Errorf("canonical: metadata key %q: the %q prefix is reserved", k, reservedPrefix)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	keys = slices.Insert(keys, 0, MetaKeyFormat, MetaKeyVersion)
	vals := make([]string, len(keys))
	vals[0], vals[1] = FormatName, FormatVersion
	for i := 2; i < len(keys); i++ {
		vals[i] = meta[keys[i]]
	}
	md := arrow.NewMetadata(keys, vals)
	fs := make([]arrow.Field, numCols)
	for i, c := range columns {
		mk, mv := []string{FieldKeyDescription}, []string{c.desc}
		if c.unit != "" {
			mk, mv = []string{FieldKeyUnit, FieldKeyDescription}, []string{c.unit, c.desc}
		}
		fs[i] = arrow.Field{Name: c.name, Type: c.kind.dataType(), Metadata: arrow.NewMetadata(mk, mv)}
	}
	return arrow.NewSchema(fs, &md), nil
}
