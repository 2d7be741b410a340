using MusicLM.Codec.Training;
using MusicLM.Torch;

namespace MusicLM.Tests.Codec.Training;

public class CodecLossesTests
{
    private static Tensor T(params float[] v) => torch.tensor(v).view(1, 1, 1, v.Length);

    [Fact]
    public void Discriminator_hinge_loss_matches_hand_computation()
    {
        using var scope = torch.NewDisposeScope();
        // real: relu(1 − 2) = 0, relu(1 − 0.5) = 0.5 → 0.25; fake: relu(1 − 3) = 0, relu(1 + 0) = 1 → 0.5
        var one = CodecLosses.HingeDiscriminator(new[] { T(2, 0.5f) }, new[] { T(-3, 0) });
        Assert.Equal(0.75, one.item(), 6);
        // a second scale with real 1.5 (0) and fake −0.5 (0.5) → scales averaged: (0.75 + 0.5) / 2
        var two = CodecLosses.HingeDiscriminator(new[] { T(2, 0.5f), T(1.5f) }, new[] { T(-3, 0), T(-0.5f) });
        Assert.Equal(0.625, two.item(), 6);
    }

    [Fact]
    public void Generator_hinge_loss_matches_hand_computation()
    {
        using var scope = torch.NewDisposeScope();
        // relu(1 + 3) = 4, relu(1 − 0) = 1 → 2.5; second scale relu(1 − 2) = 0 → mean 1.25
        Assert.Equal(2.5, CodecLosses.HingeGenerator(new[] { T(-3, 0) }).item(), 6);
        Assert.Equal(1.25, CodecLosses.HingeGenerator(new[] { T(-3, 0), T(2) }).item(), 6);
    }

    [Fact]
    public void Feature_matching_is_L1_relative_to_the_real_feature_size()
    {
        using var scope = torch.NewDisposeScope();
        // map 1: |2 − 1| and |−1 + 3| → 1.5, / mean(|1|, |−3|) = 2 → 0.75; map 2: |0 − 4| / 4 = 1 → mean 0.875
        var real = new[] { new[] { T(1, -3), T(4) } };
        var fake = new[] { new[] { T(2, -1), T(0) } };
        Assert.Equal(0.875, CodecLosses.FeatureMatching(real, fake).item(), 6);
        Assert.Equal(0.0, CodecLosses.FeatureMatching(real, real).item(), 9);
    }

    [Fact]
    public void Si_snr_is_high_for_a_scaled_copy_and_about_zero_for_equal_noise()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var x = torch.randn(2, 1, 4000);
        Assert.True(CodecLosses.SiSnr(x * 0.5, x) > 80);
        var noisy = x + torch.randn(2, 1, 4000);
        Assert.InRange(CodecLosses.SiSnr(noisy, x), -1.5, 1.5);
    }

    [Fact]
    public void Mel_loss_is_zero_for_identical_audio_positive_otherwise_and_differentiable()
    {
        var mel = new MultiScaleMelLoss(16000);
        Assert.Equal(new[] { 32, 64, 128, 256, 512, 1024 }, mel.WindowSizes);
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        var x = torch.randn(2, 1, 4000) * 0.1;
        Assert.Equal(0.0, mel.Forward(x, x).item(), 9);
        var y = (x * 0.5 + torch.randn(2, 1, 4000) * 0.01).requires_grad_();
        var loss = mel.Forward(y, x);
        Assert.True(loss.item() > 0.01);
        loss.backward();
        var g = y.grad!;
        Assert.True(g.isfinite().all().item() != 0);
        Assert.True(g.abs().sum().item() > 0);
    }
}
