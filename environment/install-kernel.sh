#!/usr/bin/env bash
# Installs the C# Jupyter kernel (kernelspec "musiclm-csharp") for the current user, so that
# `jupyter kernelspec list` shows it and notebooks with that kernelspec open with it.
#
#   environment/install-kernel.sh              install into the user's Jupyter data folder
#   environment/install-kernel.sh --prefix P   install into P/share/jupyter/kernels instead (tests, venvs)
#
# The kernel itself is lib/MusicLM.Kernel, started through environment/bin/musiclm-kernel (which
# builds it first if needed). Needs Jupyter (Debian: jupyter-notebook, python3-jupyter-client) and libzmq5.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "install-kernel.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

spec="$(mktemp -d)/musiclm-csharp"
mkdir -p "$spec"
trap 'rm -rf "$(dirname "$spec")"' EXIT
command="$root/environment/bin/musiclm-kernel"
# JSON-escape the path (backslashes and quotes) before putting it into kernel.json.
escaped="$(printf '%s' "$command" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/[\/&]/\\&/g')"
sed "s/@KERNEL_COMMAND@/$escaped/" "$root/environment/kernelspec/kernel.json.in" > "$spec/kernel.json"
cp "$root/environment/kernelspec/logo-32x32.png" "$root/environment/kernelspec/logo-64x64.png" "$spec/"

if [ -n "$prefix" ]; then
  mkdir -p "$prefix/share/jupyter/kernels"
  rm -rf "$prefix/share/jupyter/kernels/musiclm-csharp"
  cp -r "$spec" "$prefix/share/jupyter/kernels/musiclm-csharp"
  echo "install-kernel: installed musiclm-csharp into $prefix/share/jupyter/kernels"
  exit 0
fi

if ! command -v jupyter >/dev/null; then
  echo "install-kernel: 'jupyter' is not on PATH (Debian: apt-get install jupyter-notebook python3-jupyter-client)" >&2
  exit 1
fi
jupyter kernelspec install --user --replace --name musiclm-csharp "$spec" >/dev/null
echo "install-kernel: installed kernelspec musiclm-csharp ($(jupyter kernelspec list | awk '$1=="musiclm-csharp"{print $2}'))"
