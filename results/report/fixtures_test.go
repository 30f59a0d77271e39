package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dcsim/dcsim/internal/runner"
	"github.com/dcsim/dcsim/models/policy"
	"github.com/dcsim/dcsim/scenarios"
	"github.com/dcsim/dcsim/scenarios/sweep"
)

func init() { scenarios.KnownPolicy = policy.Known }

// The fixtures are simulated once per test binary, into a folder removed by TestMain.
var (
	fixOnce  sync.Once
	fixRoot  string
	fixErr   error
	fixRun   string // default scenario, 2 simulated hours: hosts (with GPUs), jobs, summary
	fixSweep string // mmc × placement × host count × 2 seeds
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixRoot != "" {
		os.RemoveAll(fixRoot)
	}
	os.Exit(code)
}

const fixSweepYAML = `name: tiny
base: mmc
seeds: 2
set:
  workload.synthetic.0.jobs: 2000
  output.hosts: true
  output.host_interval: 20s
  slo.max_wait: 2s
axes:
  scheduler.placement: [first-fit, best-fit, random]
  cluster.host_groups.0.count: [8, 9]
`

func fixtures(t testing.TB) (run, sweepDir string) {
	t.Helper()
	fixOnce.Do(func() {
		fixRoot, fixErr = os.MkdirTemp("", "dcsim-report-test-")
		if fixErr != nil {
			return
		}
		fixRun = filepath.Join(fixRoot, "run")
		fixErr = simulate(fixRun, "default", "horizon=2h")
		if fixErr != nil {
			return
		}
		fixSweep = filepath.Join(fixRoot, "sweep")
		fixErr = runSweep(fixSweep, fixSweepYAML)
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fixRun, fixSweep
}

func simulate(dir, name string, sets ...string) error {
	sc, err := scenarios.Resolve(name, sets)
	if err != nil {
		return err
	}
	_, err = runner.Run(sc, runner.Options{OutDir: dir, Workers: 1})
	return err
}

func runSweep(dir, src string) error {
	sw, err := sweep.Parse("tiny.yaml", []byte(src))
	if err != nil {
		return err
	}
	p, err := sw.Expand()
	if err != nil {
		return err
	}
	out, err := sweep.Execute(p, sweep.Options{Dir: dir, Jobs: 1})
	if err != nil {
		return err
	}
	if f := out.Failed(); len(f) > 0 {
		return fmt.Errorf("sweep: %d runs failed: %s", len(f), f[0].Err)
	}
	return nil
}

func render(t testing.TB, dir string, opt Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(dir, opt, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
