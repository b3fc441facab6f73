#!/usr/bin/env bash
# The long-tailed `chain` task (1 to 6 operations with a scratchpad, n drawn ∝ ½ⁿ⁻¹) on the deep preset: warm start on
# chains, an EAGLE head trained 300 steps on the policy's chain samples, then `bench rollout` of one GRPO step
# (16 prompts × 8 samples, 64 slots), plain vs fixed and adaptive k. Usage: chain.sh [POLICY_DIR] (a deep chain policy
# with eagle/ beside it skips the training). Writes results/chain-deep-* (about 35 minutes on 1-2 threads).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"

policy=${1:-$work/deep-chain}
if [ ! -f "$policy/config.json" ]; then
  rlspec sft --preset deep --task chain --out "$policy" --threads 2                               > "$out/chain-deep-sft.log" 2>&1
fi
[ -d "$policy/eagle" ] || rlspec train-eagle --policy "$policy" --task chain --steps 300 --threads 2 > "$out/chain-deep-train-eagle.log" 2>&1
rlspec bench rollout --checkpoint "$policy" --set task.kind=chain --adaptive both --warmup 2 --repeats 5 --threads 1 \
  --json "$out/chain-deep-bench-rollout-eagle.json"                                               2>&1 | tee "$out/chain-deep-bench-rollout-eagle.log"
