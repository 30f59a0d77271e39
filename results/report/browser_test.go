package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The browser test renders reports in headless Chromium through chromedriver's WebDriver HTTP
// API (W3C WebDriver, plus chromedriver's browser log), with nothing but net/http. It needs
// Debian's chromium and chromium-driver packages (or CHROMIUM and CHROMEDRIVER pointing at the
// binaries); without them it skips, unless DCSIM_REQUIRE_BROWSER=1 (CI) makes that a failure.

func findBrowser() (chrome, driver, missing string) {
	look := func(env string, names ...string) string {
		if p := os.Getenv(env); p != "" {
			return p
		}
		for _, n := range names {
			if p, err := exec.LookPath(n); err == nil {
				return p
			}
		}
		return ""
	}
	chrome = look("CHROMIUM", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
	driver = look("CHROMEDRIVER", "chromedriver")
	switch {
	case chrome == "":
		missing = "no Chromium (apt-get install chromium, or set CHROMIUM)"
	case driver == "":
		missing = "no chromedriver (apt-get install chromium-driver, or set CHROMEDRIVER)"
	}
	return chrome, driver, missing
}

// webDriver is a chromedriver process and one browser session.
type webDriver struct {
	t       *testing.T
	cmd     *exec.Cmd
	base    string
	session string
}

func startWebDriver(t *testing.T, chrome, driver string) *webDriver {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var logBuf bytes.Buffer
	cmd := exec.Command(driver, fmt.Sprintf("--port=%d", port))
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", driver, err)
	}
	w := &webDriver{t: t, cmd: cmd, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	t.Cleanup(w.stop)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(w.base + "/status")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("chromedriver did not start: %v\n%s", err, logBuf.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": chrome,
			"args": []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--no-first-run", "--window-size=1400,1000", "--user-data-dir=" + t.TempDir()},
		},
		"goog:loggingPrefs": map[string]string{"browser": "ALL"},
	}}}
	var created struct {
		SessionID string `json:"sessionId"`
	}
	w.call("POST", "/session", caps, &created)
	if created.SessionID == "" {
		t.Fatal("chromedriver returned no session id")
	}
	w.session = "/session/" + created.SessionID
	return w
}

func (w *webDriver) stop() {
	if w.session != "" {
		req, _ := http.NewRequest("DELETE", w.base+w.session, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
		w.session = ""
	}
	if w.cmd != nil && w.cmd.Process != nil {
		w.cmd.Process.Kill()
		w.cmd.Wait()
		w.cmd = nil
	}
}

// call sends a WebDriver command and decodes its "value" into out (if not nil).
func (w *webDriver) call(method, path string, body, out any) {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			w.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, w.base+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		w.t.Fatalf("%s %s: %s: %s", method, path, resp.Status, data)
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	if out != nil {
		if err := json.Unmarshal(env.Value, out); err != nil {
			w.t.Fatalf("%s %s: value %s: %v", method, path, env.Value, err)
		}
	}
}

type logEntry struct {
	Level   string `json:"level"`
	Message string `json:"message"`
}

// open loads a local file and returns the browser log entries it caused.
func (w *webDriver) open(path string) []logEntry {
	w.t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		w.t.Fatal(err)
	}
	w.logs() // drop earlier entries
	w.call("POST", w.session+"/url", map[string]string{"url": "file://" + abs}, nil)
	return w.logs()
}

func (w *webDriver) logs() []logEntry {
	var entries []logEntry
	w.call("POST", w.session+"/se/log", map[string]string{"type": "browser"}, &entries)
	return entries
}

// renderedChart is what the page reports about one chart.
type renderedChart struct {
	ID     string  `json:"id"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
	PlotW  float64 `json:"plotW"`
	PlotH  float64 `json:"plotH"`
	Marks  int     `json:"marks"` // data shapes with a non-empty bounding box
	Labels int     `json:"labels"`
}

const measureJS = `
const out = [];
for (const s of document.querySelectorAll('svg.chart')) {
  const r = s.getBoundingClientRect();
  const g = s.querySelector('g');
  const bb = g ? g.getBBox() : {width: 0, height: 0};
  let marks = 0;
  for (const e of s.querySelectorAll('path.line, path.band, rect.bar, circle')) {
    const b = e.getBBox();
    if (b.width > 0 || b.height > 0) marks++;
  }
  let labels = 0;
  for (const e of s.querySelectorAll('text')) {
    if (e.getComputedTextLength() > 0) labels++;
  }
  out.push({id: s.id, w: r.width, h: r.height, plotW: bb.width, plotH: bb.height, marks: marks, labels: labels});
}
return {charts: out, scripts: document.scripts.length, title: document.title};
`

func TestBrowser(t *testing.T) {
	chrome, driver, missing := findBrowser()
	if missing != "" {
		if os.Getenv("DCSIM_REQUIRE_BROWSER") == "1" {
			t.Fatalf("DCSIM_REQUIRE_BROWSER=1 but %s", missing)
		}
		t.Skipf("browser test skipped: %s (DCSIM_REQUIRE_BROWSER=1 makes this a failure)", missing)
	}
	run, sw := fixtures(t)
	hostileDir := filepath.Join(t.TempDir(), "hostile")
	hostileRun(t, hostileDir)
	dir := t.TempDir()
	wd := startWebDriver(t, chrome, driver)

	// The log check must see console errors: a page that makes one.
	probe := filepath.Join(dir, "probe.html")
	os.WriteFile(probe, []byte(`<!DOCTYPE html><title>probe</title><script>console.error("probe error")</script>`), 0o644)
	if entries := wd.open(probe); !hasSevere(entries, "probe error") {
		t.Fatalf("the browser log did not report a console error: %+v", entries)
	}

	cases := []struct {
		name string
		dir  string
		opt  Options
	}{
		{"run", run, Options{}},
		{"sweep", sw, Options{}},
		{"sweep grouped by count", sw, Options{GroupBy: "cluster.host_groups.0.count"}},
		{"hostile strings", hostileDir, Options{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wd.t = t
			out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".html")
			if err := Write(c.dir, out, c.opt); err != nil {
				t.Fatal(err)
			}
			html, _ := os.ReadFile(out)
			want := chartIDs(string(html))
			entries := wd.open(out)
			for _, e := range entries {
				if e.Level == "SEVERE" || e.Level == "WARNING" {
					t.Errorf("console %s: %s", e.Level, e.Message)
				}
			}
			var page struct {
				Charts  []renderedChart `json:"charts"`
				Scripts int             `json:"scripts"`
				Title   string          `json:"title"`
			}
			wd.call("POST", wd.session+"/execute/sync", map[string]any{"script": measureJS, "args": []any{}}, &page)
			if page.Scripts != 0 {
				t.Errorf("%d scripts in the page", page.Scripts)
			}
			if len(page.Charts) != len(want) || len(want) == 0 {
				t.Fatalf("%d charts rendered, %d in the HTML", len(page.Charts), len(want))
			}
			for i, ch := range page.Charts {
				if ch.ID != "chart-"+want[i] {
					t.Errorf("chart %d is %s, want chart-%s", i, ch.ID, want[i])
				}
				if ch.W < 100 || ch.H < 50 || ch.PlotW < 100 || ch.PlotH < 50 || ch.Marks == 0 || ch.Labels < 5 {
					t.Errorf("%s did not render: %+v", ch.ID, ch)
				}
			}
			t.Logf("%s: %d charts, title %q", c.name, len(page.Charts), page.Title)
		})
	}
}

func hasSevere(es []logEntry, substr string) bool {
	for _, e := range es {
		if e.Level == "SEVERE" && strings.Contains(e.Message, substr) {
			return true
		}
	}
	return false
}
