using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec;

/// <summary>
/// A transposed convolution that trims itself (EnCodec's <c>SConvTranspose1d</c>): of the (k − stride) extra
/// output samples, a causal layer removes ceil(trimRightRatio · (k − s)) on the right and the rest on the
/// left; a non-causal one splits them evenly. T frames give T · stride samples.
/// </summary>
public sealed class SConvTranspose1d : Module<Tensor, Tensor>
{
    public readonly NormConvTranspose1d convtr;
    [Transient] private readonly bool causal;
    [Transient] private readonly double trimRightRatio;

    public SConvTranspose1d(long inChannels, long outChannels, long kernelSize, long stride = 1, bool causal = false, string norm = "none", double trimRightRatio = 1.0)
    {
        if (!causal && trimRightRatio != 1.0) throw new ArgumentException("trimRightRatio only makes sense for a causal convolution", nameof(trimRightRatio));
        if (trimRightRatio < 0 || trimRightRatio > 1) throw new ArgumentOutOfRangeException(nameof(trimRightRatio), trimRightRatio, "must be in [0, 1]");
        convtr = new NormConvTranspose1d(inChannels, outChannels, kernelSize, stride, norm);
        (this.causal, this.trimRightRatio) = (causal, trimRightRatio);
    }

    public long KernelSize => convtr.convtr.kernel_size;
    public long Stride => convtr.convtr.stride;

    public override Tensor forward(Tensor x)
    {
        var paddingTotal = KernelSize - Stride;
        using var y = convtr.forward(x); // (B, C_in, T) -> (B, C_out, (T − 1)·s + k)
        var right = causal ? (long)Math.Ceiling(paddingTotal * trimRightRatio) : paddingTotal / 2;
        var left = paddingTotal - right;
        return Padding1d.Unpad1d(y, left, right); // (B, C_out, T·s)
    }
}
