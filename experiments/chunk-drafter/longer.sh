#!/usr/bin/env bash
# The chunk head with a longer training budget: its KL was still falling at 150 steps (it learns k distributions from one
# state). Trains a chunk head for $STEPS (default 600) steps on a copy of POLICY_DIR's policy, keeping the EAGLE head that
# POLICY_DIR/eagle holds, then benchmarks both at batch 1, 8 and 64 and plots acceptance by draft position.
# Usage: longer.sh POLICY_DIR (the deep policy of ../speculative-rollouts/deep.sh, or run.sh's tiny one).
# Writes results/<policy name>-chunk<STEPS>-* (about 12 minutes on 2 cores for the deep policy).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"

policy=${1:?usage: longer.sh POLICY_DIR (with an EAGLE head in POLICY_DIR/eagle)}
steps=${STEPS:-600}
name=$(basename "$policy")-chunk$steps
copy=$work/$name && mkdir -p "$copy"
cp "$policy"/*.json "$policy"/*.safetensors "$copy"/ && cp -r "$policy/eagle" "$copy"/
rlspec train-chunk --policy "$copy" --steps "$steps" --threads 2                > "$out/$name-train-chunk.log" 2>&1
rlspec bench generation --checkpoint "$copy" --drafter eagle,chunk --batch 1,8,64 --adaptive off --repeats 3 --threads 1 \
  --json "$out/$name-bench-generation.json"                                     2>&1 | tee "$out/$name-bench-generation.log"
/usr/bin/python3 "$here/plot_positions.py" "$out/$name-bench-generation.json" "$out/$name-acceptance-by-position.png"
