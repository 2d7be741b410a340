namespace MusicLM.Stages;

/// <summary>
/// The coarse acoustic stage's sequence (MusicLM §3.2, second stage): [conditioning (C) | semantic window (T_s) |
/// coarse codes], the codes interleaved level by level within each frame (f0 l1, f0 l2, f0 l3, f1 l1, …) for
/// T_a = T_s × R acoustic frames. Windows start at a semantic frame s: semantic [s, s+T_s), acoustic
/// [s·R, s·R+T_a).
/// </summary>
public sealed class CoarseLayout : TokenLayout
{
    /// <summary>
    /// C MuLan tokens of M codes, <paramref name="semanticFrames"/> semantic tokens, then
    /// <paramref name="semanticFrames"/> × <paramref name="frameRatio"/> frames of the first
    /// <paramref name="coarseLevels"/> codec levels (<paramref name="codebookSize"/> codes each).
    /// </summary>
    public CoarseLayout(int conditioningLevels, int conditioningCodebook, int semanticVocabulary, int semanticFrames,
        int coarseLevels, int codebookSize, int frameRatio, bool timeAlignedPositions = true)
        : base(StageKind.Coarse, Plan(conditioningLevels, conditioningCodebook, semanticVocabulary, semanticFrames, coarseLevels, codebookSize, frameRatio), timeAlignedPositions)
    {
        SemanticVocabulary = semanticVocabulary;
        SemanticFrames = semanticFrames;
        CoarseLevels = coarseLevels;
        CodebookSize = codebookSize;
        FrameRatio = frameRatio;
    }

    private static LayoutPlan Plan(int c, int m, int vocabulary, int semanticFrames, int levels, int codebook, int ratio)
    {
        LayoutPlan.Positive(vocabulary, "semanticVocabulary");
        LayoutPlan.Positive(semanticFrames, nameof(semanticFrames));
        LayoutPlan.Positive(levels, "coarseLevels");
        LayoutPlan.Positive(codebook, "codebookSize");
        LayoutPlan.Positive(ratio, "frameRatio");
        var streams = new List<(string, long)> { ("semantic", vocabulary) };
        for (var l = 0; l < levels; l++) streams.Add((LayoutPlan.RangeName(LayoutStream.Acoustic, l), codebook));
        var plan = new LayoutPlan(c, m, streams);
        // A semantic frame lasts R acoustic frames: its position is that of the first of them.
        for (var t = 0; t < semanticFrames; t++) plan.Add("semantic", LayoutStream.Semantic, 0, t, (long)t * ratio);
        plan.EndPrefix();
        for (var f = 0; f < semanticFrames * ratio; f++)
            for (var l = 0; l < levels; l++) plan.Add("coarse", LayoutStream.Acoustic, l, f, f);
        return plan;
    }

    /// <summary>R from the two frame rates (50 Hz codec, 25 Hz semantic → 2); throws unless it is a whole number ≥ 1.</summary>
    public static int FrameRatioOf(double acousticFrameRate, double semanticFrameRate)
    {
        if (!(acousticFrameRate > 0) || !(semanticFrameRate > 0))
            throw new ArgumentOutOfRangeException(nameof(acousticFrameRate), $"frame rates must be positive, got {acousticFrameRate} and {semanticFrameRate} Hz");
        var r = acousticFrameRate / semanticFrameRate;
        var rounded = Math.Round(r);
        if (rounded < 1 || Math.Abs(r - rounded) > 1e-9 * r)
            throw new ArgumentException($"the acoustic frame rate ({acousticFrameRate} Hz) must be a whole multiple of the semantic one ({semanticFrameRate} Hz); the ratio is {r}");
        return (int)rounded;
    }

    /// <summary>K_s: semantic tokens.</summary>
    public int SemanticVocabulary { get; }

    /// <summary>T_s: semantic frames per window.</summary>
    public int SemanticFrames { get; }

    /// <summary>Codec levels this stage generates (the first ones).</summary>
    public int CoarseLevels { get; }

    /// <summary>K_a: codes per codec level.</summary>
    public int CodebookSize { get; }

    /// <summary>R: acoustic frames per semantic frame.</summary>
    public int FrameRatio { get; }

    /// <summary>T_a = T_s × R: acoustic frames per window.</summary>
    public int AcousticFrames => SemanticFrames * FrameRatio;

    public override string StartUnit => "semantic frames";

    public override int MaxStart(ClipTokens clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.SemanticFrames < SemanticFrames || clip.AcousticFrames < AcousticFrames)
            throw new ArgumentException($"clip {clip.Seed} has {clip.SemanticFrames} semantic and {clip.AcousticFrames} acoustic frames, shorter than the window of {SemanticFrames} and {AcousticFrames}", nameof(clip));
        return Math.Min(clip.SemanticFrames - SemanticFrames, (clip.AcousticFrames - AcousticFrames) / FrameRatio);
    }

    internal override void CheckLengths(ClipTokens clip)
    {
        // Windows pair semantic frame s with acoustic frame s·R: streams of other lengths are not aligned.
        if (clip.AcousticFrames != clip.SemanticFrames * FrameRatio)
            throw new ArgumentException($"wrong length: clip {clip.Seed} has {clip.AcousticFrames} acoustic frames, expected R × semantic frames = {FrameRatio} × {clip.SemanticFrames} = {clip.SemanticFrames * FrameRatio}", nameof(clip));
    }

    private protected override (int Semantic, int Acoustic) WindowStart(int start) => (start, start * FrameRatio);

    /// <summary>The prefix for generation: conditioning (C) and a window of T_s semantic tokens (e.g. the semantic stage's output).</summary>
    public long[] Prefix(long[] conditioning, long[] semanticWindow)
    {
        TokenChecks.Conditioning(conditioning, ConditioningLength, ConditioningCodebook);
        TokenChecks.Semantic(semanticWindow, SemanticVocabulary, SemanticFrames);
        return Fill(PrefixLength, s => s.Stream == LayoutStream.Conditioning ? conditioning[s.Level] : semanticWindow[s.Frame]);
    }
}
