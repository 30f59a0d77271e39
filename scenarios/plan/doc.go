// Package plan searches for the cheapest configuration that meets constraints: the engine of
// 'dcsim plan'. It varies scenario keys over lattices of values (ParseKey), evaluates candidates
// through a caller-supplied Evaluator (the CLI runs each candidate over several seeds and
// aggregates summary metrics), and minimizes an objective subject to constraints
// (ParseConstraint) by bisection (one key whose feasibility is monotone), compass/pattern search
// ordered feasibility-first (several keys) or an exhaustive scan. Evaluated points are memoized,
// and the search is deterministic. See docs/plan.md.
package plan
