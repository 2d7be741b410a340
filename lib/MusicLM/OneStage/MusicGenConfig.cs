using System.Text.Json.Serialization;
using MusicLM.Transformers;

namespace MusicLM.OneStage;

/// <summary>
/// The shape of a <see cref="MusicGenModel"/> (Copet et al. 2023): which codec streams it models (levels and codes
/// per level), the interleaving pattern, the training window, the transformer and the width of the text states it
/// cross-attends to. Saved as JSON beside the weights, so a checkpoint says everything needed to rebuild the model.
/// </summary>
public sealed record MusicGenConfig
{
    /// <summary>Q: codec levels, all modelled by the one transformer.</summary>
    public int CodecLevels { get; init; } = 8;
    /// <summary>K: codes per level. Each level's embedding has K + 1 rows: the last is the special token.</summary>
    public int CodebookSize { get; init; } = 256;
    /// <summary>Codec frames per second (50 in the course), to turn seconds into frames.</summary>
    public double FrameRate { get; init; } = 50;
    /// <summary>Codec frames per training window (and per generation window; longer clips continue window by window).</summary>
    public int Frames { get; init; } = 250;
    /// <summary>The interleaving pattern: "delay" (MusicGen's), "parallel", "flattened" or "coarse/fine" (<see cref="CodebookPattern"/>).</summary>
    public string Pattern { get; init; } = "delay";
    /// <summary>The coarse levels of the "coarse/fine" pattern.</summary>
    public int CoarseLevels { get; init; } = 3;
    /// <summary>Width of the text states the blocks cross-attend to (the MuLan text tower's width).</summary>
    public int TextWidth { get; init; } = 128;
    /// <summary>The transformer's shape; its vocabulary, maximum length and context width are set from this config.</summary>
    public TransformerConfig Transformer { get; init; } = TransformerConfig.Course(2, 2);
    /// <summary>Sampling defaults: audiocraft's text-to-music uses temperature 1, top-k 250 and guidance 3.</summary>
    public SamplingConfig Sampling { get; init; } = new() { Temperature = 1.0, TopK = 250, GuidanceScale = 3.0 };

    /// <summary>The special token of every level: K (embedding row K; never predicted).</summary>
    [JsonIgnore] public long Special => CodebookSize;

    /// <summary>Seconds per window.</summary>
    [JsonIgnore] public double WindowSeconds => Frames / FrameRate;

    /// <summary>The pattern object.</summary>
    public CodebookPattern PatternObject() => Pattern switch
    {
        "delay" => new DelayPattern(CodecLevels),
        "parallel" => new ParallelPattern(CodecLevels),
        "flattened" => new FlattenedPattern(CodecLevels),
        "coarse/fine" => new CoarseFinePattern(CodecLevels, CoarseLevels),
        _ => throw new ArgumentException($"unknown pattern '{Pattern}': use delay, parallel, flattened or coarse/fine"),
    };

    /// <summary>Steps of one window: the transformer's positions.</summary>
    [JsonIgnore] public int Steps => PatternObject().Length(Frames);

    /// <summary>The transformer config with the width of the text states and the window's length filled in (its vocabulary is unused: the model has its own tables).</summary>
    public TransformerConfig TransformerShape() => Transformer with { VocabularySize = CodebookSize + 1, MaxLength = Steps, ContextWidth = TextWidth, SideInput = false };

    /// <summary>
    /// The course's one-stage model for a codec of <paramref name="levels"/> × <paramref name="codebookSize"/> at
    /// <paramref name="frameRate"/> and text states of <paramref name="textWidth"/>: 5-second windows (250 frames,
    /// 257 steps with the delay pattern) and the hierarchy's transformer (4 layers, 4 heads, width 256) with
    /// cross-attention, so the two designs are compared at the same width and depth.
    /// </summary>
    public static MusicGenConfig Course(int levels, int codebookSize, double frameRate, int textWidth) => new()
    {
        CodecLevels = levels, CodebookSize = codebookSize, FrameRate = frameRate, TextWidth = textWidth,
        Frames = (int)Math.Round(5 * frameRate), Transformer = Transformers.TransformerConfig.Course(2, 2),
    };

    /// <summary>A tiny model for tests and quick mode: 20-frame windows, 2 layers × 2 heads × width 32.</summary>
    public MusicGenConfig Tiny() => this with { Frames = Math.Min(Frames, 20), Transformer = Transformers.TransformerConfig.Tiny(2, 2) };

    public void Validate()
    {
        if (CodecLevels < 1 || CodebookSize < 1) throw new ArgumentException($"CodecLevels and CodebookSize must be positive, got {CodecLevels} and {CodebookSize}");
        if (!(FrameRate > 0)) throw new ArgumentException($"FrameRate must be positive, got {FrameRate}");
        if (Frames < 1) throw new ArgumentException($"Frames must be positive, got {Frames}");
        if (TextWidth < 1) throw new ArgumentException($"TextWidth must be positive, got {TextWidth}");
        PatternObject();
        TransformerShape().Validate();
        Sampling.Validate();
    }
}
