// Package runner runs one scenario end to end: build the simulation, stream jobs.arrow and
// hosts.arrow, write summary.arrow, convert the tables to Parquet when asked, and write
// run.json. The CLI and the end-to-end tests share it.
package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/dcsim/dcsim/internal/version"
	"github.com/dcsim/dcsim/models/dc"
	"github.com/dcsim/dcsim/results"
	"github.com/dcsim/dcsim/scenarios"
)

// Options control a run. They never change the result files.
type Options struct {
	OutDir   string
	Progress func(dc.Progress) // may be nil
	Workers  int               // goroutines for a fleet's partitions; never changes results
	// Format of the result files: "arrow" (default, also ""), "parquet" or "both". "both"
	// writes a .parquet beside each .arrow table; "parquet" keeps only the .parquet tables,
	// except summary.arrow, which stays because dcsim's own sweep, compare, plan and report
	// read it. See docs/parquet.md.
	Format string
	// AllowExec lets the scenario start the external policy program it names; without it such
	// a scenario is refused, so opening someone else's scenario never runs code silently.
	AllowExec bool
	// Sweep, when set, marks the run as one run of a sweep: run.json records its id and
	// replicate, and FinalDir as its output_dir (the sweep writes into a temporary folder that
	// it renames to FinalDir when the run is complete).
	Sweep *SweepRun
}

// SweepRun identifies a run of a sweep (Options.Sweep).
type SweepRun struct {
	RunID     string
	Replicate int
	FinalDir  string
}

// Result file formats (Options.Format).
const (
	FormatArrow   = "arrow"
	FormatParquet = "parquet"
	FormatBoth    = "both"
)

// CheckFormat validates an Options.Format value.
func CheckFormat(f string) error {
	switch f {
	case "", "arrow", "parquet", "both":
		return nil
	}
	return fmt.Errorf("--format %q: want arrow, parquet or both", f)
}

// Info is written to run.json: everything about a run that depends on the machine and the
// wall clock, and is therefore kept out of the byte-identical Arrow files.
type Info struct {
	Version    string  `json:"dcsim_version"`
	Scenario   string  `json:"scenario"`
	Seed       uint64  `json:"seed"`
	WallS      float64 `json:"wall_s"`
	Events     int64   `json:"events"`
	EventsPerS float64 `json:"events_per_s"`
	Jobs       int64   `json:"jobs"`
	JobsPerS   float64 `json:"jobs_per_s"`
	// ServiceRequests counts the services' requests, simulated one by one after the cluster
	// run; RequestsPerS is them per second of the whole wall time.
	ServiceRequests  int64   `json:"service_requests,omitempty"`
	RequestsPerS     float64 `json:"service_requests_per_s,omitempty"`
	PeakRSSBytes     int64   `json:"peak_rss_bytes"`
	GoVersion        string  `json:"go_version"`
	GOMAXPROCS       int     `json:"gomaxprocs"`
	StartedUTC       string  `json:"started_utc"`
	JobsRows         int64   `json:"jobs_rows"`
	HostsRows        int64   `json:"hosts_rows"`
	ServicesRows     int64   `json:"services_rows,omitempty"`
	LinksRows        int64   `json:"links_rows,omitempty"`
	StorageRows      int64   `json:"storage_rows,omitempty"`
	ProvisioningRows int64   `json:"provisioning_rows,omitempty"`
	OutputDir        string  `json:"output_dir"`
	SweepRunID       string  `json:"sweep_run_id,omitempty"`
	SweepReplicate   *int    `json:"sweep_replicate,omitempty"`
	WroteHostsArr    bool    `json:"wrote_hosts_arrow"` // the hosts table was written (as hosts.arrow, hosts.parquet or both)
	// Format is the result file format: "arrow", "parquet" or "both" (see Options.Format).
	Format string `json:"format"`
	// ParquetS is the wall time spent converting the Arrow tables to Parquet (included in
	// WallS); ParquetBytes and ArrowBytes are the sizes of the tables in each format, before
	// the .arrow ones are removed under "parquet".
	ParquetS     float64 `json:"parquet_s,omitempty"`
	ParquetBytes int64   `json:"parquet_bytes,omitempty"`
	ArrowBytes   int64   `json:"arrow_bytes,omitempty"`
	// Parallel engine figures of a fleet run.
	Workers         int     `json:"workers,omitempty"`
	Windows         int64   `json:"windows,omitempty"`
	Messages        int64   `json:"messages,omitempty"`
	BarrierWaitFrac float64 `json:"barrier_wait_fraction,omitempty"`
	PartitionsBusyS float64 `json:"partitions_busy_s,omitempty"` // worker time advancing partitions, summed
	SerialS         float64 `json:"serial_s,omitempty"`          // coordinator time exchanging messages and draining rows
}

// Output is what a run produced.
type Output struct {
	Result *dc.Result
	Info   Info
}

// Run runs scenario sc (already defaulted and validated) and writes its result files into
// opt.OutDir. Errors building the simulation from the scenario are input errors
// (errors.Is(err, ErrInput)).
func Run(sc *scenarios.Scenario, opt Options) (*Output, error) {
	started := time.Now()
	if err := CheckFormat(opt.Format); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInput, err)
	}
	cfg, err := dc.FromScenario(sc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInput, err)
	}
	yaml, err := sc.YAML()
	if err != nil {
		return nil, err
	}
	meta := results.Meta{Version: version.Version, Scenario: sc.Name, ScenarioYAML: string(yaml), Seed: sc.Seed}
	if err := os.MkdirAll(opt.OutDir, 0o755); err != nil {
		return nil, err
	}
	jobs, err := results.NewJobsWriter(filepath.Join(opt.OutDir, "jobs.arrow"), meta)
	if err != nil {
		return nil, err
	}
	defer jobs.Abort() // no-op after Close
	simOpt := dc.Options{Jobs: jobs, Progress: opt.Progress, Workers: opt.Workers, AllowExec: opt.AllowExec}
	var hosts *results.HostsWriter
	writeHosts := sc.Output.Hosts == nil || *sc.Output.Hosts
	if writeHosts {
		if hosts, err = results.NewHostsWriter(filepath.Join(opt.OutDir, "hosts.arrow"), meta); err != nil {
			return nil, err
		}
		defer hosts.Abort()
		simOpt.Hosts = hosts
	}
	var links *results.LinksWriter
	var pools *results.PoolsWriter
	linksPath, poolsPath := filepath.Join(opt.OutDir, "links.arrow"), filepath.Join(opt.OutDir, "storage.arrow")
	if cfg.Network != nil {
		if links, err = results.NewLinksWriter(linksPath, meta); err != nil {
			return nil, err
		}
		defer links.Abort()
		simOpt.Links = links
	}
	if len(cfg.Pools) > 0 {
		if pools, err = results.NewPoolsWriter(poolsPath, meta); err != nil {
			return nil, err
		}
		defer pools.Abort()
		simOpt.Pools = pools
	}
	var prov *results.ProvisionWriter
	provPath := filepath.Join(opt.OutDir, "provisioning.arrow")
	if cfg.Provision != nil {
		if prov, err = results.NewProvisionWriter(provPath, meta); err != nil {
			return nil, err
		}
		defer prov.Abort()
		simOpt.Provisioning = prov
	}
	s, err := dc.New(cfg, simOpt)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInput, err)
	}
	res, err := s.Run()
	if err != nil {
		return nil, err
	}
	if err := jobs.Close(); err != nil {
		return nil, err
	}
	info := Info{Version: version.Version, Scenario: sc.Name, Seed: sc.Seed, JobsRows: jobs.Rows(),
		GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0), StartedUTC: started.UTC().Format(time.RFC3339),
		OutputDir: opt.OutDir, WroteHostsArr: writeHosts}
	if sw := opt.Sweep; sw != nil {
		info.OutputDir, info.SweepRunID, info.SweepReplicate = sw.FinalDir, sw.RunID, &sw.Replicate
	}
	if hosts != nil {
		if err := hosts.Close(); err != nil {
			return nil, err
		}
		info.HostsRows = hosts.Rows()
	} else {
		// A stale hosts.arrow from an earlier run would not match this run's other files.
		if err := os.Remove(filepath.Join(opt.OutDir, "hosts.arrow")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	if err := results.WriteSummary(filepath.Join(opt.OutDir, "summary.arrow"), meta, &res.Summary); err != nil {
		return nil, err
	}
	if links != nil {
		if err := links.Close(); err != nil {
			return nil, err
		}
		info.LinksRows = links.Rows()
	} else if err := os.Remove(linksPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err // a stale file would not match this run's other files
	}
	if pools != nil {
		if err := pools.Close(); err != nil {
			return nil, err
		}
		info.StorageRows = pools.Rows()
	} else if err := os.Remove(poolsPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if prov != nil {
		if err := prov.Close(); err != nil {
			return nil, err
		}
		info.ProvisioningRows = prov.Rows()
	} else if err := os.Remove(provPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	svcPath := filepath.Join(opt.OutDir, "services.arrow")
	if len(cfg.Services) > 0 {
		if err := results.WriteServices(svcPath, meta, res.Services); err != nil {
			return nil, err
		}
		info.ServicesRows = int64(len(res.Services))
	} else if err := os.Remove(svcPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err // a stale services.arrow would not match this run's other files
	}
	if err := finishFormat(opt.OutDir, opt.Format, &info); err != nil {
		return nil, err
	}
	wall := time.Since(started).Seconds()
	info.WallS = wall
	info.Events = res.Summary.Events
	info.Jobs = res.Summary.JobsSubmitted
	if wall > 0 {
		info.EventsPerS = float64(info.Events) / wall
		info.JobsPerS = float64(info.Jobs) / wall
		info.ServiceRequests = res.Summary.ServiceRequests
		info.RequestsPerS = float64(info.ServiceRequests) / wall
	}
	info.PeakRSSBytes = PeakRSS()
	if ps := res.Parallel; ps != nil {
		info.Workers, info.Windows, info.Messages, info.BarrierWaitFrac = ps.Workers, ps.Windows, ps.Messages, ps.WaitShare()
		info.PartitionsBusyS, info.SerialS = ps.Busy.Seconds(), ps.Serial.Seconds()
	}
	if err := results.WriteRunInfo(filepath.Join(opt.OutDir, "run.json"), info); err != nil {
		return nil, err
	}
	return &Output{Result: res, Info: info}, nil
}

// resultTables are the base names of every table a run may write, in the order they are
// converted to Parquet.
var resultTables = []string{"jobs", "hosts", "summary", "services", "links", "storage", "provisioning"}

// finishFormat turns the run's Arrow tables in dir into the requested format and removes the
// files of the other format that an earlier run may have left there (a stale file would not
// match this run's other files). Every table this run wrote exists as dir/NAME.arrow when it is
// called. It records the format, the conversion time and the sizes in info.
func finishFormat(dir, format string, info *Info) error {
	if format == "" {
		format = FormatArrow
	}
	info.Format = format
	started := time.Now()
	for _, name := range resultTables {
		arrowPath := filepath.Join(dir, name+".arrow")
		parquetPath := results.ParquetPath(arrowPath)
		st, err := os.Stat(arrowPath)
		wrote := err == nil
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if !wrote || format == FormatArrow {
			// A stale .parquet from an earlier run in this folder.
			if err := os.Remove(parquetPath); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			continue
		}
		if err := results.WriteParquet(arrowPath, parquetPath); err != nil {
			return err
		}
		pst, err := os.Stat(parquetPath)
		if err != nil {
			return err
		}
		info.ArrowBytes += st.Size()
		info.ParquetBytes += pst.Size()
		// summary.arrow stays: sweep, compare, plan and report read it.
		if format == FormatParquet && name != "summary" {
			if err := os.Remove(arrowPath); err != nil {
				return err
			}
		}
	}
	if format != FormatArrow {
		info.ParquetS = time.Since(started).Seconds()
	}
	return nil
}

// ErrInput marks errors caused by the user's input.
var ErrInput = errors.New("invalid input")

// PeakRSS returns the process's peak resident set size in bytes (Linux getrusage reports KiB).
func PeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss) * 1024
}
