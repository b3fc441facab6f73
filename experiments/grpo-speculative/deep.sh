#!/usr/bin/env bash
# GRPO on the deep preset, speculative (EAGLE, k = 4 fixed) against plain, 12 steps, seeds 1 to 3, from a deep policy
# with its EAGLE head in $1 (experiments/speculative-rollouts/deep.sh makes one). Runs alternate spec/plain per seed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
out=$out/deep && mkdir -p "$out"
policy=${1:?usage: run.sh DEEP_POLICY_DIR}
for seed in 1 2 3; do
  for spec in true false; do
    name=$([ $spec = true ] && echo spec || echo plain)-$seed
    rlspec train --set model.checkpoint="$policy" --set model.threads=1 --set trainer.steps=12 --set seed=$seed \
      --set speculation.enabled=$spec --set logging.run_dir="$work/$name" > "$out/$name.log" 2>&1
    cp "$work/$name/metrics.csv" "$out/$name.metrics.csv"
  done
done
/usr/bin/python3 "$here/summarize_deep.py" "$out" | tee "$out/summary.md"
