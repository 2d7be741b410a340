using MusicLM.Torch;

namespace MusicLM.Audio.Dsp;

/// <summary>
/// Waveform (T) or (B, T) → mel spectrogram (B, n_mels, frames): an STFT power (or magnitude)
/// spectrogram multiplied by a <see cref="MelFilterbank"/>. Differentiable.
/// </summary>
public sealed class MelSpectrogram
{
    private readonly double[,] filterbank;

    public MelSpectrogram(MelSpectrogramConfig config)
    {
        Config = config;
        Spectrogram = new Spectrogram(config.Stft, config.Power);
        filterbank = MelFilterbank.Weights(config.SampleRate, config.NFft, config.NMels, config.FMin, config.FMax, config.Scale, config.Norm);
    }

    public MelSpectrogramConfig Config { get; }
    public Spectrogram Spectrogram { get; }

    /// <summary>The filterbank (n_mels, F) in the given dtype and device.</summary>
    public Tensor Filterbank(ScalarType? dtype = null, Device? device = null)
    {
        using var t = torch.tensor(filterbank);
        return t.to(device ?? Device.CPU, dtype ?? torch.default_dtype);
    }

    /// <summary>(T) or (B, T) → (B, n_mels, frames).</summary>
    public Tensor Forward(Tensor waveform)
    {
        using var scope = torch.NewDisposeScope();
        var spec = Spectrogram.Forward(waveform);                         // (B, F, frames)
        return FromSpectrogram(spec).MoveToOuterDisposeScope();
    }

    /// <summary>A (B, F, frames) spectrogram made with this config's STFT → (B, n_mels, frames).</summary>
    public Tensor FromSpectrogram(Tensor spec)
    {
        using var fb = Filterbank(spec.dtype, spec.device);               // (n_mels, F)
        return fb.matmul(spec);                                           // (B, n_mels, frames)
    }

    /// <summary>Mel spectrogram in one call.</summary>
    public static Tensor Compute(Tensor waveform, int sampleRate, int nFft = 1024, int hopLength = 256, int nMels = 80,
                                 MelScaleKind scale = MelScaleKind.Htk, MelNorm norm = MelNorm.None) =>
        new MelSpectrogram(new MelSpectrogramConfig(sampleRate, nFft, hopLength, nMels, Scale: scale, Norm: norm)).Forward(waveform);
}
