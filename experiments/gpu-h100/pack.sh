#!/usr/bin/env bash
# Packs what the GPU run needs into DIR (default .devpack/, ignored by git): rlspec's managed assemblies and
# libLibTorchSharp.so (no libtorch: the GPU machine's PyTorch provides a CUDA one), the .NET runtime, a warm-started
# policy with its EAGLE head, and the scripts. About 45 MB; made on the CPU machine, run with `bash DIR/run.sh OUT`
# (the tiny policy) or `bash DIR/deep-wide.sh OUT` (the deep preset and a wide variant, trained on the device).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"
pack=${1:-$root/.devpack}
rm -rf "$pack" && mkdir -p "$pack/bin"
bin="$root/Trainer/bin/Release/net10.0/linux-x64"
cp "$bin"/*.dll "$bin/rlspec.runtimeconfig.json" "$bin/libLibTorchSharp.so" "$pack/bin/"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
tar -C "$dotnet_root" -cJf "$pack/dotnet.tar.xz" dotnet host shared/Microsoft.NETCore.App
warm_policy_with_eagle "$pack/policy"
# DEEP=DIR: the deep preset's checkpoint with its EAGLE head (from ../speculative-rollouts/deep.sh), for deep-wide.sh.
if [ -n "${DEEP:-}" ]; then
  mkdir -p "$pack/deep" && cp "$DEEP"/*.json "$DEEP"/*.safetensors "$pack/deep/" && cp -r "$DEEP/eagle" "$pack/deep/"
fi
cp "$here/run.sh" "$here/device-env.sh" "$here/deep-wide.sh" "$pack/"
du -sh "$pack"
