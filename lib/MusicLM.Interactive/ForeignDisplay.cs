using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace MusicLM.Interactive;

/// <summary>
/// Bring-your-own display: values from libraries students add with <c>#r "nuget: …"</c>, recognised by type
/// name and read by reflection, so this toolkit references none of them.
/// <list type="bullet">
/// <item>a Plotly.NET <c>GenericChart</c> (Plotly.NET, Plotly.NET.CSharp) is drawn from its figure JSON
/// (<c>GenericChart.toFigureJson</c>) by our offline plotly.js loader — Plotly.NET's own HTML would fetch
/// plotly.js from a CDN;</item>
/// <item>a <c>Microsoft.Data.Analysis.DataFrame</c> becomes our <see cref="Table"/>, first
/// <see cref="DataFrameRows"/> rows and "… N more rows".</item>
/// </list>
/// The module initializer also offers this to the kernel (AppContext <see cref="FormatKey"/>), so such a
/// value shows as a cell's last value too, once this library has been used in the session.
/// </summary>
internal static class ForeignDisplay
{
    /// <summary>A <c>Func&lt;object, IReadOnlyDictionary&lt;string, object&gt;?&gt;</c> the kernel asks for values without <c>ToMimeBundle()</c>.</summary>
    public const string FormatKey = "jupyter.kernel.format_value";

    /// <summary>Rows of a DataFrame that are shown.</summary>
    public const int DataFrameRows = 20;

    private static readonly ConcurrentDictionary<Assembly, MethodInfo?> figureJson = new();

#pragma warning disable CA2255 // a library's module initializer on purpose: it registers a formatter with the kernel, which cannot reference us
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        var previous = AppContext.GetData(FormatKey) as Func<object, IReadOnlyDictionary<string, object>?>;
        if (previous == registered && registered != null) return;
        // Another library's formatter stays behind ours for the values we do not know.
        Func<object, IReadOnlyDictionary<string, object>?> format = value =>
            TryBundle(value, out var bundle) ? bundle.Data : previous?.Invoke(value);
        registered = format;
        AppContext.SetData(FormatKey, format);
    }

    private static Func<object, IReadOnlyDictionary<string, object>?>? registered;

    public static bool TryBundle(object value, out MimeBundle bundle)
    {
        if (IsA(value.GetType(), "Plotly.NET.GenericChart") && FigureJson(value) is { } json)
        {
            bundle = MimeBundle.From(Figure.FromJson(json).ToMimeBundle());
            return true;
        }
        if (IsA(value.GetType(), "Microsoft.Data.Analysis.DataFrame"))
        {
            bundle = MimeBundle.From(DataFrameTable(value, DataFrameRows).ToMimeBundle());
            return true;
        }
        bundle = null!;
        return false;
    }

    private static bool IsA(Type? t, string fullName)
    {
        for (; t != null; t = t.BaseType)
            if (t.FullName == fullName) return true;
        return false;
    }

    /// <summary>Plotly.NET's <c>GenericChart.toFigureJson(chart)</c>: <c>{"data": […], "layout": {…}}</c>.</summary>
    private static string? FigureJson(object chart)
    {
        var method = figureJson.GetOrAdd(chart.GetType().Assembly, asm => asm.GetExportedTypes()
            .Where(t => t.Namespace == "Plotly.NET" && t.Name.StartsWith("GenericChart", StringComparison.Ordinal))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .FirstOrDefault(m => m.Name == "toFigureJson" && m.ReturnType == typeof(string) && m.GetParameters() is { Length: 1 } p && p[0].ParameterType.IsInstanceOfType(chart)));
        try { return method?.Invoke(null, new[] { chart }) as string; }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            throw new InvalidOperationException($"Plotly.NET could not write the chart's figure JSON: {e.InnerException.Message}", e.InnerException);
        }
    }

    /// <summary>
    /// The first <paramref name="maxRows"/> rows of a DataFrame as a table; the rest are only counted. Column
    /// headers are the DataFrame's column names, as given.
    /// </summary>
    internal static Table DataFrameTable(object frame, int maxRows)
    {
        var columns = ((IEnumerable)(frame.GetType().GetProperty("Columns")?.GetValue(frame)
            ?? throw new ArgumentException("a DataFrame without Columns", nameof(frame)))).Cast<object>().ToList();
        var names = columns.Select(c => c.GetType().GetProperty("Name")?.GetValue(c) as string ?? "").ToArray();
        long rowCount = 0;
        var cells = new List<Func<long, object?>>();
        foreach (var c in columns)
        {
            var type = c.GetType();
            rowCount = Math.Max(rowCount, Convert.ToInt64(type.GetProperty("Length")?.GetValue(c) ?? 0L));
            var item = type.GetProperty("Item", new[] { typeof(long) })
                ?? throw new ArgumentException($"DataFrame column {type.Name} has no this[long] indexer", nameof(frame));
            cells.Add(i => item.GetValue(c, new object[] { i }));
        }
        var shown = (int)Math.Min(rowCount, maxRows);
        var rows = new List<object?[]>(shown);
        for (long r = 0; r < shown; r++) rows.Add(cells.Select(cell => cell(r)).ToArray());
        return Table.FromRows(names, rows, rowCount, maxRows);
    }
}
