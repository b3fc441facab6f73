#!/usr/bin/env bash
# The main job on built-in defaults, from a clean clone: native setup, release build, `rlspec quickstart`.
# Extra arguments go to `rlspec quickstart` (e.g. --set trainer.steps=60 --device cuda --threads 1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dotnet build Trainer/Trainer.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet Trainer/bin/Release/net10.0/linux-x64/rlspec.dll quickstart "$@"
