using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.Tests;

public class LayerTests
{
    private sealed class Block : Module
    {
        public MultiheadAttention attn = new(8, 2);
        public LayerNorm ln = new(8);
    }

    private sealed class Small : Module
    {
        public Embedding tok = new(10, 8, padding_idx: 0);
        public Conv1d conv = new(8, 8, 3, padding: 1, weight_norm: true);
        public BatchNorm1d bn = new(8);
        public LSTM lstm = new(8, 8, num_layers: 2);
        public ModuleList<Block> blocks = new(new Block(), new Block());
        public Sequential head = new(new LayerNorm(8), new GELU(), new Linear(8, 4, weight_norm: true));
        public ConvTranspose1d up = new(8, 4, 4, stride: 2, groups: 2, weight_norm: true);
        public GroupNorm gn = new(2, 4);
        public Conv2d c2 = new(1, 2, (3, 5));
    }

    [Fact]
    public void State_dict_keys_and_shapes_equal_pytorchs_for_the_same_structure()
    {
        using var model = new Small();
        var ours = model.state_dict().Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]").OrderBy(s => s, StringComparer.Ordinal).ToList();
        var (_, stdout) = PythonTorch.Run("""
            import torch.nn as nn
            from torch.nn.utils import weight_norm
            class Attn(nn.Module):
                def __init__(s):
                    super().__init__(); s.qkv = nn.Linear(8, 24); s.proj = nn.Linear(8, 8)
            class Block(nn.Module):
                def __init__(s):
                    super().__init__(); s.attn = Attn(); s.ln = nn.LayerNorm(8)
            class Small(nn.Module):
                def __init__(s):
                    super().__init__()
                    s.tok = nn.Embedding(10, 8, padding_idx=0)
                    s.conv = weight_norm(nn.Conv1d(8, 8, 3, padding=1))
                    s.bn = nn.BatchNorm1d(8)
                    s.lstm = nn.LSTM(8, 8, num_layers=2, batch_first=True)
                    s.blocks = nn.ModuleList([Block(), Block()])
                    s.head = nn.Sequential(nn.LayerNorm(8), nn.GELU(), weight_norm(nn.Linear(8, 4)))
                    s.up = weight_norm(nn.ConvTranspose1d(8, 4, 4, stride=2, groups=2))
                    s.gn = nn.GroupNorm(2, 4)
                    s.c2 = nn.Conv2d(1, 2, (3, 5))
            for k, v in Small().state_dict().items():
                print(f"{k} [{', '.join(str(d) for d in v.shape)}]")
            """);
        var theirs = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void Default_initialisation_is_uniform_within_one_over_sqrt_fan_in()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        void Check(Tensor t, double bound)
        {
            var a = t.abs().max().item();
            Assert.True(a <= bound && a > 0.9 * bound, $"max |w| = {a}, expected just under {bound}");
        }
        using var lin = new Linear(100, 50);
        Check(lin.weight!, 0.1);
        Check(lin.bias!, 0.1);
        using var conv = new Conv1d(4, 60, 5);
        Check(conv.weight!, 1 / Math.Sqrt(20));
        Check(conv.bias!, 1 / Math.Sqrt(20));
        using var convT = new ConvTranspose1d(40, 6, 5, groups: 2);                 // weight (40, 3, 5): fan_in 15
        Assert.Equal(new long[] { 40, 3, 5 }, convT.weight!.shape);
        Check(convT.weight, 1 / Math.Sqrt(15));
        using var lstm = new LSTM(3, 16);
        Check(lstm.named_parameters().First().parameter, 0.25);

        using var emb = new Embedding(200, 50, padding_idx: 3);
        var std = emb.weight.std().item();
        Assert.InRange(std, 0.95, 1.05);
        Assert.Equal(0.0, emb.weight[3].abs().sum().item());
        using var ln = new LayerNorm(new long[] { 2, 3 });
        Assert.Equal(6.0, ln.weight!.sum().item());
        Assert.Equal(0.0, ln.bias!.abs().sum().item());
    }

    [Fact]
    public void Weight_norm_starts_at_the_plain_weight_and_computes_g_times_v_over_its_norm()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(6);
        using var conv = new Conv1d(3, 4, 2, weight_norm: true);
        Assert.Null(conv.weight);
        Assert.Equal(new long[] { 4, 1, 1 }, conv.weight_g!.shape);
        Assert.Equal(new long[] { 4, 3, 2 }, conv.weight_v!.shape);
        var x = torch.randn(2, 3, 7);
        var plain = F.conv1d(x, conv.weight_v, conv.bias);
        Assert.True(conv.forward(x).allclose(plain, atol: 1e-6), "at initialisation g = ‖v‖, so the weight is v");

        // Doubling g doubles the weight: y − b doubles.
        using (torch.no_grad()) conv.weight_g.mul_(2.0);
        var b = conv.bias!.view(1, 4, 1);
        Assert.True((conv.forward(x) - b).allclose((plain - b) * 2.0, atol: 1e-5));

        // Gradients reach g and v.
        conv.forward(x).sum().backward();
        Assert.NotNull(conv.weight_g.grad);
        Assert.NotNull(conv.weight_v.grad);
    }

    [Fact]
    public void Output_shapes_follow_the_convolution_formulas()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 4, 50);
        using var conv = new Conv1d(4, 6, 7, stride: 3, padding: 2, dilation: 2);        // ⌊(50 + 4 − 12 − 1)/3⌋ + 1 = 14
        Assert.Equal(new long[] { 2, 6, 14 }, conv.forward(x).shape);
        using var up = new ConvTranspose1d(4, 6, 8, stride: 4, padding: 2, output_padding: 1); // 49·4 − 4 + 7 + 1 + 1 = 201
        Assert.Equal(new long[] { 2, 6, 201 }, up.forward(x).shape);
        using var c2 = new Conv2d(1, 3, (3, 5), stride: (2, 1), padding: (1, 2));
        Assert.Equal(new long[] { 2, 3, 2, 50 }, c2.forward(x.unsqueeze(1)).shape);         // ⌊(4 + 2 − 3)/2⌋ + 1 = 2, (50 + 4 − 5) + 1 = 50
    }

    [Fact]
    public void Batch_norm_uses_batch_statistics_in_training_and_running_ones_in_eval()
    {
        using var scope = torch.NewDisposeScope();
        using var bn = new BatchNorm1d(2, momentum: 0.5);
        var x = torch.tensor(new float[] { 1, 10, 3, 20 }, 2, 2);                        // channel 0: 1, 3; channel 1: 10, 20
        var y = bn.forward(x);
        Assert.True(y.allclose(torch.tensor(new float[] { -1, -1, 1, 1 }, 2, 2), atol: 1e-3));
        // running = 0.5·old + 0.5·batch (unbiased variance: 2 and 50)
        Assert.True(bn.running_mean!.allclose(torch.tensor(new float[] { 1f, 7.5f })));
        Assert.True(bn.running_var!.allclose(torch.tensor(new float[] { 1.5f, 25.5f })));
        Assert.Equal(1L, bn.num_batches_tracked!.item<long>());
        bn.eval();
        var z = bn.forward(x);
        var expect = (x - torch.tensor(new float[] { 1f, 7.5f })) / (torch.tensor(new float[] { 1.5f, 25.5f }) + 1e-5).sqrt();
        Assert.True(z.allclose(expect, atol: 1e-5));
        Assert.Equal(1L, bn.num_batches_tracked.item<long>());
    }

    [Fact]
    public void Activations_match_their_formulas()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { -2, -0.5, 0, 1.5 });
        double[] Run(Module<Tensor, Tensor> m) => m.forward(x).ToArray<double>();
        var xs = new[] { -2, -0.5, 0, 1.5 };
        Assert.Equal(xs.Select(v => Math.Max(0, v)), Run(new ReLU()));
        Assert.Equal(xs.Select(v => v > 0 ? v : 0.5 * (Math.Exp(v) - 1)), Run(new ELU(0.5)), new Tol(1e-12));
        Assert.Equal(xs.Select(v => v / (1 + Math.Exp(-v))), Run(new SiLU()), new Tol(1e-12));
        Assert.Equal(xs.Select(Math.Tanh), Run(new Tanh()), new Tol(1e-12));
        Assert.Equal(xs.Select(v => v >= 0 ? v : 0.2 * v), Run(new LeakyReLU(0.2)), new Tol(1e-12));
        Assert.Equal(xs.Select(v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))), Run(new GELU("tanh")), new Tol(1e-12));
        Assert.Equal(xs, Run(new Identity()));
    }

    private sealed class Tol(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(double v) => 0;
    }
}
