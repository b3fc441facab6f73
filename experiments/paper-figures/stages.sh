#!/usr/bin/env bash
# Paper figure 1, the stage-time table with and without speculation: GRPO with EAGLE (k=3, as in the paper) and
# plain rollouts, two seeds each, on the shared warm-started policy. Writes results/stages/ (stages.md/.csv: seconds
# per stage beside the paper's, the step ceiling; the rlspec report with stage-shares.png). 7 minutes on the loaded 2-core machine (see README).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
source "$here/common.sh"
policy=$(paper_policy)
dest=$out/stages && rm -rf "$dest" && mkdir -p "$dest/runs"

rlspec sweep configs/grpo-arithmetic.yaml --out "$work/stages" --set model.checkpoint="$policy" "${train_common[@]}" \
  --set speculation.draft_tokens=3 --grid speculation.enabled=true,false --grid seed=1,2 2>&1 | tee "$dest/sweep.log"
cp "$work/stages/sweep.md" "$work/stages/sweep.csv" "$dest/"
cp -r "$work/stages/report" "$dest/report"
for run in "$work/stages"/*/; do [ -f "$run/metrics.csv" ] && cp "$run/metrics.csv" "$dest/runs/$(basename "$run").metrics.csv"; done
"$py" "$here/figures.py" stages "$dest"
echo "results in $dest"
