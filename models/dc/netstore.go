package dc

import (
	"fmt"
	"math"
	"slices"

	"github.com/dcsim/dcsim/models/network"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/sim"
)

// NetworkConfig builds a cell's network (one topology per cell). Host i of the cell is topology
// host i.
type NetworkConfig struct {
	Build func() (*network.Topology, error)
}

// PoolConfig is a storage pool.
type PoolConfig struct {
	Name          string
	CapacityBytes float64 // raw
	UsedBytes     float64 // raw, at time 0
	BandwidthBps  float64 // aggregate, reads and writes together
	// Overhead is the raw bytes stored per byte written: the replication factor, or (k+m)/k for
	// erasure coding with k data and m parity fragments.
	Overhead float64
	// Attach is the topology host the pool is reached through (with a network).
	Attach int
}

// Task phases while the cell tracks data transfers.
const (
	phaseCompute uint8 = iota // running its computation (or the whole task, without transfers)
	phaseRead                 // reading its input from its pool
	phaseWrite                // writing its output to its pool
)

// netState is a cell's network and storage: one max-min solver shared by the links and the
// pools' bandwidth.
type netState struct {
	solver   *network.Solver
	topo     *network.Topology // nil: storage only (transfers share the pools' bandwidth alone)
	pools    []PoolConfig
	poolRes  []network.ResourceID
	used     []float64 // raw bytes stored per pool
	readB    []float64 // per pool, this interval
	writeB   []float64
	overB    []float64
	prevPool []float64 // carried bytes per pool at the last flush
	prevLink []float64 // carried bytes per link at the last flush
	wakeAt   sim.Time  // time of the scheduled evFlow, -1 if none
	epoch    int64
	done     []network.FlowID
	route    []network.ResourceID

	movedBytes    float64 // bytes transferred by tasks (reads + writes, logical)
	writtenRaw    float64
	overflowBytes float64
}

// newNetState builds cell c's network and storage, or returns nil when the scenario has none.
func newNetState(c *cell, cfg *Config) (*netState, error) {
	if cfg.Network == nil && len(cfg.Pools) == 0 {
		return nil, nil
	}
	n := &netState{solver: network.NewSolver(), pools: slices.Clone(cfg.Pools), wakeAt: -1}
	for i := range n.pools {
		if a := n.pools[i].Attach; a < 0 { // default: the topology hosts after the cluster's
			n.pools[i].Attach = len(c.hosts) + (-1 - a)
		}
	}
	if cfg.Network != nil {
		t, err := cfg.Network.Build()
		if err != nil {
			return nil, err
		}
		if err := t.Install(n.solver); err != nil {
			return nil, err
		}
		need := len(c.hosts)
		for _, p := range n.pools {
			need = max(need, p.Attach+1)
		}
		if t.Hosts() < need {
			return nil, fmt.Errorf("network: the topology has %d hosts, but the cluster has %d and the pools attach up to host %d", t.Hosts(), len(c.hosts), need-1)
		}
		n.topo = t
		n.prevLink = make([]float64, len(t.Links()))
	}
	for _, p := range cfg.Pools {
		r, err := n.solver.AddResource(p.BandwidthBps)
		if err != nil {
			return nil, err
		}
		n.poolRes = append(n.poolRes, r)
		n.used = append(n.used, p.UsedBytes)
	}
	np := len(cfg.Pools)
	n.readB, n.writeB, n.overB, n.prevPool = make([]float64, np), make([]float64, np), make([]float64, np), make([]float64, np)
	return n, nil
}

// startTransfer starts running task ri's read (or write) of bytes between its host and its
// pool. (The routes' latency was added to the task's run time when it started: see
// transferLatency.)
func (c *cell) startTransfer(ri int32, read bool, bytes float64) {
	n := c.net
	r := &c.run[ri]
	p := r.pool
	n.route = append(n.route[:0], n.poolRes[p])
	if n.topo != nil {
		src, dst := n.pools[p].Attach, int(r.host)
		if !read {
			src, dst = dst, src
		}
		var err error
		n.route, _, err = n.topo.AppendRoute(n.route, src, dst, uint64(ri))
		if err != nil && c.err == nil {
			c.err = err
		}
	}
	r.phase = phaseWrite
	if read {
		r.phase = phaseRead
	}
	if err := n.solver.Start(int64(c.eng.Now()), network.FlowID(ri), n.route, bytes); err != nil && c.err == nil {
		c.err = err
	}
	n.movedBytes += bytes
	c.netWake()
}

// netWake schedules an evFlow at the solver's next completion, if that changed.
func (c *cell) netWake() {
	n := c.net
	_, at, ok := n.solver.NextCompletion()
	if !ok || at == network.NeverUS {
		n.wakeAt = -1
		n.epoch++ // any scheduled evFlow is stale
		return
	}
	if sim.Time(at) == n.wakeAt {
		return
	}
	n.epoch++
	n.wakeAt = sim.Time(at)
	c.eng.Schedule(sim.Time(at), evFlow, 0, n.epoch)
}

// flowsDone handles the transfers that completed at now: a finished read starts the task's
// computation, a finished write ends the task.
func (c *cell) flowsDone(now sim.Time) {
	n := c.net
	n.wakeAt = -1
	var err error
	n.done, err = n.solver.Complete(int64(now), n.done[:0])
	if err != nil && c.err == nil {
		c.err = err
	}
	for _, id := range n.done {
		ri := int32(id)
		r := &c.run[ri]
		switch r.phase {
		case phaseRead:
			n.readB[r.pool] += r.inBytes
			r.phase = phaseCompute
			r.end = c.eng.After(r.runtime+r.extra, evTaskEnd, r.host, int64(ri))
		case phaseWrite:
			c.stored(ri, now)
			c.finishRunning(ri)
		}
	}
	c.netWake()
}

// stored records that running task ri's output reached its pool: the pool grows by the raw
// bytes, up to its capacity; what does not fit overflows, and the job breaks its SLO.
func (c *cell) stored(ri int32, now sim.Time) {
	n := c.net
	r := &c.run[ri]
	p := &n.pools[r.pool]
	raw := r.outBytes * p.Overhead
	n.writeB[r.pool] += raw
	n.writtenRaw += raw
	free := math.Max(0, p.CapacityBytes-n.used[r.pool])
	if raw > free {
		n.overB[r.pool] += raw - free
		n.overflowBytes += raw - free
		c.jobs[r.job].x.overflow = true // a job that writes has an extension
		raw = free
	}
	n.used[r.pool] += raw
}

// computeDone handles evTaskEnd of tracked task ri: its output is written next, if it has any,
// else the task ends.
func (c *cell) computeDone(ri int32) {
	if r := &c.run[ri]; c.net != nil && r.outBytes > 0 && r.phase == phaseCompute {
		c.startTransfer(ri, false, r.outBytes)
		return
	}
	c.finishRunning(ri)
}

// finishRunning ends tracked task ri.
func (c *cell) finishRunning(ri int32) {
	h, ji, si := c.run[ri].host, c.run[ri].job, c.run[ri].stage
	c.removeRunning(ri)
	c.taskEnd(h, ji, si)
}

// flushNet writes the links' and pools' rows of the interval [start, now) and resets the
// interval counters.
func (c *cell) flushNet(start, now sim.Time, write bool) {
	n := c.net
	iv := float64(now - start)
	if n.topo != nil {
		links := n.topo.Links()
		for i, l := range links {
			carried, err := n.solver.CarriedBytes(int64(now), n.topo.Base()+network.ResourceID(i))
			if err != nil && c.err == nil {
				c.err = err
			}
			b := carried - n.prevLink[i]
			n.prevLink[i] = carried
			if write && c.linkSink != nil && iv > 0 {
				row := results.LinkRow{TimeUS: int64(start), IntervalUS: int64(iv), Link: int32(i), From: n.topo.NodeName(l.From),
					To: n.topo.NodeName(l.To), CapacityBps: l.CapacityBytesPerS, Bytes: b, Utilization: b / (l.CapacityBytesPerS * iv / 1e6)}
				if err := c.linkSink.Write(&row); err != nil && c.err == nil {
					c.err = err
				}
			}
		}
	}
	for p := range n.pools {
		carried, err := n.solver.CarriedBytes(int64(now), n.poolRes[p])
		if err != nil && c.err == nil {
			c.err = err
		}
		b := carried - n.prevPool[p]
		n.prevPool[p] = carried
		if write && c.poolSink != nil && iv > 0 {
			row := results.PoolRow{TimeUS: int64(start), IntervalUS: int64(iv), Pool: n.pools[p].Name, UsedBytes: n.used[p],
				CapacityBytes: n.pools[p].CapacityBytes, ReadBytes: n.readB[p], WrittenBytes: n.writeB[p],
				IOUtilization: b / (n.pools[p].BandwidthBps * iv / 1e6), OverflowBytes: n.overB[p]}
			if err := c.poolSink.Write(&row); err != nil && c.err == nil {
				c.err = err
			}
		}
		n.readB[p], n.writeB[p], n.overB[p] = 0, 0, 0
	}
}

// transferLatency is the latency of the routes a task of job jp on host h crosses: to read its
// input and to write its output (0 without a network).
func (c *cell) transferLatency(h int32, jp *job) sim.Time {
	n := c.net
	if n.topo == nil {
		return 0
	}
	var lat sim.Time
	x := jp.x
	p := n.pools[x.pool]
	if x.inBytes > 0 {
		var l int64
		n.route, l, _ = n.topo.AppendRoute(n.route[:0], p.Attach, int(h), 0)
		lat += sim.Time(l)
	}
	if x.outBytes > 0 {
		var l int64
		n.route, l, _ = n.topo.AppendRoute(n.route[:0], int(h), p.Attach, 0)
		lat += sim.Time(l)
	}
	return lat
}
