using System.Text.Json.Nodes;
using MusicLM.Interactive;

namespace MusicLM.Stages;

/// <summary>Draws a <see cref="TokenLayout"/>: index across, one row per stream, one colour per segment.</summary>
internal static class LayoutPicture
{
    // One colour per segment name, the same in every layout (plotly's default cycle, so it matches other figures).
    private static readonly (string Segment, string Css, byte R, byte G, byte B)[] palette =
    {
        ("conditioning", "#7f7f7f", 127, 127, 127),
        ("semantic", "#ff7f0e", 255, 127, 14),
        ("coarse", "#2ca02c", 44, 160, 44),
        ("fine", "#9467bd", 148, 103, 189),
    };

    public static Figure Draw(TokenLayout layout, LayoutSequence? sequence, int first, int count, string? title)
    {
        if (first < 0 || first >= layout.Length)
            throw new ArgumentOutOfRangeException(nameof(first), first, $"first index must be in [0, {layout.Length}), got {first}");
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be positive, got {count}");
        if (sequence != null && sequence.Tokens.Length != layout.Length)
            throw new ArgumentException($"the sequence has {sequence.Tokens.Length} tokens, the layout {layout.Length}", nameof(sequence));
        var end = (int)Math.Min((long)first + count, layout.Length);
        var slots = layout.Slots;
        var positions = layout.Positions;

        // Rows top to bottom: conditioning, semantic, then codec levels in order.
        var rows = slots.Select(s => s.Row).Distinct()
            .OrderBy(r => r == "conditioning" ? -2 : r == "semantic" ? -1 : int.Parse(r["acoustic ".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        var segments = slots.Select(s => s.Segment).Distinct().ToList();
        int width = end - first, height = rows.Count;
        var z = new float[height, width];
        var text = new JsonArray();
        for (var r = 0; r < height; r++)
        {
            for (var c = 0; c < width; c++) z[r, c] = float.NaN;
            var row = new JsonArray();
            for (var c = 0; c < width; c++) row.Add("");
            text.Add(row);
        }
        for (var i = first; i < end; i++)
        {
            var s = slots[i];
            var r = rows.IndexOf(s.Row);
            z[r, i - first] = segments.IndexOf(s.Segment);
            var label = sequence == null ? s.Head : layout.Label(i, sequence.Tokens[i]);
            text[r]![i - first] = $"{s.Segment} · {label} · position {positions[i]}";
        }

        var fig = new Figure(title ?? $"{layout.Kind} layout: indices {first}–{end - 1} of {layout.Length}");
        fig.AddHeatmap(z, Enumerable.Range(first, width).Select(i => (double)i).ToArray(), Enumerable.Range(0, height).Select(r => (double)r).ToArray(), "segments");
        var trace = (JsonObject)fig.Traces[^1]!;
        trace["colorscale"] = Colorscale(segments);
        trace["zmin"] = -0.5;
        trace["zmax"] = segments.Count - 0.5;
        trace["text"] = text;
        trace["hoverongaps"] = false;
        trace["hovertemplate"] = "index %{x}<br>%{text}<extra></extra>";
        trace["colorbar"] = new JsonObject
        {
            ["tickmode"] = "array",
            ["tickvals"] = new JsonArray(segments.Select((_, k) => JsonValue.Create((double)k)).ToArray<JsonNode?>()),
            ["ticktext"] = new JsonArray(segments.Select(s => JsonValue.Create(s)).ToArray<JsonNode?>()),
            ["len"] = 0.9,
        };
        fig.WithAxes("sequence index", null).WithSize(0, 110 + 24 * height);
        var ya = fig.Axis("yaxis");
        ya["tickmode"] = "array";
        ya["tickvals"] = new JsonArray(rows.Select((_, k) => JsonValue.Create((double)k)).ToArray<JsonNode?>());
        ya["ticktext"] = new JsonArray(rows.Select(r => JsonValue.Create(r)).ToArray<JsonNode?>());
        ya["autorange"] = "reversed";
        if (layout.PrefixLength > first && layout.PrefixLength < end)
        {
            // Where generation starts: everything left of the line is given.
            fig.Layout["shapes"] = new JsonArray(new JsonObject
            {
                ["type"] = "line", ["x0"] = layout.PrefixLength - 0.5, ["x1"] = layout.PrefixLength - 0.5,
                ["yref"] = "paper", ["y0"] = 0.0, ["y1"] = 1.0, ["line"] = new JsonObject { ["color"] = "black", ["width"] = 2 },
            });
            fig.Layout["annotations"] = new JsonArray(new JsonObject
            {
                ["x"] = layout.PrefixLength - 0.5, ["yref"] = "paper", ["y"] = 1.0, ["yanchor"] = "bottom", ["xanchor"] = "left",
                ["text"] = "target →", ["showarrow"] = false,
            });
        }
        return fig.WithFallbackPng(Png(z, segments));
    }

    private static JsonArray Colorscale(IReadOnlyList<string> segments)
    {
        // Stepped: segment k fills [k/n, (k+1)/n] of the scale, so colours stay categorical.
        var scale = new JsonArray();
        for (var k = 0; k < segments.Count; k++)
        {
            var css = Colour(segments[k]).Css;
            scale.Add(new JsonArray((double)k / segments.Count, css));
            scale.Add(new JsonArray((double)(k + 1) / segments.Count, css));
        }
        return scale;
    }

    private static (string Segment, string Css, byte R, byte G, byte B) Colour(string segment)
    {
        foreach (var p in palette)
            if (p.Segment == segment) return p;
        return ("other", "#17becf", 23, 190, 207);
    }

    /// <summary>The static picture: up to 4 pixels per index (800 wide, or one per index for longer strips), 10 per row, white where a row holds nothing.</summary>
    private static byte[] Png(float[,] z, IReadOnlyList<string> segments)
    {
        int rows = z.GetLength(0), cols = z.GetLength(1);
        var w = Math.Max(cols, Math.Min(cols * 4, 800));
        var h = rows * 10;
        var rgb = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var v = z[y / 10, (int)((long)x * cols / w)];
                var (R, G, B) = float.IsNaN(v) ? ((byte)255, (byte)255, (byte)255) : Pick(segments[(int)v]);
                var o = (y * w + x) * 3;
                rgb[o] = R; rgb[o + 1] = G; rgb[o + 2] = B;
            }
        return MusicLM.Interactive.Png.Encode(rgb, w, h);
    }

    private static (byte, byte, byte) Pick(string segment)
    {
        var c = Colour(segment);
        return (c.R, c.G, c.B);
    }
}
