using MusicLM.Torch;

namespace MusicLM.Audio.Dsp;

/// <summary>
/// Short-time Fourier magnitude (<see cref="Power"/> 1) or power (<see cref="Power"/> 2) of a
/// waveform (T) or a batch (B, T) → (B, F, frames), F = n_fft/2 + 1. Runs on the engine, so it works
/// on any device, in float32 or float64, and gradients flow back to the waveform.
/// </summary>
public sealed class Spectrogram
{
    public Spectrogram(StftConfig? config = null, double power = 2.0)
    {
        Config = config ?? new StftConfig();
        Config.Validate();
        if (!(power > 0)) throw new ArgumentOutOfRangeException(nameof(power), power, "the power must be positive (1 magnitude, 2 power)");
        Power = power;
    }

    public StftConfig Config { get; }

    /// <summary>Exponent applied to the magnitude: 1 gives |X|, 2 gives |X|².</summary>
    public double Power { get; }

    /// <summary>The complex STFT: (T) or (B, T) → complex (B, F, frames).</summary>
    public Tensor Stft(Tensor waveform)
    {
        using var scope = torch.NewDisposeScope();
        var x = AsBatch(waveform);                                        // (B, T)
        using var window = Config.MakeWindow(x.dtype, x.device);
        var spec = torch.stft(x, Config.NFft, Config.HopLength, Config.WindowLength, window, Config.Center);
        return spec.MoveToOuterDisposeScope();                           // (B, F, frames)
    }

    /// <summary>|STFT|^power: (T) or (B, T) → (B, F, frames).</summary>
    public Tensor Forward(Tensor waveform)
    {
        using var scope = torch.NewDisposeScope();
        var spec = Stft(waveform);                                        // complex (B, F, frames)
        // |X|² as re² + im² keeps the gradient finite where X = 0 (the derivative of |X| is not).
        var power = spec.view_as_real().pow(2).sum(-1);                   // (B, F, frames)
        var result = Power == 2.0 ? power : power.clamp_min(1e-20).pow(Power / 2);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Power (or magnitude) spectrogram in one call: (T) or (B, T) → (B, F, frames).</summary>
    public static Tensor Compute(Tensor waveform, int nFft = 1024, int hopLength = 256, double power = 2.0, bool center = true) =>
        new Spectrogram(new StftConfig(nFft, hopLength, Center: center), power).Forward(waveform);

    /// <summary>(T) → (1, T); (B, T) unchanged.</summary>
    internal static Tensor AsBatch(Tensor waveform) => waveform.dim() switch
    {
        1 => waveform.unsqueeze(0),
        2 => waveform.alias(),
        _ => throw new ArgumentException($"expected a waveform (T) or a batch (B, T), got shape [{string.Join(", ", waveform.shape)}]", nameof(waveform)),
    };
}
