#!/usr/bin/env bash
# Runs on a machine with an NVIDIA GPU and a CUDA PyTorch (2.11 was used) but no .NET: unpacks the runtime, points the
# dynamic loader at PyTorch's libtorch, and runs the GPU measurements from the repository root. Usage: run.sh OUT_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: run.sh OUT_DIR}
mkdir -p "$out"
source "$here/device-env.sh"
rlspec=("${rlspec_cmd[@]}")
policy=$here/policy
nvidia-smi -L > "$out/gpu.txt"
step() { local name=$1 limit=$2; shift 2; timeout "$limit" "${rlspec[@]}" "$@" > "$out/$name.log" 2>&1; tail -n 30 "$out/$name.log"; }
step bench-decode 60 bench decode --checkpoint "$policy" --device cuda --batch 1 8 64 --repeats 3
step bench-generation 150 bench generation --checkpoint "$policy" --drafter eagle,ngram --batch 1,8,64 --device cuda --json "$out/bench-generation.json"
step lossless-warm-policy 200 verify-lossless --checkpoint "$policy" --drafter eagle,ngram --temperature 0,1.0 --top-k 0 --top-p 1.0,0.9 \
  --device cuda --json "$out/lossless-warm-policy.json"
step lossless-random-policy 400 verify-lossless --drafter eagle,random --temperature 0.6,1.0 --top-k 0,8 --top-p 1.0,0.9 \
  --device cuda --json "$out/lossless-random-policy.json"
for mode in sync async; do
  for spec in true false; do
    step "train-$mode-spec-$spec" 150 train configs/grpo-arithmetic.yaml --set model.device=cuda --set model.checkpoint="$policy" \
      --set trainer.steps=20 --set task.eval_prompts=64 --set pipeline.mode=$mode --set speculation.enabled=$spec --set logging.run_dir=/tmp/run-$mode-$spec
    cp "/tmp/run-$mode-$spec/metrics.csv" "$out/$mode-spec-$spec.metrics.csv"
  done
done
