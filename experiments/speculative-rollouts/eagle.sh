#!/usr/bin/env bash
# The EAGLE drafter's rows: pretrain a head beside a warm-started policy, check losslessness with it (warm policy)
# and with a random head on the demanding random policy, and benchmark it against n-gram drafting at batch 1, 8, 64.
# Usage: eagle.sh [POLICY_DIR]   (default: a fresh warm start). Writes results/eagle-* (about 12 minutes on 2 cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"

policy=${1:-}
if [ -z "$policy" ]; then
  policy=$work/policy
  rlspec sft --out "$policy" --threads 2 > "$out/eagle-sft.log" 2>&1
fi
rlspec train-eagle --policy "$policy" --steps 300 --threads 2 --overwrite 2>&1 | tee "$out/eagle-train.log"
rlspec verify-lossless --drafter eagle,mtp --json "$out/eagle-lossless-random-policy.json" --threads 2 2>&1 | tee "$out/eagle-lossless-random-policy.log"
rlspec verify-lossless --checkpoint "$policy" --drafter eagle --top-k 0 --json "$out/eagle-lossless-warm-policy.json" --threads 2 \
  2>&1 | tee "$out/eagle-lossless-warm-policy.log"
rlspec bench generation --checkpoint "$policy" --drafter eagle,ngram --batch 1,8,64 --adaptive both --threads 1 \
  --json "$out/eagle-bench-generation.json" 2>&1 | tee "$out/eagle-bench-generation.log"
