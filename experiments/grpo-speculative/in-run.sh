#!/usr/bin/env bash
# Speculative against plain generation inside one GRPO run, free of the drift between separate runs: the deep preset,
# EAGLE k = 4, 13 steps with `speculation.plain_every: 2` (steps 2, 4, …, 12 plain; 3, 5, …, 13 speculative; step 1
# warm-up), seeds 1 to 3. $1: a deep policy with its EAGLE head; $2: the task (arithmetic, default, or chain).
# Writes results/in-run-TASK/: each run's summary.md and metrics, and table.md (about 4 minutes per task on 2 cores).
# TAG=name SETS="key=value …" adds those overrides and writes results/in-run-TASK-name/ instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
policy=${1:?usage: in-run.sh DEEP_POLICY_DIR [arithmetic|chain]}
task=${2:-arithmetic}
out=$out/in-run-$task${TAG:+-$TAG} && mkdir -p "$out"
extra=(); for kv in ${SETS:-}; do extra+=(--set "$kv"); done
for seed in 1 2 3; do
  rlspec train --set model.checkpoint="$policy" --set task.kind="$task" --set model.threads=1 --set trainer.steps=13 --set seed=$seed \
    --set speculation.plain_every=2 "${extra[@]}" --set logging.run_dir="$work/seed-$seed" > "$out/seed-$seed.log" 2>&1
  cp "$work/seed-$seed/metrics.csv" "$out/seed-$seed.metrics.csv"
  cp "$work/seed-$seed/summary.md" "$out/seed-$seed.summary.md"
done
{
  echo "| seed | speculative steps: tokens/s | plain steps: tokens/s | generation speedup |"
  echo "|---|---|---|---|"
  for seed in 1 2 3; do
    grep -o "speculative [0-9]* tokens/s over [0-9]* steps, plain [0-9]* tokens/s over [0-9]* (speculation.plain_every) → speedup [0-9.]*x" "$out/seed-$seed.summary.md" \
      | sed -E "s/speculative ([0-9]+) tokens\/s over ([0-9]+) steps, plain ([0-9]+) tokens\/s over ([0-9]+) .*speedup ([0-9.]+x)/| $seed | \1 (\2 steps) | \3 (\4 steps) | \5 |/"
  done
} | tee "$out/table.md"
