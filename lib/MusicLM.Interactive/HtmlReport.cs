using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace MusicLM.Interactive;

/// <summary>
/// Collects displayed outputs into one self-contained, offline HTML file (plotly.js inlined once, audio as
/// data URIs) — the command-line counterpart of a notebook:
/// <code>
/// using var report = HtmlReport.Start("Codec evaluation");
/// display(Audio.Play(x, 24000, "original"));
/// display(Plot.Spectrogram(mel, 24000, 256, mel: true));
/// report.Save("report.html");
/// </code>
/// While started (until disposed), every <see cref="Display.display"/> in this flow of execution is added.
/// </summary>
public sealed class HtmlReport : IDisposable
{
    private static readonly AsyncLocal<HtmlReport?> current = new();
    private readonly List<(string Id, MimeBundle Bundle)> entries = new();
    private readonly object gate = new();
    private HtmlReport? previous;
    private bool capturing;

    /// <summary>A report that is not capturing <c>display</c> calls; add outputs with <see cref="Add"/>.</summary>
    public HtmlReport(string title = "MusicLM report") => Title = title;

    /// <summary>The report that <c>display</c> currently appends to, if any.</summary>
    public static HtmlReport? Current => current.Value;

    /// <summary>The page title and first heading.</summary>
    public string Title { get; }

    /// <summary>Number of outputs collected so far.</summary>
    public int Count { get { lock (gate) return entries.Count; } }

    /// <summary>Starts a report that captures every <c>display</c> until it is disposed.</summary>
    public static HtmlReport Start(string title = "MusicLM report")
    {
        var r = new HtmlReport(title) { previous = current.Value, capturing = true };
        current.Value = r;
        return r;
    }

    /// <summary>Adds a value (converted like <see cref="Display.display"/>).</summary>
    public void Add(object? value) => Put(Guid.NewGuid().ToString("N"), Display.ToBundle(value), update: false);

    /// <summary>Adds a section heading.</summary>
    public void Heading(string text) => Add(MimeBundle.Html($"<h2>{WebUtility.HtmlEncode(text)}</h2>", text));

    /// <summary>Adds a paragraph of text.</summary>
    public void Paragraph(string text) => Add(MimeBundle.Html($"<p>{WebUtility.HtmlEncode(text)}</p>", text));

    internal void Put(string id, MimeBundle bundle, bool update)
    {
        lock (gate)
        {
            if (update)
            {
                var i = entries.FindIndex(e => e.Id == id);
                if (i >= 0) { entries[i] = (id, bundle); return; }
            }
            entries.Add((id, bundle));
        }
    }

    /// <summary>The whole page.</summary>
    public string ToHtml()
    {
        List<(string Id, MimeBundle Bundle)> snapshot;
        lock (gate) snapshot = entries.ToList();
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
          .Append(WebUtility.HtmlEncode(Title)).Append("</title>\n<style>\n")
          .Append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\n")
          .Append(".output{margin:1em 0}\npre{background:#f6f6f6;padding:.5em;overflow-x:auto}\n")
          .Append("table.mlt{border-collapse:collapse}table.mlt td,table.mlt th{border:1px solid #ddd;padding:2px 8px;text-align:left}\n")
          .Append("</style>\n");
        // Once, in the head: every figure's loader then finds window.Plotly and draws without fetching anything.
        if (snapshot.Any(e => IsFigure(e.Bundle)))
            sb.Append("<script type=\"text/javascript\">").Append(PlotlyJs.SafeInlineSource).Append("</script>\n");
        sb.Append("</head>\n<body>\n<h1>").Append(WebUtility.HtmlEncode(Title)).Append("</h1>\n");
        var n = 0;
        foreach (var (_, bundle) in snapshot)
        {
            sb.Append("<div class=\"output\">\n");
            AppendOutput(sb, bundle, $"report-plot-{n++}");
            sb.Append("\n</div>\n");
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Our figures (HTML with the figure marker) or a bundle from elsewhere with only plotly JSON.</summary>
    private static bool IsFigure(MimeBundle bundle) =>
        bundle.Get(MimeTypes.Html) is { } html ? html.Contains($"class=\"{PlotlyJs.FigureClass}\"", StringComparison.Ordinal) : bundle.Has(MimeTypes.Plotly);

    private static void AppendOutput(StringBuilder sb, MimeBundle bundle, string divId)
    {
        if (bundle.Get(MimeTypes.Html) is { } html) sb.Append(html);
        else if (bundle.Data.TryGetValue(MimeTypes.Plotly, out var fig) && fig is JsonNode node)
            sb.Append(PlotlyJs.FigureHtml(node, null, bundle.Get(MimeTypes.Text) ?? "figure", divId));
        else if (bundle.Get(MimeTypes.Png) is { } png) sb.Append($"<img alt=\"figure\" src=\"data:image/png;base64,{png}\">");
        else if (bundle.Get(MimeTypes.Svg) is { } svg) sb.Append(svg);
        else sb.Append("<pre>").Append(WebUtility.HtmlEncode(bundle.Get(MimeTypes.Text) ?? "")).Append("</pre>");
    }

    /// <summary>Writes the page to <paramref name="path"/> (creating its folder) and returns the full path.</summary>
    public string Save(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, ToHtml(), new UTF8Encoding(false));
        return full;
    }

    /// <summary>Stops capturing <c>display</c> calls (the collected outputs stay; you can still save).</summary>
    public void Dispose()
    {
        if (!capturing) return;
        capturing = false;
        if (current.Value == this) current.Value = previous;
    }
}
