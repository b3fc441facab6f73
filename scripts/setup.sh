#!/usr/bin/env bash
# Installs the native dependencies RlSpec needs on a fresh Debian/Ubuntu machine.
# Idempotent: every step checks first and does nothing when already satisfied.
set -euo pipefail

log() { printf '[setup] %s\n' "$*" >&2; }

need_glibcxx="GLIBCXX_3.4.32"   # TorchSharp 0.107's libtorch is built with GCC 13.

libstdcxx_path() {
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}'
}

has_new_libstdcxx() {
  local lib; lib=$(libstdcxx_path)
  [ -n "$lib" ] && grep -aq "$need_glibcxx" "$lib"
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_libstdcxx_from_trixie() {
  local sources=/etc/apt/sources.list.d/debian.sources
  if [ ! -f "$sources" ] || ! grep -q bookworm "$sources"; then
    log "libstdc++ lacks $need_glibcxx and this is not Debian 12: install libstdc++6 from GCC 13 or newer by hand."
    exit 1
  fi
  log "libstdc++ lacks $need_glibcxx (TorchSharp needs GCC 13+): installing libstdc++6 from Debian trixie, pinned low."
  if [ ! -f /etc/apt/sources.list.d/trixie.sources ]; then
    # Copy only the main bookworm stanza and switch its suite, so trixie never becomes the default.
    awk 'BEGIN{RS=""; ORS="\n\n"} /Suites: bookworm( |$|\n)/ && !/security/ {print; exit}' "$sources" \
      | sed -E 's/^Suites:.*/Suites: trixie/' | as_root tee /etc/apt/sources.list.d/trixie.sources >/dev/null
  fi
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' | as_root tee /etc/apt/preferences.d/trixie-pin >/dev/null
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq -t trixie libstdc++6 >/dev/null
}

if has_new_libstdcxx; then
  log "libstdc++ has $need_glibcxx: ok"
else
  install_libstdcxx_from_trixie
  has_new_libstdcxx || { log "libstdc++6 from trixie did not provide $need_glibcxx"; exit 1; }
  log "libstdc++ now has $need_glibcxx"
fi

# The Python rollout-log reader and its notebooks (experiments/rollout_logs) are tested too, with Debian's own
# python3 and packages (PyPI may be unreachable, and a pyenv python3 earlier on PATH would not see them): the
# notebooks run headless through jupyter nbconvert on /usr/bin/python3's kernel.
if /usr/bin/python3 -c 'import msgpack, pandas, matplotlib, ipykernel, nbconvert' 2>/dev/null && [ -x /usr/bin/jupyter-nbconvert ]; then
  log "python3 msgpack + pandas + matplotlib, jupyter-nbconvert + ipykernel: ok"
else
  log "installing python3-msgpack, python3-pandas, python3-matplotlib, jupyter-nbconvert and python3-ipykernel for the rollout-log reader and notebooks"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-msgpack python3-pandas python3-matplotlib jupyter-nbconvert python3-ipykernel >/dev/null
fi

command -v dotnet >/dev/null || { log "the .NET SDK 10 is required (dotnet not on PATH)"; exit 1; }
