namespace MusicLM.Audio;

/// <summary>
/// Level measurements. <see cref="IntegratedLufs"/> is ITU-R BS.1770-4 integrated loudness: K-weighting
/// (a +4 dB high shelf modelling the head, then a 38 Hz high-pass), mean square per channel over 400 ms
/// blocks with 75 % overlap, channel weights, an absolute gate at −70 LUFS and a relative gate 10 LU below
/// the absolutely-gated loudness. A full-scale 1 kHz sine in one channel reads −3.01 LUFS.
/// </summary>
public static class Loudness
{
    /// <summary>Integrated loudness in LUFS; −∞ for a clip shorter than one 400 ms block or entirely below the gate.</summary>
    public static double IntegratedLufs(AudioClip clip)
    {
        int rate = clip.SampleRate, block = (int)Math.Round(0.4 * rate), hop = (int)Math.Round(0.1 * rate);
        if (clip.Frames < block) return double.NegativeInfinity;
        var (shelf, highPass) = KWeighting(rate);
        int blocks = 1 + (clip.Frames - block) / hop;
        var z = new double[clip.Channels, blocks];   // mean square of the K-weighted signal per channel and block
        for (int c = 0; c < clip.Channels; c++)
        {
            var y = highPass.Filter(shelf.Filter(clip.Channel(c)));
            // prefix sums of squares make every 400 ms window O(1)
            var cum = new double[y.Length + 1];
            for (int i = 0; i < y.Length; i++) cum[i + 1] = cum[i] + y[i] * y[i];
            for (int j = 0; j < blocks; j++) z[c, j] = (cum[j * hop + block] - cum[j * hop]) / block;
        }
        var g = ChannelWeights(clip.Channels);
        double BlockPower(int j) { double s = 0; for (int c = 0; c < g.Length; c++) s += g[c] * z[c, j]; return s; }
        static double Lufs(double power) => -0.691 + 10 * Math.Log10(power);

        var power = Enumerable.Range(0, blocks).Select(BlockPower).ToArray();
        var aboveAbsolute = power.Where(p => Lufs(p) > -70).ToArray();
        if (aboveAbsolute.Length == 0) return double.NegativeInfinity;
        double relativeGate = Lufs(aboveAbsolute.Average()) - 10;
        var gated = aboveAbsolute.Where(p => Lufs(p) > relativeGate).ToArray();
        return gated.Length == 0 ? double.NegativeInfinity : Lufs(gated.Average());
    }

    /// <summary>Root mean square over all channels in dBFS (a full-scale sine reads −3.01 dBFS); −∞ for silence.</summary>
    public static double RmsDbfs(AudioClip clip) => 20 * Math.Log10(Rms(clip));

    /// <summary>Root mean square over all samples of all channels, linear.</summary>
    public static double Rms(AudioClip clip)
    {
        double s = 0;
        foreach (var v in clip.Samples) s += (double)v * v;
        return clip.Samples.Length == 0 ? 0 : Math.Sqrt(s / clip.Samples.Length);
    }

    /// <summary>The largest absolute sample, linear.</summary>
    public static double Peak(AudioClip clip)
    {
        float m = 0;
        foreach (var v in clip.Samples) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>The largest absolute sample in dBFS; −∞ for silence.</summary>
    public static double PeakDbfs(AudioClip clip) => 20 * Math.Log10(Peak(clip));

    /// <summary>
    /// BS.1770's weights: 1 for front channels, 1.41 (+1.5 dB) for surrounds, 0 for LFE. Layouts follow
    /// WAV's channel order: 5 channels = L R C Ls Rs, 6 = L R C LFE Ls Rs; any other count weighs every channel 1.
    /// </summary>
    internal static double[] ChannelWeights(int channels) => channels switch
    {
        5 => [1, 1, 1, 1.41, 1.41],
        6 => [1, 1, 1, 0, 1.41, 1.41],
        _ => Enumerable.Repeat(1.0, channels).ToArray(),
    };

    /// <summary>
    /// The two K-weighting biquads at any rate, from their analog prototypes by the bilinear transform
    /// (the parameters libebur128 derived from BS.1770's 48 kHz table, which these reproduce).
    /// </summary>
    internal static (Biquad Shelf, Biquad HighPass) KWeighting(int rate)
    {
        double f0 = 1681.974450955533, gainDb = 3.999843853973347, q = 0.7071752369554196;
        double k = Math.Tan(Math.PI * f0 / rate);
        double vh = Math.Pow(10, gainDb / 20), vb = Math.Pow(vh, 0.4996667741545416);
        double a0 = 1 + k / q + k * k;
        var shelf = new Biquad((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
                               2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0);
        f0 = 38.13547087602444;
        q = 0.5003270373238773;
        k = Math.Tan(Math.PI * f0 / rate);
        a0 = 1 + k / q + k * k;
        var highPass = new Biquad(1, -2, 1, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0);
        return (shelf, highPass);
    }

    /// <summary>A second-order IIR section, y[n] = b0 x[n] + b1 x[n−1] + b2 x[n−2] − a1 y[n−1] − a2 y[n−2].</summary>
    internal sealed record Biquad(double B0, double B1, double B2, double A1, double A2)
    {
        public double[] Filter(float[] x) => Filter(Array.ConvertAll(x, v => (double)v));

        public double[] Filter(double[] x)
        {
            var y = new double[x.Length];
            double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double v = B0 * x[i] + B1 * x1 + B2 * x2 - A1 * y1 - A2 * y2;
                (x2, x1, y2, y1) = (x1, x[i], y1, v);
                y[i] = v;
            }
            return y;
        }
    }
}
