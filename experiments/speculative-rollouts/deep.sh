#!/usr/bin/env bash
# The deep preset (16 layers, hidden 128: a 1-layer drafter costs what it costs beside a real LLM): warm start, EAGLE and
# chunk heads, `bench generation` over live batch sizes 1..64 and `bench rollout` of one GRPO step (quickstart shape),
# then the plot of speedup against live batch size. Usage: deep.sh [POLICY_DIR] (a deep policy with eagle/ and chunk/
# beside it skips the training). Writes results/deep-* (about 30 minutes on 2 cores; benchmarks run on 1 thread).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"

policy=${1:-$work/deep}
if [ ! -f "$policy/config.json" ]; then
  rlspec sft --preset deep --out "$policy" --threads 2                       > "$out/deep-sft.log" 2>&1
fi
# 300 head steps (the train-eagle default): acceptance length 4.2 at k = 4, against 3.8 after 150.
[ -d "$policy/eagle" ] || rlspec train-eagle --policy "$policy" --steps 300 --threads 2 > "$out/deep-train-eagle.log" 2>&1
[ -d "$policy/chunk" ] || rlspec train-chunk --policy "$policy" --steps 150 --threads 2 > "$out/deep-train-chunk.log" 2>&1
rlspec bench generation --checkpoint "$policy" --drafter eagle,chunk,ngram --batch 1,2,4,8,16,32,64 --adaptive both --repeats 3 \
  --threads 1 --json "$out/deep-bench-generation.json"                          2>&1 | tee "$out/deep-bench-generation.log"
# Up to 8 drafts: at batch 1 a 9-token verify costs about what a 5-token one does; the controller picks k per live count.
rlspec bench generation --checkpoint "$policy" --drafter eagle --draft-tokens 8 --batch 1,2,4,8,16,32,64 --adaptive both --repeats 3 \
  --threads 1 --json "$out/deep-bench-generation-k8.json"                       2>&1 | tee "$out/deep-bench-generation-k8.log"
# Warm-up steps first: in RL the controller lives through the whole run, so it starts a step having learnt the costs.
for method in eagle:4 chunk:4 eagle:8; do
  drafter=${method%:*} k=${method#*:}
  rlspec bench rollout --checkpoint "$policy" --set speculation.drafter=$drafter --set speculation.draft_tokens=$k --adaptive both \
    --warmup 3 --repeats 6 --threads 1 --json "$out/deep-bench-rollout-$drafter-k$k.json" 2>&1 | tee "$out/deep-bench-rollout-$drafter-k$k.log"
done
/usr/bin/python3 "$here/plot_live_batch.py" "$out/deep-bench-generation.json" "$out/deep-bench-generation-k8.json" "$out/deep-speedup-vs-live-batch.png"
