package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestCommitAbortAndPooledBuffers(t *testing.T) {
	dir := t.TempDir()
	// Many files at once and one after another: pooled buffers never mix their contents.
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 20 {
				p := filepath.Join(dir, "f"+strings.Repeat("x", i)+string(rune('a'+k)))
				f, err := Create(p)
				if err != nil {
					t.Error(err)
					return
				}
				want := strings.Repeat(p, 1+k*100)
				f.Write([]byte(want))
				if k%3 == 2 {
					f.Abort()
					if _, err := os.Stat(p); !os.IsNotExist(err) {
						t.Errorf("aborted %s exists", p)
					}
					continue
				}
				if err := f.Commit(); err != nil {
					t.Error(err)
					continue
				}
				if got, _ := os.ReadFile(p); string(got) != want {
					t.Errorf("%s: %d bytes, want %d", p, len(got), len(want))
				}
				if _, err := f.Write([]byte("late")); err == nil {
					t.Error("write after commit accepted")
				}
				if err := f.Commit(); err == nil {
					t.Error("second commit accepted")
				}
				f.Abort() // no-op after Commit
			}
		}()
	}
	wg.Wait()
	if tmps, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(tmps) > 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
	if _, err := Create(filepath.Join(dir, "missing", "f")); err == nil {
		t.Error("create in a missing folder succeeded")
	}
}
