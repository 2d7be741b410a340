using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>
/// Transposed 1-D convolution (learned upsampling) over (B, C_in, T). <c>weight</c> is (C_in, C_out/groups, k)
/// as in PyTorch, and its default init uses PyTorch's fan_in for that shape, C_out/groups·k. With
/// <c>weight_norm: true</c>, <c>weight_g</c> (C_in, 1, 1) and <c>weight_v</c> replace it (dim 0, as
/// <c>torch.nn.utils.weight_norm</c>'s default; see <see cref="WeightNorm"/>).
/// Output length: (T − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1.
/// </summary>
public sealed class ConvTranspose1d : Module<Tensor, Tensor>
{
    public Parameter? weight;
    public Parameter? bias;
    public Parameter? weight_g;
    public Parameter? weight_v;

    public long in_channels { get; }
    public long out_channels { get; }
    public long kernel_size { get; }
    public long stride { get; }
    public long padding { get; }
    public long output_padding { get; }
    public long groups { get; }
    public long dilation { get; }

    public ConvTranspose1d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, long output_padding = 0, long groups = 1, bool bias = true, long dilation = 1, bool weight_norm = false)
    {
        if (in_channels % groups != 0 || out_channels % groups != 0)
            throw new ArgumentException($"in_channels ({in_channels}) and out_channels ({out_channels}) must be divisible by groups ({groups})");
        (this.in_channels, this.out_channels, this.kernel_size, this.stride, this.padding, this.output_padding, this.groups, this.dilation) =
            (in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, dilation);
        var shape = new[] { in_channels, out_channels / groups, kernel_size };
        weight = init.DefaultWeight(shape);
        this.bias = bias ? init.DefaultBias(out_channels, shape) : null;
        if (weight_norm)
        {
            (weight_g, weight_v) = WeightNorm.Split(weight);
            weight = null;
        }
    }

    public override Tensor forward(Tensor x)
    {
        var w = WeightNorm.Weight(weight, weight_g, weight_v, 0, out var owned);
        try { return F.conv_transpose1d(x, w, bias, stride, padding, output_padding, groups, dilation); } // (B, C_in, T) -> (B, C_out, T')
        finally { if (owned) w.Dispose(); }
    }

    protected override string ExtraRepr() =>
        $"{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}, padding={padding}, output_padding={output_padding}, groups={groups}, bias={bias is not null}, dilation={dilation}" + (weight_g is null ? "" : ", weight_norm");
}
