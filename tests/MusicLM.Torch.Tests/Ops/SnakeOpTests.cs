using MusicLM.Torch;
using static MusicLM.Torch.Tests.Check;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.Tests;

/// <summary>
/// The fused Snake function y = x + sin²(α x) / (α + 1e-9): its float32 CPU kernels against the formula and its
/// derivatives evaluated in double precision here, and the float64 path (plain ops) against finite differences.
/// </summary>
public class SnakeOpTests
{
    const double Eps = 1e-9;

    // x (B, C, T) with values of several sizes, including one row far beyond the kernel's fast sine range.
    static (double[] x, double[] alpha, long[] shape) Inputs()
    {
        const int b = 2, c = 3, t = 2500;
        var x = Rand(b * c * t, 11, -4, 4);
        for (var i = 0; i < t; i++) x[(1 * c + 2) * t + i] *= 5000;      // row (1, 2): |α x| up to ~50,000
        for (var i = 0; i < t; i += 7) x[i] = 0;                         // exact zeros
        var alpha = new[] { 0.3, 1.0, 2.7 };
        return (x, alpha, new long[] { b, c, t });
    }

    [Fact]
    public void The_float32_kernel_matches_the_formula()
    {
        using var scope = torch.NewDisposeScope();
        var (x, alpha, shape) = Inputs();
        var y = D(F.snake(torch.tensor(x, shape).to(ScalarType.Float32), torch.tensor(alpha, 1, 3, 1).to(ScalarType.Float32)));
        long t = shape[2], c = shape[1];
        var expected = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var a = alpha[i / t % c];
            // float32 rounding of x itself is the reference's input too
            var xf = (double)(float)x[i];
            expected[i] = xf + Math.Pow(Math.Sin((float)a * xf), 2) / ((float)a + Eps);
        }
        Close(expected, y, 2e-6);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_float32_gradients_match_the_derivatives(bool xNeedsGrad)
    {
        using var scope = torch.NewDisposeScope();
        var (x, alpha, shape) = Inputs();
        long t = shape[2], c = shape[1];
        var weights = Rand(x.Length, 12);
        var xt = torch.tensor(x, shape).to(ScalarType.Float32).requires_grad_(xNeedsGrad);
        var at = torch.tensor(alpha, 1, 3, 1).to(ScalarType.Float32).requires_grad_();
        var w = torch.tensor(weights, shape).to(ScalarType.Float32);
        (F.snake(xt, at) * w).sum().backward();

        var gx = new double[x.Length];
        var ga = new double[c];
        for (var i = 0; i < x.Length; i++)
        {
            double a = (float)alpha[i / t % c], xf = (float)x[i], g = (float)weights[i], ae = a + Eps;
            double v = (float)(a * xf);                                 // α x as float32 computes it
            gx[i] = g * (1 + Math.Sin(2 * v) * a / ae);
            ga[i / t % c] += g * (xf * Math.Sin(2 * v) / ae - Math.Pow(Math.Sin(v), 2) / (ae * ae));
        }
        if (xNeedsGrad) Close(gx, xt.grad!, 1e-5);
        else Assert.Null(xt.grad);
        Shape(at.grad!, 1, 3, 1);
        // α's gradient sums 5,000 terms (of size up to ~10⁴ in the large row): compare relative to their magnitude.
        var scale = new double[c];
        for (var i = 0; i < x.Length; i++) scale[i / t % c] += Math.Abs(weights[i] * x[i]) + 1;
        var got = D(at.grad!);
        for (var k = 0; k < c; k++) Assert.True(Math.Abs(got[k] - ga[k]) <= 1e-5 * scale[k], $"alpha[{k}]: expected {ga[k]}, got {got[k]}");
    }

    [Fact]
    public void The_float64_path_passes_the_finite_difference_check_with_a_broadcast_alpha()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(Rand(2 * 3 * 5, 13, -2, 2), 2, 3, 5);
        var alpha = Leaf(Rand(3, 14, 0.4, 2.5), 1, 3, 1);
        GradCheck(t => F.snake(t[0], t[1]), x, alpha);
    }

    [Fact]
    public void A_differentiable_backward_gives_the_same_second_derivatives_as_the_composed_ops()
    {
        using var scope = torch.NewDisposeScope();
        var xs = Rand(2 * 3 * 40, 15, -3, 3);
        var als = Rand(3, 16, 0.5, 2);
        double[] SecondOrder(Func<Tensor, Tensor, Tensor> snake)
        {
            var x = torch.tensor(xs, 2, 3, 40).to(ScalarType.Float32).requires_grad_();
            var a = torch.tensor(als, 1, 3, 1).to(ScalarType.Float32).requires_grad_();
            snake(x, a).pow(2).sum().backward(create_graph: true);
            var gx = x.grad!;
            x.grad = null;
            a.grad = null;
            gx.pow(2).sum().backward();                                  // through the first backward
            return D(a.grad!);
        }
        var composed = SecondOrder((x, a) => { var s = (a * x).sin(); return x + s * s / (a + Eps); });
        var fused = SecondOrder(F.snake);
        Close(composed, fused, 1e-4);
        Assert.Contains(composed, v => Math.Abs(v) > 1);
    }

    [Fact]
    public void A_strided_input_gives_the_same_result_as_a_contiguous_one()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 50, 4).to(ScalarType.Float32);            // (B, T, C) → transposed to (B, C, T)
        var alpha = torch.rand(1, 4, 1) + 0.5;
        Close(D(F.snake(x.transpose(1, 2).contiguous(), alpha)), F.snake(x.transpose(1, 2), alpha), 1e-7);
    }

    [Fact]
    public void Wrong_shapes_are_refused_with_a_message()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Contains("(B, C, T)", Assert.Throws<TorchException>(() => F.snake(torch.randn(2, 3, 5), torch.ones(1, 4, 1))).Message);
        Assert.Throws<TorchException>(() => F.snake(torch.randn(3, 5), torch.ones(1, 3, 1)));
        Assert.Throws<TorchException>(() => F.snake(torch.randn(2, 3, 5), torch.ones(3)));
    }
}
