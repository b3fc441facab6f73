# Sourced by the scripts that run from the pack (pack.sh) on a machine with an NVIDIA GPU and a CUDA PyTorch but no
# .NET: unpacks the runtime, points the dynamic loader at PyTorch's libtorch, and sets `rlspec_cmd` (an array, so
# `timeout` can run it; $here: the pack).
mkdir -p /tmp/dotnet && tar -xJf "$here/dotnet.tar.xz" -C /tmp/dotnet \
  || { echo "device-env: cannot unpack $here/dotnet.tar.xz (make the pack with pack.sh)" >&2; exit 1; }
export DOTNET_ROOT=/tmp/dotnet PATH=/tmp/dotnet:$PATH DOTNET_CLI_TELEMETRY_OPTOUT=1
torch_lib=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))') \
  || { echo "device-env: python3 cannot import torch; this machine needs a CUDA PyTorch (its libtorch is what rlspec runs on)" >&2; exit 1; }
export LD_LIBRARY_PATH=$torch_lib:$here/bin:${LD_LIBRARY_PATH:-}
rlspec_cmd=(dotnet "$here/bin/rlspec.dll")
