namespace MusicLM.Evaluation;

/// <summary>
/// Normalised mutual information between tokens and ground-truth labels, frame by frame (notebook 03's "what
/// tokens capture" table). NMI = I(X;Y) / ((H(X) + H(Y)) / 2), the arithmetic-mean normalisation (scikit-learn's
/// default): 0 when the tokens tell nothing about the labels, 1 when each determines the other. With many token
/// values and few frames, NMI is above 0 even for unrelated sequences, so every score comes with its chance level:
/// the NMI of the same tokens after a random permutation of the frames.
/// </summary>
public static class TokenInformation
{
    /// <summary>Entropy in bits of the empirical distribution of <paramref name="x"/>.</summary>
    public static double Entropy(ReadOnlySpan<int> x)
    {
        if (x.Length == 0) return 0;
        var counts = new Dictionary<int, int>();
        foreach (var v in x) counts[v] = counts.GetValueOrDefault(v) + 1;
        double h = 0, n = x.Length;
        foreach (var c in counts.Values) h -= c / n * Math.Log2(c / n);
        return h;
    }

    /// <summary>Mutual information in bits between two sequences of equal length.</summary>
    public static double MutualInformation(ReadOnlySpan<int> x, ReadOnlySpan<int> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"sequences differ in length ({x.Length} and {y.Length})");
        if (x.Length == 0) return 0;
        var joint = new Dictionary<(int, int), int>();
        var cx = new Dictionary<int, int>();
        var cy = new Dictionary<int, int>();
        for (int i = 0; i < x.Length; i++)
        {
            joint[(x[i], y[i])] = joint.GetValueOrDefault((x[i], y[i])) + 1;
            cx[x[i]] = cx.GetValueOrDefault(x[i]) + 1;
            cy[y[i]] = cy.GetValueOrDefault(y[i]) + 1;
        }
        double n = x.Length, mi = 0;
        foreach (var ((a, b), c) in joint) mi += c / n * Math.Log2(c * n / ((double)cx[a] * cy[b]));
        return Math.Max(0, mi);
    }

    /// <summary>Normalised mutual information (arithmetic-mean normalisation); 0 when either sequence is constant.</summary>
    public static double Nmi(ReadOnlySpan<int> x, ReadOnlySpan<int> y)
    {
        double hx = Entropy(x), hy = Entropy(y);
        if (hx <= 0 || hy <= 0) return 0;
        return Math.Clamp(2 * MutualInformation(x, y) / (hx + hy), 0, 1);
    }

    /// <summary>NMI of tokens against labels, with the chance level averaged over <paramref name="permutations"/> shuffles.</summary>
    public static InformationScore Score(ReadOnlySpan<int> tokens, ReadOnlySpan<int> labels, int permutations = 5, int seed = 0)
    {
        if (tokens.Length != labels.Length) throw new ArgumentException($"{tokens.Length} tokens for {labels.Length} labels");
        if (permutations < 1) throw new ArgumentOutOfRangeException(nameof(permutations), permutations, "at least one permutation");
        var shuffled = tokens.ToArray();
        var rng = new Random(seed);
        double chance = 0;
        for (int p = 0; p < permutations; p++)
        {
            rng.Shuffle(shuffled);
            chance += Nmi(shuffled, labels);
        }
        return new InformationScore(Nmi(tokens, labels), chance / permutations, MutualInformation(tokens, labels),
                                    Entropy(labels), Entropy(tokens), tokens.Length);
    }

    /// <summary>
    /// Scores clips together: each clip's tokens and labels are cut to the shorter of the two (a tokenizer may make
    /// one frame more or less than the labels ask for) and all frames are pooled.
    /// </summary>
    public static InformationScore Score(IReadOnlyList<IReadOnlyList<int>> tokensPerClip, IReadOnlyList<IReadOnlyList<int>> labelsPerClip,
        int permutations = 5, int seed = 0)
    {
        if (tokensPerClip.Count != labelsPerClip.Count)
            throw new ArgumentException($"{tokensPerClip.Count} token sequences for {labelsPerClip.Count} label sequences");
        var tokens = new List<int>();
        var labels = new List<int>();
        for (int c = 0; c < tokensPerClip.Count; c++)
        {
            int n = Math.Min(tokensPerClip[c].Count, labelsPerClip[c].Count);
            if (Math.Abs(tokensPerClip[c].Count - labelsPerClip[c].Count) > 2)
                throw new ArgumentException($"clip {c}: {tokensPerClip[c].Count} tokens for {labelsPerClip[c].Count} labels (frame rates differ?)");
            for (int i = 0; i < n; i++) { tokens.Add(tokensPerClip[c][i]); labels.Add(labelsPerClip[c][i]); }
        }
        return Score(tokens.ToArray(), labels.ToArray(), permutations, seed);
    }
}
