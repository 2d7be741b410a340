namespace MusicLM.Stages;

/// <summary>
/// What a <see cref="StageTokenSet"/>'s streams are (MusicLM §3.1–3.2): the vocabularies and frame rates of the
/// conditioning, semantic and acoustic tokens, how many of each one clip has, and the fingerprint of the models and
/// clips that produced them. The stages size their embeddings and context windows from it; saved as the cache's
/// JSON metadata.
/// </summary>
public sealed record StageTokenSpec
{
    /// <summary>MuLan conditioning tokens per clip (the quantizer's levels; MusicLM: 12).</summary>
    public int ConditioningLevels { get; init; }
    /// <summary>Codes per conditioning level (MusicLM: 1,024; the course: 64).</summary>
    public int ConditioningCodebook { get; init; }
    /// <summary>Semantic tokens lie in [0, SemanticVocabulary).</summary>
    public int SemanticVocabulary { get; init; }
    /// <summary>Semantic tokens per second (25).</summary>
    public double SemanticFrameRate { get; init; }
    /// <summary>Codec levels Q kept per frame (all of the codec's).</summary>
    public int CodecLevels { get; init; }
    /// <summary>Codes per codec level.</summary>
    public int CodebookSize { get; init; }
    /// <summary>Codec frames per second (50).</summary>
    public double AcousticFrameRate { get; init; }
    /// <summary>Codec frames per semantic frame, R = AcousticFrameRate / SemanticFrameRate (2): an integer, so T_a = R · T_s.</summary>
    public int FrameRatio { get; init; }
    /// <summary>The rate the clips were rendered at (the codec's).</summary>
    public int SampleRate { get; init; }
    /// <summary>Length of every clip.</summary>
    public double ClipSeconds { get; init; }
    /// <summary>T_s, semantic tokens per clip.</summary>
    public int SemanticFrames { get; init; }
    /// <summary>T_a = R · T_s, codec frames per clip.</summary>
    public int AcousticFrames { get; init; }
    /// <summary>Short SHA-256 (hex) of the three models' weights and configs, the seeds and the clip length: equal fingerprints, equal tokens.</summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>
    /// R = <paramref name="acousticFrameRate"/> / <paramref name="semanticFrameRate"/>, which must be a whole number
    /// for the coarse stage to line up R codec frames with each semantic token.
    /// </summary>
    public static int FrameRatioOf(double acousticFrameRate, double semanticFrameRate)
    {
        if (!(acousticFrameRate > 0) || !(semanticFrameRate > 0))
            throw new ArgumentException($"frame rates must be positive, got acoustic {acousticFrameRate} Hz and semantic {semanticFrameRate} Hz");
        var r = acousticFrameRate / semanticFrameRate;
        var whole = Math.Round(r);
        if (whole < 1 || Math.Abs(r - whole) > 1e-9)
            throw new ArgumentException($"the codec's frame rate ({acousticFrameRate:0.###} Hz) must be a whole multiple of the semantic tokens' ({semanticFrameRate:0.###} Hz), got a ratio of {r:0.####}");
        return (int)whole;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a number is out of range or the frame counts and ratio disagree.</summary>
    public void Validate()
    {
        if (ConditioningLevels < 1 || ConditioningCodebook < 1)
            throw new ArgumentException($"ConditioningLevels and ConditioningCodebook must be positive, got {ConditioningLevels} and {ConditioningCodebook}");
        if (SemanticVocabulary < 1) throw new ArgumentException($"SemanticVocabulary must be positive, got {SemanticVocabulary}");
        if (CodecLevels < 1 || CodebookSize < 1) throw new ArgumentException($"CodecLevels and CodebookSize must be positive, got {CodecLevels} and {CodebookSize}");
        var r = FrameRatioOf(AcousticFrameRate, SemanticFrameRate);
        if (FrameRatio != r) throw new ArgumentException($"FrameRatio is {FrameRatio}, but {AcousticFrameRate} Hz / {SemanticFrameRate} Hz = {r}");
        if (SampleRate < 1 || !(ClipSeconds > 0)) throw new ArgumentException($"SampleRate and ClipSeconds must be positive, got {SampleRate} and {ClipSeconds}");
        if (SemanticFrames < 1) throw new ArgumentException($"SemanticFrames must be positive, got {SemanticFrames}");
        if ((long)SemanticFrames * FrameRatio != AcousticFrames)
            throw new ArgumentException($"AcousticFrames must be FrameRatio × SemanticFrames = {FrameRatio} × {SemanticFrames} = {(long)SemanticFrames * FrameRatio}, got {AcousticFrames}");
        if (string.IsNullOrEmpty(Fingerprint)) throw new ArgumentException("Fingerprint is empty");
    }
}
