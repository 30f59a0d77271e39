package policy

import (
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/models"
)

// TestSpread: 3 racks of 2 hosts (2 cores each). Job 1's three 1-core tasks go to the first host
// of each rack (0, 2, 4); its fourth to the first fitting host on a rack with the fewest of its
// tasks (rack 0: host 0 again). Job 2 starts again from rack 0.
func TestSpread(t *testing.T) {
	var hosts []models.Host
	for h := 0; h < 6; h++ {
		c := models.Resources{CPU: 2000, Mem: 4 << 30}
		hosts = append(hosts, models.Host{Cap: c, Free: c, Rack: int32(h / 2), State: models.HostOn})
	}
	p := &Spread{}
	p.Init(hosts, rand.New(rand.NewPCG(1, 1)))
	d := models.Resources{CPU: 1000, Mem: 1 << 30}
	place := func() int32 {
		h := p.Place(d)
		if h >= 0 {
			hosts[h].Free = hosts[h].Free.Sub(d)
			p.Update(h)
		}
		return h
	}
	p.ForJob(1)
	var got []int32
	for range 4 {
		got = append(got, place())
	}
	if want := []int32{0, 2, 4, 0}; !equalHosts(got, want) {
		t.Errorf("job 1 on %v, want %v", got, want)
	}
	p.ForJob(2)
	if h := place(); h != 1 { // host 0 is full now; rack 0 still has host 1
		t.Errorf("job 2's first task on %d, want 1", h)
	}
	p.JobEnded(1)
	if len(p.perJob) != 1 {
		t.Errorf("perJob %v after job 1 ended", p.perJob)
	}
}

func equalHosts(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
