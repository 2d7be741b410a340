using MusicLM.Audio.Dsp;
using MusicLM.Torch;

namespace MusicLM.Audio.Tests.Dsp;

public class MelSpectrogramTests
{
    [Theory]
    [InlineData(MelScaleKind.Htk, MelNorm.None)]
    [InlineData(MelScaleKind.Slaney, MelNorm.Slaney)]
    public void A_pure_tone_peaks_in_the_band_whose_centre_is_nearest_its_frequency(MelScaleKind scale, MelNorm norm)
    {
        const int sr = 16000, nMels = 40;
        const double tone = 1500;
        using var scope = torch.NewDisposeScope();
        var mel = MelSpectrogram.Compute(torch.tensor(Signals.Sine(tone, 1, sr)), sr, 1024, 256, nMels, scale, norm); // (1, 40, frames)
        Assert.Equal(nMels, mel.size(1));
        long peak = mel.mean(2).argmax(1).item<long>();
        // Band centres are points 1 … n_mels of n_mels + 2 equally spaced mels between 0 and sr/2.
        double melTop = MelScale.HzToMel(sr / 2.0, scale), target = MelScale.HzToMel(tone, scale);
        int nearest = Enumerable.Range(0, nMels).MinBy(m => Math.Abs(melTop * (m + 1) / (nMels + 1) - target));
        Assert.Equal(nearest, peak);
    }

    [Fact]
    public void Log_mel_in_decibels_keeps_top_db_of_range_per_example()
    {
        using var scope = torch.NewDisposeScope();
        var quiet = torch.tensor(Signals.Sine(440, 0.5, 16000, amp: 1e-4));
        var loud = torch.tensor(Signals.Sine(440, 0.5, 16000, amp: 0.5));
        var x = torch.stack(new[] { quiet, loud });                                  // (2, T)
        var db = new LogMel(new MelSpectrogramConfig(16000, NMels: 32), LogScaling.Decibels, topDb: 60).Forward(x); // (2, 32, frames)
        var max = db.amax(new long[] { 1, 2 }).ToArray<float>();
        var min = db.amin(new long[] { 1, 2 }).ToArray<float>();
        Assert.True(max[1] - max[0] > 60, "the loud example should be ~74 dB louder");
        for (int b = 0; b < 2; b++) Assert.True(Math.Abs(max[b] - min[b] - 60) < 0.01, $"example {b}: max {max[b]} min {min[b]}");
    }

    [Fact]
    public void Natural_log_mel_is_ln_of_mel_plus_eps()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(Signals.Sine(300, 0.3, 16000));
        var config = new MelSpectrogramConfig(16000, NMels: 20);
        var mel = new MelSpectrogram(config).Forward(x);
        var log = new LogMel(config, LogScaling.Natural, eps: 1e-5).Forward(x);
        Assert.True(log.allclose((mel + 1e-5).log(), rtol: 1e-5, atol: 1e-5));
    }
}
