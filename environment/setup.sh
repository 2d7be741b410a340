#!/usr/bin/env bash
# One-command setup for MusicLM Notebooks on Debian 12 with the .NET SDK.
# Installs the system packages the project needs (only those missing), then builds the native
# bridge and every .NET project. Safe to run again: a second run only checks and rebuilds
# incrementally.
#
#   environment/setup.sh            packages for the course + build
#   environment/setup.sh --tests    also the packages the test suite uses (Debian's PyTorch as a reference,
#                                   Chromium for the browser test, JupyterHub for the hub's test)
#   environment/setup.sh --hub      also JupyterHub, for the shared workshop server (environment/hub/start)
#
# Environment: LIBTORCH=/path/to/libtorch (e.g. a CUDA build inside a PyTorch 2.x install) builds
# the bridge against that libtorch instead of Debian's; CONFIGURATION=Debug|Release (default Release).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
with_tests=0
with_hub=0
for arg in "$@"; do
  case "$arg" in
    --tests) with_tests=1; with_hub=1 ;;
    --hub) with_hub=1 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

# libtorch-dev: the tensor engine (D1); libopenblas-dev: an optimized BLAS behind it;
# cmake/g++: the native bridge.
packages=(libtorch-dev libopenblas-dev cmake g++ make)
# The course: Debian's Jupyter (classic notebook server, nbconvert, nbclient) and ZeroMQ for our kernel (D2).
packages+=(libzmq5 jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient python3-jupyter-client)
# Audio: compressed formats are decoded by the ffmpeg program (D4).
packages+=(ffmpeg)
# npm: fetches plotly.js into lib/MusicLM.Interactive at build time (D3); Debian's only when none is on PATH.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(npm)
fi
if [ "$with_tests" = 1 ]; then
  packages+=(python3-torch)   # the PyTorch twin used as an independent reference in tests and benchmarks
  packages+=(python3-pil)     # decodes the display toolkit's PNGs independently
  packages+=(python3-jupyter-kernel-test)   # the kernel conformance suite
  packages+=(sox python3-soundfile python3-numpy)   # independent references for resampling and WAV reading
  # The browser test (tests/MusicLM.Browser.Tests): Playwright drives Debian's Chromium, never a downloaded
  # browser; a font so that screenshots show text.
  packages+=(chromium fonts-dejavu-core)
fi
if [ "$with_hub" = 1 ]; then
  packages+=(jupyterhub)   # the workshop server of environment/hub (the tests start it on loopback)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo_cmd=(sudo); else
      echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET SDK (dotnet) is not on PATH; install .NET 10 first" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration="${CONFIGURATION:-Release}"
echo "setup: building ($configuration)"
log="$(mktemp)"
if ! dotnet build "$root/MusicLMNotebooks.sln" -c "$configuration" -nologo -v:q > "$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "setup: build failed" >&2
  exit 1
fi
rm -f "$log"
"$root/environment/install-kernel.sh"
echo "setup: ready"
