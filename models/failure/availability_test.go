package failure

import (
	"testing"

	"github.com/dcsim/dcsim/sim"
)

// TestUptimeHandWorked: 2 hosts, window [10, 100) µs.
//
//	host 0 down [5, 20) and [90, end)   → in window: [10, 20) + [90, 100) = 20 µs
//	host 1 down [30, 40)                → 10 µs
//
// Availability = 1 − 30 / (2 × 90) = 5/6.
func TestUptimeHandWorked(t *testing.T) {
	u, err := NewUptime(2, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []Event{
		{Time: 5, Host: 0}, {Time: 20, Host: 0, Up: true},
		{Time: 30, Host: 1}, {Time: 40, Host: 1, Up: true},
		{Time: 90, Host: 0},
	} {
		if err := u.Observe(e); err != nil {
			t.Fatal(err)
		}
	}
	if d, _ := u.HostDownUS(0, 100); d != 20 {
		t.Errorf("host 0 down %d µs, want 20", d)
	}
	if d, _ := u.HostDownUS(1, 100); d != 10 {
		t.Errorf("host 1 down %d µs, want 10", d)
	}
	if a, _ := u.Availability(100); a != 1-30.0/180 {
		t.Errorf("availability %v, want %v", a, 1-30.0/180)
	}
	if !u.Down(0) || u.Down(1) || u.DownNow() != 1 {
		t.Errorf("state: %v %v %d", u.Down(0), u.Down(1), u.DownNow())
	}
}

func TestUptimeErrors(t *testing.T) {
	if _, err := NewUptime(0, 0); err == nil || err.Error() != "failure: uptime: hosts must be > 0, got 0" {
		t.Errorf("NewUptime(0): %v", err)
	}
	u, _ := NewUptime(2, 0)
	tests := []struct {
		e    Event
		want string
	}{
		{Event{Time: 5, Host: 0, Up: true}, "failure: uptime: host 0 is already up at 5 µs"},
		{Event{Time: 5, Host: 2}, "failure: uptime: host 2 out of range [0, 2)"},
		{Event{Time: 5, Host: 0}, ""},
		{Event{Time: 6, Host: 0}, "failure: uptime: host 0 is already down at 6 µs"},
		{Event{Time: 4, Host: 1}, "failure: uptime: event at 4 µs is before the previous one at 5 µs"},
	}
	for _, tt := range tests {
		err := u.Observe(tt.e)
		if (tt.want == "" && err != nil) || (tt.want != "" && (err == nil || err.Error() != tt.want)) {
			t.Errorf("Observe(%+v): %v, want %q", tt.e, err, tt.want)
		}
	}
	if _, err := u.Availability(4); err == nil || err.Error() != "failure: uptime: end 4 µs is before the last event at 5 µs" {
		t.Errorf("Availability(4): %v", err)
	}
	if _, err := u.HostDownUS(3, 10); err == nil {
		t.Error("HostDownUS(3): no error")
	}
	v, _ := NewUptime(1, 10)
	if _, err := v.Availability(10); err == nil || err.Error() != "failure: uptime: end 10 µs must be after start 10 µs" {
		t.Errorf("empty window: %v", err)
	}
}

// TestUptimeLarge: 128-bit accumulation stays exact beyond int64 host-µs.
func TestUptimeLarge(t *testing.T) {
	const hosts = 4
	u, _ := NewUptime(hosts, 0)
	for h := range int32(hosts) {
		if err := u.Observe(Event{Time: 0, Host: h}); err != nil {
			t.Fatal(err)
		}
	}
	if a, err := u.Availability(sim.MaxTime); err != nil || a != 0 {
		t.Errorf("all down forever: %v %v", a, err)
	}
}
