namespace MusicLM.Audio.Dsp;

/// <summary>
/// Parameters of <see cref="OnsetStrength"/>: the log-mel spectrogram it differentiates
/// (n_fft, hop, n_mels, fMax, dB range), the lag of the difference in frames, and the width in mel
/// bands of the maximum filter applied to the reference frame (1: none; 3 suppresses vibrato, as in
/// SuperFlux). <see cref="ForSampleRate"/> picks a ~46 ms window and a hop of n_fft/8.
/// </summary>
public sealed record OnsetStrengthConfig(
    int SampleRate,
    int NFft = 1024,
    int HopLength = 128,
    int NMels = 64,
    double? FMax = null,
    double TopDb = 80.0,
    int Lag = 1,
    int MaxSize = 1)
{
    public double FrameRate => (double)SampleRate / HopLength;

    /// <summary>Frames of onset strength for a signal of <paramref name="samples"/> samples (centred frames).</summary>
    public long Frames(long samples) => samples / HopLength + 1;

    /// <summary>n_fft = the power of two nearest 46 ms, hop = n_fft / 8, fMax = min(sr/2, 11025 Hz).</summary>
    public static OnsetStrengthConfig ForSampleRate(int sampleRate)
    {
        int nFft = 1 << (int)Math.Round(Math.Log2(0.046 * sampleRate));
        return new OnsetStrengthConfig(sampleRate, nFft, nFft / 8, FMax: Math.Min(sampleRate / 2.0, 11025.0));
    }

    internal MelSpectrogramConfig Mel => new(SampleRate, NFft, HopLength, NMels, FMax: FMax, Scale: MelScaleKind.Slaney, Norm: MelNorm.Slaney);
}
