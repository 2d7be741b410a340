using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.MuLan;

/// <summary>A pre-activation residual block over frames (He et al. 2016): x + conv(GELU(GN(conv(GELU(GN(x)))))), same length.</summary>
public sealed class ConvResBlock : Module<Tensor, Tensor>
{
    public readonly GroupNorm norm_1;
    public readonly Conv1d conv_1;
    public readonly GroupNorm norm_2;
    public readonly Conv1d conv_2;

    public ConvResBlock(int channels, int kernelSize)
    {
        norm_1 = new GroupNorm(Groups(channels), channels);
        conv_1 = new Conv1d(channels, channels, kernelSize, padding: kernelSize / 2);
        norm_2 = new GroupNorm(Groups(channels), channels);
        conv_2 = new Conv1d(channels, channels, kernelSize, padding: kernelSize / 2);
    }

    // (B, C, T) -> (B, C, T)
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var h = conv_1.forward(norm_1.forward(x).gelu());
        h = conv_2.forward(norm_2.forward(h).gelu());
        return (x + h).MoveToOuterDisposeScope();
    }

    /// <summary>Groups of group normalisation: 8 when the width allows, else 1 (layer norm over channels and time).</summary>
    internal static int Groups(int channels) => channels % 8 == 0 ? 8 : 1;
}
