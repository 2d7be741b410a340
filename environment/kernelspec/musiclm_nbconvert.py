"""plotly.js once in HTML exports of notebooks run with the musiclm-csharp kernel.

A figure drawn by MusicLM.Interactive carries its data and a small loader, not plotly.js: in a live
notebook the loader fetches the copy the notebook server serves from this kernelspec folder. An
exported HTML file has no server, so this nbconvert preprocessor puts the library into the page
exactly once, just before the first figure; every figure's loader then finds window.Plotly and
draws offline. Notebooks without our figures are left as they are.

environment/install-kernel.sh copies this file and plotly.min.js next to kernel.json and enables
the preprocessor for HTMLExporter (and so for every exporter derived from it) in
jupyter_nbconvert_config.py.
"""
import os

from nbconvert.preprocessors import Preprocessor

FIGURE_MARK = 'class="musiclm-plot"'
LIBRARY_MARK = "plotly.js v"
HERE = os.path.dirname(os.path.abspath(__file__))


def _html(output):
    html = output.get("data", {}).get("text/html", "")
    return "".join(html) if isinstance(html, list) else html


def inline_script(source):
    """The library between script tags. define() is hidden while it runs, so that a plotly.js build
    that registers with an AMD loader (the exported page may load require.js) still sets
    window.Plotly."""
    safe = source.replace("</script", "<\\/script")
    return ('<script type="text/javascript">/* plotly.js for the figures of this page (musiclm-csharp) */\n'
            "(function(){var d=window.define;window.define=undefined;try{\n" + safe +
            "\n}finally{window.define=d;}})();</script>")


class EmbedPlotly(Preprocessor):
    """Inserts plotly.js once, before the first MusicLM figure of the notebook."""

    def preprocess(self, nb, resources):
        first = None
        for cell in nb.cells:
            for i, output in enumerate(cell.get("outputs", [])):
                html = _html(output)
                if LIBRARY_MARK in html:
                    return nb, resources  # already carries the library (an older toolkit inlined it)
                if first is None and FIGURE_MARK in html:
                    first = (cell, i)
        if first is None:
            return nb, resources
        with open(os.path.join(HERE, "plotly.min.js"), encoding="utf-8") as f:
            source = f.read()
        cell, i = first
        from nbformat import from_dict
        cell.outputs.insert(i, from_dict({
            "output_type": "display_data",
            "data": {"text/html": inline_script(source)},
            "metadata": {},
        }))
        return nb, resources
