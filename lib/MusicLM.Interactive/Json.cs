using System.Globalization;
using System.Text.Json.Nodes;

namespace MusicLM.Interactive;

/// <summary>Compact JSON arrays for plotly: 5 significant digits, NaN and infinities as null (JSON has neither).</summary>
internal static class Json
{
    public static JsonNode? Number(double v, int digits = 5)
    {
        if (!double.IsFinite(v)) return null;
        return JsonValue.Create(double.Parse(v.ToString("G" + digits, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    public static JsonArray Numbers(IReadOnlyList<double> values)
    {
        var a = new JsonArray();
        foreach (var v in values) a.Add(Number(v));
        return a;
    }

    public static JsonArray Strings(IEnumerable<string> values)
    {
        var a = new JsonArray();
        foreach (var v in values) a.Add(JsonValue.Create(v));
        return a;
    }

    /// <summary>Rows of a matrix as nested arrays, 4 significant digits (a colour scale shows far fewer; hover keeps 0.1 dB).</summary>
    public static JsonArray Matrix(float[,] z)
    {
        var rows = new JsonArray();
        for (var r = 0; r < z.GetLength(0); r++)
        {
            var row = new JsonArray();
            for (var c = 0; c < z.GetLength(1); c++) row.Add(Number(z[r, c], 4));
            rows.Add(row);
        }
        return rows;
    }
}
