using System.Text.Json.Serialization;

namespace MusicLM.Codec;

/// <summary>
/// A neural audio codec (SoundStream / EnCodec): SEANet encoder → residual VQ → SEANet decoder. Derived numbers
/// are computed: frame rate = sample rate / hop, number of levels Q from the largest target bandwidth
/// (Q = ⌊bandwidth / (frame rate · log2 K)⌋), bitrate = levels · log2 K · frame rate.
/// </summary>
public sealed record CodecConfig
{
    public int SampleRate { get; init; } = 24000;
    public SeanetConfig Seanet { get; init; } = SeanetConfig.Encodec24k;
    /// <summary>K, codes per codebook.</summary>
    public int CodebookSize { get; init; } = 1024;
    /// <summary>Bitrates the codec is meant to run at, in kbps, ascending; the largest sets the number of levels.</summary>
    public double[] TargetBandwidths { get; init; } = { 1.5, 3, 6, 12, 24 };
    /// <summary>EnCodec's loudness normalisation of the input (used by its 48 kHz model); only false is supported.</summary>
    public bool Normalize { get; init; } = false;
    /// <summary>Codebook training: EMA decay, k-means iterations, dead-code threshold, commitment weight, quantizer dropout.</summary>
    public double EmaDecay { get; init; } = 0.99;
    public int KmeansIters { get; init; } = 50;
    public double DeadCodeThreshold { get; init; } = 2;
    public double CommitmentWeight { get; init; } = 1.0;
    public bool QuantizerDropout { get; init; } = true;

    [JsonIgnore] public int Channels => Seanet.Channels;
    /// <summary>Samples per frame: the product of the encoder's strides.</summary>
    [JsonIgnore] public int HopLength => Seanet.HopLength;
    /// <summary>Latent frames per second.</summary>
    [JsonIgnore] public double FrameRate => (double)SampleRate / HopLength;
    /// <summary>The codebook vectors have the size of the encoder's latent.</summary>
    [JsonIgnore] public int CodebookDim => Seanet.Dimension;
    /// <summary>Q, the residual levels the largest target bandwidth needs.</summary>
    [JsonIgnore] public int NumQuantizers => LevelsForBandwidth(TargetBandwidths.Max());

    /// <summary>Levels that fit in <paramref name="kbps"/>: ⌊kbps · 1000 / (frame rate · log2 K)⌋, at least 1 (EnCodec's rule).</summary>
    public int LevelsForBandwidth(double kbps) => Math.Max(1, (int)Math.Floor(kbps * 1000 / (FrameRate * Math.Log2(CodebookSize)) + 1e-9));

    /// <summary>Bits per second of <paramref name="levels"/> levels: levels · log2 K · frame rate.</summary>
    public double Bitrate(int levels) => levels * Math.Log2(CodebookSize) * FrameRate;

    /// <summary>The quantizer this codec uses.</summary>
    [JsonIgnore] public RvqConfig Quantizer => new()
    {
        Dimension = CodebookDim, CodebookSize = CodebookSize, Levels = NumQuantizers, Decay = EmaDecay,
        KmeansInit = true, KmeansIters = KmeansIters, DeadCodeThreshold = DeadCodeThreshold,
        CommitmentWeight = CommitmentWeight, QuantizerDropout = QuantizerDropout,
    };

    /// <summary>EnCodec 24 kHz: 75 Hz, 32 levels × 1024 codes, 1.5/3/6/12/24 kbps (2, 4, 8, 16, 32 levels).</summary>
    public static CodecConfig Encodec24k => new() { SampleRate = 24000, Seanet = SeanetConfig.Encodec24k, CodebookSize = 1024, TargetBandwidths = new[] { 1.5, 3, 6, 12, 24 } };

    /// <summary>MusicLM's SoundStream: 24 kHz, 50 Hz, 12 levels × 1024 codes = 6 kbps (Agostinelli et al. 2023 §3.1).</summary>
    public static CodecConfig SoundStream => new() { SampleRate = 24000, Seanet = SeanetConfig.SoundStream, CodebookSize = 1024, TargetBandwidths = new[] { 1.5, 3, 6 } };

    /// <summary>
    /// The course codec: 16 kHz, 50 Hz, 8 levels × 256 codes = 3.2 kbps (0.4 kbps per level). Its codebooks follow
    /// the data faster than EnCodec's (EMA decay 0.95, dead-code threshold 0.5): a course batch (8 × 1 s) holds
    /// 400 frames for 256 codes, about 1.6 per code, so EnCodec's threshold of 2 (made for 64 × 1 s at 75 Hz over
    /// 1,024 codes, about 4.7 per code) re-seeded some 200 codes every step; and with a threshold of 0.1 and decay
    /// 0.99 the deepest level, used in one step of 8 (quantizer dropout), stayed on a single code for 1,300 steps
    /// after a k-means start on the untrained encoder's near-constant latent.
    /// </summary>
    public static CodecConfig Course => new()
    {
        SampleRate = 16000, Seanet = SeanetConfig.Course, CodebookSize = 256, TargetBandwidths = new[] { 0.4, 0.8, 1.6, 3.2 },
        EmaDecay = 0.95, DeadCodeThreshold = 0.5,
    };

    internal void Validate()
    {
        if (SampleRate < 1) throw new ArgumentException($"SampleRate must be positive, got {SampleRate}");
        if (TargetBandwidths.Length == 0 || TargetBandwidths.Any(b => b <= 0)) throw new ArgumentException("TargetBandwidths must list positive bitrates in kbps");
        if (Normalize) throw new NotSupportedException("Normalize = true (EnCodec 48 kHz's per-segment loudness scale) is not implemented; use false");
        Seanet.Validate();
    }
}
