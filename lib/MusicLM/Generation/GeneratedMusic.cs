using System.Text.Json;
using System.Text.Json.Serialization;
using MusicLM.Audio;

namespace MusicLM.Generation;

/// <summary>Wall time of each step of one <see cref="TextToMusic"/> call (shared by every clip of the call: the rows are sampled together).</summary>
public sealed record StageTimings(TimeSpan Conditioning, TimeSpan Semantic, TimeSpan Coarse, TimeSpan Fine, TimeSpan Decode, TimeSpan Rerank, TimeSpan OneStage = default)
{
    public TimeSpan Total => Conditioning + Semantic + Coarse + Fine + Decode + Rerank + OneStage;
}

/// <summary>
/// One generated clip and every intermediate of the hierarchy that made it: the MuLan conditioning tokens, the
/// semantic tokens (25 Hz), the coarse and fine codec levels (50 Hz), the decoded audio, how close MuLan finds the
/// audio to the prompt, and the time of each stage.
/// </summary>
public sealed record GeneratedMusic
{
    /// <summary>Which design made it: "MusicLM" (the three-stage hierarchy) or "MusicGen" (one stage; no semantic tokens, <see cref="Coarse"/> and <see cref="Fine"/> split its levels as the hierarchy would).</summary>
    public string Model { get; init; } = "MusicLM";
    /// <summary>The text prompt (null for a continuation conditioned on its audio prompt alone).</summary>
    public string? Prompt { get; init; }
    /// <summary>The call's seed and the settings it ran with.</summary>
    public required GenerationSettings Settings { get; init; }
    /// <summary>Which of the prompt's candidates this is (0-based) and how many were drawn.</summary>
    public int Candidate { get; init; }
    public long[] Conditioning { get; init; } = [];
    /// <summary>Semantic tokens (T_s).</summary>
    public long[] Semantic { get; init; } = [];
    /// <summary>Coarse codec levels (coarse levels × T_a).</summary>
    public long[][] Coarse { get; init; } = [];
    /// <summary>Fine codec levels (fine levels × T_a); empty when the fine stage was skipped.</summary>
    public long[][] Fine { get; init; } = [];
    public required AudioClip Audio { get; init; }
    /// <summary>Seconds at the start that came from an audio prompt (0 for text to music).</summary>
    public double PromptSeconds { get; init; }
    /// <summary>Cosine similarity of the clip's MuLan audio embedding and the prompt's text embedding (NaN without a text prompt).</summary>
    public double MuLanSimilarity { get; init; } = double.NaN;
    /// <summary>The similarity of every candidate drawn for this prompt, this one's included (one entry without reranking).</summary>
    public double[] CandidateSimilarities { get; init; } = [];
    public required StageTimings Timings { get; init; }

    /// <summary>All codec levels (coarse then fine) as the codec decodes them.</summary>
    public long[][] Codes => [.. Coarse, .. Fine];

    /// <summary>One JSON line: prompt, seed, settings, similarity and the seconds of each stage (what <c>musiclm generate</c> prints per clip).</summary>
    public string ToJson(string? file = null)
    {
        var line = new
        {
            prompt = Prompt,
            file,
            seconds = Math.Round(Audio.DurationSeconds, 3),
            seed = Settings.Seed,
            candidate = Candidate,
            candidates = Settings.Candidates,
            mulan_similarity = double.IsNaN(MuLanSimilarity) ? (double?)null : Math.Round(MuLanSimilarity, 4),
            model = Model,
            semantic = OneStage ? null : Describe(Settings.Semantic),
            coarse = OneStage ? null : Describe(Settings.Coarse),
            fine = OneStage ? null : Settings.SkipFine ? "skipped" : Describe(Settings.Fine),
            one_stage = OneStage ? Describe(Settings.OneStage) : null,
            overlap = OneStage ? (object)new { one_stage = Settings.OneStageOverlap } : new { semantic = Settings.SemanticOverlap, coarse = Settings.CoarseOverlap, fine = Settings.FineOverlap },
            prompt_seconds = PromptSeconds,
            time_s = new
            {
                conditioning = S(Timings.Conditioning), semantic = OneStage ? (double?)null : S(Timings.Semantic), coarse = OneStage ? (double?)null : S(Timings.Coarse),
                fine = OneStage ? (double?)null : S(Timings.Fine), one_stage = OneStage ? S(Timings.OneStage) : (double?)null,
                decode = S(Timings.Decode), rerank = S(Timings.Rerank), total = S(Timings.Total),
            },
        };
        return JsonSerializer.Serialize(line, new JsonSerializerOptions { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });
    }

    private bool OneStage => Model == "MusicGen";

    private static string Describe(Transformers.SamplingConfig? s) => s is null ? "stage defaults" : s.ToString();
    private static double S(TimeSpan t) => Math.Round(t.TotalSeconds, 3);
}
