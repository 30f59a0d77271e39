package service

import (
	"fmt"
	"math"
)

// ErlangC is the probability that an arrival waits in an M/M/c queue with offered load
// a = λ/μ Erlangs (0 ≤ a < c): Erlang's C formula
//
//	C(c, a) = (a^c/c!)·(c/(c − a)) / (Σ_{k=0}^{c−1} a^k/k! + (a^c/c!)·(c/(c − a)))
//
// (L. Kleinrock, Queueing Systems Vol. 1: Theory, Wiley 1975, §3.5, "M/M/m: the m-server
// case"). It is computed stably from Erlang's B formula (§3.7, M/M/m/m) by the recurrence
// B(0) = 1, B(k) = a·B(k−1)/(k + a·B(k−1)) and C = c·B/(c − a·(1 − B)).
func ErlangC(c int, a float64) (float64, error) {
	b, err := ErlangB(c, a)
	if err != nil {
		return 0, err
	}
	if !(a < float64(c)) {
		return 0, fmt.Errorf("service: ErlangC needs offered load < servers (stable queue), got a = %v, c = %d", a, c)
	}
	return float64(c) * b / (float64(c) - a*(1-b)), nil
}

// ErlangB is the blocking probability of an M/M/c/c loss system (c servers, no waiting room)
// with offered load a = λ/μ Erlangs: B(c, a) = (a^c/c!) / Σ_{k=0}^{c} a^k/k! (Kleinrock Vol. 1,
// §3.7, Erlang's loss formula), by the recurrence B(k) = a·B(k−1)/(k + a·B(k−1)), B(0) = 1.
func ErlangB(c int, a float64) (float64, error) {
	if c < 1 {
		return 0, fmt.Errorf("service: Erlang formulas need c ≥ 1 servers, got %d", c)
	}
	if !(a >= 0) || math.IsInf(a, 0) {
		return 0, fmt.Errorf("service: offered load must be a finite number ≥ 0 Erlangs, got %v", a)
	}
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b, nil
}

// MMcMeanSojournUS is the mean time in system (waiting + service, µs) of an M/M/c queue with c
// servers, Poisson arrivals at arrivalPerS per second and exponential service times of mean
// meanServiceUS: T = 1/μ + C(c, λ/μ)/(cμ − λ) (Kleinrock Vol. 1, §3.5). For c = 1 it is the
// M/M/1 sojourn 1/(μ − λ) (§3.2). It is an error unless λ < cμ.
func MMcMeanSojournUS(c int, arrivalPerS, meanServiceUS float64) (float64, error) {
	if !(meanServiceUS > 0) || math.IsInf(meanServiceUS, 0) {
		return 0, fmt.Errorf("service: mean service time must be a finite number > 0 µs, got %v", meanServiceUS)
	}
	if !(arrivalPerS >= 0) || math.IsInf(arrivalPerS, 0) {
		return 0, fmt.Errorf("service: arrival rate must be a finite number ≥ 0 per s, got %v", arrivalPerS)
	}
	lambda := arrivalPerS / 1e6 // per µs
	mu := 1 / meanServiceUS
	pw, err := ErlangC(c, lambda/mu)
	if err != nil {
		return 0, err
	}
	return 1/mu + pw/(float64(c)*mu-lambda), nil
}

// PowerOfDMeanSojourn is the mean time in system, in units of the mean service time, of the
// supermarket model in the limit of many servers: n FCFS exponential servers, Poisson arrivals
// at rate ρ·n, each request joining the shortest of d queues chosen at random. For d ≥ 2 it is
//
//	T_d(ρ) = Σ_{i≥1} ρ^{(d^i − d)/(d − 1)}
//
// (M. Mitzenmacher, "The power of two choices in randomized load balancing", IEEE TPDS 12(10),
// 2001: the fixed point of the supermarket model's differential equations); for d = 1 (random
// assignment) every server is an M/M/1 queue and T_1 = 1/(1 − ρ). Finite n gives somewhat
// larger values. Needs 0 ≤ ρ < 1.
func PowerOfDMeanSojourn(d int, rho float64) (float64, error) {
	if d < 1 {
		return 0, fmt.Errorf("service: PowerOfDMeanSojourn needs d ≥ 1 choices, got %d", d)
	}
	if !(rho >= 0 && rho < 1) {
		return 0, fmt.Errorf("service: PowerOfDMeanSojourn needs 0 ≤ ρ < 1, got %v", rho)
	}
	if d == 1 {
		return 1 / (1 - rho), nil
	}
	// Exponents e_i = (d^i − d)/(d − 1) = d + d² + … + d^{i−1}: e_1 = 0, e_{i+1} = d·e_i + d.
	sum, e := 0.0, 0.0
	for i := 1; i < 200; i++ {
		term := math.Pow(rho, e)
		sum += term
		if term < 1e-17*sum {
			break
		}
		e = float64(d)*e + float64(d)
	}
	return sum, nil
}
