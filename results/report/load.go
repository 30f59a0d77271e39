package report

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/dcsim/dcsim/results"
)

// ErrInput marks bad input to the report: a missing or malformed folder or file, an unknown run
// or parameter. The CLI exits with code 2 on it.
var ErrInput = errors.New("bad report input")

type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return ErrInput }

func inputErr(format string, args ...any) error {
	return &inputError{fmt.Sprintf(format, args...)}
}

// tableMeta is a file's schema metadata.
type tableMeta map[string]string

// eachBatch streams the Arrow IPC file at path (verified by results.ScanTable) and hands its
// record batches to fn in file order, with the index of each batch's first row. want, if not
// empty, is the dcsim.table the file must hold. Memory: one record batch, plus what fn keeps.
func eachBatch(path, want string, fn func(rec arrow.RecordBatch, first int64) error) (tableMeta, error) {
	return eachBatchSchema(path, want, nil, fn)
}

// fnError marks an error returned by a caller's function, passed through unwrapped.
type fnError struct{ err error }

func (e fnError) Error() string { return e.err.Error() }

// eachBatchSchema is eachBatch that also hands the file's schema to schema (if not nil) before
// the first batch, also when there is none.
func eachBatchSchema(path, want string, schema func(*arrow.Schema), fn func(rec arrow.RecordBatch, first int64) error) (tableMeta, error) {
	var md tableMeta
	first := int64(0)
	err := results.ScanFile(path, func(s *arrow.Schema, rec arrow.RecordBatch) error {
		if md == nil {
			md = tableMeta(s.Metadata().ToMap())
			if want != "" {
				if got, ok := md[results.MetaKeyTable]; ok && got != want {
					return fnError{inputErr("%s: holds the %q table, want %q", path, got, want)}
				}
			}
			if schema != nil {
				schema(s)
			}
		}
		if rec == nil {
			return nil
		}
		if err := fn(rec, first); err != nil {
			return fnError{err}
		}
		first += rec.NumRows()
		return nil
	})
	if err != nil {
		var fe fnError
		if errors.As(err, &fe) {
			return nil, fe.err
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, inputErr("%s: no such file", path)
		}
		return nil, inputErr("%v", err)
	}
	return md, nil
}

// col returns the column name of rec as array type T, or an input error naming the file.
func col[T arrow.Array](rec arrow.RecordBatch, path, name string, nullable bool) (T, error) {
	var zero T
	idx := rec.Schema().FieldIndices(name)
	if len(idx) != 1 {
		return zero, inputErr("%s: column %q found %d times, want once", path, name, len(idx))
	}
	a, ok := rec.Column(idx[0]).(T)
	if !ok {
		return zero, inputErr("%s: column %q has type %s, want %T", path, name, rec.Column(idx[0]).DataType(), zero)
	}
	if !nullable && a.NullN() > 0 {
		return zero, inputErr("%s: column %q has %d nulls", path, name, a.NullN())
	}
	return a, nil
}

// micro converts seconds to integer microseconds (the simulator's time unit), or fails for a
// negative, non-finite or too large time.
func micro(s float64, path, name string, row int64) (int64, error) {
	r := math.Round(s * 1e6)
	if !(r >= 0 && r <= 1<<62) {
		return 0, inputErr("%s: row %d: %s = %v is not a time ≥ 0", path, row, name, s)
	}
	return int64(r), nil
}

// sourceStat are per-source job counts.
type sourceStat struct {
	Name                 string
	Jobs, Finished, SLO  int64
	WaitSum              float64
	Started              int64
	Rejected, Unfinished int64
}

// maxSources bounds the per-source table; further sources are counted under "(other)".
const maxSources = 200

// jobStats is what the report takes from jobs.arrow.
type jobStats struct {
	Rows      int64
	Events    []int64 // queue events: µs<<1 | 0 for a submit (+1), | 1 for a first start (−1)
	MaxTimeUS int64
	Hist      *waitHist
	Status    map[string]int64
	Sources   []*sourceStat
	srcIdx    map[string]int
}

func (j *jobStats) source(name string) *sourceStat {
	if i, ok := j.srcIdx[name]; ok {
		return j.Sources[i]
	}
	if len(j.Sources) >= maxSources {
		name = "(other)"
		if i, ok := j.srcIdx[name]; ok {
			return j.Sources[i]
		}
	}
	s := &sourceStat{Name: name}
	j.srcIdx[name] = len(j.Sources)
	j.Sources = append(j.Sources, s)
	return s
}

// readJobs scans jobs.arrow: queue events, the wait-time histogram, job counts by status and
// by source. It keeps 8 bytes per started job and 8 per queued job (the exact queue needs every
// event in time order, and rows are in completion order).
func readJobs(path string) (*jobStats, tableMeta, error) {
	js := &jobStats{Hist: newWaitHist(), Status: map[string]int64{}, srcIdx: map[string]int{}}
	md, err := eachBatch(path, results.TableJobs, func(rec arrow.RecordBatch, first int64) error {
		submit, err := col[*array.Float64](rec, path, "submit_s", false)
		if err != nil {
			return err
		}
		start, err := col[*array.Float64](rec, path, "start_s", true)
		if err != nil {
			return err
		}
		wait, err := col[*array.Float64](rec, path, "wait_s", true)
		if err != nil {
			return err
		}
		status, err := col[*array.String](rec, path, "status", false)
		if err != nil {
			return err
		}
		source, err := col[*array.String](rec, path, "source", false)
		if err != nil {
			return err
		}
		slo, err := col[*array.Boolean](rec, path, "slo_violated", false)
		if err != nil {
			return err
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := first + int64(i)
			st := status.Value(i)
			js.Status[st]++
			ss := js.source(source.Value(i))
			ss.Jobs++
			if slo.Value(i) {
				ss.SLO++
			}
			switch st {
			case results.StatusFinished:
				ss.Finished++
			case results.StatusRejected:
				ss.Rejected++
			case results.StatusUnfinished:
				ss.Unfinished++
			}
			if wait.IsValid(i) {
				js.Hist.add(wait.Value(i))
				ss.WaitSum += wait.Value(i)
				ss.Started++
			}
			if st == results.StatusRejected {
				continue // never queued
			}
			t, err := micro(submit.Value(i), path, "submit_s", row)
			if err != nil {
				return err
			}
			js.Events = append(js.Events, t<<1)
			js.MaxTimeUS = max(js.MaxTimeUS, t)
			if start.IsValid(i) {
				t, err := micro(start.Value(i), path, "start_s", row)
				if err != nil {
					return err
				}
				js.Events = append(js.Events, t<<1|1)
				js.MaxTimeUS = max(js.MaxTimeUS, t)
			}
		}
		js.Rows += rec.NumRows()
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return js, md, nil
}

// queue returns the exact queue-length function summarized in n buckets over [0, endUS].
func (j *jobStats) queue(endUS int64, n int) []stepBucket {
	ev := make([]queueEvent, len(j.Events))
	for i, e := range j.Events {
		d := int32(1)
		if e&1 == 1 {
			d = -1
		}
		ev[i] = queueEvent{t: e >> 1, d: d}
	}
	return queueBuckets(ev, endUS, n)
}

// hostSeries are the per-interval aggregates of hosts.arrow.
type hostSeries struct {
	T0, T1                 []float64 // s
	CPU, Mem, GPU, PowerKW []float64 // utilization in %, power in kW
	HostsOn                []float64
	HasGPU                 bool
	PartlyOff              bool // some host was off part of the time
	Hosts                  int  // host rows in the first interval
}

// groupAcc sums one host group's rows of one interval.
type groupAcc struct {
	n                        int64
	cpu, mem, gpu, power, on float64
}

type intervalAcc struct {
	t, iv  int64 // µs
	groups []groupAcc
}

// maxPoints bounds the number of intervals (or buckets) a time chart draws.
const maxPoints = 1000

// readHosts aggregates hosts.arrow per interval: the mean over hosts of each host's exact
// time-weighted utilization (every host counts alike, whatever its size; off time counts as
// idle), the mean GPU utilization over the hosts of groups that have GPUs (a group has GPUs if
// any of its rows shows GPU use), the total power and the hosts on (Σ on_fraction). More than
// maxPoints intervals are merged into maxPoints buckets of consecutive intervals, averaged
// with the interval lengths as weights.
func readHosts(path string) (*hostSeries, error) {
	var ivs []intervalAcc
	at := map[int64]int{}
	groups := map[string]int{}
	var gpuGroup []bool
	partlyOff := false
	_, err := eachBatch(path, results.TableHosts, func(rec arrow.RecordBatch, first int64) error {
		var cols [7]*array.Float64
		for k, name := range []string{"time_s", "interval_s", "cpu_utilization", "mem_utilization", "gpu_utilization", "power_w", "on_fraction"} {
			c, err := col[*array.Float64](rec, path, name, false)
			if err != nil {
				return err
			}
			cols[k] = c
		}
		group, err := col[*array.String](rec, path, "group", false)
		if err != nil {
			return err
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := first + int64(i)
			t, err := micro(cols[0].Value(i), path, "time_s", row)
			if err != nil {
				return err
			}
			iv, err := micro(cols[1].Value(i), path, "interval_s", row)
			if err != nil {
				return err
			}
			k, ok := at[t]
			if !ok {
				k = len(ivs)
				at[t] = k
				ivs = append(ivs, intervalAcc{t: t, iv: iv})
			}
			g, ok := groups[group.Value(i)]
			if !ok {
				g = len(groups)
				groups[group.Value(i)] = g
				gpuGroup = append(gpuGroup, false)
			}
			a := &ivs[k]
			for len(a.groups) <= g {
				a.groups = append(a.groups, groupAcc{})
			}
			ga := &a.groups[g]
			ga.n++
			ga.cpu += cols[2].Value(i)
			ga.mem += cols[3].Value(i)
			ga.gpu += cols[4].Value(i)
			ga.power += cols[5].Value(i)
			ga.on += cols[6].Value(i)
			if cols[4].Value(i) > 0 {
				gpuGroup[g] = true
			}
			if cols[6].Value(i) < 1 {
				partlyOff = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ivs, func(a, b intervalAcc) int { return compareInt(a.t, b.t) })
	hs := &hostSeries{PartlyOff: partlyOff}
	for _, g := range gpuGroup {
		hs.HasGPU = hs.HasGPU || g
	}
	type row struct {
		t0, t1, iv               float64
		cpu, mem, gpu, power, on float64
	}
	rows := make([]row, 0, len(ivs))
	for _, a := range ivs {
		var n, gn int64
		var r row
		for g, ga := range a.groups {
			n += ga.n
			r.cpu += ga.cpu
			r.mem += ga.mem
			r.power += ga.power
			r.on += ga.on
			if gpuGroup[g] {
				gn += ga.n
				r.gpu += ga.gpu
			}
		}
		if len(rows) == 0 {
			hs.Hosts = int(n)
		}
		r.cpu, r.mem = 100*r.cpu/float64(n), 100*r.mem/float64(n)
		r.gpu = math.NaN()
		if gn > 0 {
			r.gpu = 100 * sumGPU(a.groups, gpuGroup) / float64(gn)
		}
		r.power /= 1000
		r.t0, r.t1, r.iv = float64(a.t)/1e6, float64(a.t+a.iv)/1e6, float64(a.iv)
		rows = append(rows, r)
	}
	chunk := (len(rows) + maxPoints - 1) / maxPoints
	for i := 0; i < len(rows); i += max(chunk, 1) {
		part := rows[i:min(i+max(chunk, 1), len(rows))]
		var w, cpu, mem, gpu, power, on float64
		for _, r := range part {
			w += r.iv
			cpu += r.cpu * r.iv
			mem += r.mem * r.iv
			gpu += r.gpu * r.iv
			power += r.power * r.iv
			on += r.on * r.iv
		}
		if w == 0 {
			continue
		}
		hs.T0 = append(hs.T0, part[0].t0)
		hs.T1 = append(hs.T1, part[len(part)-1].t1)
		hs.CPU = append(hs.CPU, cpu/w)
		hs.Mem = append(hs.Mem, mem/w)
		hs.GPU = append(hs.GPU, gpu/w)
		hs.PowerKW = append(hs.PowerKW, power/w)
		hs.HostsOn = append(hs.HostsOn, on/w)
	}
	return hs, nil
}

func sumGPU(gs []groupAcc, gpuGroup []bool) float64 {
	s := 0.0
	for g, ga := range gs {
		if gpuGroup[g] {
			s += ga.gpu
		}
	}
	return s
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sumTable is a summary-like table (summary.arrow or a sweep's summary.arrow) held as
// formatted cells plus float values of the numeric columns.
type sumTable struct {
	Meta  tableMeta
	Cols  []sumCol
	Rows  int
	index map[string]int
}

type sumCol struct {
	Name, Unit, Desc string
	Type             string
	Text             []string  // formatted cell, "" for null
	Num              []float64 // numeric value, NaN for null or non-numeric
	Numeric          bool
}

func (t *sumTable) col(name string) *sumCol {
	if i, ok := t.index[name]; ok {
		return &t.Cols[i]
	}
	return nil
}

// readSumTable reads a small table (a summary) in full.
func readSumTable(path, want string) (*sumTable, error) {
	t := &sumTable{index: map[string]int{}}
	md, err := eachBatchSchema(path, want, func(s *arrow.Schema) {
		for _, f := range s.Fields() {
			u, _ := f.Metadata.GetValue(results.FieldKeyUnit)
			d, _ := f.Metadata.GetValue(results.FieldKeyDescription)
			if _, dup := t.index[f.Name]; !dup {
				t.index[f.Name] = len(t.Cols)
			}
			t.Cols = append(t.Cols, sumCol{Name: f.Name, Unit: u, Desc: d, Type: f.Type.String()})
		}
	}, func(rec arrow.RecordBatch, first int64) error {
		for k, a := range rec.Columns() {
			c := &t.Cols[k]
			for i := 0; i < a.Len(); i++ {
				s, v, num := cell(a, i)
				c.Text = append(c.Text, s)
				c.Num = append(c.Num, v)
				c.Numeric = c.Numeric || num
			}
		}
		t.Rows += int(rec.NumRows())
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.Meta = md
	return t, nil
}

// cell formats row i of a; v is its numeric value (NaN if none) and num whether the type is
// numeric.
func cell(a arrow.Array, i int) (s string, v float64, num bool) {
	v = math.NaN()
	switch c := a.(type) {
	case *array.Float64:
		num = true
		if c.IsValid(i) {
			v = c.Value(i)
			s = fmtNum(v)
		}
	case *array.Float32:
		num = true
		if c.IsValid(i) {
			v = float64(c.Value(i))
			s = fmtNum(v)
		}
	case *array.Int64:
		num = true
		if c.IsValid(i) {
			v = float64(c.Value(i))
			s = strconv.FormatInt(c.Value(i), 10)
		}
	case *array.Int32:
		num = true
		if c.IsValid(i) {
			v = float64(c.Value(i))
			s = strconv.FormatInt(int64(c.Value(i)), 10)
		}
	case *array.Uint64:
		num = true
		if c.IsValid(i) {
			v = float64(c.Value(i))
			s = strconv.FormatUint(c.Value(i), 10)
		}
	case *array.Boolean:
		if c.IsValid(i) {
			s = strconv.FormatBool(c.Value(i))
		}
	case *array.String:
		if c.IsValid(i) {
			s = c.Value(i)
		}
	default:
		if a.IsValid(i) {
			s = a.ValueStr(i)
		}
	}
	return s, v, num
}

// exists reports whether path is a regular file.
func exists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

func join(dir, name string) string { return filepath.Join(dir, name) }

// tableFile is the file of table name in run folder dir: name.arrow, else name.parquet (a run
// written with --format parquet), else "".
func tableFile(dir, name string) string {
	for _, ext := range []string{".arrow", ".parquet"} {
		if p := join(dir, name+ext); exists(p) {
			return p
		}
	}
	return ""
}
