namespace MusicLM.Audio.Tests.IO;

public class LoudnessTests
{
    private static float[] Sine(double freq, int rate, double seconds, double amplitude) =>
        Enumerable.Range(0, (int)(seconds * rate)).Select(i => (float)(amplitude * Math.Sin(2 * Math.PI * freq * i / rate))).ToArray();

    [Fact]
    public void K_weighting_at_48kHz_matches_the_coefficients_printed_in_BS1770()
    {
        var (shelf, hp) = Loudness.KWeighting(48000);
        double[] want = [1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585];
        double[] got = [shelf.B0, shelf.B1, shelf.B2, shelf.A1, shelf.A2];
        for (int i = 0; i < 5; i++) Assert.True(Math.Abs(want[i] - got[i]) < 1e-6, $"shelf coefficient {i}: {got[i]} vs {want[i]}");
        Assert.Equal((1.0, -2.0, 1.0), (hp.B0, hp.B1, hp.B2));
        Assert.True(Math.Abs(hp.A1 - -1.99004745483398) < 1e-6 && Math.Abs(hp.A2 - 0.99007225036621) < 1e-6, $"high-pass {hp}");
    }

    [Theory]
    [InlineData(48000)]
    [InlineData(44100)]
    [InlineData(16000)]
    public void A_1kHz_sine_at_minus_20_dBFS_rms_in_one_channel_measures_minus_20_LUFS(int rate)
    {
        // BS.1770: a 0 dBFS 1 kHz sine in one front channel reads −3.01 LKFS, i.e. LUFS equals its RMS level in dBFS
        var clip = new AudioClip(Sine(1000, rate, 3, Math.Sqrt(2) * 0.1), rate);
        Assert.InRange(Loudness.IntegratedLufs(clip), -20.05, -19.95);
    }

    [Fact]
    public void EBU_3341_case_1_stereo_sine_at_minus_23_dBFS_is_minus_23_LUFS()
    {
        var s = Sine(1000, 48000, 20, Math.Pow(10, -23 / 20.0));
        var clip = new AudioClip(new float[2, s.Length], 48000);
        for (int i = 0; i < s.Length; i++) clip.Samples[0, i] = clip.Samples[1, i] = s[i];
        Assert.InRange(Loudness.IntegratedLufs(clip), -23.1, -22.9);
    }

    [Fact]
    public void Gating_ignores_silence_and_passages_10_LU_quieter()
    {
        var loud = Sine(1000, 48000, 3, Math.Sqrt(2) * 0.1);   // −20 LUFS
        var quiet = Sine(1000, 48000, 3, Math.Sqrt(2) * 0.01); // −40 LUFS, below the relative gate
        var withSilence = new AudioClip(loud.Concat(new float[48000 * 3]).ToArray(), 48000);
        var withQuiet = new AudioClip(loud.Concat(quiet).ToArray(), 48000);
        // 27 blocks lie wholly in the loud part; the 3 straddling the edge hold 75, 50 and 25 % of it and pass both
        // gates, so the expected value is −20 + 10·log10((27 + 1.5) / 30) = −20.22 LUFS in both cases.
        double expected = -20 + 10 * Math.Log10(28.5 / 30);
        Assert.InRange(Loudness.IntegratedLufs(withSilence), expected - 0.02, expected + 0.02);
        Assert.InRange(Loudness.IntegratedLufs(withQuiet), expected - 0.02, expected + 0.02);
        Assert.Equal(double.NegativeInfinity, Loudness.IntegratedLufs(new AudioClip(new float[48000], 48000)));
    }

    [Fact]
    public void Normalising_peak_puts_the_largest_sample_exactly_at_the_target()
    {
        var clip = new AudioClip(new float[,] { { 0.1f, -0.3f, 0.2f }, { 0.05f, 0f, 0.25f } }, 8000);
        var n = clip.NormalizePeak(-6);
        Assert.Equal(Math.Pow(10, -6 / 20.0), Loudness.Peak(n), 6);
        Assert.Equal(-Math.Pow(10, -6 / 20.0), n.Samples[0, 1], 6);
        Assert.Equal(-n.Samples[0, 1] / 3, n.Samples[0, 0], 6);   // one gain for everything
    }

    [Fact]
    public void Normalising_loudness_reaches_the_target_LUFS()
    {
        var clip = new AudioClip(Sine(440, 44100, 2, 0.02), 44100);
        var n = clip.NormalizeLoudness(-16);
        Assert.InRange(Loudness.IntegratedLufs(n), -16.01, -15.99);
    }

    [Fact]
    public void Rms_of_a_full_scale_sine_is_minus_3_dBFS()
    {
        Assert.InRange(Loudness.RmsDbfs(new AudioClip(Sine(100, 8000, 1, 1), 8000)), -3.02, -3.00);
    }
}
