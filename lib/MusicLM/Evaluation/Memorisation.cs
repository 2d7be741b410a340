namespace MusicLM.Evaluation;

/// <summary>
/// Whether generations copy their training clips: each generation's nearest training clip and how near, against the
/// scale of the training set itself (each training clip's nearest <em>other</em> training clip). A generator that
/// memorised would sit nearer a training clip than training clips sit to one another.
/// </summary>
public sealed record MemorisationReport(string Measure, IReadOnlyList<(int Index, double Similarity)> Nearest, IReadOnlyList<double> TrainingNearest)
{
    public double GeneratedMedian => Median(Nearest.Select(n => n.Similarity));
    public double GeneratedMax => Nearest.Max(n => n.Similarity);
    public double TrainingMedian => Median(TrainingNearest);
    public double TrainingMax => TrainingNearest.Max();
    /// <summary>Generations nearer a training clip than the nearest pair of distinct training clips.</summary>
    public int NearerThanAnyTrainingPair => Nearest.Count(n => n.Similarity > TrainingMax);
    /// <summary>Generations nearer a training clip than the median training clip is to its nearest neighbour.</summary>
    public int NearerThanTypicalTrainingPair => Nearest.Count(n => n.Similarity > TrainingMedian);

    private static double Median(IEnumerable<double> v)
    {
        var s = v.OrderBy(x => x).ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}

public static class Memorisation
{
    /// <summary>By token n-grams (<see cref="NgramProfile"/>, cosine of n-gram counts) of semantic (or any) token sequences.</summary>
    public static MemorisationReport ByTokens(IReadOnlyList<long[]> generated, IReadOnlyList<long[]> training, int n = 3)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(training);
        if (generated.Count == 0 || training.Count < 2) throw new ArgumentException("give at least one generation and two training clips");
        NgramProfile P(long[] t) => NgramProfile.Of(t.Select(x => (int)x).ToList(), n);
        var train = training.Select(P).ToList();
        return Report($"{n}-gram overlap of tokens", generated.Select(P).ToList(), train, (a, b) => a.Similarity(b));
    }

    /// <summary>By the cosine similarity of embeddings (the standardised evaluation features in the course).</summary>
    public static MemorisationReport ByEmbedding(IReadOnlyList<double[]> generated, IReadOnlyList<double[]> training)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(training);
        if (generated.Count == 0 || training.Count < 2) throw new ArgumentException("give at least one generation and two training clips");
        return Report("cosine of evaluation embeddings", generated, training, Cosine);
    }

    private static MemorisationReport Report<T>(string measure, IReadOnlyList<T> generated, IReadOnlyList<T> training, Func<T, T, double> similarity)
    {
        var nearest = generated.Select(g => Enumerable.Range(0, training.Count).Select(i => (Index: i, Similarity: similarity(g, training[i])))
            .MaxBy(t => t.Similarity)).ToList();
        var own = Enumerable.Range(0, training.Count).AsParallel().AsOrdered()
            .Select(i => Enumerable.Range(0, training.Count).Where(j => j != i).Max(j => similarity(training[i], training[j]))).ToList();
        return new MemorisationReport(measure, nearest, own);
    }

    public static double Cosine(double[] a, double[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException("embeddings of different lengths");
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : 0;
    }
}

/// <summary>How different several clips are from one another: the mean over pairs (several seeds of one prompt, or real clips for scale).</summary>
public static class Diversity
{
    /// <summary>Mean pairwise n-gram similarity of token sequences (1: the same patterns; lower is more diverse).</summary>
    public static double TokenSimilarity(IReadOnlyList<long[]> clips, int n = 3)
    {
        ArgumentNullException.ThrowIfNull(clips);
        if (clips.Count < 2) throw new ArgumentException("diversity needs at least two clips");
        var p = clips.Select(t => NgramProfile.Of(t.Select(x => (int)x).ToList(), n)).ToList();
        return Pairs(p.Count).Average(ij => p[ij.I].Similarity(p[ij.J]));
    }

    /// <summary>Mean pairwise Euclidean distance of embeddings (0: identical clips; higher is more diverse).</summary>
    public static double EmbeddingDistance(IReadOnlyList<double[]> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        if (clips.Count < 2) throw new ArgumentException("diversity needs at least two clips");
        return Pairs(clips.Count).Average(ij => Math.Sqrt(clips[ij.I].Zip(clips[ij.J], (a, b) => (a - b) * (a - b)).Sum()));
    }

    private static IEnumerable<(int I, int J)> Pairs(int n)
    {
        for (var i = 0; i < n; i++) for (var j = i + 1; j < n; j++) yield return (i, j);
    }
}
