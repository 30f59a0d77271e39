package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dcsim/dcsim/models/trace"
	"github.com/dcsim/dcsim/models/trace/canonical"
	"github.com/dcsim/dcsim/models/trace/formats"
	"github.com/dcsim/dcsim/models/units"
)

const traceUsage = `Usage:
  dcsim trace inspect [--format F] PATH     counts, time span, resource totals, what was skipped and why
  dcsim trace convert [--format F] PATH -o workload.arrow
                                            write the jobs in dcsim's canonical Arrow form
  dcsim trace formats                       list the formats

PATH is a trace file or folder. Without --format the format is guessed from the name when that is
unambiguous (task_events → google2011, batch_task → alibaba2018, .swf → swf, ...).

Examples:
  dcsim trace inspect $DCSIM_TRACES/swf/KTH-SP2-1996-2.1-cln.swf
  dcsim trace inspect --format google2011 $DCSIM_TRACES/google-2011
  dcsim trace convert $DCSIM_TRACES/alibaba-2018 -o alibaba.arrow
`

func cmdTrace(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"trace: a subcommand is required\n\n" + traceUsage}
	}
	switch args[0] {
	case "inspect", "convert":
	case "formats":
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, f := range formats.All() {
			fmt.Fprintf(tw, "%s\t%s\n", f.Name, f.About)
		}
		return tw.Flush()
	case "-h", "--help", "help":
		fmt.Fprint(stdout, traceUsage)
		return nil
	default:
		return usageError{fmt.Sprintf("trace: unknown subcommand %q\n\n%s", args[0], traceUsage)}
	}
	sub := args[0]
	fs := newFlags("trace "+sub, traceUsage, stderr)
	format := fs.String("format", "", "trace format (default: guessed from the path); see 'dcsim trace formats'")
	skipBad := fs.Bool("skip-bad", false, "count malformed lines and go on instead of stopping at the first")
	cpuUnit := fs.String("cpu-per-unit", "", "CPU of one unit of the trace's CPU figure, e.g. 1 or 64 (default: the format's)")
	memUnit := fs.String("memory-per-unit", "", "memory of one unit of the trace's memory figure, e.g. 256GiB (default: the format's)")
	out := fs.StringP("output", "o", "", "convert: the Arrow file to write")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Sprintf("trace %s: want one PATH, got %d\n\n%s", sub, fs.NArg(), traceUsage)}
	}
	path := fs.Arg(0)
	var f formats.Format
	var err error
	if *format != "" {
		f, err = formats.Lookup(*format)
	} else {
		f, err = formats.Guess(path)
	}
	if err != nil {
		return usageError{err.Error()}
	}
	if *skipBad && !f.SkipBad {
		return usageError{fmt.Sprintf("format %s does not support --skip-bad", f.Name)}
	}
	opt := formats.Options{SkipBad: *skipBad}
	if *cpuUnit != "" {
		c, err := units.ParseCPU(*cpuUnit)
		if err != nil || c <= 0 {
			return usageError{fmt.Sprintf("--cpu-per-unit %q: want a positive CPU amount (e.g. 1, 500m)", *cpuUnit)}
		}
		opt.Units.CPUMilliPerUnit = float64(c)
	}
	if *memUnit != "" {
		b, err := units.ParseBytes(*memUnit)
		if err != nil || b < 0 {
			return usageError{fmt.Sprintf("--memory-per-unit %q: want a memory size (e.g. 256GiB)", *memUnit)}
		}
		opt.Units.MemBytesPerUnit = float64(b)
	}
	start := time.Now()
	if sub == "convert" {
		if *out == "" {
			return usageError{"trace convert: -o FILE is required\n\n" + traceUsage}
		}
		if f.Open == nil {
			return usageError{fmt.Sprintf("format %s is request-level: it has no jobs to convert", f.Name)}
		}
		rep, err := convert(f, path, *out, opt)
		if err != nil {
			return err
		}
		printReport(stdout, f, path, rep, time.Since(start))
		fmt.Fprintf(stdout, "wrote %s (%d jobs)\n", *out, rep.Jobs)
		return nil
	}
	var rep trace.Report
	var firstBad error
	if f.Inspect != nil {
		rep, err = f.Inspect(path)
	} else {
		var src trace.Source
		if src, err = f.Open(path, opt); err == nil {
			rep, err = trace.Drain(src, nil)
			if fb, ok := src.(interface{ FirstBad() error }); ok {
				firstBad = fb.FirstBad()
			}
			src.Close()
		}
	}
	if err != nil {
		return traceErr(err)
	}
	printReport(stdout, f, path, rep, time.Since(start))
	if firstBad != nil {
		fmt.Fprintf(stdout, "  first malformed line: %v\n", firstBad)
	}
	if f.Machines != nil {
		ms, err := f.Machines(path, opt)
		switch {
		case err != nil:
			fmt.Fprintf(stdout, "  machines: none usable (%v)\n", err)
		case len(ms) == 0:
			fmt.Fprintln(stdout, "  machines: none described")
		default:
			var cpu, mem float64
			kinds := map[[3]int64]bool{}
			for _, m := range ms {
				cpu += float64(m.CPUMilli) / 1000
				mem += float64(m.MemBytes) / (1 << 30)
				kinds[[3]int64{m.CPUMilli, m.MemBytes, m.GPUs}] = true
			}
			fmt.Fprintf(stdout, "  machines: %d (%d distinct capacities), %s cores, %s GiB\n", len(ms), len(kinds), human(cpu), human(mem))
		}
	}
	return nil
}

// traceErr marks errors of reading a trace as input errors (exit 2).
func traceErr(err error) error {
	if errors.Is(err, trace.ErrBadInput) {
		return err
	}
	return fmt.Errorf("%w: %v", trace.ErrBadInput, err)
}

func convert(f formats.Format, path, out string, opt formats.Options) (trace.Report, error) {
	src, err := f.Open(path, opt)
	if err != nil {
		return trace.Report{}, traceErr(err)
	}
	defer src.Close()
	u := opt.Units.Or(f.Defaults)
	meta := map[string]string{canonical.MetaKeySourceFormat: f.Name, canonical.MetaKeySourcePath: path,
		canonical.MetaKeyCPUMilliPerUnit: strconv.FormatFloat(u.CPUMilliPerUnit, 'g', -1, 64),
		canonical.MetaKeyMemBytesPerUnit: strconv.FormatFloat(u.MemBytesPerUnit, 'g', -1, 64)}
	w, err := canonical.Create(out, meta)
	if err != nil {
		return trace.Report{}, err
	}
	rep, err := trace.Drain(src, w.Write)
	if err != nil {
		w.Abort()
		return rep, traceErr(err)
	}
	if err := w.Close(); err != nil {
		return rep, err
	}
	return rep, nil
}

func printReport(w io.Writer, f formats.Format, path string, r trace.Report, took time.Duration) {
	fmt.Fprintf(w, "%s (%s)\n", path, f.Name)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  records read\t%d\n", r.Records)
	if r.Requests > 0 {
		fmt.Fprintf(tw, "  requests\t%d\n", r.Requests)
	} else if f.Open != nil {
		fmt.Fprintf(tw, "  jobs\t%d\n", r.Jobs)
		fmt.Fprintf(tw, "  tasks\t%d (%d instances)\n", r.Tasks, r.Instances)
	}
	if r.FirstSubmitUS >= 0 {
		fmt.Fprintf(tw, "  time span\t%s (%.0f s .. %.0f s on the trace clock)\n",
			units.Duration(r.LastSubmitUS-r.FirstSubmitUS), float64(r.FirstSubmitUS)/1e6, float64(r.LastSubmitUS)/1e6)
	}
	if f.Open != nil {
		fmt.Fprintf(tw, "  demand\t%s core-h, %s GiB-h, %s GPU-h\n", human(r.CPUCoreS/3600), human(r.MemGiBS/3600), human(r.GPUS/3600))
	}
	tw.Flush()
	if len(r.Skipped) > 0 {
		fmt.Fprintf(w, "  skipped (%d):\n", r.SkippedTotal())
		sk := append([]trace.Skip(nil), r.Skipped...)
		sort.SliceStable(sk, func(i, j int) bool { return sk[i].Count > sk[j].Count })
		for _, s := range sk {
			fmt.Fprintf(w, "    %10d  %s\n", s.Count, s.Reason)
		}
	} else {
		fmt.Fprintln(w, "  skipped: none")
	}
	var notes []string
	for _, n := range r.Notes {
		if n.Count != 0 {
			notes = append(notes, fmt.Sprintf("    %10d  %s", n.Count, n.Reason))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "  notes:\n%s\n", strings.Join(notes, "\n"))
	}
	fmt.Fprintf(w, "  read in %.2f s\n", took.Seconds())
}

// human formats x with three significant digits and a k/M/G suffix.
func human(x float64) string {
	for _, u := range []struct {
		s string
		v float64
	}{{"G", 1e9}, {"M", 1e6}, {"k", 1e3}} {
		if math.Abs(x) >= u.v {
			return fmt.Sprintf("%.3g%s", x/u.v, u.s)
		}
	}
	return fmt.Sprintf("%.3g", x)
}
