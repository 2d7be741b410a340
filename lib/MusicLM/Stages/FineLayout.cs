namespace MusicLM.Stages;

/// <summary>
/// The fine acoustic stage's sequence (MusicLM §3.2, third stage): [conditioning (C) | coarse window (T_a frames ×
/// coarse levels, interleaved per frame) | fine codes (T_a × fine levels, interleaved per frame)]. Windows start at
/// an acoustic frame. The conditioning is there so classifier-free guidance has a condition to drop in every stage:
/// in lucidrains/audiolm-pytorch the fine stage's guidance does nothing.
/// </summary>
public sealed class FineLayout : TokenLayout
{
    /// <summary>
    /// C MuLan tokens of M codes, then <paramref name="acousticFrames"/> frames of codec levels
    /// 1…<paramref name="coarseLevels"/> (given) and of the next <paramref name="fineLevels"/> (generated).
    /// </summary>
    public FineLayout(int conditioningLevels, int conditioningCodebook, int coarseLevels, int fineLevels, int codebookSize, int acousticFrames,
        bool timeAlignedPositions = true)
        : base(StageKind.Fine, Plan(conditioningLevels, conditioningCodebook, coarseLevels, fineLevels, codebookSize, acousticFrames), timeAlignedPositions)
    {
        CoarseLevels = coarseLevels;
        FineLevels = fineLevels;
        CodebookSize = codebookSize;
        AcousticFrames = acousticFrames;
    }

    private static LayoutPlan Plan(int c, int m, int coarse, int fine, int codebook, int frames)
    {
        LayoutPlan.Positive(coarse, "coarseLevels");
        LayoutPlan.Positive(fine, "fineLevels");
        LayoutPlan.Positive(codebook, "codebookSize");
        LayoutPlan.Positive(frames, "acousticFrames");
        var streams = Enumerable.Range(0, coarse + fine).Select(l => (LayoutPlan.RangeName(LayoutStream.Acoustic, l), (long)codebook));
        var plan = new LayoutPlan(c, m, streams);
        for (var f = 0; f < frames; f++)
            for (var l = 0; l < coarse; l++) plan.Add("coarse", LayoutStream.Acoustic, l, f, f);
        plan.EndPrefix();
        for (var f = 0; f < frames; f++)
            for (var l = coarse; l < coarse + fine; l++) plan.Add("fine", LayoutStream.Acoustic, l, f, f);
        return plan;
    }

    /// <summary>Codec levels given as context (levels 1…CoarseLevels).</summary>
    public int CoarseLevels { get; }

    /// <summary>Codec levels this stage generates (levels CoarseLevels+1 … CoarseLevels+FineLevels).</summary>
    public int FineLevels { get; }

    /// <summary>K_a: codes per codec level.</summary>
    public int CodebookSize { get; }

    /// <summary>T_a: acoustic frames per window.</summary>
    public int AcousticFrames { get; }

    public override string StartUnit => "acoustic frames";

    public override int MaxStart(ClipTokens clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.AcousticFrames < AcousticFrames)
            throw new ArgumentException($"clip {clip.Seed} has {clip.AcousticFrames} acoustic frames, shorter than the window of {AcousticFrames}", nameof(clip));
        return clip.AcousticFrames - AcousticFrames;
    }

    private protected override (int Semantic, int Acoustic) WindowStart(int start) => (0, start);

    /// <summary>The prefix for generation: conditioning (C) and a coarse window <c>[level][frame]</c> (CoarseLevels × T_a, e.g. the coarse stage's output).</summary>
    public long[] Prefix(long[] conditioning, long[][] coarseWindow)
    {
        TokenChecks.Conditioning(conditioning, ConditioningLength, ConditioningCodebook);
        TokenChecks.Acoustic(coarseWindow, CoarseLevels, CodebookSize, AcousticFrames);
        return Fill(PrefixLength, s => s.Stream == LayoutStream.Conditioning ? conditioning[s.Level] : coarseWindow[s.Level][s.Frame]);
    }
}
