using System.Globalization;
using System.Text.Json.Nodes;

namespace MusicLM.Interactive;

/// <summary>
/// A plotly figure: traces plus a layout, built in C# and drawn by plotly.js (bundled, offline). Start from
/// <see cref="Plot"/> (<c>Plot.Line(loss)</c>) and refine with the <c>With…</c>/<c>Add…</c> methods. The
/// display is one HTML output holding the figure's JSON once (drawn by the plotly.js that the notebook server
/// serves, see environment/install-kernel.sh) and, for heatmaps, a small static PNG shown where scripts do not
/// run (GitHub, nbviewer), plus a line of plain text.
/// </summary>
public sealed class Figure : IDisplayable
{
    /// <summary>Creates an empty figure.</summary>
    public Figure(string? title = null)
    {
        if (title != null) WithTitle(title);
    }

    /// <summary>plotly traces (<c>data</c>); each is a JSON object with a <c>type</c>.</summary>
    public JsonArray Traces { get; } = new();

    /// <summary>plotly <c>layout</c>: title, axes, size.</summary>
    public JsonObject Layout { get; } = new();

    /// <summary>A static picture for viewers without JavaScript (set by heatmap helpers).</summary>
    public byte[]? FallbackPng { get; private set; }

    public string? Title => Layout["title"]?["text"]?.GetValue<string>();

    public Figure WithTitle(string title)
    {
        Layout["title"] = new JsonObject { ["text"] = title };
        return this;
    }

    /// <summary>Axis titles of the first x and y axes.</summary>
    public Figure WithAxes(string? xTitle, string? yTitle)
    {
        if (xTitle != null) Axis("xaxis")["title"] = new JsonObject { ["text"] = xTitle };
        if (yTitle != null) Axis("yaxis")["title"] = new JsonObject { ["text"] = yTitle };
        return this;
    }

    /// <summary>Size in pixels (width 0: as wide as the output area).</summary>
    public Figure WithSize(int width, int height)
    {
        if (width < 0 || height <= 0) throw new ArgumentException($"figure size must be positive, got {width}×{height}");
        if (width > 0) Layout["width"] = width; else Layout.Remove("width");
        Layout["height"] = height;
        return this;
    }

    /// <summary>Sets the PNG shown where scripts do not run.</summary>
    public Figure WithFallbackPng(byte[] png)
    {
        FallbackPng = png;
        return this;
    }

    /// <summary>The layout object of an axis ("xaxis", "yaxis2", …), created on first use.</summary>
    public JsonObject Axis(string name)
    {
        if (Layout[name] is JsonObject a) return a;
        a = new JsonObject();
        Layout[name] = a;
        return a;
    }

    /// <summary>Adds a raw plotly trace (any type plotly.js knows).</summary>
    public Figure AddTrace(JsonObject trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        Traces.Add(trace);
        return this;
    }

    /// <summary>
    /// A line; x defaults to 0, 1, 2, … <paramref name="color"/> is any CSS colour ("crimson", "#1f77b4");
    /// <paramref name="width"/> is in pixels. Unset, plotly picks the next colour of its cycle.
    /// </summary>
    public Figure AddLine(IEnumerable<double> y, IEnumerable<double>? x = null, string? name = null, string? color = null, double? width = null)
    {
        var ys = y.ToArray();
        var t = Trace("scatter", name, ("mode", "lines"), ("x", Json.Numbers(x?.ToArray() ?? Enumerable.Range(0, ys.Length).Select(i => (double)i).ToArray())), ("y", Json.Numbers(ys)));
        if (color != null || width != null)
        {
            if (width is { } wv && !(wv > 0)) throw new ArgumentException($"line width must be positive, got {wv}", nameof(width));
            var line = new JsonObject();
            if (color != null) line["color"] = color;
            if (width != null) line["width"] = width;
            t["line"] = line;
        }
        return AddTrace(t);
    }

    /// <summary>
    /// Markers at (x, y), with optional hover labels and marker style: <paramref name="color"/> any CSS colour
    /// ("crimson", "#1f77b4", "rgba(0,0,0,0.3)"), <paramref name="size"/> the diameter in pixels (plotly's
    /// default is 6), <paramref name="opacity"/> in [0, 1]. Unset values keep plotly's defaults.
    /// <code>fig.AddScatter(xs, ys, "1 level", color: "crimson", size: 16)</code>
    /// </summary>
    public Figure AddScatter(IEnumerable<double> x, IEnumerable<double> y, string? name = null, IEnumerable<string>? labels = null,
        string? color = null, double? size = null, double? opacity = null)
    {
        var t = Trace("scatter", name, ("mode", "markers"), ("x", Json.Numbers(x.ToArray())), ("y", Json.Numbers(y.ToArray())));
        if (labels != null) t["text"] = Json.Strings(labels);
        if (Marker(color, size, opacity) is { } marker) t["marker"] = marker;
        return AddTrace(t);
    }

    internal static JsonObject? Marker(string? color, double? size, double? opacity)
    {
        if (color == null && size == null && opacity == null) return null;
        if (color is { Length: 0 }) throw new ArgumentException("marker colour is empty", nameof(color));
        if (size is { } s && !(s > 0)) throw new ArgumentException($"marker size must be positive, got {s}", nameof(size));
        if (opacity is { } o && !(o >= 0 && o <= 1)) throw new ArgumentException($"marker opacity must be in [0, 1], got {o}", nameof(opacity));
        var m = new JsonObject();
        if (color != null) m["color"] = color;
        if (size != null) m["size"] = size;
        if (opacity != null) m["opacity"] = opacity;
        return m;
    }

    /// <summary>
    /// A histogram of <paramref name="values"/> (plotly bins them; <paramref name="bins"/> asks for about that many).
    /// Several histograms on one figure are overlaid, half transparent, so two distributions can be compared.
    /// </summary>
    public Figure AddHistogram(IEnumerable<double> values, string? name = null, int? bins = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = values.ToArray();
        if (v.Length == 0) throw new ArgumentException("a histogram needs at least one value", nameof(values));
        if (bins is { } b && b < 1) throw new ArgumentException($"bins must be at least 1, got {b}", nameof(bins));
        var t = Trace("histogram", name, ("x", Json.Numbers(v)), ("opacity", 0.6));
        if (bins is { } n) t["nbinsx"] = n;
        Layout["barmode"] = "overlay";
        return AddTrace(t);
    }

    /// <summary>Bars with category labels.</summary>
    public Figure AddBar(IEnumerable<string> labels, IEnumerable<double> values, string? name = null) =>
        AddTrace(Trace("bar", name, ("x", Json.Strings(labels)), ("y", Json.Numbers(values.ToArray()))));

    /// <summary>
    /// A heatmap of <paramref name="z"/> (rows × columns; row 0 at the bottom unless the y axis is reversed),
    /// with optional numeric x (per column) and y (per row) coordinates.
    /// </summary>
    public Figure AddHeatmap(float[,] z, double[]? x = null, double[]? y = null, string? name = null, string colorscale = "Viridis")
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.GetLength(0) == 0 || z.GetLength(1) == 0) throw new ArgumentException("heatmap values are empty", nameof(z));
        if (x != null && x.Length != z.GetLength(1)) throw new ArgumentException($"x has {x.Length} values for {z.GetLength(1)} columns", nameof(x));
        if (y != null && y.Length != z.GetLength(0)) throw new ArgumentException($"y has {y.Length} values for {z.GetLength(0)} rows", nameof(y));
        var t = Trace("heatmap", name, ("z", Json.Matrix(z)), ("colorscale", colorscale));
        if (x != null) t["x"] = Json.Numbers(x);
        if (y != null) t["y"] = Json.Numbers(y);
        return AddTrace(t);
    }

    internal static JsonObject Trace(string type, string? name, params (string Key, JsonNode? Value)[] props)
    {
        var t = new JsonObject { ["type"] = type };
        if (name != null) t["name"] = name;
        foreach (var (k, v) in props) t[k] = v;
        return t;
    }

    /// <summary>The figure as plotly JSON: <c>{"data": [...], "layout": {...}}</c> (a fresh copy).</summary>
    public JsonObject ToJson() => new() { ["data"] = Traces.DeepClone(), ["layout"] = Layout.DeepClone() };

    /// <summary>"Figure 'loss': scatter 'train' (100 points), heatmap 80×200".</summary>
    public override string ToString()
    {
        var parts = Traces.OfType<JsonObject>().Select(Describe);
        var title = Title == null ? "" : $" '{Title}'";
        return $"Figure{title}: {string.Join(", ", parts)}";
    }

    private static string Describe(JsonObject t)
    {
        var type = t["type"]?.GetValue<string>() ?? "trace";
        var name = t["name"] is JsonValue n ? $" '{n.GetValue<string>()}'" : "";
        if (t["z"] is JsonArray z) return string.Create(CultureInfo.InvariantCulture, $"{type}{name} {z.Count}×{(z.Count > 0 && z[0] is JsonArray r ? r.Count : 0)}");
        var count = (t["y"] as JsonArray ?? t["x"] as JsonArray)?.Count ?? 0;
        return $"{type}{name} ({count} {(type == "histogram" ? "values" : "points")})";
    }

    /// <summary>
    /// A figure from plotly JSON (<c>{"data": [...], "layout": {...}}</c>), for example the figure JSON of a
    /// chart made with another library.
    /// </summary>
    public static Figure FromJson(string plotlyJson)
    {
        ArgumentNullException.ThrowIfNull(plotlyJson);
        JsonNode? node;
        try { node = JsonNode.Parse(plotlyJson); }
        catch (System.Text.Json.JsonException e) { throw new ArgumentException($"not plotly figure JSON: {e.Message}", nameof(plotlyJson), e); }
        if (node is not JsonObject o || o["data"] is not JsonArray data)
            throw new ArgumentException("plotly figure JSON must be an object with a \"data\" array of traces", nameof(plotlyJson));
        var fig = new Figure();
        foreach (var t in data)
            fig.Traces.Add(t is JsonObject trace ? trace.DeepClone() : throw new ArgumentException("every plotly trace must be a JSON object", nameof(plotlyJson)));
        if (o["layout"] is JsonObject layout)
            foreach (var (k, v) in layout) fig.Layout[k] = v?.DeepClone();
        return fig;
    }

    /// <summary>The notebook HTML: the figure's JSON (once), its loader and the static PNG, if any.</summary>
    public string ToHtml() => PlotlyJs.FigureHtml(ToJson(), FallbackPng == null ? null : Convert.ToBase64String(FallbackPng), ToString());

    public IReadOnlyDictionary<string, object> ToMimeBundle() => MimeBundle.Html(ToHtml(), ToString()).Data;
}
