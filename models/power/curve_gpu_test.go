package power

import (
	"testing"

	"github.com/dcsim/dcsim/models/units"
)

func TestGPUWatts(t *testing.T) {
	c, err := NewCurve(Spec{Idle: 100, Max: 300, GPUIdle: 60, GPUMax: 700})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		gpus, alloc int64
		want        float64
	}{{0, 0, 0}, {8, 0, 480}, {8, 2, 480 + 2*640}, {8, 8, 5600}} {
		if got := c.GPUWatts(tc.gpus, tc.alloc); got != tc.want {
			t.Errorf("GPUWatts(%d, %d) = %v, want %v", tc.gpus, tc.alloc, got, tc.want)
		}
	}
	if c, _ := NewCurve(Spec{Idle: 1, Max: 2, GPUIdle: 50}); c.GPUWatts(2, 1) != 100 {
		t.Errorf("gpu_max defaults to gpu_idle: %v", c.GPUWatts(2, 1))
	}
	for _, s := range []Spec{{Idle: 1, Max: 2, GPUIdle: 70, GPUMax: 60}, {Idle: 1, Max: 2, GPUIdle: -1}, {Idle: 1, Max: 2, GPUMax: units.Power(-5)}} {
		if _, err := NewCurve(s); err == nil {
			t.Errorf("NewCurve(%+v) accepted", s)
		}
	}
}
