#!/usr/bin/env bash
# GRPO on the deep preset, speculative (EAGLE or chunk, k = 4 fixed) against plain, 12 steps, seeds 1 to 3, from a deep policy
# with its EAGLE (or chunk) head in $1 (experiments/speculative-rollouts/deep.sh makes one for arithmetic, chain.sh for chain).
# $2: the task (arithmetic, default, into results/deep/; chain into results/deep-chain/). Runs alternate spec/plain per seed;
# SEEDS="2" reruns only those seeds (the summary reads every seed's files); DRAFTER=chunk drafts with the chunk head
# beside the policy instead (into results/deep-chunk/ or deep-chain-chunk/). THREADS (default 1; -1 = every core, the
# quickstart's) and STEPS (default 12) change the runs; TAG=name writes into results/deep…-name/ instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
policy=${1:?usage: deep.sh DEEP_POLICY_DIR [arithmetic|chain]}
task=${2:-arithmetic}
drafter=${DRAFTER:-eagle}
out=$out/$([ "$task" = arithmetic ] && echo deep || echo "deep-$task")$([ "$drafter" = eagle ] || echo "-$drafter")${TAG:+-$TAG} && mkdir -p "$out"
for seed in ${SEEDS:-1 2 3}; do
  for spec in true false; do
    name=$([ $spec = true ] && echo spec || echo plain)-$seed
    rlspec train --set model.checkpoint="$policy" --set task.kind="$task" --set model.threads=${THREADS:-1} --set trainer.steps=${STEPS:-12} --set seed=$seed \
      --set speculation.enabled=$spec --set speculation.drafter="$drafter" --set logging.run_dir="$work/$name" > "$out/$name.log" 2>&1
    cp "$work/$name/metrics.csv" "$out/$name.metrics.csv"
  done
done
/usr/bin/python3 "$here/summarize_deep.py" "$out" | tee "$out/summary.md"
