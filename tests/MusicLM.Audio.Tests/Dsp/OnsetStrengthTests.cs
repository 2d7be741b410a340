using MusicLM.Audio.Dsp;
using MusicLM.Torch;

namespace MusicLM.Audio.Tests.Dsp;

public class OnsetStrengthTests
{
    [Fact]
    public void Peaks_fall_within_one_frame_of_the_note_onsets()
    {
        const int sr = 22050;
        var onsets = new[] { 0.30, 0.71, 1.05, 1.52, 1.90, 2.37 };
        var y = new float[(int)(2.8 * sr)];
        var rng = new Random(5);
        for (int i = 0; i < y.Length; i++) y[i] = (float)(0.002 * (rng.NextDouble() - 0.5)); // a little background noise
        foreach (var (t, n) in onsets.Select((t, n) => (t, n)))
        {
            double f = 220 * Math.Pow(2, n / 12.0);
            int i0 = (int)(t * sr);
            for (int i = i0; i < Math.Min(y.Length, i0 + (int)(0.3 * sr)); i++)
            {
                double s = (double)(i - i0) / sr;
                y[i] += (float)(0.4 * Math.Exp(-8 * s) * (Math.Sin(2 * Math.PI * f * s) + 0.3 * Math.Sin(4 * Math.PI * f * s)));
            }
        }
        var config = OnsetStrengthConfig.ForSampleRate(sr);
        var os = new OnsetStrength(config);
        float[] env;
        using (var scope = torch.NewDisposeScope()) env = os.Forward(torch.tensor(y))[0].ToArray<float>(); // (frames)
        Assert.Equal(config.Frames(y.Length), env.Length);

        // The strongest local maxima, one per onset.
        var peaks = Enumerable.Range(1, env.Length - 2).Where(i => env[i] >= env[i - 1] && env[i] > env[i + 1])
                              .OrderByDescending(i => env[i]).Take(onsets.Length).Order().ToArray();
        for (int n = 0; n < onsets.Length; n++)
        {
            double expected = onsets[n] * os.FrameRate;
            Assert.True(Math.Abs(peaks[n] - expected) <= 1.0, $"onset {onsets[n]} s: expected frame {expected:F1}, peak at {peaks[n]}");
        }
    }

    [Fact]
    public void Onset_strength_is_batched_non_negative_and_zero_for_the_first_lag_frames()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        var x = torch.randn(3, 8000) * 0.1;
        var os = new OnsetStrength(new OnsetStrengthConfig(16000, NFft: 512, HopLength: 128, Lag: 2, MaxSize: 3));
        var env = os.Forward(x);                                                      // (3, frames)
        Assert.Equal(new long[] { 3, 8000 / 128 + 1 }, env.shape);
        Assert.True(env.min().item() >= 0);
        Assert.Equal(0.0, env.narrow(1, 0, 2).abs().sum().item());
        Assert.Equal(125.0, os.FrameRate);
    }
}
