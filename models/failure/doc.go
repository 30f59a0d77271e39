// Package failure generates host failure and repair events: independent per-host failures,
// correlated failures of whole racks, and recorded removals and additions from a trace, merged
// into one time-ordered stream of up/down events produced on demand.
//
// # Model
//
// Every host is up at time 0. A host in a Group is an alternating renewal process: it stays up
// for a draw of the group's time-between-failures distribution (TBF), then down for a draw of
// its time-to-repair distribution (TTR), then up again, and so on, independently of every other
// host. The process starts fresh at time 0 (the first up period is a full TBF draw, not the
// residual life of a process that has been running for ever); with a Weibull of shape < 1 this
// front-loads failures, as for a newly installed fleet.
//
// With RackFailures, each rack of HostsPerRack consecutive hosts is an alternating renewal
// process of its own, with its own TBF and TTR, and a rack failure takes every host of the rack
// down at the same instant — a power distribution unit or top-of-rack switch failing. A trace
// (TraceSource) adds recorded removals and additions. A host is down while any of its causes
// (own repair, rack repair, trace removal) holds, and comes back up only when all have ended: a
// reference count of reasons, kept as one bit per cause since each cause is itself on or off.
// Causes are independent: a host's own failure clock keeps running while its rack is down, so
// in the long run A_host_in_rack = A_host × A_rack.
//
// By the renewal-reward theorem the long-run fraction of time a host's own process is up is
//
//	A = MTBF / (MTBF + MTTR)
//
// whatever the distributions (S. M. Ross, "Stochastic Processes", 2nd ed., Wiley 1996, §3.4).
// Uptime and Availability measure this exactly from the events, in integer host-microseconds.
//
// # Distributions (Dist)
//
// Durations are in seconds (suffix _s); each draw is rounded to the nearest microsecond and is
// at least 1 µs, so no up or down period has zero length, and at most MaxSample.
//
//   - exponential (mean_s): memoryless, constant hazard; the classic MTBF model.
//   - weibull (shape k, and scale_s λ or mean_s): P(X > x) = exp(−(x/λ)^k),
//     E[X] = λ·Γ(1 + 1/k). Schroeder & Gibson, "A large-scale study of failures in
//     high-performance computing systems", DSN 2006 (9 years, 23 000 failures, 20+ systems at
//     Los Alamos), found time between failures modelled well by a Weibull with decreasing hazard
//     rate, shape < 1 (around 0.7–0.8 for node-level inter-failure times).
//   - lognormal (sigma, and mu, median_s or mean_s): ln X ~ N(μ, σ²), E[X] = exp(μ + σ²/2),
//     median e^μ. Schroeder & Gibson found repair times well modelled by a lognormal, with mean
//     repair time ranging from under an hour to over a day across systems.
//   - constant (mean_s): for tests and worked examples.
//
// # Parameters and defaults
//
// Nothing fails unless configured: a host in no group has no failures of its own, rack failures
// are off while HostsPerRack is 0, and the trace is optional. Horizon 0 means no horizon. The
// Default* constants below are suggested figures for scenarios, not applied automatically:
//
//   - DefaultHostMTBFS ≈ 1.8 years. Jeff Dean (Google I/O 2008; "Designs, lessons and advice
//     from building large distributed systems", LADIS 2009 keynote) described a typical new
//     Google cluster of ~1 800 machines seeing ~1 000 individual machine failures in its first
//     year: 1 800 / 1 000 ≈ 1.8 machine-years per failure. Barroso, Hölzle & Ranganathan, "The
//     Datacenter as a Computer" (3rd ed., 2018, ch. 7) discuss the same failure landscape.
//   - DefaultHostMTTRS = 4 hours: a round figure inside Schroeder & Gibson's range of mean
//     repair times (under an hour to over a day), not a measurement.
//   - DefaultWeibullShape = 0.7: the low end of Schroeder & Gibson's node-level fits.
//   - DefaultRackMTBFS = 2.25 years: Dean's ~20 rack failures a year ("40–80 machines
//     instantly disappear") in the same cluster, taken as ~45 racks of 40 machines
//     (45 / 20 = 2.25 rack-years per failure).
//   - DefaultRackMTTRS = 3.5 hours: the middle of Dean's "1–6 hours to get back".
//
// # Random streams and determinism
//
// Host i (0-based within its group) of group G draws its up and down times, alternately, from
// its own stream sim.NewStream(seed, "failure/host/G/i"); rack r from "failure/rack/r". So a
// host's events depend only on the seed, its group's name and distributions and its index in
// the group: changing another group, adding hosts to a group, the rack process or the trace
// leaves them unchanged, and moving a group to other host indices only renumbers them.
//
// # Event order
//
// Process.Next returns events in non-decreasing time; events at the same microsecond come in
// increasing host order. All transitions of one instant are applied before any event of that
// instant is emitted, so each host has at most one event per instant and its events alternate
// down, up, down, …: causes that start and end at the same microsecond cancel (for example a
// rack repaired at the instant the host's own failure begins: the host stays down, with no
// event). Cause is the cause that started (down) or ended (up) at that instant, the smallest
// of CauseHost < CauseRack < CauseTrace when several did. In a trace, removing a removed host
// or adding a present one changes nothing; records at the same time apply in order.
//
// # Not modelled
//
// Partial failures (degraded hosts, "wonky" racks with packet loss, slow disks), failures of
// individual components (disks, DIMMs), network partitions, failures larger than a rack (PDUs,
// power or cooling of a whole cluster), maintenance windows, dependence of failure rates on
// load, temperature or age beyond the Weibull shape, repair capacity limits (every repair
// proceeds in parallel), and the loss of work on a failed host, which is the simulator's job.
package failure

// Suggested figures for scenarios (seconds); see the package comment for their sources. The
// package does not apply them on its own.
const (
	DefaultHostMTBFS    = 1.8 * 365 * 24 * 3600
	DefaultHostMTTRS    = 4 * 3600.0
	DefaultWeibullShape = 0.7
	DefaultRackMTBFS    = 2.25 * 365 * 24 * 3600
	DefaultRackMTTRS    = 3.5 * 3600
)
