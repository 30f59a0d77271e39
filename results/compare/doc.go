// Package compare compares two dcsim result folders — run folders or sweep folders — metric by
// metric, in the manner of benchstat: it matches the runs of the two inputs by their sweep
// parameters, reports each metric's base and candidate values, the change in percent and, where
// each side has several seeds, the p-value of a two-sided significance test (Welch's t-test or
// the Mann-Whitney U test), and checks regression bounds (--fail-on) for continuous
// integration.
//
// Load reads an input's summary.arrow generically (results.ReadTable), so every numeric
// summary column is a metric, with its unit from the field metadata. Compare builds a Report,
// which writes itself as a text table, Markdown or JSON. The rules (matching, statistics, the
// n=1 rule for deterministic single runs, exit codes, the JSON schema) are documented in
// docs/compare.md.
package compare
