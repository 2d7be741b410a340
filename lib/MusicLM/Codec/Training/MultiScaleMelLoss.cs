using MusicLM.Audio.Dsp;
using MusicLM.Torch;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Codec.Training;

/// <summary>
/// EnCodec's frequency-domain loss ℓ_f (Défossez et al. 2022 §3.4): over windows 2^i (hop 2^i / 4),
/// 1/|i| Σ_i [ ‖S_i(x) − S_i(x̂)‖₁ + α ‖S_i(x) − S_i(x̂)‖₂² ] on log mel spectrograms (means over bins and frames).
/// EnCodec uses i = 5 … 11 at 24 kHz with 64 mels; at another sample rate the largest window is scaled to the
/// same duration (16 kHz: 2^5 … 2^10). A short window has few frequency bins, so a scale gets at most
/// n_fft / 4 mel bands (else most bands would be empty). Differentiable w.r.t. the reconstruction.
/// </summary>
public sealed class MultiScaleMelLoss
{
    private readonly List<MelSpectrogram> mels;

    /// <param name="sampleRate">The audio's sample rate.</param>
    /// <param name="minLog2">Smallest window 2^minLog2.</param>
    /// <param name="maxLog2">Largest window 2^maxLog2; default: the EnCodec 24 kHz value 11 scaled to this rate.</param>
    /// <param name="nMels">Mel bands of the largest windows.</param>
    /// <param name="alpha">Weight of the squared (L2) term.</param>
    public MultiScaleMelLoss(int sampleRate, int minLog2 = 5, int? maxLog2 = null, int nMels = 64, double alpha = 1.0)
    {
        var max = maxLog2 ?? (int)Math.Round(11 + Math.Log2(sampleRate / 24000.0));
        if (minLog2 < 3 || max < minLog2) throw new ArgumentException($"window exponents must satisfy 3 ≤ min ≤ max, got {minLog2} … {max}");
        SampleRate = sampleRate;
        Alpha = alpha;
        WindowSizes = Enumerable.Range(minLog2, max - minLog2 + 1).Select(i => 1 << i).ToArray();
        mels = WindowSizes.Select(n => new MelSpectrogram(new MelSpectrogramConfig(sampleRate, n, n / 4, Math.Min(nMels, n / 4), Power: 1.0))).ToList();
    }

    public int SampleRate { get; }
    public double Alpha { get; }
    /// <summary>The STFT window of each scale, in samples.</summary>
    public IReadOnlyList<int> WindowSizes { get; }

    /// <summary>Floor before the logarithm (audiocraft's <c>floor_level</c>).</summary>
    public const double Floor = 1e-5;

    /// <summary>The loss between a reconstruction and its target, both (B, C, T) or (B, T): a scalar.</summary>
    public Tensor Forward(Tensor reconstruction, Tensor target)
    {
        if (!reconstruction.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"shapes differ: [{string.Join(", ", reconstruction.shape)}] vs [{string.Join(", ", target.shape)}]");
        using var scope = torch.NewDisposeScope();
        var x = target.reshape(-1, target.size(-1));                            // (B·C, T)
        var y = reconstruction.reshape(-1, reconstruction.size(-1));            // (B·C, T)
        Tensor? total = null;
        foreach (var mel in mels)
        {
            var sx = mel.Forward(x).clamp_min(Floor).log10();                  // (B·C, n_mels, frames)
            var sy = mel.Forward(y).clamp_min(Floor).log10();
            var term = F.l1_loss(sy, sx) + Alpha * F.mse_loss(sy, sx);
            total = total is null ? term : total + term;
        }
        return (total! / mels.Count).MoveToOuterDisposeScope();
    }
}
