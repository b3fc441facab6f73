#!/usr/bin/env bash
# Paper figure 3, acceptance does not rank drafters by speed: n-gram (prompt lookup, free to draft) against two model
# drafters (the EAGLE head and a distilled 2-layer draft model) at k = 3, batch 1 and 16, fixed k.
# Writes results/drafters/ (drafters.md/.csv/.png, bench JSON). 7 minutes on the loaded 2-core machine (see README).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
source "$here/common.sh"
policy=$(paper_policy)
dest=$out/drafters && rm -rf "$dest" && mkdir -p "$dest"

rlspec bench generation --checkpoint "$policy" --drafter-checkpoint "$policy/drafter" --drafter ngram,draft-model,eagle \
  --draft-tokens 3 --batch 1,16 --adaptive off --repeats 3 --max-new-tokens 64 --threads $threads \
  --json "$dest/bench-drafters.json" 2>&1 | tee "$dest/bench-drafters.log"
"$py" "$here/figures.py" drafters "$dest"
echo "results in $dest"
