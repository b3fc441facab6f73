#!/usr/bin/env bash
# Paper figure 2, speedup and acceptance against the draft length k = 1..7: `rlspec bench generation` with the EAGLE
# drafter at fixed k (adaptive off), at batch 1 (memory-bound-like: where speculation can pay on a CPU) and batch 16.
# Writes results/draft-length/ (draft-length.md/.csv/.png and each k's JSON). 25 minutes on the loaded 2-core machine (see README).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
source "$here/common.sh"
policy=$(paper_policy)
dest=$out/draft-length && rm -rf "$dest" && mkdir -p "$dest"

for k in 1 2 3 4 5 6 7; do
  rlspec bench generation --checkpoint "$policy" --drafter eagle --draft-tokens $k --batch 1,16 --adaptive off \
    --repeats 3 --max-new-tokens 64 --threads $threads --json "$dest/bench-k$k.json" 2>&1 | tee "$dest/bench-k$k.log"
done
"$py" "$here/figures.py" draft-length "$dest"
echo "results in $dest"
