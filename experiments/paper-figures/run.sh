#!/usr/bin/env bash
# All five paper figures in turn (each script is also one command on its own); the first builds the shared policy.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for figure in stages draft-length drafters alignment sync-async; do
  bash "$here/$figure.sh"
done
