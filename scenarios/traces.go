package scenarios

import (
	"github.com/dcsim/dcsim/models/trace/formats"
	"os"
	"path/filepath"
	"strings"
)

// TraceFormats are the trace formats Validate accepts for workload.traces[i].format.
var TraceFormats = formats.Names()

// TracesEnv is the environment variable that "$DCSIM_TRACES" (or "${DCSIM_TRACES}") at the
// start of a trace path expands to; DefaultTracesDir when it is unset or empty.
const TracesEnv = "DCSIM_TRACES"

// TracePath returns the resolved path of trace source i (workload.traces[i]): a leading
// "$DCSIM_TRACES" or "${DCSIM_TRACES}" is replaced by the variable's value (DefaultTracesDir
// when unset), which is taken relative to the current directory; any other relative path is
// relative to the folder of the scenario file when the scenario was loaded from a file (Load,
// Resolve), else to the current directory. The path as written stays in Workload.Traces[i].Path.
// It returns "" if there is no source i.
func (s *Scenario) TracePath(i int) string {
	if i < 0 || i >= len(s.Workload.Traces) {
		return ""
	}
	if s.src != nil && i < len(s.src.traces) {
		return s.src.traces[i]
	}
	return resolveTracePath(s.Workload.Traces[i].Path, "") // built in Go: relative to the current directory
}

// resolvePaths records the resolved path of every trace source; dir is the folder that
// relative paths are resolved against ("" = the current directory). Parse and Load apply it
// after decoding; --set overrides are already applied by then.
func (s *Scenario) resolvePaths(dir string) {
	if s.src == nil {
		s.src = &source{pos: map[string]string{}}
	}
	s.src.dir = dir
	s.src.traces = make([]string, len(s.Workload.Traces))
	for i, tr := range s.Workload.Traces {
		s.src.traces[i] = resolveTracePath(tr.Path, dir)
	}
}

// DataPath resolves a data file path given in the scenario (a carbon or price series) as
// TracePath resolves trace paths: "$DCSIM_TRACES" expands, and a relative path is relative to
// the scenario file's folder. "" stays "".
func (s *Scenario) DataPath(p string) string {
	dir := ""
	if s.src != nil {
		dir = s.src.dir
	}
	return resolveTracePath(p, dir)
}

// resolveTracePath resolves one trace path as TracePath describes; "" stays "".
func resolveTracePath(p, dir string) string {
	if p == "" {
		return ""
	}
	for _, v := range []string{"${" + TracesEnv + "}", "$" + TracesEnv} {
		rest, ok := strings.CutPrefix(p, v)
		if !ok || (rest != "" && rest[0] != '/' && rest[0] != filepath.Separator) {
			continue // "$DCSIM_TRACESX" is not the variable
		}
		base := os.Getenv(TracesEnv)
		if base == "" {
			base = DefaultTracesDir
		}
		return filepath.Clean(base + rest) // the variable is relative to the current directory
	}
	if filepath.IsAbs(p) || dir == "" {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}
