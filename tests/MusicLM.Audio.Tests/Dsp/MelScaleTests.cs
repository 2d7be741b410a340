using MusicLM.Audio.Dsp;

namespace MusicLM.Audio.Tests.Dsp;

public class MelScaleTests
{
    [Fact]
    public void Htk_maps_1000_Hz_to_about_1000_mel_and_0_to_0()
    {
        Assert.Equal(999.99, MelScale.HzToMel(1000, MelScaleKind.Htk), 2);
        Assert.Equal(0, MelScale.HzToMel(0, MelScaleKind.Htk), 12);
        Assert.Equal(2595 * Math.Log10(1 + 4000 / 700.0), MelScale.HzToMel(4000, MelScaleKind.Htk), 9);
    }

    [Fact]
    public void Slaney_is_linear_at_200_over_3_Hz_per_mel_below_1_kHz_and_logarithmic_above()
    {
        Assert.Equal(15, MelScale.HzToMel(1000, MelScaleKind.Slaney), 9);
        Assert.Equal(1, MelScale.HzToMel(200.0 / 3, MelScaleKind.Slaney), 9);
        Assert.Equal(7.5, MelScale.HzToMel(500, MelScaleKind.Slaney), 9);
        // Above 1 kHz, 27 mels per factor 6.4 in frequency.
        Assert.Equal(15 + 27, MelScale.HzToMel(6400, MelScaleKind.Slaney), 9);
        Assert.Equal(15 + 27.0 / 2, MelScale.HzToMel(1000 * Math.Sqrt(6.4), MelScaleKind.Slaney), 9);
    }

    [Theory]
    [InlineData(MelScaleKind.Htk)]
    [InlineData(MelScaleKind.Slaney)]
    public void Mel_to_Hz_inverts_Hz_to_mel(MelScaleKind scale)
    {
        foreach (var f in new[] { 0.0, 20, 440, 999.9, 1000, 1000.1, 4000, 11025, 22050 })
            Assert.Equal(f, MelScale.MelToHz(MelScale.HzToMel(f, scale), scale), 6);
    }
}
