package policy_test

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/policy"
)

// TestWorkedExample runs the example policy of docs/policies.md and checks that the document
// shows exactly the code of example_policy_test.go.
func TestWorkedExample(t *testing.T) {
	p, err := policy.NewPlacer("most-free-memory")
	if err != nil {
		t.Fatal(err)
	}
	hosts := []models.Host{
		{Cap: models.Resources{CPU: 4000, Mem: 8 << 30}, Free: models.Resources{CPU: 4000, Mem: 8 << 30}, State: models.HostOn},
		{Cap: models.Resources{CPU: 4000, Mem: 16 << 30}, Free: models.Resources{CPU: 1000, Mem: 16 << 30}, State: models.HostOn},
		{Cap: models.Resources{CPU: 4000, Mem: 32 << 30}, Free: models.Resources{CPU: 4000, Mem: 32 << 30}, State: models.HostOff},
	}
	p.Init(hosts, rand.New(rand.NewPCG(1, 2)))
	// Host 2 has the most memory but is off; host 1 has the most free memory of those on and fits 1 core.
	if h := p.Place(models.Resources{CPU: 1000, Mem: 1 << 30}); h != 1 {
		t.Errorf("Place(1 core) = %d, want 1", h)
	}
	// 2 cores: host 1 has only 1 free; host 0 fits.
	if h := p.Place(models.Resources{CPU: 2000, Mem: 1 << 30}); h != 0 {
		t.Errorf("Place(2 cores) = %d, want 0", h)
	}
	hosts[1].Free.Mem = 2 << 30
	p.Update(1)
	if h := p.Place(models.Resources{CPU: 1000, Mem: 4 << 30}); h != 0 {
		t.Errorf("after the update: Place = %d, want 0", h)
	}
	if h := p.Place(models.Resources{CPU: 1000, Mem: 64 << 30}); h != -1 {
		t.Errorf("too much memory: Place = %d, want -1", h)
	}
	code, err := os.ReadFile("example_policy_test.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/policies.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "```go\n"+string(code)+"```\n") {
		t.Error("docs/policies.md does not show example_policy_test.go as it is: copy the file into its go code block")
	}
}
