using MusicLM.Audio.Analysis;

namespace MusicLM.Audio.Tests.Analysis;

public class TempoEstimatorTests
{
    /// <summary>Clicks (short decaying noise bursts) on every beat, the first of each bar louder, over a quiet drone.</summary>
    private static float[] ClickTrack(double bpm, int beatsPerBar, int sr, double seconds = 8)
    {
        var y = new double[(int)(seconds * sr)];
        var rng = new Random(9);
        for (int i = 0; i < y.Length; i++) y[i] = 0.02 * Math.Sin(2 * Math.PI * 110 * i / sr);
        double beat = 60 / bpm;
        for (int k = 0; k * beat + 0.1 < seconds; k++)
        {
            int i0 = (int)((0.1 + k * beat) * sr);
            double amp = k % beatsPerBar == 0 ? 0.8 : 0.5;
            for (int i = i0; i < Math.Min(y.Length, i0 + sr / 50); i++)
                y[i] += amp * Math.Exp(-(i - i0) * 300.0 / sr) * (rng.NextDouble() * 2 - 1);
        }
        return y.Select(v => (float)v).ToArray();
    }

    [Theory]
    [InlineData(60, 4)]
    [InlineData(92, 4)]
    [InlineData(120, 4)]
    [InlineData(144, 4)]
    [InlineData(175, 4)]
    [InlineData(90, 3)]
    [InlineData(150, 3)]
    public void Click_tracks_give_their_tempo(double bpm, int beatsPerBar)
    {
        var estimate = TempoEstimator.Estimate(ClickTrack(bpm, beatsPerBar, 16000), 16000);
        Assert.True(Math.Abs(estimate.Bpm / bpm - 1) < 0.02, $"expected {bpm}, got {estimate} [{string.Join(", ", estimate.Candidates.Select(c => $"{c.Bpm:F0}:{c.Score:F2}"))}]");
        Assert.InRange(estimate.Confidence, 0, 1);
    }

    [Theory]
    [InlineData(72, 4, Groove.Rock)]
    [InlineData(128, 4, Groove.Disco)]
    [InlineData(100, 3, Groove.Swing)]
    [InlineData(165, 4, Groove.HalfTime)]
    public void Music_with_drums_bass_chords_and_melody_gives_its_tempo(double bpm, int beatsPerBar, Groove groove)
    {
        var p = TestMusic.Make(bpm, tonic: 2, minor: false, beatsPerBar, groove, seed: 77, seconds: 8);
        var clip = new AudioClip(p.Samples, p.SampleRate);
        var estimate = TempoEstimator.Estimate(clip);
        Assert.True(Math.Abs(estimate.Bpm / bpm - 1) < 0.04, $"expected {bpm}, got {estimate}");
    }

    [Fact]
    public void Silence_gives_the_prior_centre_with_no_confidence()
    {
        var estimate = TempoEstimator.Estimate(new float[16000 * 4], 16000);
        Assert.Equal(0, estimate.Confidence);
        Assert.InRange(estimate.Bpm, TempoEstimator.MinBpm, TempoEstimator.MaxBpm);
    }
}
