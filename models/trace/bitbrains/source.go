package bitbrains

import (
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/dcsim/dcsim/models/trace"
)

// DefaultUnits: the files give cores and KB, so a unit is one core and one byte.
var DefaultUnits = trace.Units{CPUMilliPerUnit: 1000, MemBytesPerUnit: 1}

// SampleIntervalUS is the GWA-T-12 sampling interval, 5 minutes.
const SampleIntervalUS = 300 * 1e6

// Skip reasons and notes of a Bitbrains source.
const (
	SkipEmpty   = "VM files without samples"
	NoteSamples = "samples"
)

// Source replays a Bitbrains folder as a trace.Source: each VM file is a single-task job that
// holds the VM's provisioned cores and memory (the largest of its samples) from its first
// sample to one interval after its last. ID is the file's path below the folder without
// ".csv"/".csv.gz" (e.g. "2013-7/1"). The per-interval usage stays with the Reader (the replay
// reserves what the VM was provisioned, as a cloud does). Files are read one at a time;
// memory holds one small record per VM, sorted by start time (ties in path order).
type Source struct {
	trace.Sorted
}

// NewSource reads the VM files under path (a file, or a folder searched recursively for
// *.csv and *.csv.gz files, in lexical path order).
func NewSource(path string, units trace.Units) (*Source, error) {
	units = units.Or(DefaultUnits)
	s := &Source{Sorted: trace.Sorted{Rep: trace.NewReport("bitbrains")}}
	var files []string
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	root := path
	if fi.IsDir() {
		err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && (strings.HasSuffix(p, ".csv") || strings.HasSuffix(p, ".csv.gz")) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no VM files (*.csv, *.csv.gz)", path)
		}
	} else {
		files, root = []string{path}, filepath.Dir(path)
	}
	var empty, samples int64
	for _, f := range files {
		r, c, err := Open(f)
		if err != nil {
			return nil, err
		}
		var first, last int64
		var cores int
		var mem float64
		n := 0
		for {
			sm, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				c.Close()
				return nil, fmt.Errorf("%w: %v", trace.ErrBadInput, err)
			}
			if n == 0 {
				first = sm.TimeS
			}
			last = sm.TimeS
			cores = max(cores, sm.CPUCores)
			mem = max(mem, sm.MemCapacityKB)
			n++
		}
		c.Close()
		s.Rep.Records += r.Stats().Lines
		samples += int64(n)
		if n == 0 {
			empty++
			continue
		}
		id, _ := filepath.Rel(root, f)
		id = strings.TrimSuffix(strings.TrimSuffix(filepath.ToSlash(id), ".gz"), ".csv")
		s.Jobs = append(s.Jobs, trace.Job{ID: id, SubmitUS: first * 1e6, Tasks: []trace.Task{{Instances: 1,
			CPUMilli:  max(1, int64(math.Round(float64(cores)*units.CPUMilliPerUnit))),
			MemBytes:  int64(math.Round(mem * 1024 * units.MemBytesPerUnit)),
			RuntimeUS: (last-first)*1e6 + SampleIntervalUS, RequestedUS: -1}}})
	}
	s.Sort()
	s.Rep.Skip(SkipEmpty, empty)
	s.Rep.Note(NoteSamples, samples)
	return s, nil
}
