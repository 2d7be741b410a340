namespace MusicLM.MuLan;

/// <summary>
/// The conditioning tokens: a residual quantizer of <see cref="Levels"/> codebooks of <see cref="CodebookSize"/>
/// vectors over the joint embedding, fitted by k-means level by level (MusicLM §3.1: 12 × 1024).
/// </summary>
public sealed record ConditioningQuantizerConfig
{
    public int Levels { get; init; } = 12;
    public int CodebookSize { get; init; } = 1024;
    /// <summary>Lloyd iterations per level.</summary>
    public int KmeansIterations { get; init; } = 25;

    /// <summary>The paper's 12 × 1024.</summary>
    public static ConditioningQuantizerConfig Paper => new();

    /// <summary>The course's size: 12 levels (the paper's token count) of 64 codes, fitted on a few thousand course embeddings.</summary>
    public static ConditioningQuantizerConfig Course => new() { Levels = 12, CodebookSize = 64 };

    internal void Validate()
    {
        if (Levels < 1 || CodebookSize < 2 || KmeansIterations < 1) throw new ArgumentException($"the quantizer needs Levels ≥ 1, CodebookSize ≥ 2 and KmeansIterations ≥ 1, got {Levels}, {CodebookSize}, {KmeansIterations}");
    }
}
