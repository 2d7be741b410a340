#!/usr/bin/env bash
# Installs the C# Jupyter kernel (kernelspec "musiclm-csharp") for the current user, so that
# `jupyter kernelspec list` shows it and notebooks with that kernelspec open with it.
#
#   environment/install-kernel.sh              install into the user's Jupyter data folder
#   environment/install-kernel.sh --prefix P   install into P/share/jupyter/kernels instead (tests, venvs)
#
# The kernel itself is lib/MusicLM.Kernel, started through environment/bin/musiclm-kernel (which
# builds it first if needed). Needs Jupyter (Debian: jupyter-notebook, jupyter-client for the
# `jupyter kernelspec` command, python3-jupyter-client) and libzmq5.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}"; exit 0 ;;
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

# `jupyter kernelspec` comes with Debian's jupyter-client package; without it, use the same code
# through the Python that has jupyter_client (Debian's python3-jupyter-client).
kernelspec=()
if command -v jupyter-kernelspec >/dev/null; then
  kernelspec=(jupyter-kernelspec)
else
  for py in /usr/bin/python3 python3; do
    if "$py" -c 'import jupyter_client.kernelspecapp' 2>/dev/null; then kernelspec=("$py" -m jupyter_client.kernelspecapp); break; fi
  done
fi
if [ "${#kernelspec[@]}" = 0 ]; then
  echo "install-kernel: Jupyter is not installed (Debian: apt-get install jupyter-notebook jupyter-client python3-jupyter-client)" >&2
  exit 1
fi
if ! out="$("${kernelspec[@]}" install --user --replace --name musiclm-csharp "$spec" 2>&1)"; then
  echo "$out" >&2; exit 1
fi
echo "install-kernel: installed kernelspec musiclm-csharp ($("${kernelspec[@]}" list | awk '$1=="musiclm-csharp"{print $2}'))"
