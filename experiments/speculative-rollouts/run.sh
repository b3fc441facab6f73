#!/usr/bin/env bash
# Speculative rollouts on the built-in task, end to end: warm-started policy, a distilled draft model, MTP heads,
# the losslessness check and the generation benchmark. Writes JSON and logs to results/ (about 15 minutes on 2 cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"

rlspec sft --out "$work/policy" --threads 2                                     2>&1 | tee "$out/sft.log"
rlspec train-drafter --policy "$work/policy" --layers 2 --steps 600 --threads 2 2>&1 | tee "$out/train-drafter.log"
rlspec train-mtp --policy "$work/policy" --out "$work/policy-mtp" --heads 4 --steps 300 --threads 2 2>&1 | tee "$out/train-mtp.log"
# The demanding check: a random policy with spread-out distributions, every drafter, temperatures and filters.
rlspec verify-lossless --json "$out/lossless-random-policy.json" --threads 2     2>&1 | tee "$out/lossless-random-policy.log"
# The realistic one: the warm-started policy with its trained drafters.
rlspec verify-lossless --checkpoint "$work/policy-mtp" --drafter-checkpoint "$work/policy/drafter" --top-k 0 \
  --json "$out/lossless-warm-policy.json" --threads 2                            2>&1 | tee "$out/lossless-warm-policy.log"
rlspec bench generation --checkpoint "$work/policy-mtp" --drafter-checkpoint "$work/policy/drafter" \
  --drafter ngram,draft-model,mtp --threads 1 --json "$out/bench-generation.json" 2>&1 | tee "$out/bench-generation.log"
bash "$here/eagle.sh" "$work/policy"
echo "results in $out (checkpoints in $work)"
