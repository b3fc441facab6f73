#!/usr/bin/env bash
# Drafter alignment while the policy changes: frozen vs online-aligned vs retrained EAGLE drafters.
# Starts from a briefly warm-started policy (250 SFT steps) and keeps fine-tuning it in stages; runs the
# experiment twice, with a small and a larger online-alignment budget. Writes results/ (about 15 minutes on 2 cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
rlspec sft --out "$work/policy" --steps 250 --threads 2 > "$out/sft.log" 2>&1
for steps in 3 20; do
  rlspec experiment alignment --checkpoint "$work/policy" --out "$out/align-steps-$steps" --align-steps "$steps" --threads 2 \
    2>&1 | tee "$out/align-steps-$steps.log"
done
echo "results in $out"
