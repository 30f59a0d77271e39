package sweep

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dcsim/dcsim/results"
)

// MergeOptions control Merge.
type MergeOptions struct {
	Out          string // output sweep folder; may be one of the input folders
	AllowPartial bool   // write a summary of the complete runs even if some are missing
	Format       string // "parquet" or "both": also write summary.parquet
}

// MergeResult tells what Merge did.
type MergeResult struct {
	Runs    int      // runs in the sweep
	Merged  int      // runs found complete and merged
	Missing []string // ids of runs found in no folder (only with AllowPartial)
	Copied  int      // run folders copied or linked into Out
}

// Merge combines the folders of a sharded sweep (each holding one or more shards' manifests and
// runs, or all shards writing into one shared folder) into one sweep folder whose summary.arrow
// is byte-identical to that of the same sweep run unsharded. Every folder must hold manifests
// of the same sweep (same expansion hash). A run counts as complete when some folder holds its
// runs/<id>/summary.arrow.
func Merge(dirs []string, opt MergeOptions) (*MergeResult, error) {
	if len(dirs) == 0 {
		return nil, inputErr("merge", "no folders given")
	}
	var ref *Manifest
	var refFile string
	byIndex := map[int]RunManifest{}
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "sweep.shard-*-of-*.json"))
		if _, err := os.Stat(filepath.Join(d, "sweep.json")); err == nil {
			files = append(files, filepath.Join(d, "sweep.json"))
		}
		if len(files) == 0 {
			return nil, inputErr(d, "not a sweep folder: no sweep.json or sweep.shard-I-of-N.json")
		}
		sort.Strings(files)
		for _, f := range files {
			m, err := ReadManifest(f)
			if err != nil {
				return nil, inputErr(f, "%v", err)
			}
			if ref == nil {
				ref, refFile = m, f
			} else if m.Hash != ref.Hash {
				return nil, inputErr(f, "belongs to another sweep than %s (expansion hash %.12s, not %.12s): shards must come from the same sweep file and base scenario",
					refFile, m.Hash, ref.Hash)
			}
			for _, r := range m.Runs {
				if r.Index < 0 || r.Index >= m.TotalRuns {
					return nil, inputErr(f, "run %s has index %d outside 0..%d", r.ID, r.Index, m.TotalRuns-1)
				}
				if o, ok := byIndex[r.Index]; ok && o.ID != r.ID {
					return nil, inputErr(f, "run index %d is %s here but %s elsewhere", r.Index, r.ID, o.ID)
				}
				byIndex[r.Index] = r
			}
		}
	}
	src, err := os.ReadFile(filepath.Join(filepath.Dir(refFile), "sweep.yaml"))
	if err != nil {
		return nil, inputErr(filepath.Dir(refFile), "sweep.yaml missing: %v", err)
	}
	p := &Plan{Sweep: &Sweep{Name: ref.Name, Base: ref.Base, Source: src}, Root: ref.RootSeed, Hash: ref.Hash}
	for _, c := range ref.Params {
		k, err := parseKind(c.Type)
		if err != nil {
			return nil, inputErr(refFile, "parameter %s: %v", c.Name, err)
		}
		p.Params = append(p.Params, results.ParamColumn{Name: c.Name, Kind: k})
	}
	res := &MergeResult{Runs: ref.TotalRuns}
	outRuns := filepath.Join(opt.Out, RunsDir)
	if err := os.MkdirAll(outRuns, 0o755); err != nil {
		return nil, err
	}
	var found []Run
	var statuses []RunStatus
	for i := 0; i < ref.TotalRuns; i++ {
		rm, ok := byIndex[i]
		if !ok {
			return nil, inputErr("merge", "no manifest lists run %d of %d: a shard's folder is missing from the arguments", i, ref.TotalRuns)
		}
		r := Run{Index: i, ID: rm.ID, Replicate: rm.Replicate, Seed: rm.Seed, Params: rm.Values}
		if len(r.Params) != len(p.Params) {
			return nil, inputErr("merge", "run %s has %d parameter values, want %d", r.ID, len(r.Params), len(p.Params))
		}
		src := ""
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(d, RunsDir, r.ID, "summary.arrow")); err == nil {
				src = filepath.Join(d, RunsDir, r.ID)
				break
			}
		}
		st := RunStatus{Run: r, Status: "skipped"}
		if src == "" {
			res.Missing = append(res.Missing, r.ID)
			st.Status = "not-run"
			statuses = append(statuses, st)
			continue
		}
		statuses = append(statuses, st)
		dst := filepath.Join(outRuns, r.ID)
		if !samePath(src, dst) {
			if err := copyDir(src, dst); err != nil {
				return nil, err
			}
			res.Copied++
		}
		found = append(found, r)
	}
	if len(res.Missing) > 0 && !opt.AllowPartial {
		return res, fmt.Errorf("%d of %d runs are missing (e.g. %s): a shard has not finished, or its folder was not given; rerun that shard, or pass --allow-partial",
			len(res.Missing), ref.TotalRuns, res.Missing[0])
	}
	res.Merged = len(found)
	if err := writeFile(filepath.Join(opt.Out, "sweep.yaml"), src); err != nil {
		return nil, err
	}
	if err := WriteSummary(filepath.Join(opt.Out, "summary.arrow"), p, []string{outRuns}, found); err != nil {
		return nil, err
	}
	if err := summaryFormat(filepath.Join(opt.Out, "summary.arrow"), opt.Format); err != nil {
		return nil, err
	}
	mopt := Options{Jobs: ref.Jobs}
	if err := writeManifest(filepath.Join(opt.Out, "sweep.json"), p, mopt, &Outcome{Runs: statuses}, 0, len(res.Missing) == 0); err != nil {
		return nil, err
	}
	return res, nil
}

func parseKind(s string) (results.ParamKind, error) {
	for _, k := range []results.ParamKind{results.ParamString, results.ParamInt, results.ParamFloat, results.ParamBool} {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown parameter type %q", s)
}

func samePath(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(sa, sb)
	}
	aa, _ := filepath.Abs(a)
	bb, _ := filepath.Abs(b)
	return aa == bb
}

// copyDir copies run folder src to dst (hard links where possible), through a temporary folder
// renamed into place, so that an interrupted merge leaves no partial run folder.
func copyDir(src, dst string) error {
	if _, err := os.Stat(filepath.Join(dst, "summary.arrow")); err == nil {
		return nil // already merged by an earlier invocation
	}
	tmp := fmt.Sprintf("%s.tmp-merge-%d", strings.TrimSuffix(dst, "/"), os.Getpid())
	tmp = filepath.Join(filepath.Dir(dst), "."+filepath.Base(tmp))
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		s, d := filepath.Join(src, e.Name()), filepath.Join(tmp, e.Name())
		if os.Link(s, d) == nil {
			continue
		}
		if err := copyFile(s, d); err != nil {
			os.RemoveAll(tmp)
			return err
		}
	}
	os.RemoveAll(dst)
	if err := os.Rename(tmp, dst); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return errors.Join(out.Close())
}
