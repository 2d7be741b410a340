using MusicLM.Audio.Dsp;
using MusicLM.Torch;

namespace MusicLM.Audio.Tests.Dsp;

public class SpectrogramTests
{
    [Fact]
    public void Power_spectrogram_of_a_batch_has_shape_B_F_frames_and_its_peak_at_the_tone_bin()
    {
        const int sr = 8000;
        using var scope = torch.NewDisposeScope();
        var x = torch.stack(new[] { torch.tensor(Signals.Sine(1000, 1, sr)), torch.tensor(Signals.Sine(2000, 1, sr)) }); // (2, 8000)
        var spec = Spectrogram.Compute(x, nFft: 256, hopLength: 64);                 // (2, 129, frames)
        Assert.Equal(new long[] { 2, 129, 8000 / 64 + 1 }, spec.shape);
        var peakBins = spec.mean(2).argmax(1).ToArray<long>();                       // bin = f · n_fft / sr
        Assert.Equal(new long[] { 32, 64 }, peakBins);
    }

    [Fact]
    public void Magnitude_is_the_square_root_of_power_and_float64_works()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(Signals.Sine(440, 0.5, 16000)).to(ScalarType.Float64);
        var power = new Spectrogram(new StftConfig(512, 128), power: 2).Forward(x);
        var mag = new Spectrogram(new StftConfig(512, 128), power: 1).Forward(x);
        Assert.Equal(ScalarType.Float64, power.dtype);
        Assert.True(mag.pow(2).allclose(power, rtol: 1e-6, atol: 1e-9));
    }

    [Fact]
    public void Stft_then_inverse_stft_gives_back_the_signal()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var x = torch.randn(2, 5000);                                                // (B, T)
        var config = new StftConfig(NFft: 512, HopLength: 128);
        var spec = new Spectrogram(config).Stft(x);                                  // complex (B, F, frames)
        var y = InverseStft.Compute(spec, config, length: 5000);                     // (B, T)
        Assert.Equal(x.shape, y.shape);
        var err = (y - x).abs().max().item();
        Assert.True(err < 1e-4, $"max reconstruction error {err}");
    }

    [Fact]
    public void Gradient_of_a_log_mel_loss_reaches_the_waveform_finite_and_non_zero()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var target = torch.randn(1, 4000) * 0.1;
        var x = (torch.randn(1, 4000) * 0.1).requires_grad_();
        var logMel = new LogMel(new MelSpectrogramConfig(16000, NFft: 512, HopLength: 128, NMels: 40));
        var loss = (logMel.Forward(x) - logMel.Forward(target)).abs().mean();
        loss.backward();
        var g = x.grad!;
        Assert.True(g.isfinite().all().item() != 0, "gradient has non-finite values");
        Assert.True(g.abs().sum().item() > 0, "gradient is zero");
    }
}
