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
/// </summary>
public sealed class Table : IDisplayable
{
    private Table(IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, int maxRows)
    {
        if (maxRows < 1) throw new ArgumentException($"maxRows must be ≥ 1, got {maxRows}", nameof(maxRows));
        Columns = columns;
        Rows = rows;
        MaxRows = maxRows;
    }

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
        return new Table(props.Select(p => p.Name).ToArray(), rows, maxRows);
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

    /// <summary>All rows (the display shows the first <see cref="MaxRows"/>).</summary>
    public IReadOnlyList<object?[]> Rows { get; }

    public int MaxRows { get; }

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

    private string MoreRows => $"… {Rows.Count - MaxRows} more rows";

    public string ToHtml()
    {
        var sb = new StringBuilder("<table class=\"mlt\"><thead><tr>");
        foreach (var c in Columns) sb.Append("<th>").Append(WebUtility.HtmlEncode(c)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in Rows.Take(MaxRows))
        {
            sb.Append("<tr>");
            foreach (var v in row)
            {
                sb.Append("<td>");
                if (v is IDisplayable d && d.ToMimeBundle().TryGetValue(MimeTypes.Html, out var h) && h is string html) sb.Append(html);
                else sb.Append(WebUtility.HtmlEncode(Format(v)));
                sb.Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (Rows.Count > MaxRows) sb.Append("<div style=\"font-style:italic\">").Append(WebUtility.HtmlEncode(MoreRows)).Append("</div>");
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
        if (Rows.Count > MaxRows) sb.Append(MoreRows).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }

    public IReadOnlyDictionary<string, object> ToMimeBundle() => MimeBundle.Html(ToHtml(), ToString()).Data;
}
