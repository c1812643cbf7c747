#!/bin/bash
# fivenines simulate as a Slurm job array: one shard per array task.
#
#   sbatch deploy/slurm.sh MODEL RUNS [SEED]
#   fivenines merge parts/part-*.json          # once every task is done
#
# Each task I of the array runs share I of the RUNS runs and writes
# $PARTS/part-I.json. SHARDS must equal the number of tasks of --array
# (0-15: 16); it is a variable, not SLURM_ARRAY_TASK_COUNT, so that a failed
# task can be rerun alone with the same plan:
#
#   sbatch --array=5 deploy/slurm.sh MODEL RUNS [SEED]
#
# Environment: SHARDS (default 16), PARTS (default parts), FIVENINES (the
# binary, default fivenines on PATH), EXTRA (more simulate options, such as
# "--mission 30d --target 99.99%": the same for every shard).
#SBATCH --job-name=fivenines
#SBATCH --array=0-15
#SBATCH --cpus-per-task=4
#SBATCH --time=02:00:00
#SBATCH --output=fivenines-%A_%a.log
set -euo pipefail

MODEL=${1:?usage: sbatch deploy/slurm.sh MODEL RUNS [SEED]}
RUNS=${2:?usage: sbatch deploy/slurm.sh MODEL RUNS [SEED]}
SEED=${3:-20261125}
SHARDS=${SHARDS:-16}
PARTS=${PARTS:-parts}
FIVENINES=${FIVENINES:-fivenines}
I=${SLURM_ARRAY_TASK_ID:?not a Slurm array task: SLURM_ARRAY_TASK_ID is not set}

mkdir -p "$PARTS"
# shellcheck disable=SC2086 # EXTRA holds several options
"$FIVENINES" simulate "$MODEL" --runs "$RUNS" --seed "$SEED" \
    --threads "${SLURM_CPUS_PER_TASK:-1}" --quiet ${EXTRA:-} \
    --shard "$I/$SHARDS" --out "$PARTS/part-$I.json"
