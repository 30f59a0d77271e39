// Package formats is the registry of trace formats: each entry names a format, says how to
// recognise its files and opens them as a trace.Source. Adding a format is one package under
// models/trace plus one line in the registry below.
package formats

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/models/trace/alibaba2018"
	"github.com/dcsim/dcsim/models/trace/azure"
	"github.com/dcsim/dcsim/models/trace/bitbrains"
	"github.com/dcsim/dcsim/models/trace/canonical"
	"github.com/dcsim/dcsim/models/trace/google2011"
	"github.com/dcsim/dcsim/models/trace/google2019"
	"github.com/dcsim/dcsim/models/trace/swf"
)

// Options are what a scenario or the CLI may set when opening a trace.
type Options struct {
	Units   trace.Units // zero fields: the format's defaults
	SkipBad bool        // count malformed lines instead of failing (formats that support it)
}

// Format is one trace format.
type Format struct {
	Name string
	// About is one line: what the format is and what path it takes.
	About string
	// Match reports whether a path (file or folder name, lower-cased, slash-separated) looks
	// like this format.
	Match func(path string) bool
	// Open opens a job trace; nil for request-level traces.
	Open func(path string, o Options) (trace.Source, error)
	// Machines returns the trace's own machines; nil when the trace has none.
	Machines func(path string, o Options) ([]trace.Machine, error)
	// Inspect reports a request-level trace (one that Open cannot replay as jobs); nil for job
	// traces, whose report comes from draining Open.
	Inspect func(path string) (trace.Report, error)
	// Defaults are the format's units.
	Defaults trace.Units
	// SkipBad says whether the format honours Options.SkipBad.
	SkipBad bool
}

func has(sub ...string) func(string) bool {
	return func(p string) bool {
		for _, s := range sub {
			if strings.Contains(p, s) {
				return true
			}
		}
		return false
	}
}

// registry lists the formats, one line each.
var registry = []Format{
	{Name: "swf", About: "Standard Workload Format (Parallel Workloads Archive): a .swf file", Match: has(".swf"),
		Open: func(p string, o Options) (trace.Source, error) { return swf.NewSource(p, o.Units, o.SkipBad) },
		Machines: func(p string, o Options) ([]trace.Machine, error) {
			s, err := swf.NewSource(p, o.Units, false)
			if err != nil {
				return nil, err
			}
			defer s.Close()
			return s.Machines(), nil
		}, Defaults: swf.DefaultUnits, SkipBad: true},
	{Name: "google2011", About: "Google clusterdata-2011-2: a task_events file or a folder with task_events/ (and machine_events/)",
		Match: has("task_events", "clusterdata-2011", "google-2011", "google2011"),
		Open:  func(p string, o Options) (trace.Source, error) { return google2011.NewSource(p, o.Units, o.SkipBad) },
		Machines: func(p string, o Options) ([]trace.Machine, error) {
			m, _, err := google2011.Machines(p, o.Units)
			return m, err
		}, Defaults: google2011.DefaultUnits, SkipBad: true},
	{Name: "google2019", About: "Google cluster-data 2019 (v3) JSON lines: an instance_events file or a folder with them (and collection_events, machine_events)",
		Match: has("instance_events", "clusterdata-2019", "clusterdata_2019", "google-2019", "google2019"),
		Open: func(p string, o Options) (trace.Source, error) {
			return google2019.NewSource(p, google2019.Options{Units: o.Units, SkipBad: o.SkipBad})
		},
		Machines: func(p string, o Options) ([]trace.Machine, error) {
			m, _, err := google2019.Machines(p, o.Units)
			return m, err
		}, Defaults: google2019.DefaultUnits(), SkipBad: true},
	{Name: "alibaba2018", About: "Alibaba cluster-trace-v2018: a batch_task file or a folder with one (and machine_meta)",
		Match:    has("batch_task", "alibaba"),
		Open:     func(p string, o Options) (trace.Source, error) { return alibaba2018.NewSource(p, o.Units, o.SkipBad) },
		Machines: func(p string, o Options) ([]trace.Machine, error) { return alibaba2018.Machines(p, o.Units) },
		Defaults: alibaba2018.DefaultUnits, SkipBad: true},
	{Name: "azure-vm", About: "Azure VM trace 2017/2019: a vmtable file", Match: has("vmtable"),
		Open:     func(p string, o Options) (trace.Source, error) { return azure.NewVMSource(p, o.Units) },
		Defaults: azure.DefaultUnits},
	{Name: "azure-vm-cpu", About: "Azure VM trace 2017/2019 CPU readings, 5-minute per-VM utilization (usage series; inspect only)",
		Match: has("vm_cpu_readings", "cpu_readings"), Inspect: azure.InspectCPU},
	{Name: "azure-functions", About: "Azure Functions 2019 per-minute invocations (request-level; inspect only)",
		Match: has("invocations_per_function", "azure-functions"), Inspect: azure.InspectFunctions},
	{Name: "azure-llm", About: "Azure LLM inference 2023 requests (request-level; inspect only)",
		Match: has("azurellminference", "azure-llm"), Inspect: azure.InspectLLM},
	{Name: "canonical", About: "dcsim's own Arrow workload file (written by 'dcsim trace convert')", Match: has(".arrow"),
		Open: func(p string, o Options) (trace.Source, error) { return canonical.Open(p) }},
	{Name: "bitbrains", About: "Bitbrains GWA-T-12: a VM file or a folder of them (searched recursively)",
		Match:    has("bitbrains", "faststorage", "gwa-t-12"),
		Open:     func(p string, o Options) (trace.Source, error) { return bitbrains.NewSource(p, o.Units) },
		Defaults: bitbrains.DefaultUnits},
}

// Names lists the formats' names in registry order.
func Names() []string {
	n := make([]string, len(registry))
	for i, f := range registry {
		n[i] = f.Name
	}
	return n
}

// All returns the formats in registry order.
func All() []Format { return slices.Clone(registry) }

// Lookup returns the format called name.
func Lookup(name string) (Format, error) {
	for _, f := range registry {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("unknown trace format %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Guess returns the one format whose name pattern matches path (the path as given, then with
// symbolic links and relative parts resolved); an error lists the candidates when none or
// several match.
func Guess(path string) (Format, error) {
	cands := []string{filepath.ToSlash(path)}
	if abs, err := filepath.Abs(path); err == nil {
		if r, err := filepath.EvalSymlinks(abs); err == nil {
			abs = r
		}
		cands = append(cands, filepath.ToSlash(abs))
	}
	for _, c := range cands {
		c = strings.ToLower(c)
		var hits []Format
		// The base name decides first; the whole path only if the base matches nothing.
		for _, part := range []string{filepath.Base(c), c} {
			for _, f := range registry {
				if f.Match(part) {
					hits = append(hits, f)
				}
			}
			if len(hits) > 0 {
				break
			}
		}
		if len(hits) == 1 {
			return hits[0], nil
		}
		if len(hits) > 1 {
			var n []string
			for _, h := range hits {
				n = append(n, h.Name)
			}
			return Format{}, fmt.Errorf("%s: the format is ambiguous (%s); give --format", path, strings.Join(n, ", "))
		}
	}
	if _, err := os.Stat(path); err != nil {
		return Format{}, err
	}
	return Format{}, fmt.Errorf("%s: cannot guess the format from the name; give --format (known: %s)", path, strings.Join(Names(), ", "))
}
