#!/usr/bin/env bash
# Paper figure 4, online drafter alignment against a frozen drafter, from a weak and a strong start: GRPO with EAGLE
# rollouts (k=3) where the head is aligned after every update (drafter.align=true) or never (false), starting from a
# head pretrained 10 steps (weak) or 150 steps (strong). The policy's learning rate is raised (1e-4) so that it moves
# within the short run. Writes results/alignment/ (alignment.md/.csv, the rlspec report with acceptance-length.png).
# 19 minutes on the loaded 2-core machine (see README).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
source "$here/common.sh"
policy=$(paper_policy)
dest=$out/alignment && rm -rf "$dest" && mkdir -p "$dest/runs"

# The weak start: the same policy with a head pretrained for 10 steps only.
weak=$work/weak-policy
mkdir -p "$weak" && cp "$policy"/*.json "$policy"/*.safetensors "$weak/"
rlspec train-eagle --policy "$weak" --steps 10 --threads $threads > "$dest/train-eagle-weak.log" 2>&1
for start in weak strong; do
  if [ $start = weak ]; then ckpt=$weak; else ckpt=$policy; fi
  rlspec sweep configs/grpo-arithmetic.yaml --out "$work/$start" --set model.checkpoint="$ckpt" "${train_common[@]}" \
    --set trainer.steps=10 --set trainer.learning_rate=0.0001 --set speculation.draft_tokens=3 --grid drafter.align=true,false \
    2>&1 | tee "$dest/sweep-$start.log"
  for run in "$work/$start"/*/; do [ -f "$run/metrics.csv" ] && cp "$run/metrics.csv" "$dest/runs/$start-$(basename "$run").metrics.csv"; done
done
rlspec report "$work"/weak/0*/ "$work"/strong/0*/ --out "$dest/report" 2>&1 | tee "$dest/report.log"
"$py" "$here/figures.py" alignment "$dest"
echo "results in $dest"
