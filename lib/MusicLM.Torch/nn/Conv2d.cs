using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>
/// 2-D convolution over (B, C_in, H, W) (e.g. spectrogram discriminators). <c>weight</c> (C_out, C_in/groups, kH, kW)
/// and <c>bias</c> (C_out), both U(±1/√fan_in) as in PyTorch. With <c>weight_norm: true</c>, <c>weight_g</c>
/// (C_out, 1, 1, 1) and <c>weight_v</c> replace <c>weight</c> (as in <see cref="Conv1d"/>; see <see cref="WeightNorm"/>).
/// </summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    public Parameter? weight;
    public Parameter? bias;
    public Parameter? weight_g;
    public Parameter? weight_v;

    public long in_channels { get; }
    public long out_channels { get; }
    public (long, long) kernel_size { get; }
    public (long, long) stride { get; }
    public (long, long) padding { get; }
    public (long, long) dilation { get; }
    public long groups { get; }

    public Conv2d(long in_channels, long out_channels, (long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null, (long, long)? dilation = null, long groups = 1, bool bias = true, bool weight_norm = false)
    {
        if (in_channels % groups != 0 || out_channels % groups != 0)
            throw new ArgumentException($"in_channels ({in_channels}) and out_channels ({out_channels}) must be divisible by groups ({groups})");
        (this.in_channels, this.out_channels, this.kernel_size, this.groups) = (in_channels, out_channels, kernel_size, groups);
        this.stride = stride ?? (1, 1);
        this.padding = padding ?? (0, 0);
        this.dilation = dilation ?? (1, 1);
        var shape = new[] { out_channels, in_channels / groups, kernel_size.Item1, kernel_size.Item2 };
        weight = init.DefaultWeight(shape);
        this.bias = bias ? init.DefaultBias(out_channels, shape) : null;
        if (weight_norm)
        {
            (weight_g, weight_v) = WeightNorm.Split(weight);
            weight = null;
        }
    }

    public Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true, bool weight_norm = false)
        : this(in_channels, out_channels, (kernel_size, kernel_size), (stride, stride), (padding, padding), (dilation, dilation), groups, bias, weight_norm) { }

    // (B, C_in, H, W) -> (B, C_out, H', W')
    public override Tensor forward(Tensor x)
    {
        var w = WeightNorm.Weight(weight, weight_g, weight_v, 0, out var owned);
        try { return F.conv2d(x, w, bias, stride, padding, dilation, groups); }
        finally { if (owned) w.Dispose(); }
    }

    protected override string ExtraRepr() => $"{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}, padding={padding}, bias={bias is not null}" + (weight_g is null ? "" : ", weight_norm");
}
