#!/usr/bin/env bash
# Runs the whole test suite from a clean clone: native setup, build, format check, tests.
# Ends with one plain line "N passed, N failed, N skipped" (dotnet test's own summary is per assembly).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || exit 1

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

echo "[test] checking formatting (dotnet format --verify-no-changes)"
format_failed=0
dotnet format RlSpec.sln --verify-no-changes >"$results/format.log" 2>&1 || { format_failed=1; cat "$results/format.log"; }

echo "[test] building"
rc=0
dotnet build RlSpec.sln -c Release -nologo -v quiet -clp:ErrorsOnly || rc=$?

# One results folder per test project: TRX names carry only a timestamp, so parallel projects could collide.
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "[test] running $name"
  dotnet test "$project" -c Release --no-build --logger "trx" --logger "console;verbosity=minimal" \
    --results-directory "$results/$name" || rc=$?
done

sum_counter() { # attribute name -> total over all TRX files
  grep -ho "<Counters [^>]*" "$results"/*/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{s+=$1} END {print s+0}'
}
total=$(sum_counter total)
passed=$(sum_counter passed)
failed=$(( $(sum_counter failed) + $(sum_counter error) + $(sum_counter timeout) + $(sum_counter aborted) ))
skipped=$(( total - passed - failed ))
[ "$skipped" -lt 0 ] && skipped=0

if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "[test] dotnet test exited with $rc without a failed test (build error or crashed test host): counting it as a failure"
  failed=1
fi
if [ "$format_failed" -ne 0 ]; then
  echo "[test] formatting check failed: run 'dotnet format RlSpec.sln'"
  failed=$((failed + 1))
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
