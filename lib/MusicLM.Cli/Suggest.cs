namespace MusicLM.Cli;

/// <summary>"Did you mean …": the valid name nearest a mistyped one (edit distance, transpositions counted as one).</summary>
internal static class Suggest
{
    /// <summary>The candidate nearest <paramref name="typed"/>, or null when none is near enough to be a typo of it.</summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestScore = int.MaxValue;
        var bare = typed.TrimStart('-');
        foreach (var c in candidates)
        {
            var d = Distance(bare.ToLowerInvariant(), c.TrimStart('-').ToLowerInvariant());
            // A prefix ("--min" for "--minutes") is as good as one edit.
            if (bare.Length >= 2 && c.TrimStart('-').StartsWith(bare, StringComparison.OrdinalIgnoreCase)) d = Math.Min(d, 1);
            if (d < bestScore) (best, bestScore) = (c, d);
        }
        var allowed = Math.Max(2, bare.Length / 3);
        return bestScore <= allowed ? best : null;
    }

    /// <summary>"a, b or c".</summary>
    public static string OneOf(IReadOnlyList<string> names) =>
        names.Count <= 1 ? string.Join("", names) : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];

    /// <summary>Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost one each.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
