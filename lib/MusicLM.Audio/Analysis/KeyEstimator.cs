using MusicLM.Audio.Dsp;
using MusicLM.Torch;

namespace MusicLM.Audio.Analysis;

/// <summary>
/// Key and mode from audio (Krumhansl–Schmuckler): the clip's mean chroma — the usual mid-register
/// chroma (<see cref="Chroma"/>, octave weighting centred at A5) plus a bass chroma (centred at A2,
/// where the chord roots and the tonic sit) weighted by <see cref="BassWeight"/> — is correlated with
/// the 24 rotations of a major and a minor <see cref="KeyProfile"/>; the best correlation wins.
/// Frames are weighted 1 + <see cref="OpeningWeight"/> · exp(−t / <see cref="OpeningSeconds"/>): music
/// usually opens on its tonic chord, and that is what separates a key from its relative major/minor
/// (A minor and C major share every pitch class).
/// The STFT window is long (≈ 0.37 s) so that neighbouring semitones are separate bins down to ~55 Hz.
/// </summary>
public static class KeyEstimator
{
    /// <summary>How much the bass chroma counts relative to the mid-register chroma.</summary>
    public const double BassWeight = 1.0;

    /// <summary>Extra weight of the first seconds (decaying with time constant <see cref="OpeningSeconds"/>).</summary>
    public const double OpeningWeight = 4.0;
    public const double OpeningSeconds = 2.0;

    public static KeyEstimate Estimate(AudioClip clip, KeyProfile profile = KeyProfile.KrumhanslKessler) =>
        Estimate(AnalysisInput.Mono(clip), clip.SampleRate, profile);

    public static KeyEstimate Estimate(float[] mono, int sampleRate, KeyProfile profile = KeyProfile.KrumhanslKessler)
    {
        using var x = torch.tensor(mono);
        return Estimate(x, sampleRate, profile);
    }

    /// <summary>A waveform (T) or (channels, T) at <paramref name="sampleRate"/>.</summary>
    public static KeyEstimate Estimate(Tensor waveform, int sampleRate, KeyProfile profile = KeyProfile.KrumhanslKessler)
    {
        int nFft = 1 << (int)Math.Ceiling(Math.Log2(sampleRate / 3.0));      // bins ≤ 3 Hz apart
        var mid = new Chroma(new ChromaConfig(sampleRate, nFft, nFft / 4));
        var bass = new Chroma(new ChromaConfig(sampleRate, nFft, nFft / 4, CenterOctave: 2.0, OctaveWidth: 0.7));
        double[] midMean, bassMean;
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var mono = AnalysisInput.Mono(waveform).to(ScalarType.Float64); // (T)
            var power = mid.Spectrogram.Forward(mono);                        // (1, F, frames)
            long frames = power.size(-1);
            // Frame weights: 1 everywhere plus an emphasis on the opening, where music states its tonic.
            var t = torch.arange(0.0, frames, 1.0, ScalarType.Float64) / mid.Config.FrameRate;  // (frames) seconds
            var w = (t / -OpeningSeconds).exp() * OpeningWeight + 1.0;
            w = w / w.sum();
            midMean = (mid.FromSpectrogram(power)[0] * w).sum(1).ToArray<double>();   // (12)
            bassMean = (bass.FromSpectrogram(power)[0] * w).sum(1).ToArray<double>(); // (12)
        }
        var combined = new double[12];
        double sm = midMean.Sum(), sb = bassMean.Sum();
        for (int i = 0; i < 12; i++)
            combined[i] = (sm > 0 ? midMean[i] / sm : 0) + BassWeight * (sb > 0 ? bassMean[i] / sb : 0);
        return FromChroma(combined, profile);
    }

    /// <summary>Key from a 12-bin chroma profile (index 0 = C).</summary>
    public static KeyEstimate FromChroma(IReadOnlyList<double> chroma, KeyProfile profile = KeyProfile.KrumhanslKessler)
    {
        if (chroma.Count != 12) throw new ArgumentException($"a chroma profile has 12 bins, got {chroma.Count}", nameof(chroma));
        var (major, minor) = Profiles(profile);
        var all = new List<KeyCandidate>(24);
        for (int tonic = 0; tonic < 12; tonic++)
        {
            all.Add(new KeyCandidate(tonic, KeyMode.Major, Correlate(chroma, major, tonic)));
            all.Add(new KeyCandidate(tonic, KeyMode.Minor, Correlate(chroma, minor, tonic)));
        }
        all.Sort((a, b) => b.Correlation.CompareTo(a.Correlation));
        return new KeyEstimate(all[0], all[1], all, chroma.ToArray());
    }

    /// <summary>The major and minor profile of <paramref name="profile"/>, index 0 = the tonic.</summary>
    public static (double[] Major, double[] Minor) Profiles(KeyProfile profile) => profile switch
    {
        KeyProfile.KrumhanslKessler => (new[] { 6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88 },
                                        new[] { 6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17 }),
        KeyProfile.Temperley => (new[] { 5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0 },
                                 new[] { 5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0 }),
        KeyProfile.AlbrechtShanahan => (new[] { 0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081 },
                                        new[] { 0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052 }),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, null),
    };

    /// <summary>Pearson correlation of the chroma with the profile rotated so its tonic is <paramref name="tonic"/>.</summary>
    private static double Correlate(IReadOnlyList<double> chroma, double[] profile, int tonic)
    {
        double mc = chroma.Average(), mp = profile.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int pc = 0; pc < 12; pc++)
        {
            double x = chroma[pc] - mc, y = profile[((pc - tonic) % 12 + 12) % 12] - mp;
            sxy += x * y;
            sxx += x * x;
            syy += y * y;
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : 0;
    }
}
