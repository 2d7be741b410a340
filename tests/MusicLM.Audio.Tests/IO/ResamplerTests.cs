using Xunit.Abstractions;

namespace MusicLM.Audio.Tests.IO;

public class ResamplerTests(ITestOutputHelper output)
{
    private static float[] Sine(double freq, int rate, double seconds, double amplitude = 0.5) =>
        Enumerable.Range(0, (int)(seconds * rate)).Select(i => (float)(amplitude * Math.Sin(2 * Math.PI * freq * i / rate))).ToArray();

    /// <summary>Amplitude of the <paramref name="freq"/> component over the middle of the signal (whole periods).</summary>
    private static double Amplitude(float[] y, double freq, int rate)
    {
        int n = (int)(Math.Floor(y.Length / 2.0 * freq / rate) * rate / freq), start = y.Length / 4;
        double s = 0, c = 0;
        for (int i = start; i < start + n; i++)
        {
            s += y[i] * Math.Sin(2 * Math.PI * freq * i / rate);
            c += y[i] * Math.Cos(2 * Math.PI * freq * i / rate);
        }
        return 2 * Math.Sqrt(s * s + c * c) / n;
    }

    [Theory]
    [InlineData(48000, 16000)]
    [InlineData(16000, 44100)]
    [InlineData(44100, 48000)]
    [InlineData(48000, 47993)]   // 47993 is prime: 47993 phases, taps computed per sample
    public void A_1kHz_sine_keeps_its_amplitude_within_a_tenth_of_a_dB(int rateIn, int rateOut)
    {
        var y = Resampler.Resample(Sine(1000, rateIn, 0.2), rateIn, rateOut);
        Assert.Equal(Resampler.OutputLength((int)(0.2 * rateIn), rateIn, rateOut), y.Length);
        double db = 20 * Math.Log10(Amplitude(y, 1000, rateOut) / 0.5);
        output.WriteLine($"{rateIn} → {rateOut}: 1 kHz gain {db:+0.0000;-0.0000} dB");
        Assert.InRange(db, -0.1, 0.1);
    }

    [Fact]
    public void Output_sample_zero_is_input_time_zero()
    {
        // a sine's phase survives: no delay from the (symmetric) filter
        var y = Resampler.Resample(Sine(440, 48000, 0.25), 48000, 16000);
        var want = Sine(440, 16000, 0.25);
        for (int i = 2000; i < 2100; i++) Assert.True(Math.Abs(y[i] - want[i]) < 1e-3, $"sample {i}: {y[i]} vs {want[i]}");
    }

    [Fact]
    public void Sweep_to_24kHz_resampled_to_16kHz_rejects_aliases_by_70_dB_ours_and_sox()
    {
        const int rateIn = 48000, rateOut = 16000;
        const double seconds = 4;
        // linear sweep 0 → 24 kHz: instantaneous frequency 24000·t/T
        var sweep = Enumerable.Range(0, (int)(seconds * rateIn))
            .Select(i => { double t = (double)i / rateIn; return (float)(0.5 * Math.Sin(Math.PI * 24000 / seconds * t * t)); }).ToArray();

        var ours = Resampler.Resample(sweep, rateIn, rateOut);
        var dir = Tools.TempDir("sweep-");
        float[] sox;
        try
        {
            string inPath = Path.Combine(dir, "in.wav"), outPath = Path.Combine(dir, "out.wav");
            WavFile.Write(inPath, new AudioClip(sweep, rateIn), WavEncoding.Float32);
            Tools.Run("sox", inPath, "-r", "16000", outPath);
            sox = WavFile.Read(outPath).Channel(0);
        }
        finally { Directory.Delete(dir, true); }

        double oursDb = Rejection(ours), soxDb = Rejection(sox);
        double oursPass = 20 * Math.Log10(Amplitude(Resampler.Resample(Sine(1000, rateIn, 1), rateIn, rateOut), 1000, rateOut) / 0.5);
        output.WriteLine($"stop-band rejection (passband power / power aliased into 0–7.2 kHz): ours {oursDb:F1} dB, sox {soxDb:F1} dB");
        output.WriteLine($"1 kHz passband gain: ours {oursPass:+0.0000;-0.0000} dB");
        Assert.True(oursDb >= 70, $"ours rejects only {oursDb:F1} dB");
        Assert.True(soxDb >= 70, $"sox measured {soxDb:F1} dB: the measurement itself is off");
        Assert.InRange(oursPass, -0.1, 0.1);
        // the measurement can fail: plain decimation (every third sample, no filter) aliases everything
        var naive = Enumerable.Range(0, sweep.Length / 3).Select(i => sweep[3 * i]).ToArray();
        Assert.True(Rejection(naive) < 10, $"naive decimation measured {Rejection(naive):F1} dB");

        // While the input sweeps 100 Hz–6 kHz everything out is signal; while it sweeps 8.8–23.2 kHz it can only
        // appear as an alias in 0–7.2 kHz (16 kHz − f or f − 16 kHz), so everything out is aliasing.
        static double Rejection(float[] y)
        {
            double Power(double f0, double f1)
            {
                int a = (int)(f0 / 24000 * seconds * rateOut), b = (int)(f1 / 24000 * seconds * rateOut);
                double s = 0;
                for (int i = a; i < b; i++) s += (double)y[i] * y[i];
                return s / (b - a);
            }
            return 10 * Math.Log10(Power(100, 6000) / Power(8800, 23200));
        }
    }
}
