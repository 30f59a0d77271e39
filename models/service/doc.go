// Package service simulates latency-critical services request by request: replicas behind a
// load balancer, each serving a few requests at a time from a FIFO queue, fed by synthetic or
// trace-driven arrivals, with replicas failing, being repaired and being added while the
// simulation runs. It reports, per time window, arrivals, completions, drops, throughput, the
// mean and exact p50/p95/p99 latency, and whether the window violates a p99 SLO.
//
// # Model
//
// A service has Replicas replicas (Config.Replicas, all up at time 0). A replica has
// Concurrency slots (default 1): it serves up to that many requests at once, each at full speed
// (processor sharing is not modeled), and keeps the others in a FCFS queue of at most QueueCap
// waiting requests (default 0 = unbounded; QueueNone = no waiting room). A request that arrives
// at a replica whose slots are busy and whose queue is full is dropped.
//
// The load balancer picks one up replica per request, knowing every replica's exact number of
// outstanding requests (in service + waiting) at that instant:
//
//   - round-robin (default): the next up replica after the previous choice, in index order.
//   - least-outstanding: the fewest outstanding requests; ties to the lowest index (join the
//     shortest queue).
//   - power-of-two: two distinct up replicas drawn uniformly at random, the one with fewer
//     outstanding wins, ties to the lower index (M. Mitzenmacher, "The power of two choices in
//     randomized load balancing", IEEE TPDS 12(10), 2001).
//   - random: one up replica uniformly at random (Mitzenmacher's d = 1 baseline).
//
// Latency is completion − arrival, in µs: queueing plus service, at the replica. A request's
// service demand is drawn when it arrives, from the service time distribution (ServiceSpec):
// constant; exponential (mean); lognormal by median and σ of ln X, or by mean and coefficient
// of variation (σ² = ln(1 + cv²), μ = ln(mean) − σ²/2; Johnson, Kotz & Balakrishnan,
// "Continuous Univariate Distributions" Vol. 1, 1994, ch. 14); or the LLM model
//
//	T = BaseUS + PrefillUSPerToken·promptTokens + DecodeUSPerToken·outputTokens   (µs)
//
// — a prefill time linear in the prompt and a constant time per generated token, the two-phase
// behaviour characterized by Patel et al., "Splitwise: Efficient Generative LLM Inference Using
// Phase Splitting" (ISCA 2024) and Agrawal et al., "Sarathi-Serve" (OSDI 2024). The defaults
// (5 ms + 0.1 ms per prompt token + 30 ms per output token, about a 70B model on one 8-GPU
// H100 replica) are assumptions of this package, not measurements: calibrate them.
//
// Arrivals (ArrivalSpec):
//
//   - poisson: rate λ per second (exponential gaps; Kleinrock, Queueing Systems Vol. 1, 1975).
//   - constant: one request every 1/λ seconds, at k/λ for k = 1, 2, …
//   - diurnal: non-homogeneous Poisson λ(t) = rate·(1 + A·cos(2π(t − peak)/period)), generated
//     exactly by thinning (Lewis & Shedler, Naval Research Logistics Quarterly 26(3), 1979);
//     period default 24 h, peak default 14 h.
//   - mmpp: two-state Markov-modulated Poisson process, rates λ_0, λ_1 and exponential
//     sojourns of means m_0, m_1, started in the stationary state distribution (Fischer &
//     Meier-Hellstern, "The MMPP cookbook", Performance Evaluation 18(2), 1993); mean rate
//     (λ_0 m_0 + λ_1 m_1)/(m_0 + m_1).
//   - counts: per-bin counts as in the Azure Functions 2019 trace (1,440 per-minute
//     invocation counts per function, passed as a plain []int32). Assumption: within its bin,
//     each of the count's requests arrives at an independent uniformly random instant (the
//     conditional law of a Poisson process given its count); per-bin counts are reproduced
//     exactly. Sorted instants are generated one at a time (Bentley & Saxe, ACM TOMS 6(3), 1980).
//   - requests: a request list (time, prompt tokens, output tokens) as in the Azure LLM
//     inference 2023 trace; needed by, and the only input of, the llm service time.
//
// # Failures and scaling
//
// The caller (the cluster simulator) advances the service with RunUntil(t) and changes replica
// availability between steps: SetReplicaDown(t, r), SetReplicaUp(t, r), AddReplica(t). Each
// first runs the simulation to t, then acts at t, before any event at t. When a replica goes
// down, its requests in service lose their progress and, with those waiting in its queue, are
// re-dispatched at t through the balancer to the replicas still up, oldest first; latency still
// counts from the original arrival. A re-dispatched request that finds no replica up, or a
// full queue, is dropped (Totals.DroppedNoReplica / DroppedQueueFull). An arrival while no
// replica is up is dropped too. A replica that comes up is idle and ready at once: model boot
// time by calling SetReplicaUp later. Arrivals = Completed + Dropped + InFlight at all times.
//
// # Windows and SLO
//
// Statistics are kept per window [k·Window, (k+1)·Window) (default one minute). A request
// counts as an arrival in the window of its arrival and as completed, with its latency, in the
// window of its completion; a drop in the window of the drop. Percentiles are exact, by the
// nearest-rank definition: the p-th percentile of n latencies is the ⌈p·n/100⌉-th smallest
// (Hyndman & Fan 1996, definition 1), found by selection (Floyd & Rivest 1975) in a reused
// buffer. A window violates the SLO when an SLO is set (Config.SLOP99US > 0) and its p99
// exceeds it, or when requests were dropped in it and none completed (an outage). Rows are
// delivered by Windows (closed windows) and Finish (the partial last one); Totals counts the
// whole run, including SLO violation windows and minutes.
//
// Events at equal times happen in a fixed order: replica changes made by the caller at t, then
// completions (in replica, then slot, order), then arrivals. A slot freed at t serves a
// request arriving at t.
//
// # Determinism and performance
//
// Time is integer µs; service times are rounded to the nearest µs (for an exponential of mean
// m µs the mean shifts by about −1/(24m) µs) and clamped to 2^50 µs. Each random quantity has
// its own stream, sim.NewStream(Seed, Name+"/arrivals" | "/arrivals-thinning" |
// "/arrivals-mmpp-state" | "/service" | "/balancer"), so changing the balancer does not change
// the arrivals or service demands (common random numbers) and two services with different
// names are independent. Results do not depend on how the caller steps RunUntil.
//
// The hot loop allocates nothing per request and makes no interface call of its own (the
// exponential and normal variates come from math/rand/v2's ziggurat through its Source): the
// requests in service sit in a tournament tree over the slots whose updates compile to
// branch-free comparisons, waiting requests in per-replica ring buffers, least-outstanding
// uses a second tournament tree over the replicas. With 10 replicas at ρ = 0.8 and one-minute
// windows, the benchmarks run about 15.5 million requests per second of wall time on one core
// with round-robin, 14.8 million with least-outstanding and 13.2 million with power-of-two
// (AMD EPYC, shared machine); 1,000 replicas, about 11 million. Exact percentiles cost memory:
// 8 bytes per request completed in the current window.
//
// # Not modeled
//
// Network latency between client and balancer and replica; request retries, timeouts and
// cancellations; closed-loop clients (arrivals do not react to latency); balancer delay or
// stale load information; heterogeneous replicas (all have the same speed and slots);
// processor sharing or slowdown with occupancy (in particular the LLM decode time does not
// grow with batch size, and KV-cache memory limits are ignored); partial progress surviving a
// failure; cold starts; priorities; request dependencies (fan-out, chains of services).
//
// Analytic references for validation: ErlangB, ErlangC and MMcMeanSojournUS (Kleinrock Vol. 1,
// §3.2, §3.5, §3.7) and PowerOfDMeanSojourn (Mitzenmacher 2001).
package service
