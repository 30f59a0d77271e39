// Package externaltest helps tests run external policies.
package externaltest

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

var (
	pythonOnce sync.Once
	pythonPath string
	pythonErr  error
)

// Python3 returns the Python 3 interpreter's own path (not a version manager's shim, which
// would add its start-up to every test), skipping the test when python3 is absent — unless
// DCSIM_REQUIRE_PYTHON=1 (as in CI) makes that a failure.
func Python3(t testing.TB) string {
	t.Helper()
	pythonOnce.Do(func() {
		var out []byte
		out, pythonErr = exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
		pythonPath = strings.TrimSpace(string(out))
		if pythonErr == nil && pythonPath == "" {
			pythonErr = errors.New("python3 did not tell its path")
		}
	})
	if pythonErr != nil {
		if os.Getenv("DCSIM_REQUIRE_PYTHON") == "1" {
			t.Fatalf("python3 not found and DCSIM_REQUIRE_PYTHON=1: %v", pythonErr)
		}
		t.Skipf("python3 not found (the external-policy tests run their policies with it): %v", pythonErr)
	}
	return pythonPath
}
