// Package atomicfile writes files under a temporary name and renames them over the destination
// only when complete, so that a crash or an error never leaves a partial file under the final
// name. The temporary name is ".<base>.tmp-<pid>-<n>" in the destination's directory (the CLI
// removes its own on Ctrl-C by that pattern).
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
)

// File is a file written under a temporary name in the destination's directory and
// renamed over the destination only when complete, so that a crash or an error never leaves a
// partial file under the final name. The temporary name is ".<base>.tmp-<pid>-<n>".
type File struct {
	f     *os.File
	bw    *bufio.Writer
	tmp   string
	final string
	done  bool
}

var tmpCounter atomic.Uint64

func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if base == "" {
		return nil, fmt.Errorf("%q is not a file path", path)
	}
	tmp := filepath.Join(dir, "."+base+".tmp-"+strconv.Itoa(os.Getpid())+"-"+
		strconv.FormatUint(tmpCounter.Add(1), 10))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{f: f, bw: bufio.NewWriterSize(f, 1<<20), tmp: tmp, final: path}, nil
}

func (a *File) Write(p []byte) (int, error) { return a.bw.Write(p) }

// Commit flushes and closes the temporary file and renames it to the final name. On error the
// temporary file is removed. The rename is atomic, so a crash of dcsim never leaves a partial file
// under the final name. There is deliberately no fsync: result files are reproducible outputs,
// not a database, and on the development machine an fsync of a 125 MB jobs.arrow cost up to ten
// times the whole simulation. (A power loss may leave an empty or missing file; rerun the
// scenario, which gives the same bytes.)
func (a *File) Commit() error {
	if a.done {
		return errors.New("file already closed")
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
		return fmt.Errorf("write %s: %w", a.final, err)
	}
	return nil
}

// Abort closes and removes the temporary file. It is a no-op after Commit or Abort.
func (a *File) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.tmp)
}

// Name is the final path of the file.
func (a *File) Name() string { return a.final }

// DiscardForBenchmark makes the file drop everything written to it (benchmarks of writers'
// CPU cost use it to take the disk out of the measurement).
func (a *File) DiscardForBenchmark() { a.bw.Reset(io.Discard) }
