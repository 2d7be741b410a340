using MusicLM.Torch;
using MusicLM.Torch.nn;
using static MusicLM.Torch.Tests.Check;

namespace MusicLM.Torch.Tests;

[Collection("Serial")]
public class RandomTests
{
    static (double mean, double std) Stats(double[] v)
    {
        double m = v.Average();
        return (m, Math.Sqrt(v.Sum(a => (a - m) * (a - m)) / (v.Length - 1)));
    }

    [Fact]
    public void Rand_is_in_the_unit_interval_and_randn_is_standard_normal()
    {
        using var scope = torch.NewDisposeScope();
        var u = torch.rand(100000).ToArray<float>();
        Assert.All(u, a => Assert.True(a >= 0 && a < 1));
        var (um, us) = Stats(u.Select(a => (double)a).ToArray());
        Assert.InRange(um, 0.5 - 0.01, 0.5 + 0.01);
        Assert.InRange(us, Math.Sqrt(1 / 12.0) - 0.01, Math.Sqrt(1 / 12.0) + 0.01);
        var (nm, ns) = Stats(torch.randn(new long[] { 100000 }, ScalarType.Float64).ToArray<double>());
        Assert.InRange(nm, -0.02, 0.02);
        Assert.InRange(ns, 0.98, 1.02);
        Shape(torch.rand(2, 3), 2, 3);
        Assert.Equal(ScalarType.Float64, torch.rand(new long[] { 2 }, ScalarType.Float64).dtype);
        Assert.Equal(ScalarType.Float64, torch.randn_like(T(1, 2)).dtype);
    }

    [Fact]
    public void Randint_covers_exactly_low_to_high_minus_one()
    {
        using var scope = torch.NewDisposeScope();
        var r = torch.randint(-3, 4, new long[] { 20000 });
        Assert.Equal(ScalarType.Int64, r.dtype);
        var v = r.ToArray<long>();
        Assert.All(v, a => Assert.InRange(a, -3, 3));
        Assert.Equal(Enumerable.Range(-3, 7).Select(a => (long)a), v.Distinct().OrderBy(a => a));
        Assert.All(torch.randint(5, new long[] { 100 }).ToArray<long>(), a => Assert.InRange(a, 0, 4));
        Assert.Equal(ScalarType.Int32, torch.randint(0, 2, new long[] { 3 }, ScalarType.Int32).dtype);
    }

    [Fact]
    public void Normal_and_uniform_fill_in_place_with_the_requested_parameters()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.empty(new long[] { 100000 }, ScalarType.Float64);
        Assert.Same(t, t.normal_(3, 2));
        var (m, s) = Stats(t.ToArray<double>());
        Assert.InRange(m, 3 - 0.04, 3 + 0.04);
        Assert.InRange(s, 2 - 0.04, 2 + 0.04);
        t.uniform_(-2, 5);
        var u = t.ToArray<double>();
        Assert.All(u, a => Assert.True(a >= -2 && a < 5));
        var (um, us) = Stats(u);
        Assert.InRange(um, 1.5 - 0.05, 1.5 + 0.05);
        Assert.InRange(us, 7 / Math.Sqrt(12) - 0.05, 7 / Math.Sqrt(12) + 0.05);
    }

    [Fact]
    public void Manual_seed_reproduces_the_same_numbers()
    {
        using var scope = torch.NewDisposeScope();
        double[] Draw()
        {
            var a = torch.rand(5).to(ScalarType.Float64).ToArray<double>();
            var b = torch.randn(new long[] { 5 }, ScalarType.Float64).ToArray<double>();
            var c = torch.randint(0, 1000, new long[] { 5 }).to(ScalarType.Float64).ToArray<double>();
            var d = torch.empty(new long[] { 5 }, ScalarType.Float64).normal_().ToArray<double>();
            var e = T(0.2, 0.3, 0.5).multinomial(5, true).to(ScalarType.Float64).ToArray<double>();
            var f = functional.dropout(torch.ones(new long[] { 20 }, ScalarType.Float64), 0.5).ToArray<double>();
            return a.Concat(b).Concat(c).Concat(d).Concat(e).Concat(f).ToArray();
        }
        torch.manual_seed(1234);
        var first = Draw();
        torch.manual_seed(1234);
        var second = Draw();
        Assert.Equal(first, second);
        torch.manual_seed(4321);
        Assert.NotEqual(first, Draw());
    }
}
