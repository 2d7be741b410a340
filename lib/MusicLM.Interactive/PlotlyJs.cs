using System.Text;
using System.Text.Json.Nodes;

namespace MusicLM.Interactive;

/// <summary>
/// The embedded plotly.js (from npm, js/package-lock.json) and the HTML that draws a figure with it.
/// A notebook loads plotly.js once per kernel process: the first figure's HTML inlines the library behind a
/// <c>if (!window.Plotly)</c> guard, later figures only call <c>Plotly.newPlot</c> (and wait briefly for
/// the library if their output renders first).
/// </summary>
internal static class PlotlyJs
{
    private static readonly Lazy<string> source = new(Load);
    private static int inlined;

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

    /// <summary>True exactly once per process: the caller should inline the library.</summary>
    public static bool TakeFirstInline() => Interlocked.Exchange(ref inlined, 1) == 0;

    /// <summary>For tests: the next figure inlines plotly.js again.</summary>
    internal static void ResetSession() => Interlocked.Exchange(ref inlined, 0);

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
        return (w is { } wv ? $"width:{wv:0}px;" : "width:100%;") + $"height:{h:0}px";
    }

    private static double? Number(JsonNode? n) =>
        n == null ? null : double.Parse(n.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>JavaScript that draws <paramref name="figure"/> into the element with id <paramref name="divId"/>.</summary>
    public static string NewPlotCall(string divId, JsonNode figure) =>
        "(function(){var fig=" + figure.ToJsonString() + ";var tries=0;" +
        "function draw(){var el=document.getElementById(\"" + divId + "\");if(!el)return;" +
        "if(window.Plotly){el.innerHTML=\"\";window.Plotly.newPlot(el,fig.data,fig.layout,{responsive:true,displaylogo:false});}" +
        "else if(tries++<100){setTimeout(draw,100);}}" +
        "draw();})();";

    /// <summary>
    /// Notebook HTML for a figure: a div (holding the PNG fallback, if any, for viewers that strip scripts),
    /// plotly.js inlined if this is the process's first figure, and the draw call.
    /// </summary>
    public static string NotebookHtml(JsonNode figure, string? pngBase64, string alt)
    {
        var id = "musiclm-plot-" + Guid.NewGuid().ToString("N");
        var sb = new StringBuilder();
        sb.Append($"<div id=\"{id}\" class=\"musiclm-plot\" style=\"{DivStyle(figure)}\">");
        if (pngBase64 != null)
            sb.Append($"<img alt=\"{System.Net.WebUtility.HtmlEncode(alt)}\" style=\"width:100%;height:100%;image-rendering:pixelated\" src=\"data:image/png;base64,{pngBase64}\">");
        sb.Append("</div>\n");
        if (TakeFirstInline())
            sb.Append("<script type=\"text/javascript\">if (!window.Plotly) {\n").Append(SafeInlineSource).Append("\n}</script>\n");
        sb.Append("<script type=\"text/javascript\">").Append(NewPlotCall(id, figure)).Append("</script>");
        return sb.ToString();
    }
}
