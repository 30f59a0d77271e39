package external

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dcsim/dcsim/models/policy/external/externaltest"
)

func python3(t testing.TB) string { t.Helper(); return externaltest.Python3(t) }

func script(name string) string {
	p, _ := filepath.Abs(filepath.Join("testdata", name))
	return p
}

func testHello() *Hello {
	return &Hello{Scenario: "t", Seed: 7, HorizonUS: 3_600_000_000,
		Groups: []Group{{Name: "g", Count: 2}},
		Hosts: []HostInfo{{Index: 0, CPU: 4000, Mem: 8 << 30, GPU: 0, Group: 0, Rack: 0, On: true},
			{Index: 1, CPU: 4000, Mem: 8 << 30, GPU: 1, Group: 0, Rack: 0, On: false}}}
}

func testSchedule() *Schedule {
	return &Schedule{TimeUS: 1_500_000, Waiting: 2,
		Arrived: []Task{
			{ID: 1, Job: 1, Index: 0, Tasks: 1, CPU: 1000, Mem: 1 << 30, SubmitUS: 1_500_000, EstimateUS: 60_000_000, Priority: 2, Tenant: "alice"},
			{ID: 2, Job: 2, Index: 0, Tasks: 1, CPU: 500, Mem: 1 << 20, SubmitUS: 1_500_000, EstimateUS: 1_000_000, Tenant: `b"ob\n`},
		},
		Hosts: []Host{{Index: 1, CPU: 4000, Mem: 8 << 30, GPU: 1, On: true}}}
}

func TestEncoding(t *testing.T) {
	got := string(AppendSchedule(nil, &Schedule{Seq: 3, TimeUS: 42, Arrived: []Task{{ID: 9, Job: 4, Index: 1, Tasks: 2, Gang: true,
		CPU: 1000, Mem: 2048, GPU: 1, SubmitUS: 40, EstimateUS: 100, Priority: -1, Tenant: "t"}}, Removed: []int64{5, 6},
		Hosts: []Host{{Index: 3, CPU: 1, Mem: 2, GPU: 0, On: true}}, Waiting: 1}))
	want := `{"type":"schedule","seq":3,"time":42,"arrived":[{"id":9,"job":4,"task":1,"tasks":2,"gang":true,"cpu":1000,"mem":2048,"gpu":1,` +
		`"submit":40,"estimate":100,"priority":-1,"tenant":"t"}],"removed":[5,6],"hosts":[{"host":3,"cpu":1,"mem":2,"gpu":0,"on":true}],"waiting":1}` + "\n"
	if got != want {
		t.Errorf("schedule:\n got %s\nwant %s", got, want)
	}
	if got, want := string(AppendEnd(nil, 4, 99)), `{"type":"end","seq":4,"time":99}`+"\n"; got != want {
		t.Errorf("end: got %s want %s", got, want)
	}
	for _, b := range [][]byte{AppendHello(nil, testHello()), AppendSchedule(nil, testSchedule()), AppendSchedule(nil, &Schedule{})} {
		if b[len(b)-1] != '\n' || strings.Count(string(b), "\n") != 1 || !json.Valid(b) {
			t.Errorf("not one JSON line: %s", b)
		}
	}
	var h struct {
		Protocol string
		Hosts    []struct {
			Host, CPU, Mem, GPU, Group, Rack int64
			On                               bool
		}
	}
	if err := json.Unmarshal(AppendHello(nil, testHello()), &h); err != nil || h.Protocol != Protocol || len(h.Hosts) != 2 ||
		h.Hosts[1].GPU != 1 || h.Hosts[1].On || h.Hosts[0].Mem != 8<<30 {
		t.Errorf("hello decodes to %+v, %v", h, err)
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "tab\tnl\ncr\r", "\x00\x01\x1f\x7f", "héllo, 世界", "bad \xff utf8", "</script>"} {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Errorf("%q → %s: %v", s, b, err)
			continue
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if got != want {
			t.Errorf("%q → %s → %q", s, b, got)
		}
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []Decision
		err  string
	}{
		{`{"type":"decisions","seq":3,"start":[{"task":1,"host":0},{"task":7,"host":12}]}`, []Decision{{1, 0}, {7, 12}}, ""},
		{`{"type":"decisions"}`, nil, ""},
		{`  {"type":"decisions","start":[],"extra":{"future":1}}  `, nil, ""},
		{`{"type":"decisions","seq":4}`, nil, "for schedule message 4, expected 3"},
		{`{"type":"decisions","start":[{"host":0}]}`, nil, `start[0] has no "task"`},
		{`{"type":"decisions","start":[{"task":5}]}`, nil, `start[0] (task 5) has no "host"`},
		{`{"type":"decisions","start":[{"task":1.5,"host":0}]}`, nil, "not a JSON object of the protocol"},
		{`{"type":"decision"}`, nil, `expected {"type":"decisions",...}, got type "decision"`},
		{`{"type":"error","message":"out of ideas"}`, nil, "the policy reported an error: out of ideas"},
		{`hello`, nil, "not a JSON object of the protocol"},
		{`[1,2]`, nil, "not a JSON object of the protocol"},
		{``, nil, "an empty line"},
	} {
		got, err := DecodeDecisions([]byte(tc.line), 3, nil)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.line, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.line, err, tc.err)
		case tc.err == "" && len(got)+len(tc.want) > 0 && !reflect.DeepEqual(got, tc.want):
			t.Errorf("%s: %v, want %v", tc.line, got, tc.want)
		}
	}
	for _, tc := range []struct{ line, name, err string }{
		{`{"type":"hello","protocol":"dcsim-policy/1","name":"x"}`, "x", ""},
		{`{"type":"hello","protocol":"dcsim-policy/1"}`, "", ""},
		{`{"type":"hello"}`, "", `has no "protocol"`},
		{`{"type":"hello","protocol":"dcsim-policy/2"}`, "", `the policy speaks protocol "dcsim-policy/2", dcsim speaks "dcsim-policy/1"`},
		{`{"type":"decisions"}`, "", `expected {"type":"hello",...}`},
	} {
		name, err := DecodeHello([]byte(tc.line))
		if tc.err == "" && (err != nil || name != tc.name) || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: %q, %v (want %q, %q)", tc.line, name, err, tc.name, tc.err)
		}
	}
}

func start(t *testing.T, mode string, timeout time.Duration) (*Process, error) {
	t.Helper()
	return Start(Config{Command: []string{python3(t), script("misbehave.py"), mode}, Timeout: timeout}, testHello())
}

func TestSession(t *testing.T) {
	p, err := start(t, "first", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Name != "misbehave-first" {
		t.Errorf("name %q", p.Name)
	}
	d, err := p.Schedule(testSchedule(), nil)
	if err != nil || !reflect.DeepEqual(d, []Decision{{Task: 1, Host: 0}}) || p.Seq() != 1 {
		t.Fatalf("decisions %v, %v (seq %d)", d, err, p.Seq())
	}
	d, err = p.Schedule(&Schedule{TimeUS: 2_000_000, Waiting: 1}, d)
	if err != nil || !reflect.DeepEqual(d, []Decision{{Task: 2, Host: 0}}) {
		t.Fatalf("decisions %v, %v", d, err)
	}
	if err := p.End(3_000_000); err != nil {
		t.Fatal(err)
	}
	if err := p.End(3_000_000); err != nil { // idempotent
		t.Fatal(err)
	}
	if _, err := p.Schedule(&Schedule{}, nil); err == nil {
		t.Error("schedule after end succeeded")
	}
}

// TestMisbehaviour: every way a process can fail gives an error that says what happened, with
// the end of its stderr, and leaves no process behind.
func TestMisbehaviour(t *testing.T) {
	for _, tc := range []struct {
		mode    string
		atStart bool // fails in Start
		atEnd   bool // fails in End
		want    []string
	}{
		{"exit-at-once", true, false, []string{"the hello", "exit status 2", "exit-at-once: leaving"}},
		{"badproto", true, false, []string{`bad answer to the hello: the policy speaks protocol "dcsim-policy/9", dcsim speaks "dcsim-policy/1"`}},
		{"sleep", false, false, []string{"no reply within 300ms to schedule message 1 (t = 1500000 µs)", "sleep: thinking very hard"}},
		{"badjson", false, false, []string{"bad reply to schedule message 1 (t = 1500000 µs): not a JSON object of the protocol", `"this is not json"`}},
		{"crash", false, false, []string{"the process exited or closed its stdout instead of replying to schedule message 1", "exit status 3", "ZeroDivisionError: division by zero"}},
		{"no-newline", false, false, []string{"ended without a newline", `"{\"type\":\"decisions\""`}},
		{"wrongtype", false, false, []string{`expected {"type":"decisions",...}, got type "decision"`}},
		{"wrongseq", false, false, []string{"the reply is for schedule message 2, expected 1"}},
		{"error", false, false, []string{"the policy reported an error: policy gave up: no plan"}},
		{"hang-at-end", false, true, []string{"it did not exit within 300ms after the end message; killed"}},
		{"fail-at-end", false, true, []string{"it exited with an error after the end message", "exit status 1", "fail-at-end: something went wrong"}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			p, err := start(t, tc.mode, 300*time.Millisecond)
			if !tc.atStart {
				if err != nil {
					t.Fatal(err)
				}
				defer p.Close()
				if !tc.atEnd {
					_, err = p.Schedule(testSchedule(), nil)
				} else {
					if _, err = p.Schedule(testSchedule(), nil); err != nil {
						t.Fatal(err)
					}
					err = p.End(2_000_000)
				}
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrPolicy) {
				t.Errorf("not ErrPolicy: %v", err)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q\n does not contain %q", msg, w)
				}
			}
			if !strings.Contains(msg, "misbehave.py") {
				t.Errorf("error does not name the command: %s", msg)
			}
			if p != nil && !p.dead {
				t.Error("process still marked alive after an error")
			}
		})
	}
}

func TestStartErrors(t *testing.T) {
	_, err := Start(Config{Command: []string{"/nonexistent/policy"}}, testHello())
	if !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), "cannot start") {
		t.Errorf("missing program: %v", err)
	}
	_, err = Start(Config{}, testHello())
	if !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), "no command") {
		t.Errorf("no command: %v", err)
	}
	// A relative program resolves against Dir.
	dir := t.TempDir()
	body := "#!/bin/sh\nread line\necho '{\"type\":\"hello\",\"protocol\":\"dcsim-policy/1\",\"name\":\"sh\"}'\nread line\n"
	if err := os.WriteFile(filepath.Join(dir, "p.sh"), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := Start(Config{Command: []string{"./p.sh"}, Dir: dir, Timeout: 5 * time.Second}, testHello())
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "sh" {
		t.Errorf("name %q", p.Name)
	}
	if err := p.End(0); err != nil {
		t.Error(err)
	}
}

func TestTail(t *testing.T) {
	var tl tail
	tl.Write([]byte("abc"))
	tl.Write([]byte(strings.Repeat("x", StderrTail-2)))
	tl.Write([]byte("yz"))
	s := tl.String()
	if len(s) != StderrTail || !strings.HasSuffix(s, "xyz") || strings.HasPrefix(s, "ab") {
		t.Errorf("tail %d bytes, %q...%q", len(s), s[:5], s[len(s)-5:])
	}
	tl.Write([]byte(strings.Repeat("q", 2*StderrTail)))
	if s := tl.String(); s != strings.Repeat("q", StderrTail) {
		t.Errorf("tail after a long write: %d bytes", len(s))
	}
}

// BenchmarkRoundTrip measures the protocol's cost per scheduling point with the smallest
// possible policy (testdata/echo.py, which starts nothing): encoding a message with one arrived
// task and one changed host, the pipe round trip to a Python process, and decoding the reply.
func BenchmarkRoundTrip(b *testing.B) {
	p, err := Start(Config{Command: []string{python3(b), script("echo.py")}, Timeout: 10 * time.Second}, testHello())
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	s := testSchedule()
	s.Arrived = s.Arrived[:1]
	var d []Decision
	b.ResetTimer()
	for range b.N {
		if d, err = p.Schedule(s, d); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/decision")
	if err := p.End(0); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkHello10k measures starting the example policy (examples/policies/sjf.py, which
// parses the hello into its per-host lists) on a 10,000-host cluster: the hello describes every
// host once (about 0.8 MB); later messages carry only what changed.
func BenchmarkHello10k(b *testing.B) {
	h := &Hello{Scenario: "big", Seed: 1, Groups: []Group{{Name: "g", Count: 10000}}}
	for i := range 10000 {
		h.Hosts = append(h.Hosts, HostInfo{Index: int32(i), CPU: 64000, Mem: 256 << 30, GPU: 8, Rack: int32(i / 40), On: true})
	}
	b.ReportMetric(float64(len(AppendHello(nil, h))), "hello-bytes")
	py := python3(b)
	sjf, _ := filepath.Abs("../../../examples/policies/sjf.py")
	for range b.N {
		p, err := Start(Config{Command: []string{py, sjf}, Timeout: 10 * time.Second}, h)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.End(0); err != nil {
			b.Fatal(err)
		}
	}
}
