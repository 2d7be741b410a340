using System.Text.Json.Serialization;
using MusicLM.Transformers;

namespace MusicLM.Stages;

/// <summary>
/// One stage of the hierarchy: which stage, the streams it reads (sizes of the conditioning, semantic and codec
/// vocabularies), its window, and its transformer's shape. The token layout and the transformer's vocabulary and
/// length are derived from it, so a checkpoint's JSON says everything needed to rebuild the stage.
/// </summary>
public sealed record StageConfig
{
    public StageKind Kind { get; init; }
    /// <summary>MuLan conditioning tokens: levels (C) and codes per level (M).</summary>
    public int ConditioningLevels { get; init; } = 12;
    public int ConditioningCodebook { get; init; } = 64;
    /// <summary>Semantic tokens' vocabulary (K_s).</summary>
    public int SemanticVocabulary { get; init; } = 256;
    /// <summary>The codec's levels (Q) and codes per level (K_a); the first <see cref="CoarseLevels"/> are coarse, the rest fine.</summary>
    public int CodecLevels { get; init; } = 8;
    public int CodebookSize { get; init; } = 256;
    public int CoarseLevels { get; init; } = 3;
    /// <summary>Codec frames per semantic frame (50 Hz / 25 Hz).</summary>
    public int FrameRatio { get; init; } = 2;
    /// <summary>Semantic frames (25 Hz) per window, for the semantic and coarse stages.</summary>
    public int SemanticFrames { get; init; } = 250;
    /// <summary>Codec frames (50 Hz) per window, for the fine stage.</summary>
    public int AcousticFrames { get; init; } = 50;
    /// <summary>Positions of tokens by their time (true; see the layouts) or by their index in the sequence.</summary>
    public bool TimeAlignedPositions { get; init; } = true;
    /// <summary>The transformer's shape; its vocabulary size and maximum length are set from the layout.</summary>
    public TransformerConfig Transformer { get; init; } = TransformerConfig.Course(2, 2);
    /// <summary>Sampling defaults of this stage: MusicLM's temperatures are 1.0, 0.95 and 0.4 (§4.2).</summary>
    public SamplingConfig Sampling { get; init; } = new();
    /// <summary>
    /// Coarse stage only: add the embedding of the semantic token of the moment to the input that predicts each code
    /// (MusicGen sums its streams' embeddings), so the lookup a count table does — code given the concurrent semantic
    /// token — is there from the first step instead of having to be learnt through attention. Its own embedding table
    /// (<see cref="Transformers.TransformerConfig.SideInput"/>), zero at the start. On in the course's coarse stage.
    /// </summary>
    public bool SemanticSideInput { get; init; }

    [JsonIgnore] public int FineLevels => CodecLevels - CoarseLevels;

    /// <summary>The token layout of this stage.</summary>
    public TokenLayout Layout() => Kind switch
    {
        StageKind.Semantic => new SemanticLayout(ConditioningLevels, ConditioningCodebook, SemanticVocabulary, SemanticFrames, TimeAlignedPositions),
        StageKind.Coarse => new CoarseLayout(ConditioningLevels, ConditioningCodebook, SemanticVocabulary, SemanticFrames, CoarseLevels, CodebookSize, FrameRatio, TimeAlignedPositions),
        StageKind.Fine => new FineLayout(ConditioningLevels, ConditioningCodebook, CoarseLevels, FineLevels, CodebookSize, AcousticFrames, TimeAlignedPositions),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown stage"),
    };

    /// <summary>The transformer config with the layout's vocabulary size and sequence length filled in.</summary>
    public TransformerConfig TransformerFor(TokenLayout layout) =>
        Transformer with { VocabularySize = (int)layout.Vocabulary.Size, MaxLength = layout.Length, SideInput = SemanticSideInput && Kind == StageKind.Coarse };

    /// <summary>
    /// The course's stage of the given kind for these streams, with the window, levels and sizes measured to learn
    /// audibly on 2 CPU cores in a notebook's time (lib/MusicLM/Stages/README.md).
    /// </summary>
    public static StageConfig Course(StageKind kind, StageTokenSpec streams) => new StageConfig
    {
        Kind = kind,
        ConditioningLevels = streams.ConditioningLevels,
        ConditioningCodebook = streams.ConditioningCodebook,
        SemanticVocabulary = streams.SemanticVocabulary,
        CodecLevels = streams.CodecLevels,
        CodebookSize = streams.CodebookSize,
        FrameRatio = streams.FrameRatio,
    }.WithCourseSizes();

    /// <summary>
    /// The course sizes for this config's kind: windows of 5 s of semantic tokens (125 frames, 137 tokens with the
    /// conditioning), 1.6 s for the coarse stage (40 semantic frames and 3 codec levels × 80 frames: 292 tokens) and
    /// 0.8 s for the fine stage (40 codec frames of 3 coarse and 5 fine levels: 332 tokens), each with the course
    /// transformer (4 layers, 4 heads, width 256); the paper's temperatures 1.0, 0.95 and 0.4; the coarse stage with
    /// its semantic side input (measured: it reads its semantic tokens 5× more for the same cross-entropy). A training step then
    /// takes 0.5–1.2 s on 2 cores (lib/MusicLM/Stages/README.md has the measurements). The semantic stage samples with
    /// classifier-free guidance <see cref="SemanticGuidance"/>.
    /// </summary>
    /// <summary>
    /// The course's semantic stage samples with guidance 3 (MusicGen's scale; MusicLM does not give one): measured on
    /// 40 held-out prompts end to end, the style the judge hears went from 34 % to 50 % (chance 9 % and 0 %), tempo
    /// from 20 % to 33 %, at twice the semantic stage's share of the time (about 1 s of 16 for a ten-second clip).
    /// </summary>
    public const double SemanticGuidance = 3.0;

    public StageConfig WithCourseSizes() => Kind switch
    {
        StageKind.Semantic => this with { SemanticFrames = 125, Transformer = TransformerConfig.Course(2, 2), Sampling = new SamplingConfig { Temperature = 1.0, GuidanceScale = SemanticGuidance } },
        StageKind.Coarse => this with { SemanticFrames = 40, Transformer = TransformerConfig.Course(2, 2), Sampling = new SamplingConfig { Temperature = 0.95 }, SemanticSideInput = true },
        StageKind.Fine => this with { AcousticFrames = 40, Transformer = TransformerConfig.Course(2, 2), Sampling = new SamplingConfig { Temperature = 0.4 } },
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown stage"),
    };

    /// <summary>A tiny stage for tests and quick mode: short windows, a 2-layer width-32 transformer.</summary>
    public StageConfig Tiny() => this with
    {
        SemanticFrames = Math.Min(SemanticFrames, 25), AcousticFrames = Math.Min(AcousticFrames, 10),
        Transformer = TransformerConfig.Tiny(2, 2),
    };

    /// <summary>Window length in seconds at the given semantic frame rate (the semantic and coarse stages) or codec frame rate (fine).</summary>
    public double WindowSeconds(double semanticFrameRate) =>
        Kind == StageKind.Fine ? AcousticFrames / (semanticFrameRate * FrameRatio) : SemanticFrames / semanticFrameRate;

    public void Validate()
    {
        if (ConditioningLevels < 1 || ConditioningCodebook < 1 || SemanticVocabulary < 1 || CodebookSize < 1)
            throw new ArgumentException("the conditioning, semantic and codec vocabularies must be positive");
        if (CoarseLevels < 1 || CoarseLevels > CodecLevels || (Kind == StageKind.Fine && FineLevels < 1))
            throw new ArgumentException($"CoarseLevels must be in [1, CodecLevels = {CodecLevels}]" + (Kind == StageKind.Fine ? ", leaving at least one fine level" : "") + $"; got {CoarseLevels}");
        if (FrameRatio < 1) throw new ArgumentException($"FrameRatio must be positive, got {FrameRatio}");
        if (SemanticFrames < 1 || AcousticFrames < 1) throw new ArgumentException("window lengths must be positive");
        Sampling.Validate();
    }
}
