#!/usr/bin/env bash
# Paper figure 5, sync against async (max staleness 1) GRPO pipelines, with speculative (EAGLE, k=3) and plain
# rollouts. One torch thread per stage: the async pipeline's generation and trainer chain then run on a core each.
# Writes results/sync-async/ (sync-async.md/.csv, the rlspec report with stage-shares.png). 7 minutes on the loaded 2-core machine (see README).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
source "$here/common.sh"
policy=$(paper_policy)
dest=$out/sync-async && rm -rf "$dest" && mkdir -p "$dest/runs"

rlspec sweep configs/grpo-arithmetic.yaml --out "$work/pipe" --set model.checkpoint="$policy" "${train_common[@]}" \
  --set speculation.draft_tokens=3 --grid pipeline.mode=sync,async --grid speculation.enabled=true,false 2>&1 | tee "$dest/sweep.log"
cp "$work/pipe/sweep.md" "$work/pipe/sweep.csv" "$dest/"
cp -r "$work/pipe/report" "$dest/report"
for run in "$work/pipe"/*/; do [ -f "$run/metrics.csv" ] && cp "$run/metrics.csv" "$dest/runs/$(basename "$run").metrics.csv"; done
"$py" "$here/figures.py" sync-async "$dest"
echo "results in $dest"
