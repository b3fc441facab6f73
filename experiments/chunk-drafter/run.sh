#!/usr/bin/env bash
# The chunk drafter against EAGLE on the same policy: train both heads on the same data budget, certify the chunk
# drafter lossless with its trained head, then benchmark both at batch 1, 8 and 64 and plot acceptance by draft
# position. Usage: run.sh [POLICY_DIR] (default: a fresh warm start of the tiny preset; pass the deep policy of
# ../speculative-rollouts/deep.sh for the deep rows). Writes results/<policy name>-* (about 20 minutes on 2 cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"

policy=${1:-$work/tiny}
[ -f "$policy/config.json" ] || rlspec sft --out "$policy" --threads 2 > "$out/tiny-sft.log" 2>&1
name=$(basename "$policy")
[ -d "$policy/eagle" ] || rlspec train-eagle --policy "$policy" --steps 150 --threads 2 > "$out/$name-train-eagle.log" 2>&1
[ -d "$policy/chunk" ] || rlspec train-chunk --policy "$policy" --steps 150 --threads 2 > "$out/$name-train-chunk.log" 2>&1
rlspec verify-lossless --checkpoint "$policy" --drafter chunk --top-k 0 --json "$out/$name-lossless-chunk.json" --threads 2 \
  2>&1 | tee "$out/$name-lossless-chunk.log" || echo "the float32 certificate failed; the float64 one below tells rounding from a bug"
# The same grid in float64: the verify and the fresh forward then differ by rounding far below float32's resolution.
rlspec verify-lossless --checkpoint "$policy" --drafter chunk --top-k 0 --dtype float64 --json "$out/$name-lossless-chunk-float64.json" --threads 2 \
  2>&1 | tee "$out/$name-lossless-chunk-float64.log"
rlspec bench generation --checkpoint "$policy" --drafter eagle,chunk --batch 1,8,64 --adaptive off --repeats 3 --threads 1 \
  --json "$out/$name-bench-generation.json"                                     2>&1 | tee "$out/$name-bench-generation.log"
/usr/bin/python3 "$here/plot_positions.py" "$out/$name-bench-generation.json" "$out/$name-acceptance-by-position.png"
