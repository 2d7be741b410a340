using MusicLM.Torch;
using MusicLM.Torch.nn;
using static MusicLM.Torch.Tests.Check;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.Tests;

public class FunctionalTests
{
    [Fact]
    public void Conv1d_of_a_tiny_signal_matches_hand_values()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(new double[] { 1, 2, 3, 4, 5 }, 1, 1, 5);
        var w = T(new double[] { 1, 0, -1 }, 1, 1, 3);
        // y[t] = x[t] − x[t+2] + 0.5
        Close(new double[] { -1.5, -1.5, -1.5 }, F.conv1d(x, w, T(0.5)));
        // padding 1: zeros at both ends
        Close(new double[] { -2, -2, -2, -2, 4 }, F.conv1d(x, w, padding: 1));
        // stride 2 with padding 1: positions 0, 2, 4 of the padded result
        Close(new double[] { -2, -2, 4 }, F.conv1d(x, w, stride: 2, padding: 1));
        // dilation 2: y[t] = x[t] − x[t+4]
        Close(new double[] { -4 }, F.conv1d(x, w, dilation: 2));
    }

    [Theory]
    [InlineData(1, 0, 1, 1)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(1, 2, 2, 1)]
    [InlineData(1, 1, 1, 2)]
    [InlineData(3, 2, 2, 2)]
    public void Conv1d_matches_a_plain_loop_for_stride_padding_dilation_and_groups(int stride, int pad, int dil, int groups)
    {
        using var scope = torch.NewDisposeScope();
        int n = 2, cin = 4, l = 9, cout = 6, k = 3;
        var xs = Rand(n * cin * l, 1);
        var ws = Rand(cout * cin / groups * k, 2);
        var bs = Rand(cout, 3);
        var (y, lout) = Reference.Conv1d(xs, n, cin, l, ws, cout, k, bs, stride, pad, dil, groups);
        var r = F.conv1d(T(xs, n, cin, l), T(ws, cout, cin / groups, k), T(bs), stride, pad, dil, groups);
        Shape(r, n, cout, lout);
        Close(y, r, 1e-12);
    }

    [Theory]
    [InlineData(1, 0, 1, 1)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(1, 1, 2, 2)]
    public void Conv2d_matches_a_plain_loop(int stride, int pad, int dil, int groups)
    {
        using var scope = torch.NewDisposeScope();
        int n = 1, cin = 2, h = 5, wd = 6, cout = 4, kh = 2, kw = 3;
        var xs = Rand(n * cin * h * wd, 4);
        var ws = Rand(cout * cin / groups * kh * kw, 5);
        var bs = Rand(cout, 6);
        var (y, ho, wo) = Reference.Conv2d(xs, n, cin, h, wd, ws, cout, kh, kw, bs, (stride, stride + 1), (pad, pad), (dil, 1), groups);
        var r = F.conv2d(T(xs, n, cin, h, wd), T(ws, cout, cin / groups, kh, kw), T(bs), (stride, stride + 1), (pad, pad), (dil, 1), groups);
        Shape(r, n, cout, ho, wo);
        Close(y, r, 1e-12);
        // A 2×2 box filter by hand.
        var img = T(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 1, 1, 3, 3);
        Close(new double[] { 12, 16, 24, 28 }, F.conv2d(img, torch.ones(new long[] { 1, 1, 2, 2 }, ScalarType.Float64)));
    }

    [Theory]
    [InlineData(1, 0, 0, 1, 1)]
    [InlineData(2, 0, 1, 1, 1)]
    [InlineData(2, 1, 0, 1, 2)]
    [InlineData(3, 1, 2, 2, 1)]
    public void Conv_transpose1d_matches_a_scatter_loop(int stride, int pad, int outPad, int dil, int groups)
    {
        using var scope = torch.NewDisposeScope();
        int n = 2, cin = 4, l = 5, coutG = 3, k = 3;
        var xs = Rand(n * cin * l, 7);
        var ws = Rand(cin * coutG * k, 8);
        var bs = Rand(coutG * groups, 9);
        var (y, lout) = Reference.ConvTranspose1d(xs, n, cin, l, ws, coutG, k, bs, stride, pad, outPad, dil, groups);
        var r = F.conv_transpose1d(T(xs, n, cin, l), T(ws, cin, coutG, k), T(bs), stride, pad, outPad, groups, dil);
        Shape(r, n, coutG * groups, lout);
        Close(y, r, 1e-12);
        // By hand: stride 2 spreads [1, 2] with kernel [1, 1, 1] to [1, 1, 3, 2, 2].
        Close(new double[] { 1, 1, 3, 2, 2 }, F.conv_transpose1d(T(new double[] { 1, 2 }, 1, 1, 2), T(new double[] { 1, 1, 1 }, 1, 1, 3), stride: 2));
    }

    [Fact]
    public void Pad_modes_constant_reflect_and_replicate()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(new double[] { 1, 2, 3, 4 }, 1, 1, 4);
        Close(new double[] { 0, 0, 1, 2, 3, 4, 0 }, F.pad(x, new long[] { 2, 1 }));
        Close(new double[] { -1, -1, 1, 2, 3, 4, -1 }, F.pad(x, new long[] { 2, 1 }, value: -1));
        Close(new double[] { 3, 2, 1, 2, 3, 4, 3 }, F.pad(x, new long[] { 2, 1 }, PaddingMode.Reflect));
        Close(new double[] { 1, 1, 1, 2, 3, 4, 4 }, F.pad(x, new long[] { 2, 1 }, PaddingMode.Replicate));
        Shape(F.pad(x, new long[] { 2, 1 }, PaddingMode.Reflect), 1, 1, 7);
        // 2-D: (left, right, top, bottom)
        var m = T(new double[] { 1, 2, 3, 4 }, 1, 1, 2, 2);
        Close(new double[] { 0, 0, 0, 0, 1, 2, 0, 3, 4, 0, 0, 0 }, F.pad(m, new long[] { 1, 0, 1, 1 }));
        Close(new double[] { 1, 1, 2, 1, 1, 2, 3, 3, 4 }, F.pad(m, new long[] { 1, 0, 1, 0 }, PaddingMode.Replicate));
        Close(new double[] { 2, 1, 2, 4, 3, 4, 2, 1, 2 }, F.pad(m, new long[] { 1, 0, 1, 1 }, PaddingMode.Reflect)[.., .., 1.., ..]);
        // Negative padding crops.
        Close(new double[] { 2, 3 }, F.pad(x, new long[] { -1, -1 }));
    }

    [Fact]
    public void Avg_and_max_pool1d_match_hand_windows()
    {
        using var scope = torch.NewDisposeScope();
        var x = T(new double[] { 1, 3, 2, 5, 4, 0 }, 1, 1, 6);
        Close(new double[] { 2, 3.5, 2 }, F.avg_pool1d(x, 2));
        Close(new double[] { 3, 5, 4 }, F.max_pool1d(x, 2));
        Close(new double[] { 2, 10 / 3.0, 11 / 3.0, 3 }, F.avg_pool1d(x, 3, 1), 1e-12);
        Close(new double[] { 3, 5, 5, 5 }, F.max_pool1d(x, 3, 1));
        // padding 1 (avg counts the zero padding, as PyTorch's default count_include_pad)
        Close(new double[] { 4 / 3.0, 10 / 3.0, 3 }, F.avg_pool1d(x, 3, 2, 1), 1e-12);
        Close(new double[] { 3, 5, 5 }, F.max_pool1d(x, 3, 2, 1));
        Shape(F.max_pool1d(T(Rand(2 * 3 * 8, 1), 2, 3, 8), 2), 2, 3, 4);
    }

    [Fact]
    public void Interpolate_nearest_and_linear_match_the_half_pixel_formula()
    {
        using var scope = torch.NewDisposeScope();
        double[] v = { 1, 2, 4 };
        var x = T(v, 1, 1, 3);
        Close(new double[] { 1, 1, 2, 2, 4, 4 }, F.interpolate(x, 6L));
        Close(new double[] { 1, 1, 2, 2, 4, 4 }, F.interpolate(x, 2.0));
        Close(new double[] { 1, 4 }, F.interpolate(T(new double[] { 1, 2, 4, 8 }, 1, 1, 4), 2L));
        // linear, align_corners = false: src = (i + 0.5)·in/out − 0.5, clamped at 0
        foreach (int outLen in new[] { 6, 5, 2 })
        {
            var expected = new double[outLen];
            double scale = 3.0 / outLen;
            for (int i = 0; i < outLen; i++)
            {
                double src = Math.Max((i + 0.5) * scale - 0.5, 0);
                int i0 = (int)Math.Floor(src);
                int i1 = Math.Min(i0 + 1, 2);
                double lam = src - i0;
                expected[i] = (1 - lam) * v[i0] + lam * v[i1];
            }
            var r = F.interpolate(x, (long)outLen, InterpolationMode.Linear);
            Shape(r, 1, 1, outLen);
            Close(expected, r, 1e-12);
        }
        Close(new double[] { 1, 1.25, 1.75, 2.5, 3.5, 4 }, F.interpolate(x, 2.0, InterpolationMode.Linear), 1e-12);
        // With a scale factor, positions map through 1/scale (not in/out): src = (i + 0.5)/1.5 − 0.5.
        var byScale = new double[4];
        for (int i = 0; i < 4; i++)
        {
            double src = Math.Max((i + 0.5) / 1.5 - 0.5, 0);
            int i0 = (int)Math.Floor(src);
            byScale[i] = (1 - (src - i0)) * v[i0] + (src - i0) * v[Math.Min(i0 + 1, 2)];
        }
        Close(byScale, F.interpolate(x, 1.5, InterpolationMode.Linear), 1e-12);
        Close(new double[] { 1, 1, 2, 4 }, F.interpolate(x, 1.5), 1e-12); // nearest: floor(i / 1.5)
        Assert.Throws<ArgumentOutOfRangeException>(() => F.interpolate(x, -2.0));
    }

    [Fact]
    public void Layer_group_and_batch_norm_normalise_with_the_biased_variance()
    {
        using var scope = torch.NewDisposeScope();
        double eps = 1e-5;
        double[] v = { 1, 2, 3, 4, 2, 8, 6, 0 }; // (2, 4)
        double[] Norm(double[] xs) { double m = xs.Average(); double s2 = xs.Sum(a => (a - m) * (a - m)) / xs.Length; return xs.Select(a => (a - m) / Math.Sqrt(s2 + eps)).ToArray(); }
        var x = T(v, 2, 4);
        var ln = Norm(v[..4]).Concat(Norm(v[4..])).ToArray();
        Close(ln, F.layer_norm(x, new long[] { 4 }), 1e-9);
        double[] gamma = { 1, 2, 0.5, -1 }, beta = { 0, 1, 0, 3 };
        Close(ln.Select((a, i) => a * gamma[i % 4] + beta[i % 4]).ToArray(), F.layer_norm(x, new long[] { 4 }, T(gamma), T(beta)), 1e-9);
        Close(Norm(v), F.layer_norm(x, new long[] { 2, 4 }), 1e-9);

        // group_norm on (1, 4 channels, 2 samples) with 2 groups: channels {0,1} and {2,3}.
        var g = T(v, 1, 4, 2);
        var gn = Norm(v[..4]).Concat(Norm(v[4..])).ToArray();
        Close(gn, F.group_norm(g, 2), 1e-9);
        double[] cw = { 1, 2, 3, 4 }, cb = { 0, 0, 1, 1 };
        Close(gn.Select((a, i) => a * cw[i / 2] + cb[i / 2]).ToArray(), F.group_norm(g, 2, T(cw), T(cb)), 1e-9);

        // batch_norm on (N=2, C=2, L=2): channel c takes v[c*2..] from both batch items.
        var bx = T(v, 2, 2, 2);
        double[] ch0 = { v[0], v[1], v[4], v[5] }, ch1 = { v[2], v[3], v[6], v[7] };
        var n0 = Norm(ch0); var n1 = Norm(ch1);
        var expected = new[] { n0[0], n0[1], n1[0], n1[1], n0[2], n0[3], n1[2], n1[3] };
        var rm = torch.zeros(new long[] { 2 }, ScalarType.Float64);
        var rv = torch.ones(new long[] { 2 }, ScalarType.Float64);
        Close(expected, F.batch_norm(bx, rm, rv, training: true, momentum: 0.1), 1e-9);
        // Running statistics: (1 − m)·old + m·batch, with the unbiased batch variance.
        double UVar(double[] a) { double m = a.Average(); return a.Sum(z => (z - m) * (z - m)) / (a.Length - 1); }
        Close(new[] { 0.1 * ch0.Average(), 0.1 * ch1.Average() }, rm, 1e-12);
        Close(new[] { 0.9 + 0.1 * UVar(ch0), 0.9 + 0.1 * UVar(ch1) }, rv, 1e-12);
        // Evaluation uses the running statistics.
        double[] m2 = { 0.1 * ch0.Average(), 0.1 * ch1.Average() }, v2 = { 0.9 + 0.1 * UVar(ch0), 0.9 + 0.1 * UVar(ch1) };
        var ev = v.Select((a, i) => { int c = (i / 2) % 2; return (a - m2[c]) / Math.Sqrt(v2[c] + eps) * cw[c] + cb[c]; }).ToArray();
        Close(ev, F.batch_norm(bx, rm, rv, T(cw[..2]), T(cb[..2]), training: false), 1e-9);
    }

    [Fact]
    public void Dropout_zeroes_about_p_and_scales_survivors_in_training_and_is_identity_in_eval()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones(new long[] { 100000 }, ScalarType.Float64);
        double p = 0.3;
        var y = F.dropout(x, p, training: true).ToArray<double>();
        double zeros = y.Count(a => a == 0) / (double)y.Length;
        Assert.InRange(zeros, p - 0.01, p + 0.01);
        Assert.All(y.Where(a => a != 0), a => Assert.Equal(1 / (1 - p), a, 12));
        var e = F.dropout(x, p, training: false);
        Assert.True(e.equal(x));
        Assert.True(F.dropout(x, 0.0).equal(x));
        Assert.All(F.dropout(x, 1.0).ToArray<double>(), a => Assert.Equal(0.0, a));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.dropout(x, 1.5));
    }

    [Fact]
    public void Embedding_looks_up_rows()
    {
        using var scope = torch.NewDisposeScope();
        var w = T(new double[] { 0, 1, 10, 11, 20, 21, 30, 31 }, 4, 2);
        var e = F.embedding(torch.tensor(new long[] { 0, 3, 2, 2 }, 2, 2), w);
        Shape(e, 2, 2, 2);
        Close(new double[] { 0, 1, 30, 31, 20, 21, 20, 21 }, e);
    }

    static double[] LogSoftmaxRow(double[] z) { double m = z.Max(); double lse = m + Math.Log(z.Sum(a => Math.Exp(a - m))); return z.Select(a => a - lse).ToArray(); }

    [Fact]
    public void Cross_entropy_matches_the_hand_formula_with_ignore_index_weights_and_label_smoothing()
    {
        using var scope = torch.NewDisposeScope();
        double[] logits = { 1, 2, 0.5, -1, 0, 0, 3, 1, -2, 0.3, 0.1, 2 };
        long[] tgt = { 1, 0, 3 };
        int C = 4;
        var lp = Enumerable.Range(0, 3).Select(i => LogSoftmaxRow(logits[(C * i)..(C * i + C)])).ToArray();
        var x = T(logits, 3, C);
        var nll = tgt.Select((t, i) => -lp[i][t]).ToArray();
        Close(new[] { nll.Average() }, F.cross_entropy(x, torch.tensor(tgt)), 1e-12);
        Close(nll, F.cross_entropy(x, torch.tensor(tgt), reduction: Reduction.None), 1e-12);
        Close(new[] { nll.Sum() }, F.cross_entropy(x, torch.tensor(tgt), reduction: Reduction.Sum), 1e-12);

        // ignore_index drops the second row from the sum and from the count.
        var ig = torch.tensor(new long[] { 1, -100, 3 });
        Close(new[] { (nll[0] + nll[2]) / 2 }, F.cross_entropy(x, ig), 1e-12);
        Close(new[] { (nll[0] + nll[2]) / 2 }, F.cross_entropy(x, torch.tensor(new long[] { 1, 7, 3 }), ignore_index: 7), 1e-12);

        // Class weights: Σ w_y·nll / Σ w_y.
        double[] cw = { 1, 2, 0.5, 3 };
        Close(new[] { (cw[1] * nll[0] + cw[0] * nll[1] + cw[3] * nll[2]) / (cw[1] + cw[0] + cw[3]) }, F.cross_entropy(x, torch.tensor(tgt), T(cw)), 1e-12);

        // Label smoothing ε: (1 − ε)·nll + ε/C·Σ_c −log p_c.
        double eps = 0.1;
        var smooth = Enumerable.Range(0, 3).Select(i => (1 - eps) * nll[i] + eps / C * lp[i].Sum(a => -a)).ToArray();
        Close(new[] { smooth.Average() }, F.cross_entropy(x, torch.tensor(tgt), label_smoothing: eps), 1e-12);
        Close(new[] { (smooth[0] + smooth[2]) / 2 }, F.cross_entropy(x, ig, label_smoothing: eps), 1e-12);

        // Class probabilities as target.
        double[] probs = { 0.2, 0.3, 0.5, 0, 1, 0, 0, 0, 0.25, 0.25, 0.25, 0.25 };
        var soft = Enumerable.Range(0, 3).Select(i => -Enumerable.Range(0, C).Sum(c => probs[C * i + c] * lp[i][c])).ToArray();
        Close(new[] { soft.Average() }, F.cross_entropy(x, T(probs, 3, C)), 1e-12);

        // (N, C, T) logits with (N, T) targets: class dim is 1.
        var x3 = x.t().unsqueeze(0); // (1, C, 3)
        Close(new[] { nll.Average() }, F.cross_entropy(x3, torch.tensor(tgt, 1, 3)), 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.cross_entropy(x, torch.tensor(tgt), label_smoothing: 1.5));
    }

    [Fact]
    public void Mse_l1_and_bce_with_logits_match_their_formulas()
    {
        using var scope = torch.NewDisposeScope();
        double[] a = { 1, -2, 0.5, 3 }, b = { 0, 1, 0.5, 1 };
        var ta = T(a); var tb = T(b);
        Close(new[] { a.Zip(b, (p, q) => (p - q) * (p - q)).Average() }, F.mse_loss(ta, tb), 1e-12);
        Close(new[] { a.Zip(b, (p, q) => (p - q) * (p - q)).Sum() }, F.mse_loss(ta, tb, Reduction.Sum), 1e-12);
        Close(a.Zip(b, (p, q) => (p - q) * (p - q)).ToArray(), F.mse_loss(ta, tb, Reduction.None), 1e-12);
        Close(new[] { a.Zip(b, (p, q) => Math.Abs(p - q)).Average() }, F.l1_loss(ta, tb), 1e-12);
        Close(new[] { a.Zip(b, (p, q) => Math.Abs(p - q)).Sum() }, F.l1_loss(ta, tb, Reduction.Sum), 1e-12);

        double[] y = { 0, 1, 1, 0.3 };
        var ty = T(y);
        double Bce(double x, double t, double pw) => -(pw * t * Math.Log(Sigmoid(x)) + (1 - t) * Math.Log(1 - Sigmoid(x)));
        Close(new[] { a.Zip(y, (x, t) => Bce(x, t, 1)).Average() }, F.binary_cross_entropy_with_logits(ta, ty), 1e-12);
        Close(a.Zip(y, (x, t) => Bce(x, t, 1)).ToArray(), F.binary_cross_entropy_with_logits(ta, ty, reduction: Reduction.None), 1e-12);
        Close(new[] { a.Zip(y, (x, t) => Bce(x, t, 2.5)).Sum() }, F.binary_cross_entropy_with_logits(ta, ty, pos_weight: T(2.5), reduction: Reduction.Sum), 1e-12);
        double[] w = { 1, 0, 2, 1 };
        Close(new[] { a.Zip(y, (x, t) => Bce(x, t, 1)).Select((l, i) => l * w[i]).Average() }, F.binary_cross_entropy_with_logits(ta, ty, T(w)), 1e-12);
        // Large logits stay finite.
        Close(new[] { 0.0 }, F.binary_cross_entropy_with_logits(T(100), T(1)), 1e-12);
    }
}
