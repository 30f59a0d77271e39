package google2019

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// jsonExts are the file name endings of an export's files (each also gzip'd).
var jsonExts = []string{".json", ".jsonl", ".ndjson"}

func isJSONName(name string) bool {
	name = strings.TrimSuffix(name, ".gz")
	for _, ext := range jsonExts {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// tableFiles returns the files of one table (instance_events, collection_events,
// machine_events) that path stands for: path itself if it is a file; for a folder, the JSON
// files (*.json, *.jsonl, *.ndjson, each maybe .gz) of its subfolder named after the table
// if there is one, else its JSON files whose names start with the table's name. A BigQuery
// export of a large table is sharded (instance_events-000000000000.json.gz, ...); the
// shards are read in name order as one stream.
func tableFiles(path, table string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	dir, prefix := path, table
	if fi, err := os.Stat(filepath.Join(path, table)); err == nil && fi.IsDir() {
		dir, prefix = filepath.Join(path, table), ""
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range ents { // ReadDir sorts by name
		if n := e.Name(); !e.IsDir() && strings.HasPrefix(n, prefix) && isJSONName(n) {
			files = append(files, filepath.Join(dir, n))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no %s files (%s*.json, .jsonl or .ndjson, maybe .gz)", dir, table, prefix)
	}
	return files, nil
}

// reader is what the three record readers have in common.
type reader[E any] interface {
	Next() (E, error)
	Stats() ReadStats
	OnMalformed(fn func(*ParseError))
	Close() error
}

// chain reads the files of one table one after another as one stream. Times must not go
// backwards from one file to the next either; that error ends the stream even under
// OnMalformed.
type chain[E any] struct {
	files []string
	open  func(path string) (reader[E], error)
	when  func(*E) (timeUS int64, line int)
	onBad func(*ParseError)
	cur   reader[E]
	next  int       // index of the next file to open
	done  ReadStats // of the files read to their end
	first bool      // the next record is the first of its file
	lastT int64     // time of the last record returned
	err   error
}

func newChain[E any](files []string, open func(string) (reader[E], error), when func(*E) (int64, int)) *chain[E] {
	return &chain[E]{files: files, open: open, when: when, lastT: -1}
}

func (c *chain[E]) Next() (E, error) {
	var zero E
	for c.err == nil {
		if c.cur == nil {
			if c.next == len(c.files) {
				c.err = io.EOF
				break
			}
			r, err := c.open(c.files[c.next])
			if err != nil {
				c.err = err
				break
			}
			r.OnMalformed(c.onBad)
			c.cur, c.first = r, true
			c.next++
		}
		e, err := c.cur.Next()
		if err == io.EOF {
			c.closeCur()
			continue
		}
		if err != nil {
			c.err = err
			break
		}
		t, line := c.when(&e)
		if c.first && t < c.lastT {
			c.err = &ParseError{File: c.files[c.next-1], Line: line, Field: "time", Msg: fmt.Sprintf(
				"time %d is before time %d at the end of %s (the files must be sorted by time)", t, c.lastT, c.files[c.next-2])}
			break
		}
		c.first, c.lastT = false, t
		return e, nil
	}
	return zero, c.err
}

func (c *chain[E]) closeCur() {
	addStats(&c.done, c.cur.Stats())
	c.cur.Close()
	c.cur = nil
}

func addStats(a *ReadStats, b ReadStats) {
	a.Lines += b.Lines
	a.Blank += b.Blank
	a.Records += b.Records
	a.Malformed += b.Malformed
	for i := range b.ByType {
		a.ByType[i] += b.ByType[i]
	}
}

// Stats sums the statistics of the files read so far.
func (c *chain[E]) Stats() ReadStats {
	s := c.done
	if c.cur != nil {
		addStats(&s, c.cur.Stats())
	}
	return s
}

func (c *chain[E]) OnMalformed(fn func(*ParseError)) { c.onBad = fn }

func (c *chain[E]) Close() error {
	var err error
	if c.cur != nil {
		addStats(&c.done, c.cur.Stats())
		err = c.cur.Close()
		c.cur = nil
	}
	if c.err == nil {
		c.err = fmt.Errorf("%s: reader closed", c.files[0])
	}
	return err
}
