#!/bin/bash
# A dcsim sweep split over a Slurm job array: array task i runs shard i of N (dcsim reads
# SLURM_ARRAY_TASK_ID, minus SLURM_ARRAY_TASK_MIN). All tasks write into one folder on the
# shared filesystem; a dependent job merges them when every task has finished:
#
#   jid=$(sbatch --parsable docs/deploy/slurm-array.sh sweep.yaml /scratch/$USER/sweep)
#   sbatch --dependency=afterok:$jid --wrap "dcsim merge /scratch/$USER/sweep -o /scratch/$USER/sweep"
#
# A task that fails can be resubmitted alone (sbatch --array=3 ...); it skips the runs it
# already completed.
#SBATCH --job-name=dcsim-sweep
#SBATCH --array=0-15
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=04:00:00
#SBATCH --output=dcsim-sweep-%A_%a.log
set -euo pipefail
SWEEP=${1:?usage: sbatch slurm-array.sh SWEEP.yaml OUTDIR}
OUT=${2:?usage: sbatch slurm-array.sh SWEEP.yaml OUTDIR}
# The shard count is the array's size, so that changing --array above is the only edit.
N=${SLURM_ARRAY_TASK_COUNT:-16}
exec dcsim sweep "$SWEEP" -o "$OUT" --shard "auto/$N" -j "${SLURM_CPUS_PER_TASK:-1}"
