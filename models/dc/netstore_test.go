package dc

import (
	"testing"

	"github.com/dcsim/dcsim/models"
	"github.com/dcsim/dcsim/models/network"
	"github.com/dcsim/dcsim/models/workload"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

type linkSink struct{ rows []results.LinkRow }

func (s *linkSink) Write(r *results.LinkRow) error { s.rows = append(s.rows, *r); return nil }

type poolSink struct{ rows []results.PoolRow }

func (s *poolSink) Write(r *results.PoolRow) error { s.rows = append(s.rows, *r); return nil }

// ioConfig: two 1-core hosts, two one-task jobs submitted at ~0, each reading inGiB, running
// 10 s, writing outGiB, through one pool of 1 GiB/s with replication 2.
func ioConfig(t *testing.T, inGiB, outGiB float64) Config {
	cfg := mmcConfig(t, 2, 1, 0, 1)
	cfg.Sources = oneShot(2, 10)
	cfg.Sources[0].InputGiB = workload.DistSpec{Dist: "constant", Value: inGiB}
	cfg.Sources[0].OutputGiB = workload.DistSpec{Dist: "constant", Value: outGiB}
	cfg.Placement = "first-fit"
	cfg.Groups[0].Cap = models.Resources{CPU: 1000, Mem: 1 << 30}
	cfg.Pools = []PoolConfig{{Name: "p", CapacityBytes: 3 << 30, BandwidthBps: 1 << 30, Overhead: 2, Attach: -1}}
	cfg.HostInterval = 100 * sim.Second
	return cfg
}

// TestStorageTransfers, worked by hand: both tasks read 1 GiB at once through the 1 GiB/s pool:
// 0.5 GiB/s each, done at 2 s; they compute 10 s (to 12 s); each writes 0.5 GiB, again sharing
// the pool: done at 13 s. The pool stores 2 × 0.5 GiB × 2 copies = 2 GiB of its 3 GiB.
func TestStorageTransfers(t *testing.T) {
	cfg := ioConfig(t, 1, 0.5)
	sink, pools := &rowsSink{}, &poolSink{}
	s, err := New(cfg, Options{Jobs: sink, Pools: pools})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range sink.rows {
		if d := row.EndUS - row.StartUS; d != int64(13*sim.Second) {
			t.Errorf("job %d ran %v, want 13 s (2 s read, 10 s compute, 1 s write)", row.JobID, sim.Time(d))
		}
	}
	if len(pools.rows) != 1 {
		t.Fatalf("%d pool rows", len(pools.rows))
	}
	p := pools.rows[0]
	if p.UsedBytes != 2<<30 || p.WrittenBytes != 2<<30 || p.ReadBytes != 2<<30 || p.OverflowBytes != 0 {
		t.Errorf("pool row %+v", p)
	}
	// 3 GiB moved (2 read + 1 written) through 1 GiB/s over the interval (the run ends at the
	// first sampling boundary after its last event).
	if want := 3.0 / (float64(p.IntervalUS) / 1e6); !near(p.IOUtilization, want, 1e-9) {
		t.Errorf("io utilization %v, want %v", p.IOUtilization, want)
	}
	if !near(r.Summary.NetworkGiB, 3, 1e-9) || !near(r.Summary.StorageWrittenGiB, 2, 1e-9) || r.Summary.StorageOverflowGiB != 0 {
		t.Errorf("summary %+v", r.Summary)
	}
}

// TestStorageOverflow: with 1 GiB of output each (4 GiB raw) the 3 GiB pool overflows: the
// second write to finish stores 1 GiB of its 2 and breaks its SLO.
func TestStorageOverflow(t *testing.T) {
	cfg := ioConfig(t, 0, 1)
	sink := &rowsSink{}
	s, err := New(cfg, Options{Jobs: sink})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.Summary.StorageOverflowGiB, 1, 1e-9) || r.Summary.SLOViolations != 1 {
		t.Errorf("overflow %v GiB, %d SLO violations; want 1 GiB, 1", r.Summary.StorageOverflowGiB, r.Summary.SLOViolations)
	}
}

// TestNetworkBottleneck puts the two hosts and the pool (attached as topology host 2) behind
// 0.25 GiB/s host links of a leaf-spine: the pool's own link is the bottleneck, shared by the
// two reads: 1 GiB at 0.125 GiB/s = 8 s; 10 s compute; the 0.5 GiB writes share it too: 4 s.
// 22 s in all, plus the routes' latency: host → leaf → host, 2 links of 1 µs, read and write.
func TestNetworkBottleneck(t *testing.T) {
	cfg := ioConfig(t, 1, 0.5)
	cfg.Pools[0].CapacityBytes = 8 << 30
	cfg.Network = &NetworkConfig{Build: func() (*network.Topology, error) {
		return network.LeafSpine(1, 1, 3, 1<<28, 1<<30, 1)
	}}
	links := &linkSink{}
	sink := &rowsSink{}
	s, err := New(cfg, Options{Jobs: sink, Links: links})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(); err != nil {
		t.Fatal(err)
	}
	for _, row := range sink.rows {
		// Host → leaf → host: 2 links of 1 µs, for the read and the write.
		if d := row.EndUS - row.StartUS; d != int64(22*sim.Second+4) {
			t.Errorf("job %d ran %d µs, want 22 s + 4 µs", row.JobID, d)
		}
	}
	var bytes float64
	for _, l := range links.rows {
		if l.Utilization > 1+1e-9 {
			t.Errorf("link %d over capacity: %v", l.Link, l.Utilization)
		}
		bytes += l.Bytes
	}
	// Every byte crosses two links (host→leaf, leaf→host): 3 GiB × 2.
	if !near(bytes, 6<<30, 1) {
		t.Errorf("links carried %v bytes, want %v", bytes, 6<<30)
	}
}

// TestCustomTopology: a dumbbell of two hosts and the pool's host around one 0.5 GiB/s
// switch-to-switch link: both reads cross it, 0.25 GiB/s each, 4 s for 1 GiB.
func TestCustomTopology(t *testing.T) {
	cfg := ioConfig(t, 1, 0)
	cfg.Pools[0].CapacityBytes = 8 << 30
	cfg.Network = &NetworkConfig{Build: func() (*network.Topology, error) {
		G := float64(1 << 30)
		return network.Custom([]string{"a", "b", "store"}, []network.LinkSpec{
			{A: "a", B: "s1", BytesPerS: G}, {A: "b", B: "s1", BytesPerS: G},
			{A: "s1", B: "s2", BytesPerS: G / 2}, {A: "store", B: "s2", BytesPerS: G}})
	}}
	sink := &rowsSink{}
	s, err := New(cfg, Options{Jobs: sink})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(); err != nil {
		t.Fatal(err)
	}
	for _, row := range sink.rows {
		if d := row.EndUS - row.StartUS; d != int64(14*sim.Second) {
			t.Errorf("job %d ran %v, want 14 s (4 s read, 10 s compute)", row.JobID, sim.Time(d))
		}
	}
}
