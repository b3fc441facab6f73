#!/usr/bin/env bash
# Where a step's time goes, and what overlapping generation with training buys: GRPO on the built-in task with the
# sync and async (max staleness 1) actor pipelines, speculative (EAGLE, k=4) and plain rollouts, two seeds, with one
# torch thread per stage (so the async pipeline's two concurrent stages get a core each on this 2-core machine), plus
# sync vs async with two threads. Writes the sweep tables, per-run metrics and results/pipeline.md (about 15 minutes).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"

warm_policy_with_eagle "$work/policy"
common=(--set model.checkpoint="$work/policy" --set trainer.steps=30)
rlspec sweep configs/grpo-arithmetic.yaml --out "$work/threads1" "${common[@]}" --set model.threads=1 \
  --grid pipeline.mode=sync,async --grid speculation.enabled=true,false --grid seed=1,2 2>&1 | tee "$out/sweep-threads1.log"
rlspec sweep configs/grpo-arithmetic.yaml --out "$work/threads2" "${common[@]}" --set model.threads=2 --set seed=1 \
  --grid pipeline.mode=sync,async --grid speculation.enabled=true,false 2>&1 | tee "$out/sweep-threads2.log"
for sweep in threads1 threads2; do
  cp "$work/$sweep/sweep.csv" "$out/sweep-$sweep.csv"
  cp "$work/$sweep/sweep.md" "$out/sweep-$sweep.md"
  for run in "$work/$sweep"/*/; do cp "$run/metrics.csv" "$out/$sweep-$(basename "$run").metrics.csv"; done
done
"${RLSPEC_PYTHON:-/usr/bin/python3}" "$here/summarize.py" "$out"
echo "results in $out (runs in $work)"
