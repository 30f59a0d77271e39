package textio

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// scanAll returns the lines of in and the final error.
func scanAll(sc *Scanner) ([]string, error) {
	var out []string
	for {
		b, err := sc.Next()
		if err != nil {
			return out, err
		}
		out = append(out, string(b))
	}
}

func TestScanner(t *testing.T) {
	for _, tc := range []struct {
		name        string
		in          string
		max         int
		countEnding bool
		want        []string
		wantErr     error
	}{
		{"empty", "", 10, false, nil, io.EOF},
		{"lf", "a\nb\n", 10, false, []string{"a", "b"}, io.EOF},
		{"crlf", "a\r\nb\r\n", 10, false, []string{"a", "b"}, io.EOF},
		{"no final newline", "a\nb", 10, false, []string{"a", "b"}, io.EOF},
		{"blank lines", "\n\r\n\n", 10, false, []string{"", "", ""}, io.EOF},
		{"lone cr kept", "a\rb\n", 10, false, []string{"a\rb"}, io.EOF},
		{"at limit", "0123456789\r\n", 10, false, []string{"0123456789"}, io.EOF},
		{"over limit", "ok\n0123456789x\nnext\n", 10, false, []string{"ok"}, ErrLineTooLong},
		{"over limit final", "01234567890", 10, false, nil, ErrLineTooLong},
		{"ending counted at limit", "012345678\n", 10, true, []string{"012345678"}, io.EOF},
		{"ending counted over", "0123456789\n", 10, true, nil, ErrLineTooLong},
		{"ending counted crlf over", "012345678\r\n", 10, true, nil, ErrLineTooLong},
		{"long beyond buffer", strings.Repeat("x", 3*BufSize) + "\n", 4 * BufSize, false, []string{strings.Repeat("x", 3*BufSize)}, io.EOF},
		{"long beyond buffer over", strings.Repeat("x", 3*BufSize) + "\n", 2 * BufSize, false, nil, ErrLineTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := NewScanner(strings.NewReader(tc.in), tc.max, tc.countEnding)
			got, err := scanAll(sc)
			if err != tc.wantErr || strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Fatalf("got %q, %v; want %q, %v", got, err, tc.want, tc.wantErr)
			}
			if sc.Lines() != int64(len(tc.want)) {
				t.Errorf("Lines() = %d, want %d", sc.Lines(), len(tc.want))
			}
			if _, err2 := sc.Next(); err2 != err {
				t.Errorf("error not sticky: %v then %v", err, err2)
			}
		})
	}
}

func TestScannerError(t *testing.T) {
	sc := NewScanner(strings.NewReader("a\n"+strings.Repeat("x", 20)), 10, false)
	sc.Next()
	_, err := sc.Next()
	if got := sc.Error("f.txt", err).Error(); got != "f.txt:2: line longer than 10 bytes" {
		t.Errorf("too long: %q", got)
	}
	boom := errors.New("boom")
	sc = NewScanner(io.MultiReader(strings.NewReader("a\nb"), iotest.ErrReader(boom)), 10, false)
	sc.Next()
	_, err = sc.Next()
	if err != boom {
		t.Fatalf("err = %v, want boom", err)
	}
	if got := sc.Error("f.txt", err).Error(); got != "f.txt:2: read error: boom" {
		t.Errorf("read error: %q", got)
	}
	if sc.Error("f", io.EOF) != io.EOF || sc.Error("f", nil) != nil {
		t.Error("io.EOF and nil must pass through")
	}
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestNewReader(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"plain", []byte("a,b\n"), "a,b\n"},
		{"empty", nil, ""},
		{"one byte", []byte{0x1f}, "\x1f"},
		{"gzip", gzipped(t, "x\ny\n"), "x\ny\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc, err := NewReader(bytes.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
			if err := rc.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
	// Bad gzip header: no reader, "gzip: ..." error.
	rc, err := NewReader(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0}))
	if rc != nil || err == nil || !strings.HasPrefix(err.Error(), "gzip: ") {
		t.Errorf("bad gzip: %v, %v", rc, err)
	}
	// Peek error: a plain reader and the error.
	boom := errors.New("boom")
	rc, err = NewReader(iotest.ErrReader(boom))
	if rc == nil || err != boom {
		t.Errorf("peek error: %v, %v", rc, err)
	}
	// Truncated gzip: the error comes from reading.
	gz := gzipped(t, strings.Repeat("line\n", 1000))
	rc, err = NewReader(bytes.NewReader(gz[:len(gz)/2]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(rc); err == nil {
		t.Error("truncated gzip read without error")
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "a.csv")
	gz := filepath.Join(dir, "a.csv.gz")
	bad := filepath.Join(dir, "bad.gz")
	os.WriteFile(plain, []byte("p\n"), 0o644)
	os.WriteFile(gz, gzipped(t, "g\n"), 0o644)
	os.WriteFile(bad, []byte{0x1f, 0x8b, 0, 0}, 0o644)
	for path, want := range map[string]string{plain: "p\n", gz: "g\n"} {
		rc, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		if err != nil || string(got) != want {
			t.Errorf("%s: got %q, %v", path, got, err)
		}
		if err := rc.Close(); err != nil {
			t.Errorf("%s: close: %v", path, err)
		}
	}
	if _, err := Open(bad); err == nil || !strings.HasPrefix(err.Error(), bad+": gzip: ") {
		t.Errorf("bad gzip: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestInterner(t *testing.T) {
	in := NewInterner(2)
	a1, a2 := in.String([]byte("a")), in.String([]byte("a"))
	if a1 != "a" || a2 != "a" || in.String(nil) != "" {
		t.Fatal("wrong strings")
	}
	in.String([]byte("b"))
	if c := in.String([]byte("c")); c != "c" || len(in.m) != 2 {
		t.Errorf("table grew past its bound: %d", len(in.m))
	}
}

// FuzzScanner checks the scanner against a simple model: split at '\n', drop one '\r'
// before it, and stop at the first line over the limit.
func FuzzScanner(f *testing.F) {
	f.Add("a\nb\r\n\nc", 3, false)
	f.Add("0123456789\n", 10, true)
	f.Add("\r\r\n", 1, false)
	f.Fuzz(func(t *testing.T, in string, max int, countEnding bool) {
		if max < 0 || max > 64 {
			return
		}
		sc := NewScanner(iotest.OneByteReader(strings.NewReader(in)), max, countEnding)
		got, err := scanAll(sc)
		var want []string
		wantErr := io.EOF
		rest := in
		for rest != "" {
			line, tail, found := strings.Cut(rest, "\n")
			raw := len(line)
			if found {
				raw++
			}
			line = strings.TrimSuffix(line, "\r")
			if countEnding && raw > max || !countEnding && len(line) > max {
				wantErr = ErrLineTooLong
				break
			}
			want = append(want, line)
			rest = tail
		}
		if err != wantErr || len(got) != len(want) {
			t.Fatalf("got %q, %v; want %q, %v", got, err, want, wantErr)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("line %d: got %q, want %q", i+1, got[i], want[i])
			}
		}
	})
}

func TestSplitTrim(t *testing.T) {
	for _, tc := range []struct {
		in   string
		sep  byte
		room int
		want []string
		n    int
	}{
		{"", ',', 2, []string{""}, 1},
		{"a, b ,\tc", ',', 3, []string{"a", "b", "c"}, 3},
		{"1;\t2;\t3", ';', 3, []string{"1", "2", "3"}, 3},
		{"a,b,c,d", ',', 2, []string{"a", "b"}, 4},
		{"a,,", ',', 3, []string{"a", "", ""}, 3},
	} {
		dst := make([]string, tc.room)
		n := SplitTrim(tc.in, tc.sep, dst)
		got := dst[:min(n, tc.room)]
		if n != tc.n || strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("SplitTrim(%q) = %q, %d; want %q, %d", tc.in, got, n, tc.want, tc.n)
		}
	}
}

func TestScannerReusesBuffer(t *testing.T) {
	rc, err := NewReader(strings.NewReader("a\n"))
	if err != nil {
		t.Fatal(err)
	}
	if sc := NewScanner(rc, 10, false); sc.br != rc.(*reader).Reader {
		t.Error("NewScanner buffered a NewReader reader a second time")
	}
}
