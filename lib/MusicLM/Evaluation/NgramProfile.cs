namespace MusicLM.Evaluation;

/// <summary>
/// A token sequence as counts of its n-grams (every run of <see cref="N"/> consecutive tokens). Two sequences are
/// alike when they use the same short patterns, wherever they use them: the cosine of the count vectors. Notebook 03
/// finds the clips whose semantic tokens are nearest to a query's with it, and the evaluation's memorisation check
/// the training clip nearest to a generation.
/// </summary>
public sealed class NgramProfile
{
    private readonly Dictionary<string, int> _counts;
    private readonly double _norm;

    private NgramProfile(int n, Dictionary<string, int> counts)
    {
        N = n;
        _counts = counts;
        _norm = Math.Sqrt(counts.Values.Sum(c => (double)c * c));
    }

    public int N { get; }
    /// <summary>Number of distinct n-grams.</summary>
    public int Distinct => _counts.Count;
    /// <summary>Number of n-grams counted (sequence length − n + 1, or 0).</summary>
    public int Total => _counts.Values.Sum();

    /// <summary>The n-gram counts of a sequence (an empty profile when it is shorter than n).</summary>
    public static NgramProfile Of(IReadOnlyList<int> tokens, int n = 2)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n-grams of at least one token");
        var counts = new Dictionary<string, int>();
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            var key = string.Join(',', Enumerable.Range(i, n).Select(j => tokens[j]));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return new NgramProfile(n, counts);
    }

    /// <summary>Cosine similarity of the two count vectors: 1 for the same proportions of n-grams, 0 for none shared.</summary>
    public double Similarity(NgramProfile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.N != N) throw new ArgumentException($"profiles of {N}-grams and {other.N}-grams cannot be compared", nameof(other));
        if (_norm == 0 || other._norm == 0) return 0;
        var (small, large) = _counts.Count <= other._counts.Count ? (_counts, other._counts) : (other._counts, _counts);
        double dot = 0;
        foreach (var (k, c) in small)
            if (large.TryGetValue(k, out var d)) dot += (double)c * d;
        return dot / (_norm * other._norm);
    }

    /// <summary>Indices of the <paramref name="count"/> candidates most similar to <paramref name="query"/>, best first (ties: lower index first).</summary>
    public static IReadOnlyList<(int Index, double Similarity)> Nearest(NgramProfile query, IReadOnlyList<NgramProfile> candidates, int count = 3)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(candidates);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "a count ≥ 0");
        return candidates.Select((c, i) => (Index: i, Similarity: query.Similarity(c)))
            .OrderByDescending(p => p.Similarity).ThenBy(p => p.Index).Take(count).ToList();
    }
}
