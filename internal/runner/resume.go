package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dcsim/dcsim/internal/version"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
)

// Complete returns the summary of the finished run of sc in dir, or nil if there is none: its
// summary.arrow must exist and record the same resolved scenario (seed included) and the same
// dcsim version, so that a reused run is exactly what running sc now would write. An
// unreadable summary counts as none (the run is done again).
func Complete(dir string, sc *scenarios.Scenario) (*results.Summary, error) {
	p := filepath.Join(dir, "summary.arrow")
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	sum, meta, err := results.ReadSummary(p)
	if err != nil {
		return nil, nil
	}
	y, err := sc.YAML()
	if err != nil {
		return nil, err
	}
	if meta.ScenarioYAML != string(y) || meta.Version != version.Version {
		return nil, nil
	}
	return &sum, nil
}

// TempDir is the temporary folder a run bound for dir is written into by this process:
// ".tmp-<base>-<pid>" beside dir.
func TempDir(dir string) string {
	return filepath.Join(filepath.Dir(dir), fmt.Sprintf(".tmp-%s-%d", filepath.Base(dir), os.Getpid()))
}

// RunInto runs sc into the folder dir as one step that a crash cannot leave half done: the run
// is written into TempDir(dir), finish (if not nil) may then trim that folder, and the folder
// is renamed to dir, replacing a stale one. It returns the run's summary as read back from its
// summary.arrow. opt.OutDir is ignored.
func RunInto(sc *scenarios.Scenario, dir string, opt Options, finish func(tmp string) error) (*results.Summary, error) {
	tmp := TempDir(dir)
	if err := os.RemoveAll(tmp); err != nil {
		return nil, err
	}
	opt.OutDir = tmp
	err := func() error {
		if _, err := Run(sc, opt); err != nil {
			return err
		}
		if finish != nil {
			if err := finish(tmp); err != nil {
				return err
			}
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		return os.Rename(tmp, dir)
	}()
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	sum, _, err := results.ReadSummary(filepath.Join(dir, "summary.arrow"))
	if err != nil {
		return nil, err
	}
	return &sum, nil
}
