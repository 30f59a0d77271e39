package results

import (
	"encoding/json"
	"fmt"

	"github.com/dcsim/dcsim/internal/atomicfile"
)

func createAtomic(path string) (*atomicfile.File, error) { return atomicfile.Create(path) }

// WriteRunInfo atomically writes info as indented JSON (plus a trailing newline) to path; it is
// meant for run.json, which holds the wall-clock and host-dependent figures of a run (wall time,
// worker count, Go version, ...) that must never go into the deterministic Arrow files.
func WriteRunInfo(path string, info any) error {
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("results: encode %s: %w", path, err)
	}
	data = append(data, '\n')
	a, err := createAtomic(path)
	if err != nil {
		return err
	}
	if _, err := a.Write(data); err != nil {
		a.Abort()
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	return a.Commit()
}
