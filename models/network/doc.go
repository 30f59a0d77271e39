// Package network models the sharing of network and storage bandwidth among concurrent
// transfers at the level of flows, not packets: every transfer (a flow) crosses a set of
// resources (the directions of the links on its route, a storage pool's bandwidth, any shared
// capacity in bytes per second) and receives a rate; rates are piecewise constant between
// arrivals and departures, so a flow's completion time follows exactly from its size.
//
// # Max-min fairness by progressive filling
//
// Rates are weighted max-min fair (Bertsekas & Gallager, "Data Networks", 2nd ed., Prentice
// Hall 1992, §6.5.2). They are computed by progressive filling (water-filling): all unfrozen
// flows' rates rise together, flow f's as w_f·t with its weight w_f (default 1), as the fill
// level t rises; when a resource r of capacity C_r becomes full,
//
//	Σ_{f frozen on r} x_f + t · Σ_{f unfrozen on r} w_f = C_r,  that is  t = (C_r − frozen_r) / slope_r,
//
// its unfrozen flows freeze at x_f = w_f·t; a flow with a rate cap c_f freezes at t = c_f/w_f. The
// result is the unique allocation in which every flow has a bottleneck: a saturated resource on
// its route on which its rate per weight is the largest (or it is at its cap) (B&G §6.5.2). This
// is also the bandwidth-sharing model of SimGrid's CM02 network model (Casanova & Marchal, "A
// network model for simulation of grid application", LIP research report 2002-40, ENS Lyon,
// 2002; Casanova, Giersch, Legrand, Quinson & Suter, "Versatile, scalable, and accurate
// simulation of distributed applications and platforms", JPDC 74(10), 2014), which Velho,
// Schnorr, Casanova & Legrand compare with packet-level simulation in "On the validity of
// flow-level TCP network models for grid and cloud simulations", ACM TOMACS 23(4), 2013.
//
// # Incremental recomputation
//
// A Solver recomputes rates after each batch of changes made at one simulated time (flow
// arrivals, departures, capacity changes); the first query or the first change at a later time
// runs it. Three rules, chosen with SetMode, give the same rates and differ in cost:
//
//   - Full recomputes every flow from scratch.
//   - Component recomputes the flows of the connected components of the flow–resource sharing
//     graph that contain a changed resource. Flows in other components cannot change: progressive
//     filling on disjoint components is independent.
//   - Differential (the default) is tighter. Compare progressive filling before and after the
//     change: below the first level at which an event differs, both runs are identical, and a
//     resource's events can only differ once the trajectory w_f·min(t, ℓ_f) of a flow on it
//     differs. The solver replays the filling in level order from there, for a growing region of
//     resources, treating every flow it has not recomputed as following its previous trajectory
//     and checking that assumption exactly where it can fail: when a region resource saturates
//     below a flow's previous level (the flow must freeze lower) and when a flow reaches its
//     previous level with no resource saturating there in the new filling (it must keep growing).
//     Only then is the flow recomputed and its other resources join the region. Seeds: an
//     arriving flow's resources from level 0, a departing flow's from its previous level (nothing
//     on its route saturated below it and less load cannot saturate earlier), a resource whose
//     capacity changed from 0. A resource that was not saturated limited no flow, so it joins
//     the region only at a level below which it provably cannot fill up (its untouched flows
//     carry at most their previous rates), and not at all if its recomputed flows freeze first.
//     The result equals a full recomputation (to within the tolerance); the recomputed flows are
//     those whose rate actually changes, and the cost is proportional to them and to the flows
//     sharing their saturated resources, never to untouched parts of the network.
//
// The recomputation is deterministic: events at equal levels are handled in a fixed total order
// (rank, then resource id or FlowID), nothing depends on map order, no goroutines are started.
// A recomputed saturation level within the relative Tolerance (default 1e-12) of the previous one
// is taken as unchanged, so float64 rounding does not count as a change; rates then differ from
// the exact allocation, and Σ rates from a capacity, by about that much. Larger tolerances trade
// accuracy for speed (SetTolerance). The property tests check Differential and Component against
// an independent naive implementation within 1e-9 relative over random sequences of changes.
//
// How much changes depends on the traffic. Where flows form small groups (rack-local traffic,
// separate tenants), a change touches its group only. Where many flows share every resource the
// allocation is globally coupled: with 100,000 random host pairs on a k=16 fat-tree each host
// link carries about 100 flows, a departure raises the rates of the flows bottlenecked with it,
// which lowers those of the flows they meet on their other saturated links, and so on; each step
// divides the change among tens of flows but reaches tens of times more flows, so in that
// benchmark about 40 % of all flows change rate at every event (30 % by more than 1e-6
// relative), and no exact method that stores every rate can do less (BenchmarkFatTree100k).
//
// # Time
//
// The simulator owns the clock: simulated time is int64 microseconds, passed to every call, and
// must not go backwards. Remaining bytes are updated lazily: a flow's bytes are brought up to date
// only when its rate changes, and a resource's carried bytes only when its load changes, so
// untouched flows and resources cost nothing. NextCompletion returns the earliest completion
// (from an indexed heap, O(1)); completion times are rounded up to a whole microsecond so that no
// flow completes early, and ties are broken by FlowID. Complete removes the flows that are due,
// recomputing rates at each distinct completion time. CarriedBytes integrates each resource's
// load exactly over the piecewise-constant rates (a completed flow contributes exactly its size),
// so the utilization of a resource over [t0, t1] is ΔCarriedBytes / (capacity · (t1 − t0)).
//
// A flow with an empty route (a transfer within one host) or no bytes takes no bandwidth and
// completes at the time it starts (infinite rate). A resource of capacity 0 (a failed link)
// stalls its flows: they never complete until the capacity is raised.
//
// # Latency
//
// Following the CM02 model as compared by Velho et al. (2013), latency does not weight the
// shares: a transfer of S bytes over a route with latency L µs takes L + (time to send S bytes at
// the max-min rates in force). The caller applies L as a pure delay: it calls Start at
// request time + L, where L is the latency returned by Topology.Route (the sum of the links'
// latencies). This package does not add it.
//
// # Topologies
//
// Topology builders give hosts 0..H−1 and full-duplex links, each two directed resources with a
// capacity (bytes/s per direction) and a latency (µs): LeafSpine (a two-tier Clos network with a
// configurable oversubscription), FatTree (the k-ary fat-tree of Al-Fares, Loukissas & Vahdat,
// "A Scalable, Commodity Data Center Network Architecture", SIGCOMM 2008: k pods, k³/4 hosts,
// (k/2)² core switches, full bisection bandwidth) and Custom (named hosts and switches, any
// links; shortest paths by hop count found by breadth-first search; hosts do not forward).
// Install adds a topology's links to a Solver; a storage pool's bandwidth is one more resource
// added with AddResource and appended to a flow's route.
//
// Routing is deterministic ECMP: among the equal-cost shortest paths, a flow's path is chosen by
// a hash of (source, destination, flow id) — the splitmix64 finalizer (Steele, Lea & Flood,
// OOPSLA 2014) — independently at each switch with several next hops on a shortest path, which
// is how hash-based ECMP in switches spreads flows (RFC 2992). In a fat-tree a flow between pods
// thus uses one of the (k/2)² core paths, each with probability 1/(k/2)², and same-host,
// same-edge, same-pod and cross-pod routes have 0, 2, 4 and 6 hops. Al-Fares et al. route with
// two-level tables instead; hashing spreads flows the same on average but lets flows collide.
//
// # What is not modelled
//
// Flow-level max-min sharing is an idealization of TCP's steady state. The model does not
// represent TCP dynamics (slow start, congestion-window growth, the RTT unfairness of long
// routes — SimGrid's LV08 corrections for these are not applied), packet loss and
// retransmission, queueing delay or buffer occupancy in switches, head-of-line blocking,
// protocol and header overheads, or per-packet ECMP and flowlet switching. Rates change
// instantly at arrivals and departures, and every flow is assumed to have data to send at all
// times (no application pacing, except through a rate cap).
package network
