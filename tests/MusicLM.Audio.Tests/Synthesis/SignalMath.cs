namespace MusicLM.Audio.Tests.Synthesis;

/// <summary>Independent measurement helpers for the tests (a plain radix-2 FFT, RMS, centroid): nothing from the code under test.</summary>
internal static class SignalMath
{
    public static double Rms(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (var v in x) s += (double)v * v;
        return x.Length == 0 ? 0 : Math.Sqrt(s / x.Length);
    }

    /// <summary>Magnitude spectrum of the first power-of-two samples (Hann window), bins 0 … n/2.</summary>
    public static double[] Magnitudes(ReadOnlySpan<float> x, int n)
    {
        var re = new double[n];
        var im = new double[n];
        for (int i = 0; i < n && i < x.Length; i++) re[i] = x[i] * (0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n));
        Fft(re, im);
        var m = new double[n / 2 + 1];
        for (int k = 0; k <= n / 2; k++) m[k] = Math.Sqrt(re[k] * re[k] + im[k] * im[k]);
        return m;
    }

    public static double CentroidHz(ReadOnlySpan<float> x, int sampleRate, int n = 8192)
    {
        var m = Magnitudes(x, n);
        double num = 0, den = 0;
        for (int k = 0; k < m.Length; k++)
        {
            num += k * (double)sampleRate / n * m[k];
            den += m[k];
        }
        return num / den;
    }

    /// <summary>Frequency of the strongest bin, refined by parabolic interpolation.</summary>
    public static double PeakHz(ReadOnlySpan<float> x, int sampleRate, int n, double minHz = 20, double maxHz = double.MaxValue)
    {
        var m = Magnitudes(x, n);
        int best = 1;
        for (int k = (int)(minHz * n / sampleRate) + 1; k < m.Length - 1 && k * (double)sampleRate / n <= maxHz; k++) if (m[k] > m[best]) best = k;
        double a = m[best - 1], b = m[best], c = m[best + 1];
        double delta = 0.5 * (a - c) / (a - 2 * b + c);
        return (best + delta) * sampleRate / n;
    }

    private static void Fft(double[] re, double[] im)
    {
        int n = re.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
        for (int len = 2; len <= n; len <<= 1)
        {
            double ang = -2 * Math.PI / len;
            for (int i = 0; i < n; i += len)
                for (int k = 0; k < len / 2; k++)
                {
                    double wr = Math.Cos(ang * k), wi = Math.Sin(ang * k);
                    double xr = re[i + k + len / 2] * wr - im[i + k + len / 2] * wi;
                    double xi = re[i + k + len / 2] * wi + im[i + k + len / 2] * wr;
                    re[i + k + len / 2] = re[i + k] - xr;
                    im[i + k + len / 2] = im[i + k] - xi;
                    re[i + k] += xr;
                    im[i + k] += xi;
                }
        }
    }
}
