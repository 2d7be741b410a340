namespace MusicLM.Audio.Dsp;

/// <summary>
/// Parameters of a mel spectrogram. The defaults follow torchaudio's <c>MelSpectrogram</c> in the
/// filterbank convention (HTK scale, no normalisation, power 2); set <see cref="Scale"/> and
/// <see cref="Norm"/> to <c>Slaney</c> for librosa's. <see cref="FMax"/> null means sr/2.
/// </summary>
public sealed record MelSpectrogramConfig(
    int SampleRate,
    int NFft = 1024,
    int HopLength = 256,
    int NMels = 80,
    double FMin = 0,
    double? FMax = null,
    MelScaleKind Scale = MelScaleKind.Htk,
    MelNorm Norm = MelNorm.None,
    double Power = 2.0,
    bool Center = true)
{
    /// <summary>The STFT this mel spectrogram starts from (Hann window of n_fft samples).</summary>
    public StftConfig Stft => new(NFft, HopLength, Center: Center);

    /// <summary>Frames per second.</summary>
    public double FrameRate => (double)SampleRate / HopLength;
}
