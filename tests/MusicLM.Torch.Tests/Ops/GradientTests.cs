using MusicLM.Torch;
using MusicLM.Torch.nn;
using static MusicLM.Torch.Tests.Check;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.Tests;

/// <summary>backward() of every differentiable operation against central finite differences, in float64.</summary>
public class GradientTests
{
    static Tensor L(int seed, params long[] shape) => Leaf(Rand((int)shape.Aggregate(1L, (a, b) => a * b), seed), shape);
    static Tensor Lpos(int seed, params long[] shape) => Leaf(Rand((int)shape.Aggregate(1L, (a, b) => a * b), seed, 0.5, 2), shape);

    [Fact]
    public void Gelu_gradients_do_not_depend_on_how_the_incoming_gradient_is_laid_out()
    {
        // libtorch 1.13's fused GELU backward returned garbage for a transposed incoming gradient (float32, CPU).
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        var w = torch.randn(4, 24, 32);
        foreach (var approximate in new[] { "none", "tanh" })
            for (var run = 0; run < 5; run++)
            {
                var a = torch.randn(4, 32, 24).requires_grad_();
                (a.gelu(approximate) * w.transpose(1, 2)).sum().backward();
                var b = a.detach().clone().requires_grad_();
                (b.gelu(approximate) * w.transpose(1, 2).contiguous()).sum().backward();
                Assert.True((a.grad! - b.grad!).abs().max().item() < 1e-5, $"{approximate}, run {run}");
                // and the values are GELU's: the exact form without autograd is libtorch's own kernel.
                using (torch.no_grad())
                    Assert.True((a.gelu(approximate) - a.detach().gelu(approximate)).abs().max().item() < 1e-6);
            }
    }

    [Fact]
    public void The_gradient_check_itself_rejects_a_wrong_gradient()
    {
        using var scope = torch.NewDisposeScope();
        var x = L(0, 4);
        // x · detach(x) has backward gradient x, but its true derivative is 2x.
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => GradCheck(t => t[0] * t[0].detach(), x));
        GradCheck(t => t[0] * t[0], x);
    }

    [Fact]
    public void Unary_operations()
    {
        using var scope = torch.NewDisposeScope();
        var x = L(1, 2, 3);
        var p = Lpos(2, 2, 3);
        GradCheck(t => t[0].exp(), x);
        GradCheck(t => t[0].log(), p);
        GradCheck(t => t[0].sqrt(), p);
        GradCheck(t => t[0].rsqrt(), p);
        GradCheck(t => t[0].pow(3), x);
        GradCheck(t => t[0].pow(1.5), p);
        GradCheck(t => t[0].abs(), x);
        GradCheck(t => t[0].sin(), x);
        GradCheck(t => t[0].cos(), x);
        GradCheck(t => t[0].tanh(), x);
        GradCheck(t => t[0].sigmoid(), x);
        GradCheck(t => t[0].relu(), x);
        GradCheck(t => t[0].gelu(), x);
        GradCheck(t => t[0].gelu("tanh"), x);
        GradCheck(t => t[0].elu(0.7), x);
        GradCheck(t => t[0].silu(), x);
        GradCheck(t => t[0].leaky_relu(0.2), x);
        GradCheck(t => t[0].softplus(2), x);
        GradCheck(t => -t[0], x);
        GradCheck(t => t[0].square(), x);
        GradCheck(t => t[0].clamp(-0.5, 0.5), x);
        GradCheck(t => t[0].clamp_min(0.1), x);
    }

    [Fact]
    public void Binary_operations_with_broadcasting_and_scalars()
    {
        using var scope = torch.NewDisposeScope();
        var a = L(3, 2, 3);
        var b = Lpos(4, 3);
        var c = L(5, 2, 1);
        GradCheck(t => t[0] + t[1], a, b);
        GradCheck(t => t[0] - t[1], a, c);
        GradCheck(t => t[0] * t[1], a, b);
        GradCheck(t => t[0] / t[1], a, b);
        GradCheck(t => t[0].add(t[1], alpha: 2.5), a, c);
        GradCheck(t => t[1].pow(t[0]), a, b);
        GradCheck(t => t[0].maximum(t[1]), a, c);
        GradCheck(t => t[0].lerp(t[1], 0.3), a, c);
        GradCheck(t => t[0].addcmul(t[1], t[2], 0.5), a, b, c);
        GradCheck(t => t[0].addcdiv(t[2], t[1], 0.5), a, b, c);
        GradCheck(t => 2.0 * t[0] + 1.0, a);
        GradCheck(t => 3.0 - t[0], a);
        GradCheck(t => t[0] / 4.0, a);
        GradCheck(t => 2.0 / t[0], b);
        GradCheck(t => t[0] * 3 - 2, a);
    }

    [Fact]
    public void Matmul_bmm_and_einsum()
    {
        using var scope = torch.NewDisposeScope();
        var a = L(6, 2, 3);
        var b = L(7, 3, 4);
        var ab = L(8, 2, 2, 3);
        var bb = L(9, 2, 3, 2);
        GradCheck(t => t[0].matmul(t[1]), a, b);
        GradCheck(t => t[0].bmm(t[1]), ab, bb);
        GradCheck(t => t[0].matmul(t[1]), ab, b);
        GradCheck(t => torch.einsum("bij,bjk->bik", t[0], t[1]), ab, bb);
        GradCheck(t => torch.einsum("ij,jk->ik", t[0], t[1]), a, b);
        GradCheck(t => torch.einsum("ij->j", t[0]), a);
    }

    [Fact]
    public void Reductions()
    {
        using var scope = torch.NewDisposeScope();
        var x = L(10, 2, 3);
        GradCheck(t => t[0].sum(), x);
        GradCheck(t => t[0].sum(1, keepdim: true), x);
        GradCheck(t => t[0].mean(0), x);
        GradCheck(t => t[0].var(1), x);
        GradCheck(t => t[0].var(0, correction: 0, keepdim: true), x);
        GradCheck(t => t[0].std(1), x);
        GradCheck(t => t[0].std(), x);
        GradCheck(t => t[0].max(), x);
        GradCheck(t => t[0].max(1).values, x);
        GradCheck(t => t[0].min(0, keepdim: true).values, x);
        GradCheck(t => t[0].amax(1), x);
        GradCheck(t => t[0].norm(), x);
        GradCheck(t => t[0].norm(2, 1), x);
        GradCheck(t => t[0].norm(1, 0), x);
        GradCheck(t => t[0].logsumexp(1), x);
        GradCheck(t => t[0].logsumexp(), x);
        GradCheck(t => t[0].cumsum(1), x);
        GradCheck(t => t[0].prod(1), x);
        GradCheck(t => t[0].sort(1).values, x);
        GradCheck(t => t[0].topk(2).values, x);
    }

    [Fact]
    public void Softmax_family_and_losses()
    {
        using var scope = torch.NewDisposeScope();
        var x = L(11, 3, 4);
        GradCheck(t => t[0].softmax(1), x);
        GradCheck(t => t[0].softmax(0), x);
        GradCheck(t => t[0].log_softmax(1), x);
        var tgt = torch.tensor(new long[] { 1, -100, 3 });
        GradCheck(t => F.cross_entropy(t[0], torch.tensor(new long[] { 1, 0, 3 })), x);
        GradCheck(t => F.cross_entropy(t[0], tgt, label_smoothing: 0.2), x);
        GradCheck(t => F.cross_entropy(t[0], tgt, T(1, 2, 0.5, 3), reduction: Reduction.Sum), x);
        var probs = Leaf(new double[] { 0.2, 0.3, 0.5, 0, 1, 0, 0, 0, 0.25, 0.25, 0.25, 0.25 }, 3, 4);
        GradCheck(t => F.cross_entropy(t[0], t[1]), x, probs);
        var y = L(12, 3, 4);
        GradCheck(t => F.mse_loss(t[0], t[1]), x, y);
        GradCheck(t => F.l1_loss(t[0], t[1], Reduction.Sum), x, y);
        var z = Leaf(Rand(12, 13, 0, 1), 3, 4);
        GradCheck(t => F.binary_cross_entropy_with_logits(t[0], t[1]), x, z);
        GradCheck(t => F.binary_cross_entropy_with_logits(t[0], t[1], pos_weight: T(1, 2, 3, 0.5)), x, z);
    }

    [Fact]
    public void Shape_operations()
    {
        using var scope = torch.NewDisposeScope();
        var x = L(14, 2, 3);
        var y = L(15, 2, 3);
        GradCheck(t => t[0].reshape(3, 2), x);
        GradCheck(t => t[0].view(6), x);
        GradCheck(t => t[0].permute(1, 0).contiguous(), x);
        GradCheck(t => t[0].transpose(0, 1), x);
        GradCheck(t => t[0].unsqueeze(1).squeeze(1), x);
        GradCheck(t => torch.cat(new[] { t[0], t[1] }, 1), x, y);
        GradCheck(t => torch.stack(new[] { t[0], t[1] }, 2), x, y);
        GradCheck(t => t[0].split(2, 1)[1], x);
        GradCheck(t => t[0].chunk(3, 1)[0] * t[0].chunk(3, 1)[2], x);
        GradCheck(t => t[0].narrow(1, 1, 2), x);
        GradCheck(t => t[0].repeat(2, 2), x);
        GradCheck(t => t[0][.., 0..1].expand(2, 4), x);
        GradCheck(t => t[0].flip(1), x);
        GradCheck(t => t[0].roll(1, 1), x);
        GradCheck(t => t[0][1, 1..], x);
        GradCheck(t => t[0][t[0].detach().gt(0)], x);
        GradCheck(t => t[0].triu(), x);
        GradCheck(t => t[0].tril(-1), x);
    }

    [Fact]
    public void Gather_scatter_index_select_where_and_masked_fill()
    {
        using var scope = torch.NewDisposeScope();
        var x = L(16, 2, 3);
        var s = L(17, 2, 2);
        var idx = torch.tensor(new long[] { 2, 0, 1, 1 }, 2, 2);
        GradCheck(t => t[0].gather(1, idx), x);
        GradCheck(t => t[0].index_select(1, torch.tensor(new long[] { 2, 0, 2 })), x);
        GradCheck(t => t[0].scatter(1, torch.tensor(new long[] { 2, 0, 1, 0 }, 2, 2), t[1]), x, s);
        GradCheck(t => t[0].scatter_add(1, idx, t[1]), x, s);
        GradCheck(t => t[0][torch.tensor(new long[] { 1, 0, 1 })], x);
        var mask = torch.tensor(new[] { true, false, true, false, false, true }, 2, 3);
        var y = L(18, 2, 3);
        GradCheck(t => torch.where(mask, t[0], t[1]), x, y);
        GradCheck(t => t[0].masked_fill(mask, 3), x);
    }

    [Fact]
    public void Convolutions_pooling_padding_and_interpolation()
    {
        using var scope = torch.NewDisposeScope();
        var x = L(19, 1, 2, 7);
        var w = L(20, 4, 1, 3);
        var b = L(21, 4);
        GradCheck(t => F.conv1d(t[0], t[1], t[2], stride: 2, padding: 1, dilation: 1, groups: 2), x, w, b);
        GradCheck(t => F.conv1d(t[0], t[1], null, padding: 2, dilation: 2), x, L(22, 3, 2, 2));
        var x2 = L(23, 1, 2, 4, 4);
        GradCheck(t => F.conv2d(t[0], t[1], t[2], (2, 1), (1, 0), (1, 2)), x2, L(24, 3, 2, 2, 2), L(25, 3));
        GradCheck(t => F.conv_transpose1d(t[0], t[1], t[2], stride: 2, padding: 1, output_padding: 1), x, L(26, 2, 3, 3), L(27, 3));
        GradCheck(t => F.conv_transpose1d(t[0], t[1], null, stride: 3, groups: 2, dilation: 2), x, L(28, 2, 1, 2));
        GradCheck(t => F.pad(t[0], new long[] { 2, 1 }, value: 0.5), x);
        GradCheck(t => F.pad(t[0], new long[] { 3, 2 }, PaddingMode.Reflect), x);
        GradCheck(t => F.pad(t[0], new long[] { 2, 4 }, PaddingMode.Replicate), x);
        GradCheck(t => F.pad(t[0], new long[] { 1, 2, 2, 1 }, PaddingMode.Reflect), x2);
        GradCheck(t => F.avg_pool1d(t[0], 3, 2, 1), x);
        GradCheck(t => F.max_pool1d(t[0], 2), x);
        GradCheck(t => F.max_pool1d(t[0], 3, 1, 1), x);
        GradCheck(t => F.interpolate(t[0], 11L, InterpolationMode.Linear), x);
        GradCheck(t => F.interpolate(t[0], 4L, InterpolationMode.Linear), x);
        GradCheck(t => F.interpolate(t[0], 14L), x);
    }

    [Fact]
    public void Normalisation_embedding_and_dropout()
    {
        using var scope = torch.NewDisposeScope();
        var x = L(29, 2, 4, 3);
        GradCheck(t => F.layer_norm(t[0], new long[] { 3 }, t[1], t[2]), x, L(30, 3), L(31, 3));
        GradCheck(t => F.layer_norm(t[0], new long[] { 4, 3 }), x);
        GradCheck(t => F.group_norm(t[0], 2, t[1], t[2]), x, L(32, 4), L(33, 4));
        GradCheck(t => F.batch_norm(t[0], null, null, t[1], t[2], training: true), x, L(34, 4), L(35, 4));
        var rm = torch.zeros(new long[] { 4 }, ScalarType.Float64);
        var rv = torch.ones(new long[] { 4 }, ScalarType.Float64);
        GradCheck(t => F.batch_norm(t[0], rm, rv, t[1], null, training: false), x, L(36, 4));
        var emb = L(37, 5, 3);
        GradCheck(t => F.embedding(torch.tensor(new long[] { 0, 4, 4, 2 }, 2, 2), t[0]), emb);
        GradCheck(t => F.dropout(t[0], 0.5, training: false), x);
        // padding_idx rows get no gradient.
        emb.grad = null;
        F.embedding(torch.tensor(new long[] { 1, 2, 1 }), emb, padding_idx: 1).sum().backward();
        var g = D(emb.grad!);
        Close(new double[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0 }, g);
    }

    [Fact]
    public void Stft_magnitude_cdist_and_weight_norm()
    {
        using var scope = torch.NewDisposeScope();
        var sig = L(38, 24);
        var win = torch.hann_window(8, dtype: ScalarType.Float64);
        GradCheck(t => torch.stft(t[0], 8, 4, window: win).abs(), sig);
        GradCheck(t => torch.stft(t[0], 8, 2, window: win, center: false).view_as_real(), sig);
        var a = L(39, 3, 2);
        var b = L(40, 4, 2);
        GradCheck(t => torch.cdist(t[0], t[1]), a, b);
        GradCheck(t => torch.cdist(t[0], t[1], 1), a, b);
        GradCheck(t => F.weight_norm(t[0], t[1]), L(41, 3, 2), Lpos(42, 3, 1));
    }
}
