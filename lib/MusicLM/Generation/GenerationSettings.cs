using MusicLM.Transformers;

namespace MusicLM.Generation;

/// <summary>
/// How <see cref="TextToMusic"/> makes a clip: its length, the seed, each stage's sampling (null: the stage's own
/// defaults, MusicLM's temperatures 1.0, 0.95 and 0.4), how much each continuation window overlaps the one before
/// (as a fraction of the stage's window), how many candidates to rank by MuLan similarity, and whether to run the
/// fine stage at all.
/// </summary>
public sealed record GenerationSettings
{
    /// <summary>Length of each clip in seconds (longer than a stage's window: continuation, <see cref="Stages.Continuation"/>).</summary>
    public double Seconds { get; init; } = 10;
    /// <summary>The seed: the same seed, models, prompts and settings give the same audio. Each stage draws from its own seed derived from this one.</summary>
    public ulong Seed { get; init; }
    /// <summary>Sampling of the semantic stage (null: its defaults; its own Seed is replaced by one derived from <see cref="Seed"/>).</summary>
    public SamplingConfig? Semantic { get; init; }
    /// <summary>Sampling of the coarse stage (null: its defaults).</summary>
    public SamplingConfig? Coarse { get; init; }
    /// <summary>Sampling of the fine stage (null: its defaults).</summary>
    public SamplingConfig? Fine { get; init; }
    /// <summary>Overlap of consecutive semantic windows, as a fraction of the window (0.4 of 5 s: 2 s of past in view).</summary>
    public double SemanticOverlap { get; init; } = 0.4;
    /// <summary>Overlap of consecutive coarse windows, as a fraction of the window.</summary>
    public double CoarseOverlap { get; init; } = 0.5;
    /// <summary>
    /// Overlap of consecutive fine windows, as a fraction of the window. 0 (AudioLM's fine stage also works on
    /// non-overlapping chunks) lets every window be sampled at once: a ten-second clip's fine stage took 1.8 s
    /// instead of 8.5 s at 0.25 on 2 cores, and 40 held-out prompts were followed as well (style 50 % both ways).
    /// </summary>
    public double FineOverlap { get; init; } = 0;
    /// <summary>Sampling of the one-stage model, MusicGen (null: its defaults, audiocraft's temperature 1, top-k 250, guidance 3).</summary>
    public SamplingConfig? OneStage { get; init; }
    /// <summary>Overlap of the one-stage model's consecutive windows, as a fraction of its window.</summary>
    public double OneStageOverlap { get; init; } = 0.5;
    /// <summary>Samples drawn per prompt; with more than one the one whose MuLan audio embedding is nearest the prompt's text embedding is kept (MusicLM §4.2 ranks by MuLan score too).</summary>
    public int Candidates { get; init; } = 1;
    /// <summary>Skip the fine stage and decode the coarse levels alone: faster, thinner sound.</summary>
    public bool SkipFine { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (!(Seconds > 0) || double.IsInfinity(Seconds)) throw new ArgumentOutOfRangeException(nameof(Seconds), Seconds, "the clip length must be a positive number of seconds");
        if (Seconds > 600) throw new ArgumentOutOfRangeException(nameof(Seconds), Seconds, "clips are at most 600 seconds long");
        if (Candidates < 1) throw new ArgumentOutOfRangeException(nameof(Candidates), Candidates, "draw at least one candidate per prompt");
        foreach (var (name, f) in new[] { (nameof(SemanticOverlap), SemanticOverlap), (nameof(CoarseOverlap), CoarseOverlap), (nameof(FineOverlap), FineOverlap), (nameof(OneStageOverlap), OneStageOverlap) })
            if (!(f >= 0 && f < 1)) throw new ArgumentOutOfRangeException(name, f, "an overlap is a fraction of the window in [0, 1)");
        Semantic?.Validate();
        Coarse?.Validate();
        Fine?.Validate();
        OneStage?.Validate();
    }
}
