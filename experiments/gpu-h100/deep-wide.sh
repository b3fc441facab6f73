#!/usr/bin/env bash
# The deep preset and a wide variant (hidden 1024, 16 layers, about 180M parameters) on the GPU: the CPU experiments'
# rows (`../speculative-rollouts/deep.sh`): `bench generation` EAGLE and n-gram at 1 to 64 slots with fixed and
# adaptive k, and `bench rollout` (one GRPO step, 16 prompts × 8 samples in 64 slots). The deep policy and its EAGLE
# head come from the pack when pack.sh was given DEEP=DIR (the CPU rows' own checkpoint, so the rows compare devices
# on one policy), else they are trained here; the wide one is always trained here (400 SFT steps, a 150-step head).
# Runs from the pack: `bash PACK/deep-wide.sh OUT [deep|wide|all]` (default all). Each command has its own time limit
# and writes its log and JSON as it ends; the limits add up to 320 s for deep with a packed checkpoint (740 s
# without) and 580 s for wide, so under a 10-minute cap per call run the two phases as two calls.
# SMOKE=1 bash experiments/gpu-h100/deep-wide.sh OUT runs every command on the CPU with a few steps, from the
# repository's build: the check to make before device time is spent.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: deep-wide.sh OUT_DIR [deep|wide|all]}
phase=${2:-all}
mkdir -p "$out"
if [ -n "${SMOKE:-}" ]; then
  rlspec_cmd=(dotnet "$here/../../Trainer/bin/Release/net10.0/linux-x64/rlspec.dll")
  device=cpu sft_steps=2 head_steps=2 repeats=1 warmup=0 smoke_batches=1,8 work=$(mktemp -d)
  rollout_shape=(--set rollout.prompts_per_step=2 --set rollout.group_size=2 --set rollout.max_new_tokens=8) short=(--max-new-tokens 16)
else
  source "$here/device-env.sh"
  device=cuda sft_steps=0 head_steps=0 repeats=3 warmup=2 work=/tmp/deep-wide
  rollout_shape=() short=()
  nvidia-smi -L > "$out/gpu.txt"
fi
mkdir -p "$work"

# step NAME LIMIT_S ARGS…: one rlspec command under a time limit, its output in OUT/NAME.log.
step() {
  local name=$1 limit=$2; shift 2
  echo "[$(date +%T)] $name"
  timeout -k 10 "$limit" "${rlspec_cmd[@]}" "$@" --device "$device" > "$out/$name.log" 2>&1 || echo "$name: exit $? (see $name.log)"
  tail -n 14 "$out/$name.log"
}
# pick N OVERRIDE: the smoke run's step count where it sets one, else N.
pick() { if [ "$2" -gt 0 ]; then echo "$2"; else echo "$1"; fi; }
# batches LIST: the slot counts to bench (the smoke run's fewer).
batches() { if [ -n "${SMOKE:-}" ]; then echo "$smoke_batches"; else echo "$1"; fi; }

# Train a policy of the given shape with its EAGLE head in DIR unless one is there.
# Usage: policy DIR NAME SFT_STEPS HEAD_STEPS LIMIT_S [sft flags…] (LIMIT_S for each of the two commands)
policy() {
  local dir=$1 name=$2 sft=$3 head=$4 limit=$5; shift 5
  [ -f "$dir/config.json" ] || step "$name-sft" "$limit" sft --preset deep "$@" --steps "$(pick "$sft" "$sft_steps")" --eval-count 64 --out "$dir"
  [ -d "$dir/eagle" ] || step "$name-train-eagle" "$limit" train-eagle --policy "$dir" --steps "$(pick "$head" "$head_steps")" "${short[@]}"
}

# bench NAME DIR DRAFTERS BATCHES LIMIT_GENERATION LIMIT_ROLLOUT: the bench generation and bench rollout rows of one policy.
bench() {
  local name=$1 dir=$2 drafters=$3
  step "$name-bench-generation" "$5" bench generation --checkpoint "$dir" --drafter "$drafters" --batch "$(batches "$4")" --adaptive both \
    --repeats "$repeats" "${short[@]}" --json "$out/$name-bench-generation.json"
  step "$name-bench-rollout" "$6" bench rollout --checkpoint "$dir" "${rollout_shape[@]}" --adaptive both --warmup "$warmup" \
    --repeats "$repeats" --json "$out/$name-bench-rollout.json"
}

if [ "$phase" != wide ]; then
  deep=$here/deep
  [ -f "$deep/config.json" ] || deep=$work/deep
  policy "$deep" deep 800 300 210
  bench deep "$deep" eagle,ngram 1,2,4,8,16,32,64 200 120
fi

if [ "$phase" != deep ]; then
  # Wide: 16 query / 4 KV heads of 64, SwiGLU 2816 (Llama's ratio); a lower peak learning rate than the 128-wide presets'.
  policy "$work/wide" wide 400 150 200 --hidden 1024 --heads 16 --kv-heads 4 --intermediate 2816 --lr 0.001
  bench wide "$work/wide" eagle 1,8,64 150 30
fi
echo "[$(date +%T)] done"
