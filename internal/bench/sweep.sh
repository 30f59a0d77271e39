#!/usr/bin/env bash
# Sweep-machinery benchmark: a sweep of 64 small runs (4 placements x 4 cluster sizes x 4 seeds
# of the built-in default scenario, $HORIZON of simulated time each, default 1h). It measures
#   - the sum of the single-run wall times (each run's wall_s, from sweep.json of a -j 1 sweep),
#   - the per-run overhead of the sweep machinery: (sweep wall at -j 1 - that sum) / 64,
#   - the sweep's wall time at -j <cores> against the ideal sum / cores (target: <= 1.15x),
#   - the same 64 runs as 64 separate 'dcsim run' processes, for comparison.
# Writes to tmpfs (DIR, default /dev/shm/dcsim-sweep-bench). Usage: internal/bench/sweep.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/dev/shm/dcsim-sweep-bench}
horizon=${HORIZON:-1h}   # simulated time of each run: 1h gives ~10 ms runs, 6h ~50 ms
cores=$(nproc)
go build -o bin/dcsim ./cmd/dcsim
mkdir -p "$dir"
cat > "$dir/bench.yaml" <<'YAML'
name: bench
base: default
seeds: 4
set: {horizon: HORIZON}
axes:
  scheduler.placement: [first-fit, best-fit, worst-fit, round-robin]
  cluster.host_groups.0.count: [350, 400, 450, 500]
YAML
sed -i "s/HORIZON/$horizon/" "$dir/bench.yaml"
now() { date +%s.%N; }
rm -rf "$dir/j1"
t0=$(now); ./bin/dcsim sweep "$dir/bench.yaml" -q -j 1 -o "$dir/j1" >/dev/null; t1=$(now)
sum=$(python3 -c 'import json,sys; print(sum(r["wall_s"] for r in json.load(open(sys.argv[1]))["runs"]))' "$dir/j1/sweep.json")
rm -rf "$dir/jn"
t2=$(now); ./bin/dcsim sweep "$dir/bench.yaml" -q -j "$cores" -o "$dir/jn" >/dev/null; t3=$(now)
cmp "$dir/j1/summary.arrow" "$dir/jn/summary.arrow"
# The same runs as separate processes, one at a time.
t4=$(now)
./bin/dcsim sweep "$dir/bench.yaml" --dry-run | tail -n +2 | while read -r idx id rep seed placement count; do
  ./bin/dcsim run default -q -o "$dir/proc" --set horizon="$horizon" --set scheduler.placement="$placement" \
    --set cluster.host_groups.0.count="$count" --seed "$seed"
done
t5=$(now)
python3 - "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$sum" "$cores" <<'PY'
import sys
t0, t1, t2, t3, t4, t5, s, cores = map(float, sys.argv[1:])
j1, jn, procs = t1 - t0, t3 - t2, t5 - t4
print(f"runs: 64; cores: {cores:.0f}")
print(f"sum of single-run wall times: {s:.3f} s (mean {s/64*1000:.1f} ms per run)")
print(f"sweep -j 1: {j1:.3f} s; overhead per run {(j1 - s)/64*1000:.1f} ms")
print(f"sweep -j {cores:.0f}: {jn:.3f} s; ideal sum/cores {s/cores:.3f} s; ratio {jn/(s/cores):.3f} (target <= 1.15)")
print(f"64 separate 'dcsim run' processes: {procs:.3f} s")
PY
rm -rf "$dir"
