# Sourced by the experiments' run scripts: moves to the repository root, installs what the machine lacks, builds
# the CLI once and defines `rlspec`. Sets $root, $work (a temporary directory) and $out (results/ beside the sourcing
# script, which sets $here).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
dotnet build Trainer/Trainer.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
rlspec() { dotnet "$root/Trainer/bin/Release/net10.0/linux-x64/rlspec.dll" "$@"; }

# Each experiment writes results/ beside its script ($out; files are overwritten, not wiped, since two scripts may
# share one folder) and keeps its runs in a temporary $work.
work=$(mktemp -d)
out="$here/results"
mkdir -p "$out"

# The warm-started policy (800 SFT steps) with an EAGLE head pretrained beside it (150 steps), in $1.
warm_policy_with_eagle() {
  rlspec sft --out "$1" --threads 2 > "$out/sft.log" 2>&1
  rlspec train-eagle --policy "$1" --steps 150 --threads 2 > "$out/train-eagle.log" 2>&1
}
