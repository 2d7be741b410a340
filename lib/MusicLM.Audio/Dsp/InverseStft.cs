using MusicLM.Torch;

namespace MusicLM.Audio.Dsp;

/// <summary>
/// The inverse STFT (weighted overlap-add, <c>torch.istft</c>): complex (F, frames) or
/// (B, F, frames) → (B, T). With the same <see cref="StftConfig"/> as the forward transform it
/// reconstructs the signal (a Hann window at hop ≤ n_fft/2 satisfies the overlap-add condition).
/// </summary>
public sealed class InverseStft
{
    public InverseStft(StftConfig? config = null)
    {
        Config = config ?? new StftConfig();
        Config.Validate();
    }

    public StftConfig Config { get; }

    /// <summary>Complex (F, frames) or (B, F, frames) → (B, T); <paramref name="length"/> trims or pads to T samples.</summary>
    public Tensor Forward(Tensor spec, long? length = null)
    {
        if (spec.dim() is not (2 or 3)) throw new ArgumentException($"expected a complex spectrogram (F, frames) or (B, F, frames), got shape [{string.Join(", ", spec.shape)}]", nameof(spec));
        if (spec.size(-2) != Config.FreqBins) throw new ArgumentException($"the spectrogram has {spec.size(-2)} bins, n_fft = {Config.NFft} needs {Config.FreqBins}", nameof(spec));
        using var scope = torch.NewDisposeScope();
        var x = spec.dim() == 2 ? spec.unsqueeze(0) : spec;              // (B, F, frames)
        using var re = x.real();
        using var window = Config.MakeWindow(re.dtype, x.device);
        var y = torch.istft(x, Config.NFft, Config.HopLength, Config.WindowLength, window, Config.Center, length: length);
        return y.MoveToOuterDisposeScope();                               // (B, T)
    }

    /// <summary>Inverse STFT in one call.</summary>
    public static Tensor Compute(Tensor spec, StftConfig config, long? length = null) => new InverseStft(config).Forward(spec, length);
}
