using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MusicLM.Interactive;

/// <summary>
/// The embedded plotly.js (from npm, js/package-lock.json) and the HTML that draws a figure with it.
/// <para>
/// A figure's HTML never carries the library. It holds the figure's JSON and a small loader: when
/// <c>window.Plotly</c> exists (an <see cref="HtmlReport"/>, or an nbconvert export, which put the library
/// once at the top of the page) it draws at once; otherwise it adds one shared
/// <c>&lt;script src="{base}kernelspecs/musiclm-csharp/plotly.min.js"&gt;</c> — the copy that
/// environment/install-kernel.sh puts next to kernel.json, served by the notebook server itself — and draws
/// when it has loaded. All figures of a page share one promise, so the file loads once per page, and every
/// figure can load it alone: clearing any other output and reloading the page leaves each one working.
/// </para>
/// </summary>
internal static class PlotlyJs
{
    private static readonly Lazy<string> source = new(Load);

    /// <summary>The kernelspec whose resource folder holds plotly.min.js (environment/install-kernel.sh).</summary>
    public const string KernelSpecName = "musiclm-csharp";

    /// <summary>The file name of the library in the kernelspec folder.</summary>
    public const string ResourceFile = "plotly.min.js";

    /// <summary>The CSS class of every figure's div (the nbconvert preprocessor looks for it).</summary>
    public const string FigureClass = "musiclm-plot";

    /// <summary>plotly.min.js as shipped.</summary>
    public static string Source => source.Value;

    /// <summary>The library, safe to place between &lt;script&gt; tags.</summary>
    public static string SafeInlineSource => Source.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);

    /// <summary>The version line from the library's banner ("plotly.js v4.1.2").</summary>
    public static string Version
    {
        get
        {
            var i = Source.IndexOf("plotly.js v", StringComparison.Ordinal);
            if (i < 0) return "plotly.js";
            var end = Source.IndexOfAny(new[] { '\n', '\r', '*' }, i);
            return Source[i..(end < 0 ? i + 20 : end)].Trim();
        }
    }

    /// <summary>The bare version number ("4.1.2"), used to keep browser caches apart across upgrades.</summary>
    public static string VersionNumber => Version.StartsWith("plotly.js v", StringComparison.Ordinal) ? Version["plotly.js v".Length..] : "0";

    private static string Load()
    {
        using var stream = typeof(PlotlyJs).Assembly.GetManifestResourceStream("MusicLM.Interactive.plotly.min.js")
            ?? throw new InvalidOperationException("plotly.min.js is not embedded; build lib/MusicLM.Interactive with npm available (see js/package.json)");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static string DivStyle(JsonNode figure)
    {
        var layout = figure["layout"];
        var w = Number(layout?["width"]);
        var h = Number(layout?["height"]) ?? 450;
        return (w is { } wv ? string.Create(CultureInfo.InvariantCulture, $"width:{wv:0}px;max-width:100%;") : "width:100%;") +
            string.Create(CultureInfo.InvariantCulture, $"height:{h:0}px");
    }

    private static double? Number(JsonNode? n) =>
        n == null ? null : double.Parse(n.ToJsonString(), CultureInfo.InvariantCulture);

    /// <summary>Markers around the figure JSON inside the script, so tools (and tests) can find it.</summary>
    internal const string DataStart = "/*musiclm-figure*/", DataEnd = "/*end-figure*/";

    /// <summary>
    /// JSON that is also safe inside a &lt;script&gt; element: every '&lt;' (only ever inside strings in JSON)
    /// becomes \u003c, so neither "&lt;/script" nor "&lt;!--" can end or confuse the element.
    /// </summary>
    public static string ScriptSafeJson(JsonNode node) => node.ToJsonString().Replace("<", "\\u003c", StringComparison.Ordinal);

    /// <summary>
    /// The loader (see the class summary). Retries briefly when its div is not in the page yet (a front end
    /// may run the script before it attaches the output), and on failure leaves the static picture in place
    /// with one line saying why.
    /// </summary>
    private static string Loader(string divId) =>
        "var id=\"" + divId + "\",w=window,tries=0;" +
        "function el(){return document.getElementById(id);}" +
        "function draw(P){var e=el();if(!e){if(tries++<50)setTimeout(function(){draw(P);},100);return;}" +
        "e.innerHTML=\"\";P.newPlot(e,fig.data,fig.layout,{responsive:true,displaylogo:false});}" +
        "function fail(err){var e=el();if(e)e.insertAdjacentHTML(\"beforeend\",\"<div style='color:#a33;font-size:85%'>plotly.js did not load (\"+err.message+\"): run environment/install-kernel.sh</div>\");}" +
        "if(w.Plotly){draw(w.Plotly);return;}" +
        "if(!w.musiclmPlotly){w.musiclmPlotly=new Promise(function(ok,no){" +
        "var base=\"/\";try{var b=document.body.getAttribute(\"data-base-url\");" +
        "var c=document.getElementById(\"jupyter-config-data\");" +
        "if(b)base=b;else if(c){var j=JSON.parse(c.textContent);if(j.baseUrl)base=j.baseUrl;}}catch(x){}" +
        "if(base.slice(-1)!==\"/\")base+=\"/\";" +
        "var s=document.createElement(\"script\");" +
        "s.src=base+\"kernelspecs/" + KernelSpecName + "/" + ResourceFile + "?v=" + VersionNumber + "\";" +
        // plotly.js 4 sets window.Plotly itself and never calls define(), so a plain script works beside
        // the classic notebook's require.js.
        "s.onload=function(){if(w.Plotly)ok(w.Plotly);else{w.musiclmPlotly=null;no(new Error(\"no window.Plotly after \"+s.src));}};" +
        "s.onerror=function(){w.musiclmPlotly=null;no(new Error(\"could not load \"+s.src));};" +
        "document.head.appendChild(s);});}" +
        // Every figure waiting for the library draws in its own task, so ten figures do not freeze the page
        // as one long task when the shared promise resolves.
        "w.musiclmPlotly.then(function(P){setTimeout(function(){draw(P);},0);},fail);";

    /// <summary>
    /// JavaScript that draws <paramref name="figure"/> into the element with id <paramref name="divId"/>,
    /// loading plotly.js first where the page has none.
    /// </summary>
    public static string DrawScript(string divId, JsonNode figure) =>
        "(function(){var fig=" + DataStart + ScriptSafeJson(figure) + DataEnd + ";" + Loader(divId) + "})();";

    /// <summary>
    /// Notebook HTML for a figure: a div holding the static PNG (if any) for viewers that strip scripts, and
    /// the script that replaces it with the interactive figure.
    /// </summary>
    public static string FigureHtml(JsonNode figure, string? pngBase64, string alt, string? divId = null)
    {
        var id = divId ?? "musiclm-plot-" + Guid.NewGuid().ToString("N");
        var sb = new StringBuilder();
        sb.Append($"<div id=\"{id}\" class=\"{FigureClass}\" style=\"{DivStyle(figure)}\">");
        if (pngBase64 != null)
            sb.Append($"<img alt=\"{System.Net.WebUtility.HtmlEncode(alt)}\" style=\"width:100%;height:100%\" src=\"data:image/png;base64,{pngBase64}\">");
        sb.Append("</div>\n");
        sb.Append("<script type=\"text/javascript\">").Append(DrawScript(id, figure)).Append("</script>");
        return sb.ToString();
    }

    /// <summary>The figure JSON inside <paramref name="html"/> made by <see cref="FigureHtml"/> (null if none).</summary>
    public static JsonObject? FigureJsonIn(string html)
    {
        var start = html.IndexOf(DataStart, StringComparison.Ordinal);
        if (start < 0) return null;
        start += DataStart.Length;
        var end = html.IndexOf(DataEnd, start, StringComparison.Ordinal);
        return end < 0 ? null : JsonNode.Parse(html[start..end]) as JsonObject;
    }
}
