package textio

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCSV(t *testing.T) {
	names := []string{"a", "b", "c"}
	for _, tc := range []struct {
		name, in string
		opt      CSVOptions
		rows     int
		err      string
		stats    CSVStats
	}{
		{"plain", "1,2,3\n4,5,6\n", CSVOptions{MaxLineBytes: 64}, 2, "", CSVStats{Lines: 2}},
		{"header and blanks", "a,b,c\n1,2,3\n\n4,,6", CSVOptions{MaxLineBytes: 64, SkipBlank: true, SkipHeader: true}, 2, "", CSVStats{Lines: 4, Headers: 1, Blank: 1}},
		{"header not skipped", "a,b,c\n", CSVOptions{MaxLineBytes: 64}, 1, "", CSVStats{Lines: 1}},
		{"blank is malformed", "1,2,3\n\n", CSVOptions{MaxLineBytes: 64}, 1, "t.csv:2: expected 3 fields, got 1", CSVStats{Lines: 2}},
		{"field count", "1,2\n", CSVOptions{MaxLineBytes: 64}, 0, "t.csv:1: expected 3 fields, got 2", CSVStats{Lines: 1}},
		{"too long", "1,2,3\n" + strings.Repeat("9", 100) + ",2,3\n", CSVOptions{MaxLineBytes: 64}, 1, "t.csv:2: line longer than 64 bytes", CSVStats{Lines: 1}},
	} {
		c, err := NewCSV(strings.NewReader(tc.in), "t.csv", names, tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		rows := 0
		for {
			err = c.Next()
			if err != nil {
				break
			}
			if len(c.Fields) != 3 {
				t.Errorf("%s: %d fields", tc.name, len(c.Fields))
			}
			rows++
		}
		if tc.err == "" && err != io.EOF || tc.err != "" && (err == nil || err.Error() != tc.err) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
		if !errors.Is(c.Next(), err) {
			t.Errorf("%s: error not sticky", tc.name)
		}
		if rows != tc.rows || c.Stats != tc.stats {
			t.Errorf("%s: %d rows, stats %+v; want %d, %+v", tc.name, rows, c.Stats, tc.rows, tc.stats)
		}
		c.Close()
		if c.Close() != nil {
			t.Errorf("%s: second close", tc.name)
		}
	}
	// Field errors name the field; a truncated gzip stream is a read error naming the line.
	c, _ := NewCSV(strings.NewReader("1,x,3\n"), "t.csv", names, CSVOptions{MaxLineBytes: 64})
	c.Next()
	if err := c.Fail(2, "invalid integer \"x\""); err.Error() != `t.csv:1: field 2 (b): invalid integer "x"` {
		t.Errorf("field error %q", err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat("1,2,3\n", 1000)))
	zw.Close()
	c, err := NewCSV(bytes.NewReader(gz.Bytes()[:gz.Len()/2]), "t.gz", names, CSVOptions{MaxLineBytes: 64})
	if err != nil {
		t.Fatal(err)
	}
	for err == nil {
		err = c.Next()
	}
	if !strings.HasPrefix(err.Error(), "t.gz:") || !strings.Contains(err.Error(), "read error") {
		t.Errorf("truncated gzip: %v", err)
	}
}
