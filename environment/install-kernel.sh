#!/usr/bin/env bash
# Installs the C# Jupyter kernel (kernelspec "musiclm-csharp") for the current user, so that
# `jupyter kernelspec list` shows it and notebooks with that kernelspec open with it.
#
#   environment/install-kernel.sh              install into the user's Jupyter data folder
#   environment/install-kernel.sh --prefix P   install into P/share/jupyter/kernels instead (tests, venvs);
#                                              the nbconvert setting goes to P/etc/jupyter (JUPYTER_CONFIG_PATH)
#
# Besides kernel.json, the kernelspec folder holds plotly.min.js (the same file that is embedded in
# MusicLM.Interactive), which the notebook server serves at <base_url>kernelspecs/musiclm-csharp/plotly.min.js
# for figures to load once per page, and musiclm_nbconvert.py, an nbconvert preprocessor that puts
# plotly.js once into HTML exports (enabled in jupyter_nbconvert_config.py of the Jupyter config folder).
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
# plotly.js: the npm copy the build embeds into MusicLM.Interactive (js/package-lock.json pins it).
plotly="$root/lib/MusicLM.Interactive/js/node_modules/plotly.js-dist-min/plotly.min.js"
if [ ! -f "$plotly" ]; then
  echo "install-kernel: $plotly is missing; build first (environment/setup.sh, or dotnet build with npm available)" >&2
  exit 1
fi
cp "$plotly" "$root/environment/kernelspec/musiclm_nbconvert.py" "$spec/"

# Enables the preprocessor in jupyter_nbconvert_config.py of config folder $1 for the kernelspec folder $2,
# inside a marked block that a reinstall replaces (the rest of the file is kept).
nbconvert_config() {
  local py=""
  for candidate in /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then py="$candidate"; break; fi
  done
  if [ -z "$py" ]; then echo "install-kernel: no python3; HTML exports will not embed plotly.js" >&2; return 0; fi
  "$py" - "$1" "$2" <<'PY'
import os, re, sys
config_dir, spec_dir = sys.argv[1], sys.argv[2]
os.makedirs(config_dir, exist_ok=True)
path = os.path.join(config_dir, "jupyter_nbconvert_config.py")
start, end = "# >>> musiclm-csharp >>>", "# <<< musiclm-csharp <<<"
block = "\n".join([
    start + " (written by environment/install-kernel.sh: plotly.js once in HTML exports)",
    "import os as _musiclm_os, sys as _musiclm_sys",
    "_musiclm_dir = %r" % spec_dir,
    "if _musiclm_os.path.isfile(_musiclm_os.path.join(_musiclm_dir, 'musiclm_nbconvert.py')):",
    "    if _musiclm_dir not in _musiclm_sys.path:",
    "        _musiclm_sys.path.append(_musiclm_dir)",
    "    c.HTMLExporter.preprocessors.append('musiclm_nbconvert.EmbedPlotly')",
    end, ""])
text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
text = re.sub(re.escape(start) + r".*?" + re.escape(end) + r"\n?", "", text, flags=re.S)
if text and not text.endswith("\n"):
    text += "\n"
open(path, "w", encoding="utf-8").write(text + block)
PY
}

if [ -n "$prefix" ]; then
  mkdir -p "$prefix/share/jupyter/kernels"
  rm -rf "$prefix/share/jupyter/kernels/musiclm-csharp"
  cp -r "$spec" "$prefix/share/jupyter/kernels/musiclm-csharp"
  nbconvert_config "$prefix/etc/jupyter" "$prefix/share/jupyter/kernels/musiclm-csharp"
  echo "install-kernel: installed musiclm-csharp into $prefix/share/jupyter/kernels (nbconvert setting in $prefix/etc/jupyter)"
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
installed="$("${kernelspec[@]}" list | awk '$1=="musiclm-csharp"{print $2}')"
config_dir="$(jupyter --config-dir 2>/dev/null || true)"
if [ -z "$config_dir" ]; then
  config_dir="$(/usr/bin/python3 -c 'from jupyter_core.paths import jupyter_config_dir; print(jupyter_config_dir())' 2>/dev/null || echo "$HOME/.jupyter")"
fi
nbconvert_config "$config_dir" "$installed"
echo "install-kernel: installed kernelspec musiclm-csharp ($installed; nbconvert setting in $config_dir)"
