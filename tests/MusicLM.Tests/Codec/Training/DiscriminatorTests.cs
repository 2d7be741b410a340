using MusicLM.Codec.Training;
using MusicLM.Torch;

namespace MusicLM.Tests.Codec.Training;

public class DiscriminatorTests
{
    private static long Halve(long w, int times)
    {
        for (var i = 0; i < times; i++) w = (w + 1) / 2;
        return w;
    }

    [Fact]
    public void Each_scale_gives_logits_and_five_feature_maps_of_the_expected_shape()
    {
        var config = TinyCodec.Discriminator;
        using var d = new MultiScaleSTFTDiscriminator(config);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 1, 4000);
        using var output = d.forward(x);
        Assert.Equal(3, output.Scales);
        for (var k = 0; k < 3; k++)
        {
            long n = config.NFfts[k], frames = 1 + (4000 - n) / (n / 4), bins = n / 2 + 1;
            Assert.Equal(new[] { 2L, 1, frames, Halve(bins, 3) }, output.Logits[k].shape);
            Assert.Equal(5, output.FeatureMaps[k].Count);
            Assert.Equal(new[] { 2L, 4, frames, bins }, output.FeatureMaps[k][0].shape);
            Assert.Equal(new[] { 2L, 4, frames, Halve(bins, 3) }, output.FeatureMaps[k][4].shape);
        }
    }

    [Fact]
    public void Gradients_reach_the_input_audio_and_every_weight()
    {
        using var d = new MultiScaleSTFTDiscriminator(TinyCodec.Discriminator);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(1, 1, 2048).requires_grad_();
        using var output = d.forward(x);
        var loss = CodecLosses.HingeGenerator(output.Logits);
        loss.backward();
        Assert.True(x.grad!.abs().sum().item() > 0);
        foreach (var (name, p) in d.named_parameters())
        {
            Assert.True(p.grad is not null, $"{name} has no gradient");
            Assert.True(p.grad!.abs().sum().item() > 0, $"{name} has a zero gradient");
        }
        Assert.Contains(d.named_parameters(), p => p.name.EndsWith("weight_g"));  // weight norm on
    }

    [Fact]
    public void Input_shorter_than_the_longest_window_is_rejected()
    {
        using var d = new MultiScaleSTFTDiscriminator(TinyCodec.Discriminator);
        using var x = torch.randn(1, 1, 300);
        var e = Assert.Throws<ArgumentException>(() => d.forward(x));
        Assert.Contains("512", e.Message);
    }
}
