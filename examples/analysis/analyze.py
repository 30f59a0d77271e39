#!/usr/bin/env python3
"""Analyze a dcsim sweep folder: the main plots of a sweep report, from the result files.

    python3 analyze.py SWEEP_DIR [--run RUN_ID] [--out DIR] [--json] [--polars]

SWEEP_DIR is what `dcsim sweep FILE -o SWEEP_DIR` writes: summary.arrow (one row per run) and
runs/<run_id>/ (each run's jobs.arrow, hosts.arrow, ..., or .parquet tables from --format
parquet). Needs pandas, pyarrow and matplotlib;
polars only for --polars. Column units: docs/results.md; loading each table: docs/notebooks.md.

The steps, numbered alike in examples/notebooks/sweep-analysis.ipynb and in
internal/interop/examples.mjs (which does them with nodejs-polars and is checked against Go in
CI, since PyPI is not reachable there):

  Step 1  summary.arrow and its parameter columns (schema metadata dcsim.params, a JSON array).
  Step 2  per parameter combination: runs, mean and sample std (ddof=1) over the replicates of
          cost_usd, slo_violation_rate and mean_wait_s.
  Step 3  the Pareto front of (cost_usd, slo_violation_rate): of the runs (as `dcsim report`
          draws it) and of the group means.
  Step 4  one run's hosts.arrow: per interval, mean CPU utilization over hosts and total power.
  Step 5  that run's jobs.arrow: wait-time quantiles of the jobs that started.
  Step 6  that run's queue length at the end of each hosts interval.

Writes utilization.png, queue-wait.png, pareto.png and boxplots.png into --out (default
SWEEP_DIR/analysis) and prints the summary table, or with --json the numbers as JSON.
Exit status 2 on bad input (not a sweep folder, a file or column missing).
"""

import argparse
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

METRICS = ["cost_usd", "slo_violation_rate", "mean_wait_s"]
QUANTILES = {"p50": 0.5, "p90": 0.9, "p99": 0.99}


def fail(msg):
    print(f"analyze.py: {msg}", file=sys.stderr)
    sys.exit(2)


def read_arrow(path):
    """An Arrow IPC file (all dcsim tables are uncompressed, so this memory-maps)."""
    if not os.path.exists(path):
        fail(f"{path}: no such file")
    with pa.memory_map(path) as source:
        return pa.ipc.open_file(source).read_all()


def read_run_table(run_dir, name):
    """A run's table NAME as pandas, and its path: NAME.arrow, or NAME.parquet for a run made
    with --format parquet."""
    path = os.path.join(run_dir, name + ".arrow")
    if not os.path.exists(path) and os.path.exists(path[:-len(".arrow")] + ".parquet"):
        path = path[:-len(".arrow")] + ".parquet"
        return pd.read_parquet(path), path
    return read_arrow(path).to_pandas(), path


def require(df, path, columns):
    missing = [c for c in columns if c not in df.columns]
    if missing:
        fail(f"{path}: column(s) {', '.join(missing)} missing")


def load_sweep(sweep):
    """Step 1: the sweep summary as a DataFrame, and its parameter column names."""
    path = os.path.join(sweep, "summary.arrow")
    table = read_arrow(path)
    md = table.schema.metadata or {}
    if md.get(b"dcsim.table") != b"sweep_summary":
        fail(f"{path}: dcsim.table is {md.get(b'dcsim.table')!r}, want b'sweep_summary'")
    try:
        params = json.loads(md[b"dcsim.params"])
    except (KeyError, ValueError):
        params = None
    if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
        fail(f"{path}: schema metadata dcsim.params is not a JSON array of column names")
    runs = table.to_pandas()
    require(runs, path, ["run_id", "replicate", *params, *METRICS])
    if runs.empty:
        fail(f"{path}: no runs")
    return runs, params


def by_configuration(runs, params):
    """The runs grouped by parameter values, groups in order of first appearance."""
    keys = params or [pd.Series(0, index=runs.index, name="all")]  # a sweep of seeds only
    return runs.groupby(keys if len(keys) > 1 else keys[0], sort=False, dropna=False)


def group_stats(runs, params):
    """Step 2: one row per parameter combination, in order of first appearance."""
    g = by_configuration(runs, params)
    stats = g[METRICS].agg(["mean", "std"])  # std: sample standard deviation, ddof=1
    stats.columns = [f"{m}_{s}" for m, s in stats.columns]
    stats.insert(0, "runs", g.size())
    return stats.reset_index()


def group_stats_polars(sweep, params):
    """Step 2 with polars (--polars): the same table."""
    import polars as pl

    runs = pl.read_ipc(os.path.join(sweep, "summary.arrow"), memory_map=True)
    aggs = [pl.len().alias("runs")]
    aggs += [getattr(pl.col(m), s)().alias(f"{m}_{s}") for m in METRICS for s in ("mean", "std")]
    out = runs.group_by(params, maintain_order=True).agg(aggs) if params else runs.select(aggs)
    return out.to_pandas()


def pareto_front(cost, rate):
    """Step 3: whether each point (cost, rate), both minimized, is on the Pareto front: no other
    point is at most as large in both and smaller in one. NaN points are never on it."""
    pts = list(zip(cost, rate))

    def ok(p):
        return not (math.isnan(p[0]) or math.isnan(p[1]))

    def dominates(o, p):
        return o[0] <= p[0] and o[1] <= p[1] and (o[0] < p[0] or o[1] < p[1])

    return [ok(p) and not any(j != i and ok(o) and dominates(o, p) for j, o in enumerate(pts))
            for i, p in enumerate(pts)]


def host_series(hosts):
    """Step 4: per interval start time_s: hosts, unweighted mean CPU utilization, total power."""
    return hosts.groupby("time_s").agg(
        hosts=("host_id", "size"),
        mean_cpu_utilization=("cpu_utilization", "mean"),
        total_power_w=("power_w", "sum"),
    ).reset_index()


def wait_quantiles(jobs):
    """Step 5: wait_s quantiles of started jobs, linear interpolation (pandas' default)."""
    waits = jobs["wait_s"].dropna()
    out = {"started": int(len(waits))}
    for name, q in QUANTILES.items():
        out[name] = float(waits.quantile(q)) if len(waits) else None
    out["max"] = float(waits.max()) if len(waits) else None
    return out


def queue_length(jobs, interval, k):
    """Step 6: jobs waiting at t = (i + 1)·interval, i < k: submitted before t minus started
    before t (rejected jobs never queue). An event at x falls in interval floor(x / interval)."""
    queued = jobs[jobs["status"] != "rejected"]

    def per_interval(col):
        b = np.floor(queued[col].dropna() / interval).astype("int64")
        return b.value_counts().reindex(range(k), fill_value=0)

    q = per_interval("submit_s").cumsum() - per_interval("start_s").cumsum()
    return pd.DataFrame({"time_s": (np.arange(k) + 1) * interval, "queued": q.to_numpy()})


def label(row, params):
    return " / ".join(str(row[p]) for p in params) or "all runs"


def plot(out, runs, params, groups, series, queue, jobs):
    os.makedirs(out, exist_ok=True)
    hours = series["time_s"] / 3600

    fig, ax = plt.subplots(figsize=(8, 4))
    # Each value is a mean over [time_s, time_s + interval_s): steps, not points.
    ax.step(hours, series["mean_cpu_utilization"], where="post", color="C0")
    ax.set(xlabel="simulated time (h)", ylabel="mean CPU utilization (1)", ylim=(0, None))
    ax2 = ax.twinx()
    ax2.step(hours, series["total_power_w"] / 1e3, where="post", color="C1")
    ax2.set_ylabel("IT power (kW)", color="C1")
    fig.savefig(os.path.join(out, "utilization.png"), dpi=120, bbox_inches="tight")

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    a.plot(queue["time_s"] / 3600, queue["queued"])  # counts at instants
    a.set(xlabel="simulated time (h)", ylabel="jobs waiting", title="queue length")
    b.hist(jobs["wait_s"].dropna(), bins=50)
    b.set(xlabel="wait (s)", ylabel="jobs", title="wait-time distribution", yscale="log")
    fig.savefig(os.path.join(out, "queue-wait.png"), dpi=120, bbox_inches="tight")

    fig, ax = plt.subplots(figsize=(7, 5))
    for i, ((_, r), g) in enumerate(zip(by_configuration(runs, params), groups.to_dict("records"))):
        ax.scatter(r["cost_usd"], r["slo_violation_rate"], s=16, color=f"C{i % 10}", label=label(g, params))
        ax.scatter(g["cost_usd_mean"], g["slo_violation_rate_mean"], marker="x", s=60, color=f"C{i % 10}")
    front = runs[runs["pareto"]].sort_values("cost_usd")
    ax.step(front["cost_usd"], front["slo_violation_rate"], where="post", color="0.3", label="Pareto front (runs)")
    ax.set(xlabel="cost (USD)", ylabel="SLO violation rate (1)", title="runs (dots) and configuration means (x)")
    ax.legend(title=" / ".join(params), fontsize=8)
    fig.savefig(os.path.join(out, "pareto.png"), dpi=120, bbox_inches="tight")

    labels = [label(g, params) for g in groups.to_dict("records")]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, m, unit in zip(axes, ["cost_usd", "slo_violation_rate"], ["USD", "1"]):
        ax.boxplot([s.dropna().to_numpy() for _, s in by_configuration(runs, params)[m]])
        ax.set_xticks(range(1, len(labels) + 1), labels, rotation=30, ha="right")
        ax.set(ylabel=f"{m} ({unit})", title=f"{m} over seeds")
    fig.savefig(os.path.join(out, "boxplots.png"), dpi=120, bbox_inches="tight")
    plt.close("all")


def plain(v):
    """JSON-safe Python scalar: numpy scalars unwrapped, NaN as null."""
    v = v.item() if hasattr(v, "item") else v
    return None if isinstance(v, float) and math.isnan(v) else v


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sweep", help="sweep folder (summary.arrow, runs/)")
    ap.add_argument("--run", help="run id for the time series (default: the first run)")
    ap.add_argument("--out", help="folder for the PNG plots (default: SWEEP/analysis)")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    ap.add_argument("--polars", action="store_true", help="compute step 2 with polars")
    a = ap.parse_args(argv)

    runs, params = load_sweep(a.sweep)  # Step 1
    groups = group_stats_polars(a.sweep, params) if a.polars else group_stats(runs, params)  # Step 2
    # Step 3
    runs["pareto"] = pareto_front(runs["cost_usd"], runs["slo_violation_rate"])
    groups["pareto"] = pareto_front(groups["cost_usd_mean"], groups["slo_violation_rate_mean"])

    run_id = a.run or runs["run_id"].iloc[0]
    if run_id not in set(runs["run_id"]):
        fail(f"{a.sweep}: no run {run_id!r} in summary.arrow")
    run_dir = os.path.join(a.sweep, "runs", run_id)
    hosts, hosts_path = read_run_table(run_dir, "hosts")
    jobs, jobs_path = read_run_table(run_dir, "jobs")
    require(hosts, hosts_path, ["time_s", "interval_s", "host_id", "cpu_utilization", "power_w"])
    require(jobs, jobs_path, ["submit_s", "start_s", "wait_s", "status"])
    if hosts.empty:
        fail(f"{hosts_path}: no rows")
    series = host_series(hosts)  # Step 4
    interval = float(hosts["interval_s"].iloc[0])
    wait = wait_quantiles(jobs)  # Step 5
    queue = queue_length(jobs, interval, len(series))  # Step 6

    out = a.out or os.path.join(a.sweep, "analysis")
    plot(out, runs, params, groups, series, queue, jobs)
    if a.json:
        print(json.dumps({
            "sweep": a.sweep,
            "params": params,
            "metrics": METRICS,
            "runs": len(runs),
            "groups": [{
                "params": {p: plain(g[p]) for p in params},
                "runs": plain(g["runs"]),
                "mean": {m: plain(g[f"{m}_mean"]) for m in METRICS},
                "std": {m: plain(g[f"{m}_std"]) for m in METRICS},
                "pareto": bool(g["pareto"]),
            } for g in groups.to_dict("records")],
            "front_runs": runs.loc[runs["pareto"], "run_id"].tolist(),
            "run_id": run_id,
            "interval_s": interval,
            "hosts_series": [{k: plain(v) for k, v in r.items()} for r in series.to_dict("records")],
            "queue": [{"time_s": plain(r["time_s"]), "queued": plain(r["queued"])} for r in queue.to_dict("records")],
            "wait": wait,
        }, indent=1))
    else:
        pd.set_option("display.width", 200)
        print(groups.to_string(index=False))
        print(f"\nrun {run_id}: wait of {wait['started']} started jobs: p50 {wait['p50']} s, "
              f"p90 {wait['p90']} s, p99 {wait['p99']} s, max {wait['max']} s")
        print(f"plots: {out}/{{utilization,queue-wait,pareto,boxplots}}.png")


if __name__ == "__main__":
    main()
