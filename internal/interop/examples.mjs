// examples.mjs — the loading and aggregation steps of examples/analysis/analyze.py (and of the
// notebook examples/notebooks/sweep-analysis.ipynb), done with nodejs-polars, a reader that
// shares no code with dcsim. PyPI is not reachable where dcsim is tested, so this script stands
// in for the Python example in CI: cmd/dcsim/examples_test.go runs it on a real sweep folder and
// compares every number with the same aggregation computed in Go.
//
//   node internal/interop/examples.mjs SWEEP_DIR [RUN_ID]
//   node internal/interop/examples.mjs --sql FILE
//
// SWEEP_DIR holds summary.arrow (dcsim.table = sweep_summary) and runs/<run_id>/ (with .arrow or,
// from `dcsim sweep --format parquet`, .parquet tables). RUN_ID picks
// the run whose time series are computed (default: the first row of summary.arrow). Exit status:
// 0 on success, 2 on bad input (not a sweep folder, a column or file missing; a failing SQL
// statement), 1 otherwise. --sql runs each statement of FILE (statements end with ";" at the end
// of a line) with DuckDB (@duckdb/node-api) and prints [{sql, rows}]: the test of the DuckDB
// snippets in docs/notebooks.md.
// Output: JSON on stdout. The steps, numbered as in analyze.py:
//
//  1. summary.arrow → the parameter columns from the schema metadata dcsim.params (a JSON array).
//  2. Group the runs by their parameter values (groups in order of first appearance) and compute
//     count, mean and sample standard deviation (ddof = 1) of cost_usd, slo_violation_rate and
//     mean_wait_s over the replicates (seeds).
//  3. Pareto front of (cost_usd, slo_violation_rate), both minimized, over the runs (as
//     `dcsim report` draws it) and over the group means: a point is on the front when no other
//     point is at most as costly and at most as violating, and strictly better in one of the two.
//  4. hosts.arrow of one run → per interval (time_s): mean over hosts of cpu_utilization (an
//     unweighted mean) and total power_w (sum over hosts).
//  5. jobs.arrow of that run → wait_s quantiles of started jobs (linear interpolation between
//     order statistics, numpy's and polars' "linear": x[floor(h)] + (h − floor(h))·(x[floor(h)+1]
//     − x[floor(h)]) with h = q·(n − 1)).
//  6. jobs.arrow → queue length at the end of each hosts interval, t = (k + 1)·Δ for k = 0..K−1:
//     jobs submitted before t (rejected jobs excluded: they never queue) minus jobs started
//     before t. An event at time x falls in interval k = floor(x / Δ), so "before (k + 1)·Δ" is
//     "interval ≤ k" and the queue is a cumulative sum of per-interval counts.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pl from "nodejs-polars";
import { plain, version } from "./common.mjs";
import { tableFromIPC } from "apache-arrow";


const METRICS = ["cost_usd", "slo_violation_rate", "mean_wait_s"];
const QUANTILES = { p50: 0.5, p90: 0.9, p99: 0.99 };

class InputError extends Error {}


function readIPC(path) {
  if (!existsSync(path)) throw new InputError(`${path}: no such file`);
  return readFileSync(path); // pl.readIPC takes a string as a path only when it ends in ".ipc"
}

// A run's table NAME: NAME.arrow, or NAME.parquet for a run made with --format parquet.
function readRunTable(runDir, name) {
  const arrow = join(runDir, `${name}.arrow`);
  const parquet = join(runDir, `${name}.parquet`);
  if (existsSync(arrow)) return [pl.readIPC(readFileSync(arrow)), arrow];
  if (existsSync(parquet)) return [pl.readParquet(readFileSync(parquet)), parquet];
  throw new InputError(`${arrow}: no such file (nor ${name}.parquet)`);
}

function requireColumns(df, path, names) {
  for (const n of names) {
    if (!df.columns.includes(n)) throw new InputError(`${path}: column ${JSON.stringify(n)} missing`);
  }
}

// Step 3: Pareto front membership of points {cost, rate}, both minimized; a point with a null
// coordinate is never on the front. O(n²), which is fine for a sweep's configurations.
function paretoFront(points) {
  const ok = (p) => typeof p.cost === "number" && typeof p.rate === "number" && !Number.isNaN(p.cost) && !Number.isNaN(p.rate);
  return points.map((p, i) => {
    if (!ok(p)) return false;
    return !points.some((o, j) => j !== i && ok(o) && o.cost <= p.cost && o.rate <= p.rate && (o.cost < p.cost || o.rate < p.rate));
  });
}

function analyze(dir, runArg) {
  // Step 1: the sweep summary and its parameter columns.
  const summaryPath = join(dir, "summary.arrow");
  const bytes = readIPC(summaryPath);
  const md = tableFromIPC(bytes).schema.metadata; // nodejs-polars does not expose schema metadata
  if (md.get("dcsim.table") !== "sweep_summary") {
    throw new InputError(`${summaryPath}: dcsim.table is ${JSON.stringify(md.get("dcsim.table") ?? null)}, want "sweep_summary"`);
  }
  let params;
  try {
    params = JSON.parse(md.get("dcsim.params") ?? "");
  } catch {
    throw new InputError(`${summaryPath}: schema metadata dcsim.params is not a JSON array`);
  }
  if (!Array.isArray(params) || params.some((p) => typeof p !== "string")) {
    throw new InputError(`${summaryPath}: schema metadata dcsim.params is not a JSON array of column names`);
  }
  const runs = pl.readIPC(bytes);
  requireColumns(runs, summaryPath, ["run_id", "replicate", ...params, ...METRICS]);
  if (runs.height === 0) throw new InputError(`${summaryPath}: no runs`);

  // Step 2: mean and standard deviation over replicates, per parameter combination.
  const aggs = [pl.len().alias("runs")];
  for (const m of METRICS) aggs.push(pl.col(m).mean().alias(`${m}_mean`), pl.col(m).std().alias(`${m}_std`));
  const grouped = (params.length > 0 ? runs.lazy().groupBy(params, true).agg(...aggs) : runs.lazy().select(...aggs))
    .collectSync()
    .toRecords();

  // Step 3: the Pareto front of the runs, and of the group means.
  const runIds = runs.getColumn("run_id").toArray();
  const runCost = runs.getColumn("cost_usd").toArray();
  const runRate = runs.getColumn("slo_violation_rate").toArray();
  const runFront = paretoFront(runIds.map((_, i) => ({ cost: runCost[i], rate: runRate[i] })));
  const front = paretoFront(grouped.map((g) => ({ cost: g.cost_usd_mean, rate: g.slo_violation_rate_mean })));
  const groups = grouped.map((g, i) => ({
    params: Object.fromEntries(params.map((p) => [p, plain(g[p])])),
    runs: plain(g.runs),
    mean: Object.fromEntries(METRICS.map((m) => [m, plain(g[`${m}_mean`])])),
    std: Object.fromEntries(METRICS.map((m) => [m, plain(g[`${m}_std`])])),
    pareto: front[i],
  }));

  // Step 4: one run's utilization and power per interval.
  const runId = runArg ?? runIds[0];
  if (!runIds.includes(runId)) throw new InputError(`${summaryPath}: no run ${JSON.stringify(runId)}`);
  const runDir = join(dir, "runs", runId);
  const [hosts, hostsPath] = readRunTable(runDir, "hosts");
  requireColumns(hosts, hostsPath, ["time_s", "interval_s", "cpu_utilization", "power_w"]);
  if (hosts.height === 0) throw new InputError(`${hostsPath}: no rows`);
  const series = hosts
    .lazy()
    .groupBy("time_s")
    .agg(pl.len().alias("hosts"), pl.col("cpu_utilization").mean().alias("mean_cpu_utilization"), pl.col("power_w").sum().alias("total_power_w"))
    .sort("time_s")
    .collectSync();
  const interval = hosts.getColumn("interval_s").get(0);

  // Step 5: wait-time quantiles of the jobs that started.
  const [jobs, jobsPath] = readRunTable(runDir, "jobs");
  requireColumns(jobs, jobsPath, ["submit_s", "start_s", "wait_s", "status"]);
  const waits = jobs.getColumn("wait_s").dropNulls();
  const wait = { started: waits.len() };
  for (const [name, q] of Object.entries(QUANTILES)) wait[name] = waits.len() > 0 ? plain(waits.quantile(q, "linear")) : null;
  wait.max = waits.len() > 0 ? plain(waits.max()) : null;

  // Step 6: queue length at the end of each interval.
  const K = series.height;
  const queued = jobs.filter(pl.col("status").neq(pl.lit("rejected")));
  const perInterval = (col, name) =>
    queued
      .filter(pl.col(col).isNotNull())
      .select(pl.col(col).div(interval).floor().cast(pl.Int64).alias("k"))
      .groupBy("k")
      .agg(pl.len().cast(pl.Int64).alias(name));
  const queue = pl
    .DataFrame({ k: pl.intRange(0, K, 1, pl.Int64, true) })
    .join(perInterval("submit_s", "arrived"), { on: "k", how: "left" })
    .join(perInterval("start_s", "started"), { on: "k", how: "left" })
    .sort("k")
    .select(
      pl.col("k").add(1).mul(interval).cast(pl.Float64).alias("time_s"),
      pl.col("arrived").fillNull(0).cumSum().sub(pl.col("started").fillNull(0).cumSum()).alias("queued"),
    );

  return {
    sweep: dir,
    readers: { "nodejs-polars": version("nodejs-polars"), "apache-arrow": version("apache-arrow") },
    params,
    metrics: METRICS,
    runs: runs.height,
    groups,
    front_runs: runIds.filter((_, i) => runFront[i]),
    run_id: runId,
    interval_s: plain(interval),
    hosts_series: series.toRecords().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]))),
    queue: queue.toRecords().map((r) => ({ time_s: plain(r.time_s), queued: plain(r.queued) })),
    wait,
  };
}

async function runSQL(file) {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const conn = await (await DuckDBInstance.create(":memory:")).connect();
  const out = [];
  const statements = readIPC(file).toString("utf8").split(/;[ \t]*\n/).map((s) => s.trim()).filter((s) => s !== "");
  for (const [i, sql] of statements.entries()) {
    let rows;
    try {
      rows = (await conn.runAndReadAll(sql)).getRowObjects().length;
    } catch (e) {
      throw new InputError(`${file}: statement ${i + 1}: ${e.message}\n${sql}`);
    }
    out.push({ sql, rows });
  }
  return out;
}

const args = process.argv.slice(2);
const sqlMode = args[0] === "--sql";
const [dir, runArg, ...rest] = sqlMode ? args.slice(1) : args;
if (!dir || rest.length > 0 || (sqlMode && runArg !== undefined)) {
  process.stderr.write("usage: node examples.mjs SWEEP_DIR [RUN_ID]\n       node examples.mjs --sql FILE\n");
  process.exit(2);
}
try {
  const result = sqlMode ? await runSQL(dir) : analyze(dir, runArg);
  process.stdout.write(JSON.stringify(result, null, 1) + "\n");
} catch (e) {
  if (e instanceof InputError) {
    process.stderr.write(`examples.mjs: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`examples.mjs: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
}
