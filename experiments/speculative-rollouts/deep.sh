#!/usr/bin/env bash
# The deep preset (16 layers, hidden 128: a 1-layer drafter costs what it costs beside a real LLM): warm start, EAGLE and
# chunk heads, `bench generation` over live batch sizes 1..64 and `bench rollout` of one GRPO step (quickstart shape),
# then the plot of speedup against live batch size. Usage: deep.sh [POLICY_DIR] (a deep policy with eagle/ and chunk/
# beside it skips the training). Writes results/deep-* (about 45 minutes on 2 cores; benchmarks run on 1 thread).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"

policy=${1:-$work/deep}
if [ ! -f "$policy/config.json" ]; then
  rlspec sft --preset deep --out "$policy" --threads 2                       > "$out/deep-sft.log" 2>&1
fi
[ -d "$policy/eagle" ] || rlspec train-eagle --policy "$policy" --steps 150 --threads 2 > "$out/deep-train-eagle.log" 2>&1
[ -d "$policy/chunk" ] || rlspec train-chunk --policy "$policy" --steps 150 --threads 2 > "$out/deep-train-chunk.log" 2>&1
rlspec bench generation --checkpoint "$policy" --drafter eagle,chunk,ngram --batch 1,2,4,8,16,32,64 --adaptive both --repeats 3 \
  --threads 1 --json "$out/deep-bench-generation.json"                          2>&1 | tee "$out/deep-bench-generation.log"
for drafter in eagle chunk; do
  rlspec bench rollout --checkpoint "$policy" --set speculation.drafter=$drafter --adaptive both --repeats 3 --threads 1 \
    --json "$out/deep-bench-rollout-$drafter.json"                              2>&1 | tee "$out/deep-bench-rollout-$drafter.log"
done
/usr/bin/python3 "$here/plot_live_batch.py" "$out/deep-bench-generation.json" "$out/deep-speedup-vs-live-batch.png"
