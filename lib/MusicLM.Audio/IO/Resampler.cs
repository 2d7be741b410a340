namespace MusicLM.Audio;

/// <summary>
/// Band-limited resampling between any two integer rates: a Kaiser-windowed sinc low-pass evaluated as a
/// polyphase filter. The rate ratio is reduced to L/M (L = out/gcd, M = in/gcd); output sample n sits at
/// input time n·M/L, whose fractional part (n·M mod L)/L picks one of L precomputed filter phases.
/// The cutoff lies below the lower of the two Nyquist frequencies, so downsampling does not alias and
/// upsampling does not image. The filter is symmetric: no delay, output sample 0 is input time 0.
/// </summary>
public static class Resampler
{
    private const int MaxTablePhases = 4096;   // above this (odd rate pairs) taps are computed per sample

    /// <summary>Resamples every channel of <paramref name="clip"/> to <paramref name="targetRate"/>.</summary>
    public static AudioClip Resample(AudioClip clip, int targetRate, ResampleQuality? quality = null)
    {
        if (targetRate <= 0) throw new ArgumentOutOfRangeException(nameof(targetRate), targetRate, "the target rate must be positive");
        if (targetRate == clip.SampleRate) return clip;
        var filter = new Filter(clip.SampleRate, targetRate, quality ?? ResampleQuality.High);
        var rows = new float[clip.Channels][];
        for (int c = 0; c < clip.Channels; c++) rows[c] = filter.Apply(clip.Channel(c));
        var s = new float[clip.Channels, rows[0].Length];
        for (int c = 0; c < rows.Length; c++)
            for (int i = 0; i < rows[c].Length; i++) s[c, i] = rows[c][i];
        return new AudioClip(s, targetRate);
    }

    /// <summary>Resamples one channel from <paramref name="rateIn"/> to <paramref name="rateOut"/> Hz.</summary>
    public static float[] Resample(float[] samples, int rateIn, int rateOut, ResampleQuality? quality = null)
    {
        if (rateIn <= 0) throw new ArgumentOutOfRangeException(nameof(rateIn), rateIn, "rates must be positive");
        if (rateOut <= 0) throw new ArgumentOutOfRangeException(nameof(rateOut), rateOut, "rates must be positive");
        if (rateIn == rateOut) return (float[])samples.Clone();
        return new Filter(rateIn, rateOut, quality ?? ResampleQuality.High).Apply(samples);
    }

    /// <summary>How many frames <paramref name="frames"/> input frames become: ⌈frames · out / in⌉.</summary>
    public static long OutputLength(long frames, int rateIn, int rateOut)
    {
        long g = Gcd(rateIn, rateOut), l = rateOut / g, m = rateIn / g;
        return (frames * l + m - 1) / m;
    }

    private sealed class Filter
    {
        private readonly long _l, _m;
        private readonly int _j;              // taps at input offsets -J..J around the output time
        private readonly double _fc, _halfWidth, _beta, _i0Beta;
        private readonly float[]? _table;     // L phases × (2J+1) taps, each phase normalised to unit DC gain

        public Filter(int rateIn, int rateOut, ResampleQuality q)
        {
            if (q.ZeroCrossings < 1 || q.Rolloff <= 0 || q.Rolloff > 1 || q.KaiserBeta < 0)
                throw new ArgumentException($"invalid resampling quality {q}", nameof(q));
            long g = Gcd(rateIn, rateOut);
            _l = rateOut / g;
            _m = rateIn / g;
            _fc = q.Rolloff * 0.5 * Math.Min(1.0, (double)_l / _m);   // cutoff in cycles per input sample
            _halfWidth = q.ZeroCrossings / (2 * _fc);                   // filter half-length in input samples
            _j = (int)Math.Ceiling(_halfWidth);
            _beta = q.KaiserBeta;
            _i0Beta = BesselI0(_beta);
            if (_l <= MaxTablePhases)
            {
                int taps = 2 * _j + 1;
                _table = new float[_l * taps];
                var phase = new double[taps];
                for (int p = 0; p < _l; p++)
                {
                    Taps((double)p / _l, phase);
                    for (int k = 0; k < taps; k++) _table[p * taps + k] = (float)phase[k];
                }
            }
        }

        /// <summary>Taps for an output time <paramref name="frac"/> ∈ [0, 1) past input sample k0: tap k multiplies x[k0 − J + k].</summary>
        private void Taps(double frac, double[] into)
        {
            double sum = 0;
            for (int k = 0; k < into.Length; k++)
            {
                double d = frac - (k - _j);   // distance from the output time to the input sample
                into[k] = Kernel(d);
                sum += into[k];
            }
            for (int k = 0; k < into.Length; k++) into[k] /= sum;
        }

        private double Kernel(double d)
        {
            if (Math.Abs(d) >= _halfWidth) return 0;
            double x = 2 * _fc * d;
            double sinc = x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);
            double r = d / _halfWidth;
            return 2 * _fc * sinc * BesselI0(_beta * Math.Sqrt(1 - r * r)) / _i0Beta;
        }

        public float[] Apply(float[] x)
        {
            long outLen = (x.Length * _l + _m - 1) / _m;
            var y = new float[outLen];
            int taps = 2 * _j + 1;
            var scratch = _table is null ? new double[taps] : null;
            for (long n = 0; n < outLen; n++)
            {
                long k0 = n * _m / _l;
                int p = (int)(n * _m % _l);
                long first = k0 - _j;
                double acc = 0;
                if (_table is not null)
                {
                    int off = p * taps;
                    int kStart = (int)Math.Max(0, -first), kEnd = (int)Math.Min(taps, x.Length - first);
                    for (int k = kStart; k < kEnd; k++) acc += _table[off + k] * x[first + k];
                }
                else
                {
                    Taps((double)p / _l, scratch!);
                    for (int k = 0; k < taps; k++)
                    {
                        long i = first + k;
                        if (i >= 0 && i < x.Length) acc += scratch![k] * x[i];
                    }
                }
                y[n] = (float)acc;
            }
            return y;
        }
    }

    /// <summary>The modified Bessel function of the first kind, order 0 (power series).</summary>
    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 200; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return sum;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
