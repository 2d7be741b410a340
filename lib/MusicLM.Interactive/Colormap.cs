namespace MusicLM.Interactive;

/// <summary>
/// The viridis colour map (perceptually uniform, readable in grey and by colour-blind readers), as a piecewise
/// linear interpolation of nine of matplotlib's reference colours; its ends match plotly's "Viridis".
/// </summary>
public static class Colormap
{
    private static readonly byte[,] viridis =
    {
        { 68, 1, 84 }, { 72, 36, 117 }, { 65, 68, 135 }, { 53, 95, 141 }, { 42, 120, 142 },
        { 31, 161, 135 }, { 74, 193, 109 }, { 159, 218, 58 }, { 253, 231, 37 },
    };

    /// <summary>The colour for <paramref name="t"/> in [0, 1] (clamped; NaN maps to 0).</summary>
    public static (byte R, byte G, byte B) Viridis(double t)
    {
        if (double.IsNaN(t) || t < 0) t = 0;
        if (t > 1) t = 1;
        var x = t * (viridis.GetLength(0) - 1);
        var i = Math.Min((int)x, viridis.GetLength(0) - 2);
        var f = x - i;
        byte Lerp(int c) => (byte)Math.Round(viridis[i, c] + f * (viridis[i + 1, c] - viridis[i, c]));
        return (Lerp(0), Lerp(1), Lerp(2));
    }
}
