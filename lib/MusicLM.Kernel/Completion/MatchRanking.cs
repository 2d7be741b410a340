namespace MusicLM.Kernel.Completion;

/// <summary>
/// Keeps the candidates that fit what is typed and orders them by how well: a case-exact prefix
/// first, then a prefix in any case, then camel humps ("SB" for StringBuilder, "ToStr" for
/// ToString). Within a rank the completer's own order (Roslyn's sort text) decides, so equally good
/// matches keep the IDE's order. An empty typed text keeps everything (the list after a dot).
/// </summary>
internal static class MatchRanking
{
    public static List<T> Rank<T>(IEnumerable<T> candidates, Func<T, string> filterText, Func<T, string> sortText, string typed)
    {
        var ranked = new List<(int Rank, string Sort, string Text, T Item)>();
        foreach (var c in candidates)
        {
            var text = filterText(c);
            var rank = RankOf(text, typed);
            if (rank >= 0) ranked.Add((rank, sortText(c), text, c));
        }
        return
        [
            .. ranked
                .OrderBy(r => r.Rank)
                .ThenBy(r => r.Sort, StringComparer.OrdinalIgnoreCase)
                .ThenBy(r => r.Text, StringComparer.Ordinal)
                .Select(r => r.Item),
        ];
    }

    /// <summary>0 exact prefix, 1 prefix ignoring case, 2 camel humps, -1 no match.</summary>
    internal static int RankOf(string candidate, string typed)
    {
        if (typed.Length == 0) return 0;
        if (candidate.StartsWith(typed, StringComparison.Ordinal)) return 0;
        if (candidate.StartsWith(typed, StringComparison.OrdinalIgnoreCase)) return 1;
        return char.ToUpperInvariant(typed[0]) == char.ToUpperInvariant(candidate.Length > 0 ? candidate[0] : '\0') &&
               HumpsMatch(candidate, Humps(candidate), 0, typed, 0) ? 2 : -1;
    }

    /// <summary>Where each hump starts: the first letter, an upper-case letter after a lower-case one, a letter after '_' or a digit.</summary>
    private static List<int> Humps(string s)
    {
        var starts = new List<int>();
        for (int i = 0; i < s.Length; i++)
        {
            if (!char.IsLetterOrDigit(s[i])) continue;
            if (i == 0 || !char.IsLetterOrDigit(s[i - 1]) || char.IsUpper(s[i]) && !char.IsUpper(s[i - 1]))
                starts.Add(i);
        }
        return starts;
    }

    /// <summary>Whether typed[t..] is a sequence of prefixes of humps h, h+1, … (each hump used at most once, in order).</summary>
    private static bool HumpsMatch(string s, List<int> humps, int h, string typed, int t)
    {
        if (t == typed.Length) return true;
        for (int k = h; k < humps.Count; k++)
        {
            // The first typed letter must start the first hump; later ones may skip humps.
            if (t == 0 && k > 0) return false;
            int start = humps[k], end = k + 1 < humps.Count ? humps[k + 1] : s.Length;
            for (int len = 1; len <= end - start && t + len <= typed.Length; len++)
            {
                if (char.ToUpperInvariant(s[start + len - 1]) != char.ToUpperInvariant(typed[t + len - 1])) break;
                if (HumpsMatch(s, humps, k + 1, typed, t + len)) return true;
            }
        }
        return false;
    }
}
