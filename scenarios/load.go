package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Parse decodes a scenario from YAML, applies the --set overrides (each "key.path=value"),
// fills in defaults and validates it. name is the file name used in error messages. All
// errors match ErrInput; each problem names its file:line:col (or --set) and key path.
//
// Relative trace paths (workload.traces[i].path) are resolved against the current directory;
// Load and Resolve resolve them against the scenario file's folder instead.
func Parse(name string, data []byte, sets []string) (*Scenario, error) {
	return parse(name, data, sets, "")
}

// parse is Parse with dir, the folder that relative trace paths are resolved against ("" =
// the current directory).
func parse(name string, data []byte, sets []string, dir string) (*Scenario, error) {
	s, err := decodeScenario(name, data, sets)
	if err != nil {
		return nil, err
	}
	s.ApplyDefaults()
	s.resolvePaths(dir)
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// Load reads, decodes, defaults and validates the scenario file at path.
func Load(path string) (*Scenario, error) { return loadFile(path, nil) }

func loadFile(file string, sets []string) (*Scenario, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, &InputError{Pos: file, Msg: fmt.Sprintf("cannot read scenario: %v", unwrapPathErr(err))}
	}
	return parse(file, data, sets, filepath.Dir(file))
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// BuiltinNames lists the built-in scenarios, sorted.
func BuiltinNames() []string {
	entries, _ := builtinFS.ReadDir("builtin")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// BuiltinYAML returns the source text of a built-in scenario, comments included.
func BuiltinYAML(name string) ([]byte, error) {
	data, err := builtinFS.ReadFile(builtinFile(name))
	if err != nil || strings.ContainsAny(name, "/\\") {
		return nil, &InputError{Msg: fmt.Sprintf("unknown built-in scenario %q (built-ins: %s)", name, strings.Join(BuiltinNames(), ", "))}
	}
	return data, nil
}

// BuiltinDescription returns the description of a built-in scenario without validating it, so
// that listing the built-ins works even where a built-in's input files (e.g. the trace of
// kth-sp2) are absent.
func BuiltinDescription(name string) (string, error) {
	data, err := BuiltinYAML(name)
	if err != nil {
		return "", err
	}
	s, err := decodeScenario(builtinFile(name), data, nil)
	if err != nil {
		return "", err
	}
	return s.Description, nil
}

func builtinFile(name string) string { return path.Join("builtin", name+".yaml") }

// Builtin returns a built-in scenario, defaulted and validated.
func Builtin(name string) (*Scenario, error) { return resolveBuiltin(name, nil) }

func resolveBuiltin(name string, sets []string) (*Scenario, error) {
	data, err := BuiltinYAML(name)
	if err != nil {
		return nil, err
	}
	return Parse(builtinFile(name), data, sets)
}

// Resolve loads the scenario named by a command-line argument, with --set overrides: a file
// if arg names an existing file, contains '/' or ends in .yaml or .yml; otherwise a built-in.
func Resolve(arg string, sets []string) (*Scenario, error) {
	if st, err := os.Stat(arg); (err == nil && !st.IsDir()) || strings.ContainsAny(arg, `/\`) ||
		strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml") {
		return loadFile(arg, sets)
	}
	if _, err := BuiltinYAML(arg); err != nil {
		return nil, &InputError{Msg: fmt.Sprintf("unknown scenario %q: not a file and not a built-in (built-ins: %s)",
			arg, strings.Join(BuiltinNames(), ", "))}
	}
	return resolveBuiltin(arg, sets)
}
