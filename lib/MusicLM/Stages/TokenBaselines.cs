namespace MusicLM.Stages;

/// <summary>
/// What a stage's loss means: the cross-entropy and accuracy of two models that know no music, fitted on the
/// training windows' target tokens and scored on held-out windows exactly like the stage (each target position's
/// distribution over the ids legal there). <b>Unigram</b>: how often each code of a level occurs. <b>Bigram</b>: the
/// code given the previous token of the sequence, backed off to the unigram (p = (c(prev, x) + β·p₁(x)) / (c(prev) + β),
/// β = 1). A stage that beats the bigram has learnt more than "codes tend to repeat".
/// </summary>
public sealed class TokenBaselines
{
    private readonly TokenLayout layout;
    private readonly Dictionary<long, double> unigram = new();
    private readonly Dictionary<long, Dictionary<long, double>> bigram = new();
    private readonly Dictionary<long, double> previousTotals = new();
    private readonly Dictionary<long, double> rangeTotals = new();

    private TokenBaselines(TokenLayout layout) => this.layout = layout;

    /// <summary>Counts the target tokens (and their predecessors) of training windows.</summary>
    public static TokenBaselines Fit(TokenLayout layout, IReadOnlyList<long[]> trainingSequences)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (trainingSequences.Count == 0) throw new ArgumentException("give at least one training window", nameof(trainingSequences));
        var b = new TokenBaselines(layout);
        int P = layout.PrefixLength;
        foreach (var s in trainingSequences)
        {
            if (s.Length != layout.Length) throw new ArgumentException($"windows must have {layout.Length} tokens, got {s.Length}", nameof(trainingSequences));
            for (var i = P; i < s.Length; i++)
            {
                Add(b.unigram, s[i], 1);
                Add(b.rangeTotals, layout.TargetRange(i - P).Offset, 1);
                if (!b.bigram.TryGetValue(s[i - 1], out var next)) b.bigram[s[i - 1]] = next = new Dictionary<long, double>();
                Add(next, s[i], 1);
                Add(b.previousTotals, s[i - 1], 1);
            }
        }
        return b;
    }

    private static void Add(Dictionary<long, double> d, long key, double v) => d[key] = d.GetValueOrDefault(key) + v;

    /// <summary>p₁(x) among the ids of x's range, add-½ smoothed so an unseen code keeps some probability.</summary>
    private double Unigram(long x, TokenRange r) => (unigram.GetValueOrDefault(x) + 0.5) / (rangeTotals.GetValueOrDefault(r.Offset) + 0.5 * r.Size);

    private double Bigram(long prev, long x, TokenRange r)
    {
        var c = bigram.TryGetValue(prev, out var next) ? next.GetValueOrDefault(x) : 0;
        // Counts of prev followed by a token of *this* range (a predecessor can precede several levels).
        double total = 0;
        if (next is not null) foreach (var (k, v) in next) if (r.Contains(k)) total += v;
        return (c + Unigram(x, r)) / (total + 1);
    }

    /// <summary>Unigram and bigram cross-entropy (nats per target token) and accuracy on held-out windows.</summary>
    public BaselineScores Score(IReadOnlyList<long[]> sequences)
    {
        if (sequences.Count == 0) throw new ArgumentException("give at least one window", nameof(sequences));
        int P = layout.PrefixLength;
        double uLoss = 0, bLoss = 0, uHit = 0, bHit = 0;
        long n = 0;
        var bestUnigram = new Dictionary<long, long>();
        foreach (var s in sequences)
        {
            if (s.Length != layout.Length) throw new ArgumentException($"windows must have {layout.Length} tokens, got {s.Length}", nameof(sequences));
            for (var i = P; i < s.Length; i++)
            {
                var r = layout.TargetRange(i - P);
                uLoss -= Math.Log(Unigram(s[i], r));
                bLoss -= Math.Log(Bigram(s[i - 1], s[i], r));
                if (!bestUnigram.TryGetValue(r.Offset, out var mode)) bestUnigram[r.Offset] = mode = ArgMax(r, x => Unigram(x, r));
                if (mode == s[i]) uHit++;
                if (ArgMaxBigram(s[i - 1], r) == s[i]) bHit++;
                n++;
            }
        }
        return new BaselineScores(uLoss / n, uHit / n, bLoss / n, bHit / n);
    }

    private long ArgMaxBigram(long prev, TokenRange r)
    {
        if (!bigram.TryGetValue(prev, out var next)) return ArgMax(r, x => Unigram(x, r));
        long best = -1;
        var bestCount = double.NegativeInfinity;
        foreach (var (k, v) in next)
            if (r.Contains(k) && (v > bestCount || (v == bestCount && k < best))) (best, bestCount) = (k, v);
        return best >= 0 ? best : ArgMax(r, x => Unigram(x, r));
    }

    private static long ArgMax(TokenRange r, Func<long, double> p)
    {
        long best = r.Offset;
        var bestP = double.NegativeInfinity;
        for (var x = r.Offset; x < r.End; x++)
        {
            var v = p(x);
            if (v > bestP) (best, bestP) = (x, v);
        }
        return best;
    }
}
