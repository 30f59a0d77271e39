package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dcsim/dcsim/results/compare"
)

const compareUsage = `Usage: dcsim compare BASE CANDIDATE [flags]

Compares two run or sweep folders (or their summary.arrow files) metric by metric, like
benchstat: runs are grouped by their sweep parameters and the groups of the two inputs are
matched on the parameters they share; a parameter that is constant on each side but differs
between them (say scheduler.placement best-fit vs worst-fit) is the difference being compared.
For each metric it prints both values (mean ± relative standard deviation over seeds), the change
in percent and, with at least two seeds on each side, the p-value of a two-sided test: Welch's
t-test (default), Mann-Whitney U, or a paired t-test over runs with the same seed (sweeps give
every configuration the same seeds, which makes the paired test the most sensitive). With one
run on a side there is no test ("n=1"): the simulation is deterministic, so any difference is
real and is gated as such.

--fail-on METRIC:BOUND exits 1 when the candidate regresses beyond the bound with significance
(p < --alpha, or a deterministic n=1 difference) in any matched group:
  +N%  more than N percent higher     -N%  more than N percent lower
  +N   more than N higher (in the metric's unit)   -N  more than N lower

Exit codes: 0 no regression, 1 a regression (each is listed), 2 bad input.
Details: docs/compare.md.

Examples:
  dcsim compare out/base out/cand
  dcsim compare base cand --fail-on cost_usd:+2% --fail-on slo_violations:+0
  dcsim compare base cand --format markdown >> "$GITHUB_STEP_SUMMARY"
  dcsim compare base cand --test paired --metrics all --format json
  dcsim compare base cand --ignore workload.synthetic.0.arrivals.rate
`

func cmdCompare(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", compareUsage, stderr)
	format := fs.String("format", "text", "output: text, markdown or json")
	failOn := fs.StringArray("fail-on", nil, "METRIC:BOUND, e.g. cost_usd:+2% or slo_violations:+0: exit 1 on a significant regression beyond it (repeatable)")
	metrics := fs.String("metrics", "", "comma-separated metrics to show, or 'all' (default: cost, energy, carbon, waits, slowdown, SLOs, CPU utilization, host-hours, plus --fail-on metrics)")
	ignore := fs.StringArray("ignore", nil, "parameter key not to match on; runs differing only in it are pooled (repeatable)")
	test := fs.String("test", compare.TestWelch, "significance test: welch (Welch's t-test), mann-whitney (Mann-Whitney U) or paired (paired t-test, runs paired by seed)")
	alpha := fs.Float64("alpha", 0.05, "significance level: a change counts when p < alpha")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError{fmt.Sprintf("compare takes two folders, BASE and CANDIDATE, got %d argument(s)\n\n%s", fs.NArg(), compareUsage)}
	}
	switch *format {
	case compare.FormatText, compare.FormatMarkdown, compare.FormatJSON:
	default:
		return usageError{fmt.Sprintf("--format %q: want text, markdown or json", *format)}
	}
	opt := compare.Options{Test: *test, Alpha: *alpha, Ignore: *ignore}
	if !(*alpha > 0 && *alpha < 1) {
		return usageError{fmt.Sprintf("--alpha %v: want a number between 0 and 1", *alpha)}
	}
	if *metrics != "" {
		for _, m := range strings.Split(*metrics, ",") {
			if m = strings.TrimSpace(m); m != "" {
				opt.Metrics = append(opt.Metrics, m)
			}
		}
		if len(opt.Metrics) == 0 {
			return usageError{fmt.Sprintf("--metrics %q: no metric named", *metrics)}
		}
		if len(opt.Metrics) > 1 && containsStr(opt.Metrics, "all") {
			return usageError{fmt.Sprintf("--metrics %q: 'all' stands alone", *metrics)}
		}
	}
	for _, f := range *failOn {
		b, err := compare.ParseBound(f)
		if err != nil {
			return usageError{err.Error()}
		}
		opt.FailOn = append(opt.FailOn, b)
	}
	rep, err := runCompare(fs.Arg(0), fs.Arg(1), opt)
	if err != nil {
		return err
	}
	if err := rep.Write(stdout, *format); err != nil {
		return inputOr(err)
	}
	if rep.Failed() {
		return fmt.Errorf("%d %s beyond --fail-on bounds", len(rep.Regressions), map[bool]string{true: "regression", false: "regressions"}[len(rep.Regressions) == 1])
	}
	return nil
}

func runCompare(basePath, candPath string, opt compare.Options) (*compare.Report, error) {
	base, err := compare.Load(basePath)
	if err != nil {
		return nil, inputOr(err)
	}
	cand, err := compare.Load(candPath)
	if err != nil {
		return nil, inputOr(err)
	}
	rep, err := compare.Compare(base, cand, opt)
	return rep, inputOr(err)
}

// inputOr maps the compare package's bad-input errors to a usageError (exit code 2).
func inputOr(err error) error {
	if err != nil && errors.Is(err, compare.ErrInput) {
		return usageError{strings.TrimPrefix(err.Error(), compare.ErrInput.Error()+": ")}
	}
	return err
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
