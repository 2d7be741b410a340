using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace MusicLM.Interactive;

/// <summary>
/// An HTML table of records (DESIGN D5: records and manifests instead of a DataFrame): public properties
/// become columns, in declaration order. Cells that are themselves displayable (an <see cref="Audio"/> player)
/// are embedded; everything else is escaped text. Long tables show the first rows and "… N more rows".
/// <code>Table.Of(manifest.Take(50))</code>
/// Headers read as words: a property's <see cref="System.ComponentModel.DisplayNameAttribute"/> (or
/// <c>[Display(Name = …)]</c>) when it has one, else its name made readable by <see cref="Humanize"/>
/// (<c>SiSnrDb</c> → "SI-SNR (dB)"); a <see cref="System.ComponentModel.DescriptionAttribute"/> becomes the
/// header's tooltip. Number columns align right, text columns left, and short values never
/// wrap.
/// </summary>
public sealed class Table : IDisplayable
{
    /// <summary>Cells shorter than this never wrap; longer text (captions) may.</summary>
    public const int NoWrapLength = 20;

    private readonly IReadOnlyList<string?>? descriptions;

    private Table(IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, int maxRows, int? totalRows = null, IReadOnlyList<string?>? descriptions = null)
    {
        this.descriptions = descriptions;
        if (maxRows < 1) throw new ArgumentException($"maxRows must be ≥ 1, got {maxRows}", nameof(maxRows));
        Columns = columns;
        Rows = rows;
        MaxRows = maxRows;
        TotalRows = totalRows ?? rows.Count;
    }

    /// <summary>
    /// A table from headers and the rows to show, where the source holds <paramref name="totalRows"/> in all
    /// (the rest are counted, not kept): for large sources such as a DataFrame.
    /// </summary>
    internal static Table FromRows(IReadOnlyList<string> headers, IReadOnlyList<object?[]> shownRows, long totalRows, int maxRows) =>
        new(headers, shownRows, maxRows, (int)Math.Min(int.MaxValue, totalRows));

    /// <summary>A table of records: one row per item, one column per public property (or a "value" column for plain values).</summary>
    public static Table Of<T>(IEnumerable<T> records, int maxRows = 20)
    {
        ArgumentNullException.ThrowIfNull(records);
        var items = records.Cast<object?>().ToList();
        if (items.Count > 0 && items.All(i => i is IReadOnlyDictionary<string, object?>))
            return Of(items.Cast<IReadOnlyDictionary<string, object?>>(), maxRows);
        var type = typeof(T) == typeof(object) ? items.FirstOrDefault(i => i != null)?.GetType() ?? typeof(object) : typeof(T);
        if (IsScalar(type))
            return new Table(new[] { "value" }, items.Select(i => new[] { i }).ToList(), maxRows);
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.GetMethod!.IsPublic)
            .OrderBy(p => p.MetadataToken)
            .ToArray();
        var rows = items.Select(i => props.Select(p => i == null || !p.DeclaringType!.IsInstanceOfType(i) ? null : p.GetValue(i)).ToArray()).ToList();
        // [Description] becomes the header's tooltip: the longer explanation, where the header stays short.
        var notes = props.Select(p => p.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>()?.Description).ToArray();
        return new Table(props.Select(Header).ToArray(), rows, maxRows, null, notes.Any(n => !string.IsNullOrEmpty(n)) ? notes : null);
    }

    private static string Header(PropertyInfo p)
    {
        if (p.GetCustomAttribute<System.ComponentModel.DisplayNameAttribute>() is { DisplayName: { Length: > 0 } shown }) return shown;
        // [Display(Name = …)] from System.ComponentModel.DataAnnotations, read by name so no reference is needed.
        foreach (var a in p.GetCustomAttributes(inherit: true))
            if (a.GetType().Name == "DisplayAttribute" && a.GetType().GetProperty("Name")?.GetValue(a) is string { Length: > 0 } name) return name;
        return Humanize(p.Name);
    }

    private static readonly Dictionary<string, string> acronyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["snr"] = "SNR", ["pcm"] = "PCM", ["wav"] = "WAV", ["rms"] = "RMS", ["id"] = "ID", ["vq"] = "VQ", ["rvq"] = "RVQ",
        ["stft"] = "STFT", ["fft"] = "FFT", ["bpm"] = "BPM", ["mfcc"] = "MFCC", ["mse"] = "MSE", ["mae"] = "MAE", ["kl"] = "KL",
        ["cpu"] = "CPU", ["gpu"] = "GPU", ["json"] = "JSON", ["url"] = "URL", ["mp3"] = "MP3", ["lufs"] = "LUFS", ["midi"] = "MIDI",
        ["fad"] = "FAD", ["mulan"] = "MuLan", ["encodec"] = "EnCodec", ["seanet"] = "SEANet", ["mel"] = "mel",
    };

    private static readonly Dictionary<string, string> units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["db"] = "dB", ["hz"] = "Hz", ["khz"] = "kHz", ["kbps"] = "kbps", ["bps"] = "bps", ["ms"] = "ms", ["s"] = "s",
        ["sec"] = "s", ["seconds"] = "s", ["pct"] = "%", ["percent"] = "%", ["mb"] = "MB", ["kb"] = "kB", ["gb"] = "GB",
    };

    /// <summary>
    /// A C# name as words with units: PascalCase and underscores split into words, known acronyms in capitals,
    /// a trailing unit in parentheses, digits joined to the next word by a hyphen.
    /// <c>SiSnrDb</c> → "SI-SNR (dB)", <c>EstimatedTempo</c> → "Estimated tempo",
    /// <c>SmallerThan16BitPcm</c> → "Smaller than 16-bit PCM", <c>DurationS</c> → "Duration (s)".
    /// </summary>
    public static string Humanize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = System.Text.RegularExpressions.Regex.Split(name.Replace('_', ' ').Trim(),
            @"\s+|(?<=[a-z])(?=[A-Z0-9])|(?<=[0-9])(?=[A-Za-z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])")
            .Where(w => w.Length > 0).ToList();
        if (words.Count == 0) return name;
        if (words.Count == 1 && units.TryGetValue(words[0], out var alone) && alone.Equals(words[0], StringComparison.OrdinalIgnoreCase)) return alone; // "Kbps", not "Seconds"
        string? unit = null;
        if (words.Count > 1 && units.TryGetValue(words[^1], out var u)) { unit = u; words.RemoveAt(words.Count - 1); }
        var parts = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            if (w.Equals("si", StringComparison.OrdinalIgnoreCase) && i + 1 < words.Count && words[i + 1].Equals("snr", StringComparison.OrdinalIgnoreCase))
            {
                parts.Add("SI-SNR");
                i++;
            }
            else if (char.IsDigit(w[0]) && i + 1 < words.Count && !units.ContainsKey(words[i + 1]) && !acronyms.ContainsKey(words[i + 1]))
            {
                parts.Add(w + "-" + words[i + 1].ToLowerInvariant());
                i++;
            }
            else if (acronyms.TryGetValue(w, out var a)) parts.Add(a);
            else if (w.Length > 1 && w.All(char.IsUpper)) parts.Add(w);   // already an acronym: RVQ, Q
            else parts.Add(w.ToLowerInvariant());
        }
        var text = string.Join(" ", parts);
        text = char.ToUpperInvariant(text[0]) + text[1..];
        return unit == null ? text : $"{text} ({unit})";
    }

    /// <summary>A table of dictionaries; the columns are the union of their keys, in first-seen order.</summary>
    public static Table Of(IEnumerable<IReadOnlyDictionary<string, object?>> rows, int maxRows = 20)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        var columns = new List<string>();
        foreach (var r in list)
            foreach (var k in r.Keys)
                if (!columns.Contains(k)) columns.Add(k);
        var cells = list.Select(r => columns.Select(c => r.TryGetValue(c, out var v) ? v : null).ToArray()).ToList();
        return new Table(columns, cells, maxRows);
    }

    private static bool IsScalar(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime) || t == typeof(TimeSpan) || t == typeof(Guid);

    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows kept (the display shows the first <see cref="MaxRows"/>).</summary>
    public IReadOnlyList<object?[]> Rows { get; }

    public int MaxRows { get; }

    /// <summary>Rows in the source, shown or not (more than <see cref="Rows"/> for a DataFrame).</summary>
    public int TotalRows { get; }

    /// <summary>How a cell reads as text: numbers invariant with up to 4 significant digits after the point.</summary>
    public static string Format(object? v) => v switch
    {
        null => "",
        string s => s,
        float f => f.ToString("0.####", CultureInfo.InvariantCulture),
        double d => Math.Abs(d) is > 0 and (< 1e-4 or >= 1e9) ? d.ToString("0.###e0", CultureInfo.InvariantCulture) : d.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e and not IDisplayable => "[" + string.Join(", ", e.Cast<object?>().Take(8).Select(Format)) + (e.Cast<object?>().Skip(8).Any() ? ", …" : "") + "]",
        _ => v.ToString() ?? "",
    };

    private int Shown => Math.Min(MaxRows, Rows.Count);

    private bool HasMore => TotalRows > Shown;

    private string MoreRows => $"… {TotalRows - Shown} more rows";

    private static bool IsNumber(object? v) => v is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal or System.Numerics.BigInteger;

    /// <summary>A column is numeric when every non-empty cell shown is a number.</summary>
    private bool[] NumericColumns()
    {
        var shown = Rows.Take(MaxRows).ToList();
        return Columns.Select((_, i) =>
        {
            var values = shown.Select(r => i < r.Length ? r[i] : null).Where(v => v != null).ToList();
            return values.Count > 0 && values.All(IsNumber);
        }).ToArray();
    }

    public string ToHtml()
    {
        // Inline styles: Jupyter's classic CSS right-aligns every cell and fixes the table layout (which is
        // what wrapped "F# minor"); inline styles win over it and survive in exported HTML.
        var numeric = NumericColumns();
        var sb = new StringBuilder("<table class=\"mlt\" style=\"table-layout:auto;border-collapse:collapse\"><thead><tr>");
        for (var i = 0; i < Columns.Count; i++)
        {
            var note = descriptions != null && i < descriptions.Count && !string.IsNullOrEmpty(descriptions[i]) ? $" title=\"{WebUtility.HtmlEncode(descriptions[i])}\"" : "";
            sb.Append(numeric[i] ? $"<th style=\"text-align:right\"{note}>" : $"<th style=\"text-align:left\"{note}>").Append(WebUtility.HtmlEncode(Columns[i])).Append("</th>");
        }
        sb.Append("</tr></thead><tbody>");
        foreach (var row in Rows.Take(MaxRows))
        {
            sb.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
            {
                var v = row[i];
                if (v is IDisplayable d && d.ToMimeBundle().TryGetValue(MimeTypes.Html, out var h) && h is string html)
                {
                    sb.Append("<td style=\"text-align:left\">").Append(html).Append("</td>");
                    continue;
                }
                var text = Format(v);
                var align = i < numeric.Length && numeric[i] ? "right;font-variant-numeric:tabular-nums" : "left";
                var wrap = text.Length < NoWrapLength ? ";white-space:nowrap" : "";
                sb.Append("<td style=\"text-align:").Append(align).Append(wrap).Append("\">").Append(WebUtility.HtmlEncode(text)).Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (HasMore) sb.Append("<div style=\"font-style:italic\">").Append(WebUtility.HtmlEncode(MoreRows)).Append("</div>");
        return sb.ToString();
    }

    /// <summary>Columns aligned with spaces, as on a console.</summary>
    public override string ToString()
    {
        var shown = Rows.Take(MaxRows).Select(r => r.Select(v => Format(v).ReplaceLineEndings(" ")).ToArray()).ToList();
        var widths = Columns.Select((c, i) => Math.Max(c.Length, shown.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var sb = new StringBuilder();
        sb.AppendJoin("  ", Columns.Select((c, i) => c.PadRight(widths[i]))).Append('\n');
        foreach (var r in shown) sb.AppendJoin("  ", r.Select((v, i) => v.PadRight(widths[i]))).Append('\n');
        if (HasMore) sb.Append(MoreRows).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }

    public IReadOnlyDictionary<string, object> ToMimeBundle() => MimeBundle.Html(ToHtml(), ToString()).Data;
}
