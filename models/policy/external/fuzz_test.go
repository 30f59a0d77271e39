package external

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeDecisions: any line either decodes to decisions that say exactly what the line's
// "start" holds, or gives an error; it never panics.
func FuzzDecodeDecisions(f *testing.F) {
	for _, s := range []string{
		`{"type":"decisions","seq":1,"start":[{"task":1,"host":0}]}`,
		`{"type":"decisions","start":[]}`, `{"type":"decisions","seq":2}`, `{"type":"error","message":"x"}`,
		`{"type":"decisions","start":[{"task":1}]}`, `{"type":"decisions","start":[null]}`, `{"type":"decisions","start":{}}`,
		`{"type":"decisions","start":[{"task":-9223372036854775808,"host":9223372036854775807}]}`,
		`not json`, ``, `[]`, `{"type":"hello","protocol":"dcsim-policy/1"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		d, err := DecodeDecisions(line, 1, nil)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		var v struct {
			Start []struct{ Task, Host int64 }
		}
		if json.Unmarshal(line, &v) != nil || len(v.Start) != len(d) {
			t.Fatalf("decoded %v from %q", d, line)
		}
		for i := range d {
			if d[i].Task != v.Start[i].Task || d[i].Host != v.Start[i].Host {
				t.Fatalf("start[%d] = %v, line %q", i, d[i], line)
			}
		}
	})
}

// FuzzDecodeHello never panics, and accepts only the protocol dcsim speaks.
func FuzzDecodeHello(f *testing.F) {
	for _, s := range []string{`{"type":"hello","protocol":"dcsim-policy/1","name":"x"}`, `{"type":"hello"}`,
		`{"type":"hello","protocol":7}`, `{"type":"hello","protocol":"dcsim-policy/2"}`, `{`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if _, err := DecodeHello(line); err == nil {
			var v struct{ Type, Protocol string }
			if json.Unmarshal(line, &v) != nil || v.Type != "hello" || v.Protocol != Protocol {
				t.Fatalf("accepted %q", line)
			}
		}
	})
}

// FuzzAppendString: every string becomes a JSON string that decodes to the string itself
// (invalid UTF-8 replaced by U+FFFD), so a tenant name can never break a message.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a", `"\`, "\x00\n\x7f", "\xff\xfe", "世界"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q → %s: %v", s, b, err)
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); got != want && !(utf8.ValidString(s) == false && strings.ContainsRune(got, utf8.RuneError)) {
			t.Fatalf("%q → %s → %q", s, b, got)
		}
	})
}
