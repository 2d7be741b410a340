using MusicLM.MuLan;
using MusicLM.Torch;

namespace MusicLM.Tests.MuLan;

public class ConditioningQuantizerTests
{
    private static Tensor Embeddings(int n, int d, ulong seed)
    {
        torch.manual_seed(seed);
        using var x = torch.randn(n, d);
        using var norm = x.norm(2, -1, keepdim: true);
        return x / norm;
    }

    [Fact]
    public void More_levels_reproduce_embeddings_better()
    {
        using var scope = torch.NewDisposeScope();
        using var q = new ConditioningQuantizer(new ConditioningQuantizerConfig { Levels = 6, CodebookSize = 16 }, 16);
        var train = Embeddings(600, 16, 1);
        var errors = q.Fit(train, seed: 3);
        for (var l = 1; l < errors.Length; l++) Assert.True(errors[l] < errors[l - 1], $"level {l}: {errors[l]} ≥ {errors[l - 1]}");
        var test = Embeddings(200, 16, 2);                                    // unseen embeddings too
        var byLevel = Enumerable.Range(1, 6).Select(l => q.ReconstructionError(test, l)).ToList();
        Assert.True(byLevel[5] < 0.6 * byLevel[0], $"held-out error {string.Join(", ", byLevel)}");
        Assert.True(byLevel[0] < 1.0, "one level beats predicting zero (error 1 for unit vectors)");
    }

    [Fact]
    public void Tokens_are_in_range_deterministic_and_need_a_fit()
    {
        using var scope = torch.NewDisposeScope();
        var config = new ConditioningQuantizerConfig { Levels = 3, CodebookSize = 8 };
        using var a = new ConditioningQuantizer(config, 4);
        using var b = new ConditioningQuantizer(config, 4);
        var x = Embeddings(50, 4, 4);
        Assert.Throws<InvalidOperationException>(() => a.Tokens(x));
        a.Fit(x, seed: 7);
        b.Fit(x, seed: 7);
        var t = a.Tokens(x);
        Assert.Equal(new long[] { 50, 3 }, t.shape);
        Assert.All(t.ToArray<long>(), v => Assert.InRange(v, 0, 7));
        Assert.True(t.equal(b.Tokens(x)));
        Assert.Throws<ArgumentException>(() => a.Tokens(torch.zeros(2, 5)));
        var few = new ConditioningQuantizer(config, 4);
        few.Fit(Embeddings(3, 4, 5));                                          // fewer points than codes still fits
        Assert.True(few.IsFitted);
        few.Dispose();
    }
}
