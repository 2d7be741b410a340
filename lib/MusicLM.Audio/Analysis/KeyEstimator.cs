using MusicLM.Audio.Dsp;
using MusicLM.Torch;

namespace MusicLM.Audio.Analysis;

/// <summary>
/// Key and mode from audio. Krumhansl–Schmuckler is the first cue: the clip's mean chroma — mid-register
/// chroma (<see cref="Chroma"/>, octave weighting centred at A5) plus a bass chroma (centred at A2, where
/// chord roots and the tonic sit), frames weighted toward the opening — correlated with the 24 rotations
/// of a major and a minor <see cref="KeyProfile"/>. Since a major key and its relative minor share every
/// pitch class, the other cues look for the tonic: the fit of the diatonic scale (after a time-median
/// filter removes drum hits, Fitzgerald's harmonic–percussive separation), the tonic and dominant in the
/// bass, the tonic triad in the opening and closing two seconds (music opens on its tonic chord and
/// phrases close on it). The cues (<see cref="CueNames"/>) are combined with <see cref="Weights"/>.
/// The STFT window is long (≈ 0.5 s) so that neighbouring semitones are separate bins down to ~55 Hz.
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
        double[,] midC, bassC, midH, bassH;
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var mono = AnalysisInput.Mono(waveform).to(ScalarType.Float64); // (T)
            var power = mid.Spectrogram.Forward(mono);                        // (1, F, frames)
            var harmonic = HarmonicPart(power[0]).unsqueeze(0);              // (1, F, frames)
            midC = ToArray(mid.FromSpectrogram(power)[0]);                    // (12, frames)
            bassC = ToArray(bass.FromSpectrogram(power)[0]);
            midH = ToArray(mid.FromSpectrogram(harmonic)[0]);
            bassH = ToArray(bass.FromSpectrogram(harmonic)[0]);
        }
        double fps = mid.Config.FrameRate;
        int frames = midC.GetLength(1);
        var w = new double[frames];
        for (int t = 0; t < frames; t++) w[t] = 1 + OpeningWeight * Math.Exp(-t / fps / OpeningSeconds);
        var combined = new double[12];
        var midMean = Mean(midC, w);
        var bassMean = Mean(bassC, w);
        for (int i = 0; i < 12; i++) combined[i] = midMean[i] + BassWeight * bassMean[i];
        var views = new KeyViews(
            Combined: combined,
            Mid: Mean(midH, Uniform(frames)), Bass: Mean(bassH, Uniform(frames)),
            MidOpen: Mean(midH, Window(frames, 0, OpeningSeconds * fps)), BassOpen: Mean(bassH, Window(frames, 0, OpeningSeconds * fps)),
            MidEnd: Mean(midH, Window(frames, frames - OpeningSeconds * fps, frames)), BassEnd: Mean(bassH, Window(frames, frames - OpeningSeconds * fps, frames)),
            MidRaw: Mean(midC, Uniform(frames)), BassRaw: Mean(bassC, Uniform(frames)));
        return FromViews(views, profile);
    }

    /// <summary>Time-median filtering of a power spectrogram (F, frames) over <see cref="MedianFrames"/> frames: sustained partials stay, drum hits go (Fitzgerald's harmonic–percussive separation, harmonic half).</summary>
    private static Tensor HarmonicPart(Tensor power)
    {
        int f = (int)power.size(0), n = (int)power.size(1);
        var x = power.contiguous().ToArray<double>();
        var y = new double[x.Length];
        int h = MedianFrames / 2;
        var buf = new double[MedianFrames];
        for (int k = 0; k < f; k++)
            for (int t = 0; t < n; t++)
            {
                int a = Math.Max(0, t - h), b = Math.Min(n, t + h + 1), m = b - a;
                for (int u = a; u < b; u++) buf[u - a] = x[k * n + u];
                Array.Sort(buf, 0, m);
                y[k * n + t] = m % 2 == 1 ? buf[m / 2] : 0.5 * (buf[m / 2 - 1] + buf[m / 2]);
            }
        return torch.tensor(y).reshape(f, n);
    }

    /// <summary>Length of the time-median filter, in frames (≈ 0.64 s at the STFT hop).</summary>
    public const int MedianFrames = 5;

    private static double[,] ToArray(Tensor c)
    {
        int k = (int)c.size(0), n = (int)c.size(1);
        var flat = c.contiguous().ToArray<double>();
        var a = new double[k, n];
        for (int i = 0; i < k; i++) for (int t = 0; t < n; t++) a[i, t] = flat[i * n + t];
        return a;
    }

    private static double[] Uniform(int n) => Enumerable.Repeat(1.0, n).ToArray();

    private static double[] Window(int n, double from, double to)
    {
        var w = new double[n];
        for (int t = 0; t < n; t++) w[t] = t >= from && t < to ? 1 : 0;
        return w;
    }

    /// <summary>Weighted mean chroma, normalised to sum 1.</summary>
    private static double[] Mean(double[,] c, double[] w)
    {
        var m = new double[12];
        for (int i = 0; i < 12; i++)
            for (int t = 0; t < w.Length; t++) m[i] += w[t] * c[i, t];
        double s = m.Sum();
        if (s > 0) for (int i = 0; i < 12; i++) m[i] /= s;
        return m;
    }

    /// <summary>The chroma summaries the key cues are read from (each normalised to sum 1, index 0 = C).</summary>
    public sealed record KeyViews(double[] Combined, double[] Mid, double[] Bass, double[] MidOpen, double[] BassOpen, double[] MidEnd, double[] BassEnd, double[] MidRaw, double[] BassRaw);

    /// <summary>Names of the cues in <see cref="KeyCandidate.Cues"/>, in order.</summary>
    public static readonly IReadOnlyList<string> CueNames =
    [
        "profile", "profile_mid", "profile_bass", "scale_mid", "bass_tonic", "bass_open_tonic", "bass_end_tonic",
        "triad_open", "triad_end", "bass_dominant", "mid_tonic", "triad_mid", "bass_open_triad", "scale_mid_raw", "bass_raw_tonic", "scale_bass",
    ];

    /// <summary>
    /// Weights of the cues in a key's score: a conditional-logit (softmax over the 24 keys) fit on the
    /// training split of the course's synthetic dataset (seed 11), checked on its validation split.
    /// </summary>
    public static readonly IReadOnlyList<double> Weights = [3.06, 0.11, 1.05, 5.83, -0.68, 6.75, 0.42, 1.62, 2.15, 3.88, 2.97, -0.31, 1.89, 6.95, -1.37, 2.09];

    public static KeyEstimate FromViews(KeyViews v, KeyProfile profile = KeyProfile.KrumhanslKessler)
    {
        var (major, minor) = Profiles(profile);
        var all = new List<KeyCandidate>(24);
        for (int tonic = 0; tonic < 12; tonic++)
            foreach (var mode in new[] { KeyMode.Major, KeyMode.Minor })
            {
                var prof = mode == KeyMode.Major ? major : minor;
                int third = mode == KeyMode.Major ? 4 : 3;
                var scale = mode == KeyMode.Major ? MajorScale : MinorScale;
                double Triad(double[] c) => (c[tonic] + c[(tonic + third) % 12] + c[(tonic + 7) % 12]) / 3 - 1.0 / 12;
                double[] cues =
                [
                    Correlate(v.Combined, prof, tonic), Correlate(v.Mid, prof, tonic), Correlate(v.Bass, prof, tonic), Correlate(v.Mid, scale, tonic),
                    v.Bass[tonic], v.BassOpen[tonic], v.BassEnd[tonic], Triad(v.MidOpen), Triad(v.MidEnd), v.Bass[(tonic + 7) % 12], v.Mid[tonic],
                    Triad(v.Mid), Triad(v.BassOpen), Correlate(v.MidRaw, scale, tonic), v.BassRaw[tonic], Correlate(v.Bass, scale, tonic),
                ];
                double score = 0;
                for (int i = 0; i < cues.Length; i++) score += Weights[i] * cues[i];
                all.Add(new KeyCandidate(tonic, mode, score, cues));
            }
        all.Sort((a, b) => b.Correlation.CompareTo(a.Correlation));
        return new KeyEstimate(all[0], all[1], all, v.Combined);
    }

    private static readonly double[] MajorScale = [1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1];
    private static readonly double[] MinorScale = [1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0];

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
