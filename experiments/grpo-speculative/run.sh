#!/usr/bin/env bash
# Same learning, different speed: GRPO on the built-in task with speculative (EAGLE, k=4) and plain rollouts,
# three seeds each, from one warm-started policy and one pretrained drafter. Writes the sweep table, reward
# curves with error bars and the stage breakdown to results/ (about 15 minutes on 2 cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"

warm_policy_with_eagle "$work/policy"
rlspec sweep configs/grpo-arithmetic.yaml --out "$work/sweep" \
  --set model.checkpoint="$work/policy" --set model.threads=2 --set trainer.steps=60 \
  --grid speculation.enabled=true,false --grid seed=1,2,3 2>&1 | tee "$out/sweep.log"
cp "$work/sweep/sweep.csv" "$work/sweep/sweep.md" "$out/"
for run in "$work"/sweep/*/metrics.csv; do cp "$run" "$out/$(basename "$(dirname "$run")").metrics.csv"; done
"${RLSPEC_PYTHON:-/usr/bin/python3}" "$here/plot.py" "$out"
echo "results in $out (runs in $work/sweep)"
