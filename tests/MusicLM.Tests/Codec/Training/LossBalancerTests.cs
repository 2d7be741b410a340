using MusicLM.Codec.Training;
using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Tests.Codec.Training;

public class LossBalancerTests
{
    // Losses linear in the output: ℓ_a = Σ A·y (gradient A), ℓ_b = Σ B·y (gradient B).
    // ‖A‖ per item: 5 and 0 → mean 2.5; ‖B‖ per item: 1 and 1 → mean 1.
    private static readonly float[,] A = { { 3, 4, 0 }, { 0, 0, 0 } };
    private static readonly float[,] B = { { 1, 0, 0 }, { 0, 1, 0 } };

    private static Dictionary<string, double> Run(LossBalancer balancer, Parameter p, float aScale, out float[] grad)
    {
        using var scope = torch.NewDisposeScope();
        p.grad = null;
        var y = p * 2;                                        // (2, 3), the "decoder output"
        var a = torch.tensor(A) * aScale;
        var b = torch.tensor(B);
        balancer.Backward(y, o => new Dictionary<string, Tensor> { ["a"] = (o * a).sum(), ["b"] = (o * b).sum() });
        grad = p.grad!.reshape(-1).ToArray<float>();
        return balancer.LastScales.ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    [Fact]
    public void Balanced_scales_follow_weight_share_over_the_moving_average_of_gradient_norms()
    {
        using var p = new Parameter(torch.zeros(2, 3));
        var balancer = new LossBalancer(new Dictionary<string, double> { ["a"] = 1, ["b"] = 3 }, balance: true, totalNorm: 1, emaDecay: 0.5);

        // step 1: s_a = (1/4) / 2.5 = 0.1, s_b = (3/4) / 1 = 0.75; ∂/∂p = 2 (s_a A + s_b B)
        var s = Run(balancer, p, 1, out var g);
        Assert.Equal(0.1, s["a"], 9);
        Assert.Equal(0.75, s["b"], 9);
        var expected = new[] { 2 * (0.1 * 3 + 0.75), 2 * 0.1 * 4, 0, 0, 2 * 0.75, 0 };
        for (var i = 0; i < 6; i++) Assert.Equal(expected[i], g[i], 5);

        // step 2 with ℓ_a doubled (norm 5): ⟨‖g_a‖⟩ = (0.5 · 2.5 + 5) / (0.5 + 1) = 4.1667 → s_a = 0.25 / 4.1667 = 0.06
        s = Run(balancer, p, 2, out _);
        Assert.Equal(0.06, s["a"], 9);
        Assert.Equal(0.75, s["b"], 9);
        Assert.Equal(6.25 / 1.5, balancer.AverageNorms["a"], 9);
    }

    [Fact]
    public void Without_balancing_the_gradient_is_the_weighted_sum()
    {
        using var p = new Parameter(torch.zeros(2, 3));
        var balancer = new LossBalancer(new Dictionary<string, double> { ["a"] = 1, ["b"] = 3 }, balance: false);
        var s = Run(balancer, p, 1, out var g);
        Assert.Equal(1, s["a"]);
        Assert.Equal(3, s["b"]);
        Assert.Equal(2 * (3 + 3), g[0], 5);
        Assert.Equal(2 * 4, g[1], 5);
    }

    [Fact]
    public void A_loss_without_a_weight_is_an_error()
    {
        using var p = new Parameter(torch.zeros(2, 3));
        var balancer = new LossBalancer(new Dictionary<string, double> { ["a"] = 1 });
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => balancer.Backward(p * 2, o => new Dictionary<string, Tensor> { ["zzz"] = o.sum() }));
        Assert.Contains("zzz", e.Message);
    }
}
