package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/dcsim/dcsim/results/report"
)

const reportUsage = `Usage: dcsim report DIR [-o FILE] [--run ID] [--group-by KEY]

Turns a run folder (written by 'dcsim run') or a sweep folder (written by 'dcsim sweep') into one
self-contained HTML file with SVG charts: utilization, power and queue length over time, the
wait-time distribution and the summary table of a run; for a sweep also the cost vs
SLO-violation trade-off with its Pareto front, box plots over seeds and the table of all runs.
The page needs no network and no scripts; the same folder always gives the same bytes.

Examples:
  dcsim report out                          # writes out/report.html
  dcsim report out -o report.html
  dcsim report sweep-out --group-by scheduler.placement --run r3f9a0c12d4e5
`

func cmdReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", reportUsage, stderr)
	out := fs.StringP("output", "o", "", "HTML file to write (default DIR/report.html)")
	run := fs.String("run", "", "sweep only: the run (run_id) whose charts are shown (default the first)")
	groupBy := fs.String("group-by", "", "sweep only: the parameter box plots group by (default the first placement, queue or policy parameter, else the first)")
	quiet := fs.BoolP("quiet", "q", false, "print nothing on success")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Sprintf("report takes one run or sweep folder, got %d arguments\n\n%s", fs.NArg(), reportUsage)}
	}
	dir := fs.Arg(0)
	path := *out
	if path == "" {
		path = filepath.Join(dir, "report.html")
	}
	if err := report.Write(dir, path, report.Options{Run: *run, GroupBy: *groupBy}); err != nil {
		if errors.Is(err, report.ErrInput) {
			return usageError{err.Error()}
		}
		return err
	}
	if !*quiet {
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	return nil
}
