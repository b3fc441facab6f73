#!/bin/bash
# Reproduces the TorchSharp temporary-Scalar race that BannedSymbols.txt and TensorArithmetic exist for: TorchSharp's
# `a + b` against a rooted alpha, alternating, under the same GC pressure. Writes results/probe.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
bash scripts/setup.sh
dotnet build "$here/probe/ScalarProbe.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$here/probe/bin/out"
mkdir -p "$here/results"
for round in 1 2 3 4 5 6; do
  for mode in unsafe safe; do
    dotnet "$here/probe/bin/out/ScalarProbe.dll" "$mode" 10
  done
done | tee "$here/results/probe.txt"
