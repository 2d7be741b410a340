using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>
/// 1-D convolution over (B, C_in, T). <c>weight</c> (C_out, C_in/groups, k) and <c>bias</c> (C_out), both
/// U(±1/√(C_in/groups·k)) as in PyTorch. With <c>weight_norm: true</c>, <c>weight_g</c> (C_out, 1, 1) and
/// <c>weight_v</c> replace <c>weight</c> (EnCodec's <c>conv.weight_g</c>/<c>conv.weight_v</c>; see <see cref="WeightNorm"/>).
/// </summary>
public sealed class Conv1d : Module<Tensor, Tensor>
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
    public long dilation { get; }
    public long groups { get; }

    public Conv1d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true, bool weight_norm = false)
    {
        if (in_channels % groups != 0 || out_channels % groups != 0)
            throw new ArgumentException($"in_channels ({in_channels}) and out_channels ({out_channels}) must be divisible by groups ({groups})");
        (this.in_channels, this.out_channels, this.kernel_size, this.stride, this.padding, this.dilation, this.groups) =
            (in_channels, out_channels, kernel_size, stride, padding, dilation, groups);
        var shape = new[] { out_channels, in_channels / groups, kernel_size };
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
        try { return F.conv1d(x, w, bias, stride, padding, dilation, groups); } // (B, C_in, T) -> (B, C_out, T')
        finally { if (owned) w.Dispose(); }
    }

    protected override string ExtraRepr() =>
        $"{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}, padding={padding}, dilation={dilation}, groups={groups}, bias={bias is not null}" + (weight_g is null ? "" : ", weight_norm");
}
