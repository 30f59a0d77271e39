#!/usr/bin/env bash
# Sweep-machinery benchmark: a sweep of 64 small runs (4 placements x 4 cluster sizes x 4 seeds
# of the built-in default scenario, HORIZON of simulated time each, default 1h: ~10 ms runs;
# 6h: ~50 ms). Repeated REPS times (default 5), alternating, it measures
#   - the sum of the single-run wall times (each run's wall_s, from sweep.json of a -j 1 sweep),
#   - the per-run overhead of the sweep machinery: (sweep wall at -j 1 - that sum) / 64,
#   - the sweep's wall time at -j <cores> against the ideal sum / cores (target: <= 1.15x),
#   - once, the same 64 runs as 64 separate 'dcsim run' processes, for comparison,
# and prints the median and range of each. Writes to tmpfs (DIR, default
# /dev/shm/dcsim-sweep-bench). Usage: [HORIZON=6h] [REPS=5] internal/bench/sweep.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/dev/shm/dcsim-sweep-bench}
horizon=${HORIZON:-1h}
reps=${REPS:-5}
cores=$(nproc)
go build -o bin/dcsim ./cmd/dcsim
rm -rf "$dir"; mkdir -p "$dir"
cat > "$dir/bench.yaml" <<YAML
name: bench
base: default
seeds: 4
set: {horizon: $horizon}
axes:
  scheduler.placement: [first-fit, best-fit, worst-fit, round-robin]
  cluster.host_groups.0.count: [350, 400, 450, 500]
YAML
python3 - "$dir" "$cores" "$reps" "$horizon" <<'PY'
import json, statistics, subprocess, sys, time, shutil
d, cores, reps, horizon = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def sweep(j):
    out = f"{d}/j{j}"
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run(["./bin/dcsim", "sweep", f"{d}/bench.yaml", "-q", "-j", str(j), "-o", out], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t, out
sums, over, ratios, walls = [], [], [], []
for _ in range(reps):
    t1, o1 = sweep(1)
    s = sum(r["wall_s"] for r in json.load(open(f"{o1}/sweep.json"))["runs"])
    tn, on = sweep(cores)
    assert open(f"{o1}/summary.arrow", "rb").read() == open(f"{on}/summary.arrow", "rb").read()
    sums.append(s); over.append((t1 - s) / 64 * 1000); ratios.append(tn / (s / cores)); walls.append(tn)
runs = subprocess.run(["./bin/dcsim", "sweep", f"{d}/bench.yaml", "--dry-run"], check=True, capture_output=True, text=True).stdout.splitlines()[1:]
t = time.perf_counter()
for line in runs:
    _, _, _, seed, placement, count = line.split()
    subprocess.run(["./bin/dcsim", "run", "default", "-q", "-o", f"{d}/proc", "--set", f"horizon={horizon}",
                    "--set", f"scheduler.placement={placement}", "--set", f"cluster.host_groups.0.count={count}", "--seed", seed], check=True)
procs = time.perf_counter() - t
f = lambda xs, u="": f"median {statistics.median(xs):.3f}{u} (range {min(xs):.3f}-{max(xs):.3f})"
print(f"64 runs of {horizon}, {cores} cores, {reps} repetitions")
print(f"sum of single-run wall times: {f(sums, ' s')}")
print(f"sweep overhead per run at -j 1: {f(over, ' ms')}")
print(f"sweep -j {cores} wall: {f(walls, ' s')}")
print(f"ratio to the ideal sum/cores: {f(ratios)} (target <= 1.15)")
print(f"64 separate 'dcsim run' processes, one at a time: {procs:.3f} s; sweep -j {cores} / that: {statistics.median(walls)/procs:.2f}")
PY
rm -rf "$dir"
