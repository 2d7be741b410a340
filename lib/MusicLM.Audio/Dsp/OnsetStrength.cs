using MusicLM.Torch;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Audio.Dsp;

/// <summary>
/// Onset strength (spectral flux): waveform (T) or (B, T) → (B, frames) at
/// <see cref="OnsetStrengthConfig.FrameRate"/>. On a decibel mel spectrogram S,
/// o[t] = mean over bands of max(0, S[m, t] − ref[m, t − lag]), where ref is S after a maximum
/// filter across <see cref="OnsetStrengthConfig.MaxSize"/> bands; the first <c>lag</c> frames are 0.
/// The flux of a centred STFT rises as a note enters the window, before the window's centre reaches
/// it, so the envelope is delayed by 3/8 of a window (3 · n_fft / (8 · hop) frames, measured): a note starting
/// at time τ then peaks at frame ≈ τ · frame rate (librosa delays by half a window instead).
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
        long delay = Math.Min(frames - lag, (long)Math.Round(3.0 * Config.NFft / (8.0 * Config.HopLength)));
        var delayed = F.pad(flux, new long[] { lag + delay, 0 });         // (B, frames + delay)
        return delayed.narrow(-1, 0, frames).MoveToOuterDisposeScope();  // (B, frames)
    }

    /// <summary>Onset strength in one call, with <see cref="OnsetStrengthConfig.ForSampleRate"/>.</summary>
    public static Tensor Compute(Tensor waveform, int sampleRate) =>
        new OnsetStrength(OnsetStrengthConfig.ForSampleRate(sampleRate)).Forward(waveform);
}
