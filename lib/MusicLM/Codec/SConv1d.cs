using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec;

/// <summary>
/// A convolution that pads itself (EnCodec's <c>SConv1d</c>): (k_eff − stride) samples in all, on the left
/// when causal (no look-ahead) or split evenly otherwise, plus what the last window needs on the right,
/// so T samples give ceil(T / stride) outputs.
/// </summary>
public sealed class SConv1d : Module<Tensor, Tensor>
{
    public readonly NormConv1d conv;
    [Transient] private readonly bool causal;
    [Transient] private readonly string padMode;

    public SConv1d(long inChannels, long outChannels, long kernelSize, long stride = 1, long dilation = 1, bool causal = false, string norm = "none", string padMode = "reflect")
    {
        conv = new NormConv1d(inChannels, outChannels, kernelSize, stride, dilation, norm);
        (this.causal, this.padMode) = (causal, padMode);
    }

    /// <summary>The kernel's span in samples, dilation included.</summary>
    public long EffectiveKernelSize => (conv.conv.kernel_size - 1) * conv.conv.dilation + 1;

    public long Stride => conv.conv.stride;

    public override Tensor forward(Tensor x)
    {
        var k = EffectiveKernelSize;
        var paddingTotal = k - Stride;
        var extra = Padding1d.ExtraPaddingForConv1d(x.size(-1), k, Stride, paddingTotal);
        var right = causal ? 0 : paddingTotal / 2;
        var left = paddingTotal - right;
        using var padded = Padding1d.Pad1d(x, left, right + extra, padMode); // (B, C_in, T + padding)
        return conv.forward(padded);                                        // (B, C_out, ceil(T / stride))
    }
}
