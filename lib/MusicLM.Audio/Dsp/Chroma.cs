using MusicLM.Torch;

namespace MusicLM.Audio.Dsp;

/// <summary>
/// Chromagram: the energy of the 12 pitch classes (index 0 = C, 1 = C♯ … 11 = B) per frame,
/// waveform (T) or (B, T) → (B, 12, frames), each frame divided by its largest class (max-norm).
/// <para>
/// The chroma filterbank follows <c>librosa.filters.chroma</c>: every FFT bin k (frequency f) sits at
/// the fractional pitch p = 12 · log2(f / (A4/16)) semitones above A0; it feeds pitch class c with a
/// Gaussian weight exp(−½ (2 d / w)²), where d is the circular distance from p to c in semitones and w
/// the bin's width in semitones (at least 1), so a bin spreads over about one semitone; each bin's
/// column is L2-normalised, then multiplied by the Gaussian octave weighting of
/// <see cref="ChromaConfig"/>. The DC bin gets no weight.
/// </para>
/// </summary>
public sealed class Chroma
{
    private readonly double[,] filterbank;

    public Chroma(ChromaConfig config)
    {
        Config = config;
        Spectrogram = new Spectrogram(config.Stft, power: 2.0);
        filterbank = Filterbank(config.SampleRate, config.NFft, config.A4, config.CenterOctave, config.OctaveWidth);
    }

    public ChromaConfig Config { get; }
    public Spectrogram Spectrogram { get; }

    /// <summary>Pitch-class names with sharps, index 0 = C.</summary>
    public static IReadOnlyList<string> PitchClassNames { get; } = new[] { "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B" };

    /// <summary>(T) or (B, T) → (B, 12, frames), max-normalised per frame.</summary>
    public Tensor Forward(Tensor waveform)
    {
        using var scope = torch.NewDisposeScope();
        var power = Spectrogram.Forward(waveform);                        // (B, F, frames)
        return FromSpectrogram(power).MoveToOuterDisposeScope();
    }

    /// <summary>A power spectrogram (B, F, frames) of this config's STFT → (B, 12, frames), max-normalised per frame.</summary>
    public Tensor FromSpectrogram(Tensor power)
    {
        using var scope = torch.NewDisposeScope();
        var fb = torch.tensor(filterbank).to(power.device, power.dtype);  // (12, F)
        var raw = fb.matmul(power);                                       // (B, 12, frames)
        var peak = raw.amax(1, keepdim: true).clamp_min(1e-10);          // (B, 1, frames)
        return (raw / peak).MoveToOuterDisposeScope();
    }

    /// <summary>The chroma filterbank [12, n_fft/2 + 1] described on <see cref="Chroma"/>.</summary>
    public static double[,] Filterbank(int sampleRate, int nFft, double a4 = 440.0, double centerOctave = 5.0, double? octaveWidth = 2.0)
    {
        const int n = 12;
        int nFreqs = nFft / 2 + 1;
        double a0 = a4 / 16.0;
        // Fractional pitch (semitones above A0) of bins 1 … n_fft/2; bin 0 gets a pitch 1.5 octaves below bin 1.
        var pitch = new double[nFreqs];
        for (int k = 1; k < nFreqs; k++) pitch[k] = n * Math.Log2((double)k * sampleRate / nFft / a0);
        pitch[0] = pitch[1] - 1.5 * n;
        var width = new double[nFreqs];
        for (int k = 0; k < nFreqs - 1; k++) width[k] = Math.Max(pitch[k + 1] - pitch[k], 1.0);
        width[nFreqs - 1] = 1.0;

        var w = new double[n, nFreqs];
        for (int k = 0; k < nFreqs; k++)
        {
            double norm2 = 0;
            for (int c = 0; c < n; c++)
            {
                // c counts semitones from A here; the roll to C-first happens when storing.
                double d = pitch[k] - c;
                d = ((d + n / 2 + 10 * n) % n + n) % n - n / 2;               // circular distance in (−6, 6]
                double g = Math.Exp(-0.5 * Math.Pow(2 * d / width[k], 2));
                w[c, k] = g;
                norm2 += g * g;
            }
            double octave = octaveWidth is { } ow ? Math.Exp(-0.5 * Math.Pow((pitch[k] / n - centerOctave) / ow, 2)) : 1.0;
            double scale = (norm2 > 0 ? 1.0 / Math.Sqrt(norm2) : 0.0) * (k == 0 ? 0.0 : octave);
            for (int c = 0; c < n; c++) w[c, k] *= scale;
        }
        // Rows counted from A → rows counted from C (C is 3 semitones above A).
        var r = new double[n, nFreqs];
        for (int c = 0; c < n; c++)
            for (int k = 0; k < nFreqs; k++) r[c, k] = w[(c + 3) % n, k];
        return r;
    }
}
