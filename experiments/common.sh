# Sourced by the experiments' run scripts: moves to the repository root, installs what the machine lacks, builds
# the CLI once and defines `rlspec`. Sets $root.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
dotnet build Trainer/Trainer.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
rlspec() { dotnet "$root/Trainer/bin/Release/net10.0/linux-x64/rlspec.dll" "$@"; }
