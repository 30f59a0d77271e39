package network_test

import (
	"fmt"

	"github.com/dcsim/dcsim/models/network"
)

// A fat-tree with a storage pool: the simulator owns the clock, applies each route's latency as
// a delay before the transfer starts, and asks the solver for the next completion.
func Example() {
	topo, err := network.FatTree(4, 12.5e9, 2) // 16 hosts, 100 Gb/s links, 2 µs per link
	if err != nil {
		panic(err)
	}
	s := network.NewSolver()
	if err := topo.Install(s); err != nil {
		panic(err)
	}
	pool, _ := s.AddResource(5e9) // a storage pool that serves 5 GB/s

	type transfer struct {
		id       network.FlowID
		src, dst int
		bytes    float64
		fromPool bool
	}
	for _, tr := range []transfer{
		{1, 0, 15, 12.5e9, false}, // hosts 0 and 1 both send 12.5 GB to host 15:
		{2, 1, 15, 12.5e9, false}, // they share its 12.5 GB/s link, 6.25 GB/s each (2 s)
		{3, 4, 2, 5e9, true},      // host 2 reads 5 GB from the pool through host 4: 1 s
	} {
		route, latencyUS, err := topo.Route(tr.src, tr.dst, uint64(tr.id))
		if err != nil {
			panic(err)
		}
		if tr.fromPool {
			route = append([]network.ResourceID{pool}, route...)
		}
		// Requested at t = 0; the data starts flowing after the route's latency (6 hops × 2 µs).
		if err := s.Start(latencyUS, tr.id, route, tr.bytes); err != nil {
			panic(err)
		}
	}
	var done []network.FlowID
	for {
		_, at, ok := s.NextCompletion()
		if !ok {
			break
		}
		done, _ = s.Complete(at, done[:0])
		for _, id := range done {
			fmt.Printf("flow %d done at %d µs\n", id, at)
		}
	}
	down := topo.Base() + network.ResourceID(2*15+1) // host 15's link, downward direction
	carried, _ := s.CarriedBytes(2_000_012, down)
	fmt.Printf("host 15's link carried %.1f GB\n", carried/1e9)
	// Output:
	// flow 3 done at 1000012 µs
	// flow 1 done at 2000012 µs
	// flow 2 done at 2000012 µs
	// host 15's link carried 25.0 GB
}
