namespace MusicLM.Stages;

/// <summary>
/// The semantic stage's sequence (MusicLM §3.2, first stage): [conditioning (C) | semantic tokens (T_s)]. The
/// MuLan tokens condition; the stage generates T_s semantic frames. Windows start at a semantic frame.
/// </summary>
public sealed class SemanticLayout : TokenLayout
{
    /// <summary>
    /// <paramref name="conditioningLevels"/> MuLan tokens of <paramref name="conditioningCodebook"/> codes each, then
    /// <paramref name="semanticFrames"/> semantic tokens of <paramref name="semanticVocabulary"/>. See
    /// <see cref="TokenLayout"/> for <paramref name="timeAlignedPositions"/>.
    /// </summary>
    public SemanticLayout(int conditioningLevels, int conditioningCodebook, int semanticVocabulary, int semanticFrames, bool timeAlignedPositions = true)
        : base(StageKind.Semantic, Plan(conditioningLevels, conditioningCodebook, semanticVocabulary, semanticFrames), timeAlignedPositions)
    {
        SemanticVocabulary = semanticVocabulary;
        SemanticFrames = semanticFrames;
    }

    private static LayoutPlan Plan(int c, int m, int vocabulary, int frames)
    {
        LayoutPlan.Positive(vocabulary, nameof(vocabulary));
        LayoutPlan.Positive(frames, "semanticFrames");
        var plan = new LayoutPlan(c, m, [("semantic", vocabulary)]);
        plan.EndPrefix();
        for (var t = 0; t < frames; t++) plan.Add("semantic", LayoutStream.Semantic, 0, t, t);
        return plan;
    }

    /// <summary>K_s: semantic tokens.</summary>
    public int SemanticVocabulary { get; }

    /// <summary>T_s: semantic frames per window.</summary>
    public int SemanticFrames { get; }

    public override string StartUnit => "semantic frames";

    public override int MaxStart(ClipTokens clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.SemanticFrames < SemanticFrames)
            throw new ArgumentException($"clip {clip.Seed} has {clip.SemanticFrames} semantic frames, shorter than the window of {SemanticFrames}", nameof(clip));
        return clip.SemanticFrames - SemanticFrames;
    }

    private protected override (int Semantic, int Acoustic) WindowStart(int start) => (start, 0);

    /// <summary>The prefix for generation: the C conditioning tokens (e.g. MuLan's tokens of a text embedding).</summary>
    public long[] Prefix(long[] conditioning)
    {
        TokenChecks.Conditioning(conditioning, ConditioningLength, ConditioningCodebook);
        return Fill(PrefixLength, s => conditioning[s.Level]);
    }
}
