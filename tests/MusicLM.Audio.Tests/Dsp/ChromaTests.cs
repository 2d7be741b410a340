using MusicLM.Audio.Dsp;
using MusicLM.Torch;

namespace MusicLM.Audio.Tests.Dsp;

public class ChromaTests
{
    private const int Sr = 22050;

    private static float[] MeanChroma(float[] signal)
    {
        using var scope = torch.NewDisposeScope();
        var c = new Chroma(new ChromaConfig(Sr)).Forward(torch.tensor(signal));     // (1, 12, frames)
        Assert.Equal(12, c.size(1));
        return c.mean(new long[] { 0, 2 }).ToArray<float>();
    }

    [Fact]
    public void A_pure_A4_lights_up_pitch_class_A()
    {
        var c = MeanChroma(Signals.Sine(440, 1, Sr));
        Assert.Equal(9, Array.IndexOf(c, c.Max()));
        Assert.True(c.Where((_, i) => i != 9).Max() < 0.2 * c[9]);
    }

    [Fact]
    public void A_C_major_triad_peaks_at_C_E_and_G()
    {
        double Hz(int midi) => 440 * Math.Pow(2, (midi - 69) / 12.0);
        var c = MeanChroma(Signals.Sum(Signals.Sine(Hz(60), 1, Sr), Signals.Sine(Hz(64), 1, Sr), Signals.Sine(Hz(67), 1, Sr)));
        var top3 = c.Select((v, i) => (v, i)).OrderByDescending(p => p.v).Take(3).Select(p => p.i).Order().ToArray();
        Assert.Equal(new[] { 0, 4, 7 }, top3);
    }

    [Fact]
    public void Frames_are_max_normalised()
    {
        using var scope = torch.NewDisposeScope();
        var c = new Chroma(new ChromaConfig(Sr)).Forward(torch.tensor(Signals.Sine(330, 0.5, Sr, amp: 0.01)));
        var peaks = c.amax(1).ToArray<float>();
        Assert.All(peaks, p => Assert.Equal(1f, p, 4));
    }

    [Fact]
    public void The_filterbank_follows_the_tuning_reference()
    {
        // With A4 = 452 Hz (half a semitone sharp), a 452 Hz tone is A and a 440 Hz tone sits between G# and A.
        var sharp = Chroma.Filterbank(Sr, 8192, a4: 452);
        int k452 = (int)Math.Round(452.0 * 8192 / Sr);
        Assert.Equal(9, Enumerable.Range(0, 12).MaxBy(c => sharp[c, k452]));
    }
}
