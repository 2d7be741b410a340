namespace MusicLM.Codec.Training;

/// <summary>
/// EnCodec's multi-scale STFT discriminator (Défossez et al. 2022 §3.4; <c>msstftd.py</c>): one sub-discriminator per
/// FFT size, each a 2-D convolution stack over the complex spectrogram (real and imaginary parts as 2 channels).
/// Hop = n_fft / 4, window = n_fft. Channels grow by <see cref="FilterScale"/> per layer up to <see cref="MaxFilters"/>.
/// </summary>
public sealed record DiscriminatorConfig
{
    /// <summary>FFT sizes, one sub-discriminator each (EnCodec: 1024, 2048, 512 at 24 kHz).</summary>
    public int[] NFfts { get; init; } = { 1024, 2048, 512 };
    /// <summary>Channels of the first convolution.</summary>
    public int Filters { get; init; } = 32;
    public int MaxFilters { get; init; } = 1024;
    public int FilterScale { get; init; } = 1;
    /// <summary>Dilations in time of the strided layers (the stride (1, 2) halves the frequency axis each time).</summary>
    public int[] Dilations { get; init; } = { 1, 2, 4 };
    /// <summary>Kernel (time, frequency).</summary>
    public int KernelTime { get; init; } = 3;
    public int KernelFreq { get; init; } = 9;
    /// <summary>Negative slope of the LeakyReLU between layers.</summary>
    public double LeakySlope { get; init; } = 0.2;
    /// <summary>Weight normalisation on every convolution (EnCodec's choice).</summary>
    public bool WeightNorm { get; init; } = true;

    /// <summary>EnCodec 24 kHz: n_fft 1024, 2048, 512; 32 filters.</summary>
    public static DiscriminatorConfig Encodec => new();

    /// <summary>
    /// The course (16 kHz): the same windows in milliseconds are 2/3 as long, rounded to powers of two
    /// (512, 1024, 256), and 16 filters, so a step costs a fraction of the codec's on a laptop CPU.
    /// </summary>
    public static DiscriminatorConfig Course => new() { NFfts = new[] { 512, 1024, 256 }, Filters = 16 };

    /// <summary>The shortest input a sub-discriminator accepts (no centring: at least one full window).</summary>
    public int MinSamples => NFfts.Max();

    internal void Validate()
    {
        if (NFfts.Length == 0 || NFfts.Any(n => n < 8)) throw new ArgumentException("NFfts must list FFT sizes of at least 8");
        if (Filters < 1 || MaxFilters < 1 || FilterScale < 1) throw new ArgumentException("Filters, MaxFilters and FilterScale must be positive");
        if (Dilations.Any(d => d < 1)) throw new ArgumentException("Dilations must be positive");
        if (KernelTime < 1 || KernelFreq < 1) throw new ArgumentException("kernel sizes must be positive");
    }
}
