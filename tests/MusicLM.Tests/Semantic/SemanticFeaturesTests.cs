using MusicLM.Semantic;
using MusicLM.Torch;

namespace MusicLM.Tests.Semantic;

public class SemanticFeaturesTests
{
    private static readonly SemanticFeatureConfig Config = new();

    /// <summary>A sine of <paramref name="hz"/> from <paramref name="startS"/> seconds to the end, (1, S) at 16 kHz.</summary>
    private static Tensor Tone(double hz, double seconds, double startS = 0, double amplitude = 0.3)
    {
        int n = (int)(seconds * 16000);
        var x = new float[n];
        for (int i = (int)(startS * 16000); i < n; i++) x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / 16000));
        return torch.tensor(x, 1, n);
    }

    [Theory]
    [InlineData(16000, 25)]      // exactly 1 s
    [InlineData(16001, 26)]      // a partial last frame counts
    [InlineData(640, 1)]
    [InlineData(1, 1)]
    [InlineData(52800, 83)]      // 3.3 s
    public void Frames_are_ceil_of_samples_over_the_hop(int samples, int frames)
    {
        using var f = new SemanticFeatures(Config);
        Assert.Equal(frames, f.FramesFor(samples));
        using var x = torch.randn(2, samples) * 0.1;
        using var raw = f.Raw(x);
        Assert.Equal(new long[] { 2, frames, Config.FrameDim }, raw.shape);
        using var all = f.Forward(x);
        Assert.Equal(new long[] { 2, frames, Config.Dim }, all.shape);
        Assert.Equal(25.0, Config.FrameRate);
    }

    [Fact]
    public void A_note_onset_peaks_in_the_frame_that_holds_it()
    {
        // A tone entering at 0.5 s = sample 8000, inside frame 12 ([7680, 8320)).
        using var f = new SemanticFeatures(Config);
        using var x = Tone(440, 1.0, startS: 0.5);
        using var raw = f.Raw(x);                                           // (1, 25, FrameDim)
        var peak = raw.select(2, Config.FrameDim - 1).squeeze(0).ToArray<float>();
        Assert.Equal(12, Array.IndexOf(peak, peak.Max()));
        // Before the tone the features are those of silence: no flux.
        Assert.All(peak.Take(10), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void The_chroma_of_a_tone_names_its_pitch_class()
    {
        using var f = new SemanticFeatures(Config);
        using var x = Tone(440, 1.0);                                        // A4
        using var raw = f.Raw(x);
        using var chroma = raw.narrow(2, Config.Mels, 12).select(1, 12).squeeze(0);   // frame 12's 12 classes
        var c = chroma.ToArray<float>();
        Assert.Equal(9, Array.IndexOf(c, c.Max()));                          // index 9 = A
    }

    [Fact]
    public void Standardisation_gives_zero_mean_and_unit_std_on_the_training_frames()
    {
        using var f = new SemanticFeatures(Config);
        using var a = Tone(220, 2.0);
        using var b = Tone(660, 2.0, startS: 0.7, amplitude: 0.1);
        using var x = torch.cat(new[] { a, b }, 0);
        using var raw = f.Raw(x);
        f.FitStatistics(new[] { raw });
        using var z = f.Standardize(raw).reshape(-1, Config.FrameDim);
        using var mean = z.mean(0);
        using var std = z.std(0, correction: 0);
        Assert.All(mean.ToArray<float>(), m => Assert.InRange(m, -1e-3f, 1e-3f));
        // A dimension that never varies keeps std 1, so it stands at 0 (e.g. the upper mel bands of these low tones may not).
        Assert.All(std.ToArray<float>(), s => Assert.True(Math.Abs(s - 1) < 1e-3 || s < 1e-3, $"std {s}"));
    }

    [Fact]
    public void Stacking_puts_the_neighbours_side_by_side()
    {
        using var f = new SemanticFeatures(Config with { Context = 2 });
        int d = Config.FrameDim;
        using var seq = torch.arange(0, 4 * d).to(ScalarType.Float32).view(1, 4, d);   // frame t holds t·d … t·d + d − 1
        using var s = f.Stack(seq);                                                    // (1, 4, 5d)
        Assert.Equal(new long[] { 1, 4, 5 * d }, s.shape);
        var row1 = s.select(1, 1).squeeze(0).ToArray<float>();                        // frames −1, 0, 1, 2, 3
        Assert.Equal(0f, row1[0]);                                                     // before the start: 0 (the mean)
        Assert.Equal(1f, row1[d + 1]);                                                 // frame 0's second value
        Assert.Equal((float)d, row1[2 * d]);                                           // frame 1 at the centre
        Assert.Equal(3f * d, row1[4 * d]);                                             // frame 3
    }

    [Fact]
    public void Silence_gives_finite_features()
    {
        using var f = new SemanticFeatures(Config);
        using var x = torch.zeros(1, 8000);
        using var v = f.Forward(x);
        using var finite = v.isfinite().all();
        Assert.Equal(1, finite.item());
    }
}
