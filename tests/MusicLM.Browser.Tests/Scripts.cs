namespace MusicLM.Browser.Tests;

/// <summary>
/// The JavaScript the tests run in the classic notebook page (notebook 6: <c>Jupyter.notebook</c>). Results come back
/// as JSON strings. Cell indices are positions among all cells, as <c>Jupyter.notebook.get_cell(i)</c> counts them.
/// </summary>
internal static class Scripts
{
    private const string CellIndexOf =
        "const __cells = Array.from(document.querySelectorAll('#notebook-container > .cell'));" +
        "const cellOf = el => __cells.indexOf(el.closest('.cell'));";

    /// <summary>The notebook is loaded, its kernel answered kernel_info and is idle.</summary>
    public const string KernelReady =
        "() => !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded && Jupyter.notebook.kernel" +
        " && Jupyter.notebook.kernel.info_reply && Jupyter.notebook.kernel.info_reply.protocol_version" +
        " && document.querySelector('#kernel_indicator_icon.kernel_idle_icon'))";

    public const string NotebookLoaded = "() => !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded)";

    /// <summary>Cell ▸ Run All.</summary>
    public const string RunAll = "() => { Jupyter.notebook.execute_all_cells(); }";

    /// <summary>The cells still running and the kernel indicator's state.</summary>
    public const string RunState =
        "() => JSON.stringify({ running: Jupyter.notebook.get_cells().map((c, i) => c.element.hasClass('running') ? i : -1).filter(i => i >= 0)," +
        " icon: (document.getElementById('kernel_indicator_icon') || {}).className || '' })";

    /// <summary>Every cell: type, first line, prompt number ('*' while running, null if it never ran), error outputs.</summary>
    public const string Cells =
        "() => JSON.stringify(Jupyter.notebook.get_cells().map((c, i) => {" +
        " const text = c.get_text(); const code = c.cell_type === 'code';" +
        " const n = code ? c.input_prompt_number : undefined;" +
        " return { index: i, type: c.cell_type, firstLine: (text.split('\\n').find(l => l.trim().length > 0) || '').trim().slice(0, 80)," +
        "  hasSource: text.trim().length > 0, executionCount: (n === undefined || n === null) ? null : String(n)," +
        "  errors: code ? c.output_area.outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue) : []," +
        "  errorElements: c.element[0].querySelectorAll('.output_error').length }; }))";

    /// <summary>
    /// Every &lt;audio&gt;, after waiting (bounded by the argument, in ms) for its metadata or an error, with its box
    /// against the output area it lies in and the viewport.
    /// </summary>
    public const string Players =
        "async timeoutMs => {" + CellIndexOf +
        " const audios = Array.from(document.querySelectorAll('#notebook-container audio'));" +
        " const wait = a => new Promise(res => { if (a.readyState >= 1 || a.error) return res();" +
        "  a.addEventListener('loadedmetadata', res, { once: true }); a.addEventListener('error', res, { once: true }); setTimeout(res, timeoutMs); });" +
        " await Promise.all(audios.map(wait));" +
        " const vw = document.documentElement.clientWidth;" +
        " return JSON.stringify(audios.map((a, k) => { const r = a.getBoundingClientRect();" +
        "  const area = a.closest('.output_subarea') || a.closest('.output_area'); const ar = area ? area.getBoundingClientRect() : { left: 0, right: vw };" +
        "  return { cell: cellOf(a), ordinal: k, title: a.title || '', readyState: a.readyState, duration: isFinite(a.duration) ? a.duration : -1," +
        "   error: a.error ? ('MediaError ' + a.error.code + (a.error.message ? ': ' + a.error.message : '')) : null," +
        "   left: r.left, right: r.right, areaLeft: ar.left, areaRight: ar.right, viewport: vw }; })); }";

    private const string FigureElements =
        "Array.from(new Set(document.querySelectorAll('#notebook-container .musiclm-plot, #notebook-container .js-plotly-plot')))";

    /// <summary>
    /// Every figure container: our toolkit's <c>.musiclm-plot</c> div (present whether or not plotly.js ran) and any
    /// <c>.js-plotly-plot</c> (students' own figures); drawn when plotly put its svg inside.
    /// </summary>
    public const string Figures =
        "() => {" + CellIndexOf + " return JSON.stringify(" + FigureElements +
        ".map(f => ({ cell: cellOf(f), id: f.id || '', drawn: !!f.querySelector('.main-svg') }))); }";

    public const string AllFiguresDrawn = "() => " + FigureElements + ".every(f => !!f.querySelector('.main-svg'))";

    /// <summary>File ▸ Save (without the changed-on-disk check: only this page writes the file).</summary>
    public const string Save = "async () => { await Jupyter.notebook.save_notebook(false); }";

    public const string ClearOutput = "i => { Jupyter.notebook.get_cell(i).clear_output(); }";

    /// <summary>The page asks before leaving while the kernel is busy or the notebook unsaved; the test saved it.</summary>
    public const string AllowLeaving = "() => { Jupyter.notebook.set_dirty(false); window.onbeforeunload = null; }";

    /// <summary>Lets div#site (the notebook's own scroller) grow to its content, for a full-page screenshot.</summary>
    public const string UnrollSite =
        "() => { const s = document.getElementById('site'); if (s) { s.style.height = 'auto'; s.style.overflow = 'visible'; }" +
        " document.body.style.position = 'static'; document.body.style.height = 'auto'; document.body.style.overflow = 'visible'; }";

    public const string RollSite =
        "() => { const s = document.getElementById('site'); if (s) { s.style.overflow = ''; }" +
        " document.body.style.position = ''; document.body.style.height = ''; document.body.style.overflow = '';" +
        " window.dispatchEvent(new Event('resize')); }";
}
