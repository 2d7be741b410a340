using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec;

/// <summary>
/// SEANet's residual unit (EnCodec's <c>SEANetResnetBlock</c>): y = shortcut(x) + block(x) with
/// block = act → conv(k, dilation d, dim → dim/compress) → act → conv(1, → dim) (act: ELU or Snake), and shortcut the
/// identity (<c>true_skip</c>) or a 1×1 convolution.
/// </summary>
public sealed class SEANetResnetBlock : Module<Tensor, Tensor>
{
    public readonly Sequential block;
    public readonly Module<Tensor, Tensor> shortcut;

    public SEANetResnetBlock(long dim, long kernelSize, long dilation, SeanetConfig c)
    {
        var hidden = dim / c.Compress;
        block = new Sequential(
            c.NewActivation(dim),
            new SConv1d(dim, hidden, kernelSize, dilation: dilation, causal: c.Causal, norm: c.Norm, padMode: c.PadMode),
            c.NewActivation(hidden),
            new SConv1d(hidden, dim, 1, causal: c.Causal, norm: c.Norm, padMode: c.PadMode));
        shortcut = c.TrueSkip ? new Identity() : new SConv1d(dim, dim, 1, causal: c.Causal, norm: c.Norm, padMode: c.PadMode);
    }

    public override Tensor forward(Tensor x)
    {
        using var skip = shortcut.forward(x); // (B, C, T)
        using var h = block.forward(x);       // (B, C, T)
        return skip + h;
    }
}
