namespace MusicLM.Transformers;

/// <summary>
/// How a next token is drawn from a model's logits. Every setting says what it does in its own units:
/// <see cref="TopK"/> keeps the k most likely tokens (0 = all), <see cref="TopP"/> the smallest set whose
/// probability reaches p (1 = all) — unlike audiolm-pytorch's <c>filter_thres = 0.9</c>, which means "keep 10 %".
/// </summary>
public sealed record SamplingConfig
{
    /// <summary>Divides the logits: &lt; 1 sharpens, &gt; 1 flattens; 0 takes the most likely token (greedy).</summary>
    public double Temperature { get; init; } = 1.0;
    /// <summary>Keep only the k most likely tokens; 0 keeps all.</summary>
    public int TopK { get; init; }
    /// <summary>Keep the most likely tokens until their probability reaches p (nucleus sampling, Holtzman et al. 2020); 1 keeps all.</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>
    /// Classifier-free guidance scale s (Ho &amp; Salimans 2022): log p = log p_uncond + s · (log p_cond − log p_uncond).
    /// 1 is the conditional model alone, 0 the unconditional one, &gt; 1 pushes towards the condition.
    /// </summary>
    public double GuidanceScale { get; init; } = 1.0;
    /// <summary>Seed of the random draws; the same seed, model and prompt give the same tokens.</summary>
    public ulong Seed { get; init; }

    public void Validate()
    {
        if (Temperature < 0 || double.IsNaN(Temperature)) throw new ArgumentException($"Temperature must be ≥ 0, got {Temperature}");
        if (TopK < 0) throw new ArgumentException($"TopK must be ≥ 0 (0 keeps all tokens), got {TopK}");
        if (TopP is <= 0 or > 1 || double.IsNaN(TopP)) throw new ArgumentException($"TopP must be in (0, 1] (1 keeps all tokens), got {TopP}");
        if (GuidanceScale < 0 || double.IsNaN(GuidanceScale)) throw new ArgumentException($"GuidanceScale must be ≥ 0, got {GuidanceScale}");
    }

    /// <summary>Classifier-free guidance needs the unconditional model as well: true unless the scale is exactly 1.</summary>
    public bool NeedsUnconditional => GuidanceScale != 1.0;

    public override string ToString() =>
        $"temperature {Temperature:0.##}" + (TopK > 0 ? $", top-k {TopK}" : "") + (TopP < 1 ? $", top-p {TopP:0.##}" : "") +
        $", guidance {GuidanceScale:0.##}, seed {Seed}";
}
