package results

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
)

// atomicFile is a file written under a temporary name in the destination's directory and
// renamed over the destination only when complete, so that a crash or an error never leaves a
// partial file under the final name. The temporary name is ".<base>.tmp-<pid>-<n>".
type atomicFile struct {
	f     *os.File
	bw    *bufio.Writer
	tmp   string
	final string
	done  bool
}

var tmpCounter atomic.Uint64

func createAtomic(path string) (*atomicFile, error) {
	dir, base := filepath.Split(path)
	if base == "" {
		return nil, fmt.Errorf("results: %q is not a file path", path)
	}
	tmp := filepath.Join(dir, "."+base+".tmp-"+strconv.Itoa(os.Getpid())+"-"+
		strconv.FormatUint(tmpCounter.Add(1), 10))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, fmt.Errorf("results: create %s: %w", path, err)
	}
	return &atomicFile{f: f, bw: bufio.NewWriterSize(f, 1<<20), tmp: tmp, final: path}, nil
}

func (a *atomicFile) Write(p []byte) (int, error) { return a.bw.Write(p) }

// commit flushes and closes the temporary file and renames it to the final name. On error the
// temporary file is removed. The rename is atomic, so a crash of dcsim never leaves a partial file
// under the final name. There is deliberately no fsync: result files are reproducible outputs,
// not a database, and on the development machine an fsync of a 125 MB jobs.arrow cost up to ten
// times the whole simulation. (A power loss may leave an empty or missing file; rerun the
// scenario, which gives the same bytes.)
func (a *atomicFile) commit() error {
	if a.done {
		return errors.New("results: file already closed")
	}
	a.done = true
	err := a.bw.Flush()
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.tmp, a.final)
	}
	if err != nil {
		os.Remove(a.tmp)
		return fmt.Errorf("results: write %s: %w", a.final, err)
	}
	return nil
}

// abort closes and removes the temporary file. It is a no-op after commit or abort.
func (a *atomicFile) abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.tmp)
}

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
		a.abort()
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	return a.commit()
}
