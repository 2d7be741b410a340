using MusicLM.Torch;
using MusicLM.Transformers;

namespace MusicLM.Tests.Transformers;

public class SamplerTests
{
    private static Tensor Logits(params float[] v) => torch.tensor(v, 1, v.Length);

    [Fact]
    public void Guidance_scale_1_is_the_conditional_distribution_and_0_the_unconditional()
    {
        using var c = Logits(2, 0, 1, -1);
        using var u = Logits(0, 1, 0, 3);
        using var g1 = Sampler.Guide(c, u, 1.0);
        using var g0 = Sampler.Guide(c, u, 0.0);
        Assert.True((g1 - c.log_softmax(-1)).abs().max().item() < 1e-6);
        Assert.True((g0 - u.log_softmax(-1)).abs().max().item() < 1e-6);
    }

    [Fact]
    public void A_larger_guidance_scale_moves_mass_to_what_the_condition_favours()
    {
        using var c = Logits(2, 0, 1, -1);
        using var u = Logits(0, 1, 0, 3);
        using var g1 = Sampler.Guide(c, u, 1.0).exp();
        using var g3 = Sampler.Guide(c, u, 3.0).exp();
        // Token 0 is where conditional and unconditional differ most in its favour; token 3 the opposite.
        Assert.True(g3[0, 0].item() > g1[0, 0].item() + 0.05);
        Assert.True(g3[0, 3].item() < g1[0, 3].item());
        Assert.True((g3.sum() - 1).abs().item() < 1e-5);
    }

    [Fact]
    public void Top_k_keeps_exactly_the_k_most_likely_tokens()
    {
        using var l = Logits(0.5f, 3, -1, 2, 1, 0);
        using var p = Sampler.Probabilities(l, new SamplingConfig { TopK = 2 });
        var v = p.ToArray<float>();
        Assert.Equal(new[] { 1, 3 }, Enumerable.Range(0, 6).Where(i => v[i] > 0).ToArray());
        Assert.Equal(Math.Exp(3) / (Math.Exp(3) + Math.Exp(2)), v[1], 5);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_p()
    {
        // Probabilities 0.5, 0.3, 0.15, 0.05: p = 0.75 needs the first two; p = 0.8 is reached by two as well; 0.81 needs three.
        using var l = torch.tensor(new[] { 0.15f, 0.5f, 0.05f, 0.3f }, 1, 4).log();
        int Kept(double p) => Sampler.Probabilities(l, new SamplingConfig { TopP = p }).ToArray<float>().Count(x => x > 0);
        Assert.Equal(1, Kept(0.4));
        Assert.Equal(2, Kept(0.75));
        Assert.Equal(3, Kept(0.81));
        Assert.Equal(4, Kept(1.0));
        var kept = Sampler.Probabilities(l, new SamplingConfig { TopP = 0.75 }).ToArray<float>();
        Assert.Equal(0.5 / 0.8, kept[1], 5);
    }

    [Fact]
    public void Temperature_0_is_greedy_and_a_high_temperature_flattens()
    {
        using var l = Logits(0, 2, 1);
        Assert.Equal(new float[] { 0, 1, 0 }, Sampler.Probabilities(l, new SamplingConfig { Temperature = 0 }).ToArray<float>());
        var hot = Sampler.Probabilities(l, new SamplingConfig { Temperature = 100 }).ToArray<float>();
        Assert.All(hot, p => Assert.InRange(p, 0.32, 0.35));
    }

    [Fact]
    public void Draws_follow_the_distribution_and_repeat_with_the_seed()
    {
        using var l = torch.tensor(new[] { 0.6f, 0.3f, 0.1f }, 1, 3).log().expand(4000, 3).contiguous();
        torch.manual_seed(11);
        var a = Sampler.Sample(l, new SamplingConfig()).ToArray<long>();
        torch.manual_seed(11);
        var b = Sampler.Sample(l, new SamplingConfig()).ToArray<long>();
        Assert.Equal(a, b);
        Assert.InRange(a.Count(x => x == 0) / 4000.0, 0.57, 0.63);
        Assert.InRange(a.Count(x => x == 2) / 4000.0, 0.08, 0.12);
    }

    [Fact]
    public void Bad_settings_are_refused()
    {
        using var l = Logits(1, 2);
        Assert.Throws<ArgumentException>(() => Sampler.Probabilities(l, new SamplingConfig { TopP = 0 }));
        Assert.Throws<ArgumentException>(() => Sampler.Probabilities(l, new SamplingConfig { TopK = -1 }));
        Assert.Throws<ArgumentException>(() => Sampler.Probabilities(l, new SamplingConfig { Temperature = -0.5 }));
        Assert.Throws<ArgumentException>(() => Sampler.Guide(l, Logits(1, 2, 3), 2));
    }
}
