#!/usr/bin/env bash
# Parallel-engine scaling benchmark: the built-in fleet scenario (one simulated day) and
# parallel PHOLD at 1, 2, 4, 8, 16 workers (those up to the number of CPUs). Writes result
# files to tmpfs (DIR, default /dev/shm/dcsim-scaling) so disk speed does not blur the figures.
# Prints one Markdown table row per run; usage: internal/bench/scaling.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/dev/shm/dcsim-scaling}
cpus=$(nproc)
go build -o bin/dcsim ./cmd/dcsim
echo "| benchmark | workers | wall s | speed-up | M events/s | barrier wait |"
echo "|---|---|---|---|---|---|"
base=""
for w in 1 2 4 8 16; do
  [ "$w" -le "$cpus" ] || continue
  rm -rf "$dir"
  ./bin/dcsim run fleet -o "$dir" --workers "$w" -q
  read -r wall evs wait < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["wall_s"], r["events_per_s"]/1e6, r.get("barrier_wait_fraction",0)*100)' "$dir/run.json")
  base=${base:-$wall}
  printf '| fleet (32 cells x 1,000 hosts, 24 h) | %d | %.1f | %.2fx | %.2f | %.0f%% |\n' "$w" "$wall" "$(python3 -c "print($base/$wall)")" "$evs" "$wait"
done
rm -rf "$dir"
go test -run '^$' -bench 'ParallelPHOLD' -benchtime 3x ./sim/ | grep Benchmark
