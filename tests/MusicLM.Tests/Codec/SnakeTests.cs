using MusicLM.Codec;
using MusicLM.Torch;

namespace MusicLM.Tests.Codec;

public class SnakeTests
{
    [Fact]
    public void Snake_is_x_plus_sin_squared_of_alpha_x_over_alpha_per_channel()
    {
        using var snake = new Snake(2);
        using (torch.no_grad()) snake.alpha.copy_(torch.tensor(new float[] { 1f, 3f }).view(1, 2, 1));
        var xs = new float[] { -2f, -0.5f, 0f, 0.7f, 2.5f };
        using var x = torch.tensor(xs.Concat(xs).ToArray()).view(1, 2, 5);
        var y = snake.forward(x).reshape(-1).ToArray<float>();
        for (var c = 0; c < 2; c++)
        {
            var a = c == 0 ? 1.0 : 3.0;
            for (var i = 0; i < xs.Length; i++)
            {
                var expected = xs[i] + Math.Pow(Math.Sin(a * xs[i]), 2) / a;
                Assert.Equal(expected, y[c * 5 + i], 5);
            }
        }
    }

    [Fact]
    public void Alpha_is_learnt_and_the_shape_is_checked()
    {
        using var snake = new Snake(3);
        Assert.Equal(new[] { 1L, 3, 1 }, snake.alpha.shape);
        Assert.Contains("alpha", snake.state_dict().Keys);
        using var x = torch.randn(2, 3, 7);
        using var y = snake.forward(x);
        y.sum().backward();
        Assert.NotNull(snake.alpha.grad);
        Assert.True(snake.alpha.grad!.abs().sum().item() > 0);
        Assert.Contains("(B, 3, T)", Assert.Throws<ArgumentException>(() => snake.forward(torch.randn(2, 4, 7))).Message);
        Assert.Throws<ArgumentException>(() => new Snake(0));
    }

    [Fact]
    public void A_seanet_with_snake_activations_has_one_alpha_per_activation_and_keeps_its_shapes()
    {
        var config = CodecConfig.Course with { Seanet = SeanetConfig.Course with { Activation = "Snake" } };
        using var codec = new CodecModel(config);
        var alphas = codec.state_dict().Keys.Where(k => k.EndsWith(".alpha", StringComparison.Ordinal)).ToList();
        // encoder: 4 blocks × 2 + 4 before the strided convs + 1 before the last conv; the decoder the same.
        Assert.Equal(2 * (4 * 2 + 4 + 1), alphas.Count);
        Assert.Contains("encoder.model.1.block.0.alpha", alphas);
        using var x = torch.randn(1, 1, 16000) * 0.1;
        using var y = codec.forward(x).Reconstruction;
        Assert.Equal(x.shape, y.shape);
        Assert.Contains("Snake", Assert.Throws<ArgumentException>(() => new CodecModel(CodecConfig.Course with { Seanet = SeanetConfig.Course with { Activation = "GELU" } })).Message);
    }
}
