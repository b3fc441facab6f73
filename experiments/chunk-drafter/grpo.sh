#!/usr/bin/env bash
# Same learning with the chunk drafter: the speculative experiment's sweep (configs/grpo-arithmetic.yaml, 60 GRPO steps,
# seeds 1 to 3, speculative against plain) with `speculation.drafter: chunk`, from a tiny policy with a chunk head
# beside it in $1 (default: a fresh warm start and 150 steps of train-chunk). Writes results/grpo/: the sweep table,
# each run's metrics, reward curves and the stage breakdown (about 8 minutes on 2 cores with a trained policy).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
out=$out/grpo && mkdir -p "$out"
policy=${1:-$work/tiny}
[ -f "$policy/config.json" ] || rlspec sft --out "$policy" --threads 2 > "$out/sft.log" 2>&1
[ -d "$policy/chunk" ] || rlspec train-chunk --policy "$policy" --steps 150 --threads 2 > "$out/train-chunk.log" 2>&1
rlspec sweep configs/grpo-arithmetic.yaml --out "$work/sweep" \
  --set model.checkpoint="$policy" --set model.threads=2 --set trainer.steps=60 --set speculation.drafter=chunk \
  --grid speculation.enabled=true,false --grid seed=1,2,3 2>&1 | tee "$out/sweep.log"
cp "$work/sweep/sweep.csv" "$work/sweep/sweep.md" "$out/"
for run in "$work"/sweep/*/metrics.csv; do cp "$run" "$out/$(basename "$(dirname "$run")").metrics.csv"; done
"${RLSPEC_PYTHON:-/usr/bin/python3}" "$here/../grpo-speculative/plot.py" "$out"
echo "results in $out (runs in $work/sweep)"
