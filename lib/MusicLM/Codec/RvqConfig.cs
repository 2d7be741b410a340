using System.Text.Json.Serialization;

namespace MusicLM.Codec;

/// <summary>
/// A residual vector quantizer (SoundStream §3.3, EnCodec's <c>quantization/core_vq.py</c>): <see cref="Levels"/>
/// codebooks of <see cref="CodebookSize"/> vectors of size <see cref="Dimension"/>, each quantizing what the
/// previous ones left over. Codebooks follow the data by exponential moving averages (not by gradients).
/// </summary>
public sealed record RvqConfig
{
    public int Dimension { get; init; } = 128;
    /// <summary>K, the vectors per codebook; a code carries log2 K bits.</summary>
    public int CodebookSize { get; init; } = 1024;
    /// <summary>Q, the number of residual levels.</summary>
    public int Levels { get; init; } = 8;
    /// <summary>EMA decay of the codebook statistics.</summary>
    public double Decay { get; init; } = 0.99;
    /// <summary>Laplace smoothing of the cluster sizes (keeps unused codes from dividing by zero).</summary>
    public double Epsilon { get; init; } = 1e-5;
    /// <summary>Initialise each codebook by k-means on the first training batch (else uniformly at random).</summary>
    public bool KmeansInit { get; init; } = true;
    public int KmeansIters { get; init; } = 50;
    /// <summary>Codes whose cluster-size EMA falls below this are replaced by random vectors of the batch (0 = never).</summary>
    public double DeadCodeThreshold { get; init; } = 2;
    /// <summary>Weight of ‖x − sg(q)‖² that pulls the encoder output towards its code.</summary>
    public double CommitmentWeight { get; init; } = 1.0;
    /// <summary>In training, use a random number of levels n_q ∈ [1, Q] per batch (SoundStream's quantizer dropout), so every prefix decodes.</summary>
    public bool QuantizerDropout { get; init; } = true;

    /// <summary>Bits per code: log2 K.</summary>
    [JsonIgnore] public double BitsPerCode => Math.Log2(CodebookSize);

    internal void Validate()
    {
        if (Dimension < 1) throw new ArgumentException($"Dimension must be positive, got {Dimension}");
        if (CodebookSize < 2) throw new ArgumentException($"CodebookSize must be at least 2, got {CodebookSize}");
        if (Levels < 1) throw new ArgumentException($"Levels must be at least 1, got {Levels}");
        if (Decay <= 0 || Decay >= 1) throw new ArgumentException($"Decay must be in (0, 1), got {Decay}");
    }
}
