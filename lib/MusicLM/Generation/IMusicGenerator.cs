using MusicLM.Codec;

namespace MusicLM.Generation;

/// <summary>
/// What the evaluation and <c>musiclm generate</c> need of a text-to-music model: the codec it decodes with and
/// clips for prompts. <see cref="TextToMusic"/> (MusicLM's hierarchy) and <see cref="OneStage.MusicGen"/> (one stage) both are.
/// </summary>
public interface IMusicGenerator
{
    /// <summary>"MusicLM" or "MusicGen".</summary>
    string Name { get; }
    CodecModel Codec { get; }
    /// <summary>Parameters of the generating transformers (the codec and MuLan not counted).</summary>
    long GeneratorParameters { get; }
    /// <summary>One clip per prompt (the best of <see cref="GenerationSettings.Candidates"/> by MuLan similarity).</summary>
    IReadOnlyList<GeneratedMusic> Generate(IReadOnlyList<string> prompts, GenerationSettings? settings = null,
                                           IProgress<PipelineProgress>? progress = null, CancellationToken cancellation = default);
}
