using MusicLM.Torch;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Audio.Dsp;

/// <summary>
/// Onset strength (spectral flux): waveform (T) or (B, T) → (B, frames) at
/// <see cref="OnsetStrengthConfig.FrameRate"/>. On a decibel mel spectrogram S,
/// o[t] = mean over bands of max(0, S[m, t] − ref[m, t − lag]), where ref is S after a maximum
/// filter across <see cref="OnsetStrengthConfig.MaxSize"/> bands; the first <c>lag</c> frames are 0.
/// Frame t is centred on sample t · hop, so a note starting at time τ gives its peak at frame ≈ τ · frame rate.
/// </summary>
public sealed class OnsetStrength
{
    public OnsetStrength(OnsetStrengthConfig config)
    {
        if (config.Lag < 1) throw new ArgumentOutOfRangeException(nameof(config), config.Lag, "the lag must be at least one frame");
        if (config.MaxSize < 1 || config.MaxSize % 2 == 0) throw new ArgumentOutOfRangeException(nameof(config), config.MaxSize, "the maximum filter width must be odd and positive");
        Config = config;
        Mel = new MelSpectrogram(config.Mel);
    }

    public OnsetStrengthConfig Config { get; }
    public MelSpectrogram Mel { get; }
    public double FrameRate => Config.FrameRate;

    /// <summary>(T) or (B, T) → (B, frames).</summary>
    public Tensor Forward(Tensor waveform)
    {
        using var scope = torch.NewDisposeScope();
        var db = LogMel.PowerToDb(Mel.Forward(waveform), Config.TopDb);   // (B, M, frames)
        return FromLogMel(db).MoveToOuterDisposeScope();
    }

    /// <summary>Spectral flux of a log-mel spectrogram (B, M, frames) → (B, frames).</summary>
    public Tensor FromLogMel(Tensor logMel)
    {
        using var scope = torch.NewDisposeScope();
        int lag = Config.Lag;
        long frames = logMel.size(-1);
        var reference = logMel;
        if (Config.MaxSize > 1)
        {
            var across = logMel.transpose(1, 2);                          // (B, frames, M): pool over bands
            reference = F.max_pool1d(across, Config.MaxSize, 1, Config.MaxSize / 2).transpose(1, 2);
        }
        if (frames <= lag) return torch.zeros(new[] { logMel.size(0), frames }, logMel.dtype, logMel.device).MoveToOuterDisposeScope();
        var diff = logMel.narrow(-1, lag, frames - lag) - reference.narrow(-1, 0, frames - lag); // (B, M, frames − lag)
        var flux = diff.relu().mean(1);                                   // (B, frames − lag)
        return F.pad(flux, new long[] { lag, 0 }).MoveToOuterDisposeScope(); // (B, frames)
    }

    /// <summary>Onset strength in one call, with <see cref="OnsetStrengthConfig.ForSampleRate"/>.</summary>
    public static Tensor Compute(Tensor waveform, int sampleRate) =>
        new OnsetStrength(OnsetStrengthConfig.ForSampleRate(sampleRate)).Forward(waveform);
}
