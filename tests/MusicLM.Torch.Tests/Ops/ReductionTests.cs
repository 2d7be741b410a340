using MusicLM.Torch;
using MusicLM.Torch.nn;
using static MusicLM.Torch.Tests.Check;

namespace MusicLM.Torch.Tests;

public class ReductionTests
{
    // (2, 3): rows [1 5 3] and [4 2 6].
    static readonly double[] V = { 1, 5, 3, 4, 2, 6 };

    static double[] Rows(Func<double[], double> f) => new[] { f(V[..3]), f(V[3..]) };
    static double[] Cols(Func<double[], double> f) => Enumerable.Range(0, 3).Select(c => f(new[] { V[c], V[3 + c] })).ToArray();
    static double Var(double[] x, int correction) { double m = x.Average(); return x.Sum(v => (v - m) * (v - m)) / (x.Length - correction); }
    static double Lse(double[] x) { double m = x.Max(); return m + Math.Log(x.Sum(v => Math.Exp(v - m))); }

    [Fact]
    public void Sum_mean_var_std_over_dims_with_and_without_keepdim()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(V, 2, 3);
        Close(new double[] { 21 }, x.sum());
        Close(new double[] { 3.5 }, x.mean());
        Close(Rows(r => r.Sum()), x.sum(1));
        Close(Cols(c => c.Sum()), x.sum(0));
        Shape(x.sum(1), 2);
        Shape(x.sum(1, keepdim: true), 2, 1);
        Shape(x.sum(0, keepdim: true), 1, 3);
        Shape(x.sum(new long[] { 0, 1 }, keepdim: true), 1, 1);
        Close(new double[] { 21 }, x.sum(new long[] { 0, 1 }));
        Close(Rows(r => r.Average()), x.mean(-1));
        Close(Cols(c => c.Average()), x.mean(0, keepdim: true));

        Close(new double[] { Var(V, 1) }, x.var(), 1e-12);
        Close(new double[] { Var(V, 0) }, x.var(null, correction: 0), 1e-12);
        Close(Rows(r => Var(r, 1)), x.var(1), 1e-12);
        Close(Rows(r => Var(r, 0)), x.var(1, correction: 0), 1e-12);
        Close(Rows(r => Math.Sqrt(Var(r, 1))), x.std(1, keepdim: true), 1e-12);
        Shape(x.std(1, keepdim: true), 2, 1);
        Close(Cols(c => Math.Sqrt(Var(c, 0))), x.std(0, correction: 0), 1e-12);
        Close(new double[] { Math.Sqrt(Var(V, 1)) }, x.std(), 1e-12);
        Close(new double[] { 1 * 5 * 3 }, T(1, 5, 3).prod());
    }

    [Fact]
    public void Max_min_argmax_argmin_return_values_and_positions()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(V, 2, 3);
        Close(new double[] { 6 }, x.max());
        Close(new double[] { 1 }, x.min());
        Assert.Equal(5L, x.argmax().item<long>());
        Assert.Equal(0L, x.argmin().item<long>());
        var (mx, imx) = x.max(1);
        Close(new double[] { 5, 6 }, mx);
        Assert.Equal(new long[] { 1, 2 }, imx.ToArray<long>());
        var (mn, imn) = x.min(0, keepdim: true);
        Shape(mn, 1, 3);
        Close(new double[] { 1, 2, 3 }, mn);
        Assert.Equal(new long[] { 0, 1, 0 }, imn.ToArray<long>());
        Assert.Equal(new long[] { 1, 2 }, x.argmax(1).ToArray<long>());
        Assert.Equal(new long[] { 0, 1 }, x.argmin(1).ToArray<long>());
        Assert.Equal(new long[] { 1, 0, 1 }, x.argmax(0).ToArray<long>());
        Shape(x.argmax(1, keepdim: true), 2, 1);
        Close(new double[] { 4, 5, 6 }, x.amax(0));
        Close(new double[] { 1, 2 }, x.amin(1));
        Shape(x.amax(1, keepdim: true), 2, 1);
    }

    [Fact]
    public void Norm_and_logsumexp_match_their_formulas()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(new double[] { 3, -4, 1, 2, -2, 0 }, 2, 3);
        Close(new double[] { Math.Sqrt(9 + 16 + 1 + 4 + 4) }, x.norm(), 1e-12);
        Close(new double[] { 3 + 4 + 1 + 2 + 2 }, x.norm(1), 1e-12);
        Close(new double[] { Math.Sqrt(26), Math.Sqrt(8) }, x.norm(2, 1), 1e-12);
        Close(new double[] { 4, 2 }, x.norm(double.PositiveInfinity, 1), 1e-12);
        Close(new double[] { Math.Pow(27 + 64 + 1, 1 / 3.0), Math.Pow(16, 1 / 3.0) }, x.norm(3, 1, keepdim: true), 1e-12);
        Shape(x.norm(3, 1, keepdim: true), 2, 1);
        Close(new double[] { Math.Sqrt(13), Math.Sqrt(20), 1 }, x.norm(2, 0), 1e-12);

        var y = T(V, 2, 3);
        Close(new double[] { Lse(V) }, y.logsumexp(), 1e-12);
        Close(Rows(Lse), y.logsumexp(1), 1e-12);
        Close(Cols(Lse), y.logsumexp(0, keepdim: true), 1e-12);
        Shape(y.logsumexp(0, keepdim: true), 1, 3);
        // Stable for large values.
        Close(new double[] { 1000 + Math.Log(2) }, T(1000, 1000).logsumexp(0), 1e-12);
    }

    [Fact]
    public void Cumsum_sort_and_topk_order_values()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(V, 2, 3);
        Close(new double[] { 1, 6, 9, 4, 6, 12 }, x.cumsum(1));
        Close(new double[] { 1, 5, 3, 5, 7, 9 }, x.cumsum(0));
        var (s, si) = x.sort(1);
        Close(new double[] { 1, 3, 5, 2, 4, 6 }, s);
        Assert.Equal(new long[] { 0, 2, 1, 1, 0, 2 }, si.ToArray<long>());
        var (sd, sdi) = x.sort(1, descending: true);
        Close(new double[] { 5, 3, 1, 6, 4, 2 }, sd);
        Assert.Equal(new long[] { 1, 2, 0, 2, 0, 1 }, sdi.ToArray<long>());
        var (tv, ti) = T(3, 9, 1, 7, 5).topk(2);
        Close(new double[] { 9, 7 }, tv);
        Assert.Equal(new long[] { 1, 3 }, ti.ToArray<long>());
        var (bv, bi) = T(3, 9, 1, 7, 5).topk(2, largest: false);
        Close(new double[] { 1, 3 }, bv);
        Assert.Equal(new long[] { 2, 0 }, bi.ToArray<long>());
        var (kv, _) = x.topk(1, dim: 0);
        Close(new double[] { 4, 5, 6 }, kv);
    }

    [Fact]
    public void One_hot_bucketize_and_cdist_match_hand_values()
    {
        using var scope = torch.NewDisposeScope();
        var oh = functional.one_hot(torch.tensor(new long[] { 0, 2, 1 }), 4);
        Shape(oh, 3, 4);
        Assert.Equal(ScalarType.Int64, oh.dtype);
        Assert.Equal(new long[] { 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0 }, oh.ToArray<long>());
        Shape(functional.one_hot(torch.tensor(new long[] { 0, 2 })), 2, 3);

        var bounds = T(1, 3, 5);
        var v = T(0, 1, 2, 3, 6);
        // left (right=false): boundaries[i-1] < v <= boundaries[i]
        Assert.Equal(new long[] { 0, 0, 1, 1, 3 }, torch.bucketize(v, bounds).ToArray<long>());
        // right: boundaries[i-1] <= v < boundaries[i]
        Assert.Equal(new long[] { 0, 1, 1, 2, 3 }, torch.bucketize(v, bounds, right: true).ToArray<long>());

        var a = T(new double[] { 0, 0, 1, 1 }, 2, 2);
        var b = T(new double[] { 3, 4, 1, 0, -1, 1 }, 3, 2);
        var d = torch.cdist(a, b);
        Shape(d, 2, 3);
        var expected = new double[6];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                expected[3 * i + j] = Math.Sqrt(Math.Pow(a.ToArray<double>()[2 * i] - b.ToArray<double>()[2 * j], 2) + Math.Pow(a.ToArray<double>()[2 * i + 1] - b.ToArray<double>()[2 * j + 1], 2));
        Close(expected, d, 1e-12);
        Close(new double[] { 7, 1, 2, 5, 1, 2 }, torch.cdist(a, b, 1), 1e-12);
    }

    [Fact]
    public void Multinomial_frequencies_follow_the_probabilities_and_never_draw_zero_probability()
    {
        using var scope = torch.NewDisposeScope();
        var probs = T(0.1, 0.0, 0.6, 0.3);
        const int n = 20000;
        var draws = probs.multinomial(n, replacement: true);
        Shape(draws, n);
        var counts = new int[4];
        foreach (var i in draws.ToArray<long>()) counts[i]++;
        Assert.Equal(0, counts[1]);
        double[] p = { 0.1, 0.0, 0.6, 0.3 };
        for (int k = 0; k < 4; k++)
        {
            double sd = Math.Sqrt(p[k] * (1 - p[k]) / n);
            Assert.True(Math.Abs(counts[k] / (double)n - p[k]) <= 5 * sd + 1e-12, $"class {k}: frequency {counts[k] / (double)n}, probability {p[k]}");
        }
        // Unnormalised weights, rows sampled independently, no replacement gives distinct indices.
        var w = T(new double[] { 0, 2, 0, 6, 1, 1, 1, 1 }, 2, 4);
        var d = w.multinomial(2);
        Shape(d, 2, 2);
        var r = d.ToArray<long>();
        Assert.True(r[0] is 1 or 3 && r[1] is 1 or 3 && r[0] != r[1]);
        Assert.NotEqual(r[2], r[3]);
        var one = torch.multinomial(T(0, 0, 5), 100, replacement: true);
        Assert.All(one.ToArray<long>(), i => Assert.Equal(2L, i));
    }
}
