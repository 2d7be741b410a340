using MusicLM.Torch;

namespace MusicLM.Audio.Dsp;

/// <summary>
/// Log-compressed mel spectrogram: waveform (T) or (B, T) → (B, n_mels, frames), either
/// ln(mel + eps) or decibels with a top_db floor. Differentiable, so it doubles as a loss feature
/// (e.g. an L1 distance between log-mels of a reconstruction and its target).
/// </summary>
public sealed class LogMel
{
    public LogMel(MelSpectrogramConfig config, LogScaling scaling = LogScaling.Natural, double eps = 1e-6, double? topDb = 80.0)
    {
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive");
        if (topDb is { } t && !(t > 0)) throw new ArgumentOutOfRangeException(nameof(topDb), topDb, "top_db must be positive");
        Mel = new MelSpectrogram(config);
        Scaling = scaling;
        Eps = eps;
        TopDb = topDb;
    }

    public MelSpectrogram Mel { get; }
    public LogScaling Scaling { get; }
    /// <summary>Added before ln in <see cref="LogScaling.Natural"/>; decibels floor the power at 1e-10 (−100 dB) instead.</summary>
    public double Eps { get; }
    /// <summary>Dynamic range kept below each example's maximum in <see cref="LogScaling.Decibels"/>; null keeps all.</summary>
    public double? TopDb { get; }

    /// <summary>(T) or (B, T) → (B, n_mels, frames).</summary>
    public Tensor Forward(Tensor waveform)
    {
        using var scope = torch.NewDisposeScope();
        var mel = Mel.Forward(waveform);                                  // (B, n_mels, frames)
        var y = Scaling == LogScaling.Natural ? Log(mel, Eps) : PowerToDb(mel, TopDb);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>ln(x + eps), element-wise.</summary>
    public static Tensor Log(Tensor x, double eps = 1e-6)
    {
        using var shifted = x + eps;
        return shifted.log();
    }

    /// <summary>
    /// 10 · log10(max(x, amin)) for a power spectrogram (B, F, frames) or (F, frames); with
    /// <paramref name="topDb"/> each example is floored at its maximum − top_db (reference power 1).
    /// </summary>
    public static Tensor PowerToDb(Tensor power, double? topDb = 80.0, double amin = 1e-10)
    {
        using var scope = torch.NewDisposeScope();
        var db = power.clamp_min(amin).log10() * 10.0;                     // (B, F, frames)
        if (topDb is { } t)
        {
            var dims = power.dim() >= 2 ? new long[] { -2, -1 } : new long[] { -1 };
            var floor = db.amax(dims, keepdim: true) - t;                  // (B, 1, 1)
            db = db.maximum(floor);
        }
        return db.MoveToOuterDisposeScope();
    }
}
