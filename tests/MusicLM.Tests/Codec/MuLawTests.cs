using MusicLM.Audio;
using MusicLM.Codec;

namespace MusicLM.Tests.Codec;

public class MuLawTests
{
    [Fact]
    public void Encoding_follows_the_mu_law_curve_at_known_points()
    {
        // F(x) = sign(x) ln(1 + 255|x|) / ln 256, mapped from [-1, 1] to codes 0 … 255.
        var codes = MuLaw.Encode(new[] { -1f, 0f, 1f, 0.5f, -0.01f });
        Assert.Equal(0, codes[0]);
        Assert.Equal(128, codes[1]);                     // F(0) = 0 → (0 + 1) / 2 · 255 = 127.5 → 128 (round half to even)
        Assert.Equal(255, codes[2]);
        var expectedHalf = (int)Math.Round((Math.Log(1 + 255 * 0.5) / Math.Log(256) + 1) / 2 * 255); // 0.876 → 239
        Assert.Equal(expectedHalf, codes[3]);
        var expectedSmall = (int)Math.Round((-Math.Log(1 + 255 * 0.01) / Math.Log(256) + 1) / 2 * 255);
        Assert.Equal(expectedSmall, codes[4]);
    }

    [Fact]
    public void Round_trip_error_is_small_and_finer_for_quiet_samples()
    {
        var x = Enumerable.Range(0, 2001).Select(i => (float)(i / 1000.0 - 1)).ToArray();
        var y = MuLaw.Decode(MuLaw.Encode(x));
        for (var i = 0; i < x.Length; i++)
        {
            var step = Math.Abs(x[i]) * 0.025 + 0.0005; // the curve's slope: relative steps of ~2 % plus a small floor near zero
            Assert.True(Math.Abs(y[i] - x[i]) <= step, $"x = {x[i]}: decoded {y[i]}");
        }
        var quiet = Math.Abs(MuLaw.Decode(MuLaw.Encode(new[] { 0.003f }))[0] - 0.003f);
        var loud = Math.Abs(MuLaw.Decode(MuLaw.Encode(new[] { 0.9f }))[0] - 0.9f);
        Assert.True(quiet < loud, $"quiet error {quiet} should be below loud error {loud}");
    }

    [Fact]
    public void Values_outside_the_range_are_clipped_and_bad_codes_or_bits_are_rejected()
    {
        Assert.Equal(new[] { 255, 0, 128 }, MuLaw.Encode(new[] { 3f, -7f, float.NaN }));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MuLaw.Decode(new[] { 0, 256 }));
        Assert.Contains("256", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MuLaw.Encode(new[] { 0f }, bits: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MuLaw.Decode(new[] { 0 }, bits: 17));
    }

    [Fact]
    public void The_baseline_at_a_low_rate_keeps_low_tones_and_loses_high_ones()
    {
        const int rate = 16000;
        var t = Enumerable.Range(0, rate).Select(i => (double)i / rate).ToArray();
        var low = new AudioClip(t.Select(s => (float)(0.5 * Math.Sin(2 * Math.PI * 100 * s))).ToArray(), rate);
        var high = new AudioClip(t.Select(s => (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * s))).ToArray(), rate);
        var lowBack = MuLaw.RoundTrip(low, 400);
        var highBack = MuLaw.RoundTrip(high, 400);
        Assert.Equal(rate, lowBack.Frames);
        Assert.Equal(rate, lowBack.SampleRate);
        double Rms(AudioClip c) => Math.Sqrt(c.Channel(0)[1000..^1000].Average(v => (double)v * v));
        double ErrRms(AudioClip a, AudioClip b) => Math.Sqrt(a.Channel(0).Zip(b.Channel(0)).Skip(1000).SkipLast(1000).Average(p => (double)(p.First - p.Second) * (p.First - p.Second)));
        Assert.True(ErrRms(lowBack, low) < 0.05 * Rms(low), $"100 Hz through 400 Hz μ-law: error {ErrRms(lowBack, low)}");
        Assert.True(Rms(highBack) < 0.01 * Rms(high), $"1 kHz is above the 200 Hz Nyquist limit of 400 Hz and should vanish, rms {Rms(highBack)}");
        Assert.Equal(3200, MuLaw.Bitrate(400));
    }
}
