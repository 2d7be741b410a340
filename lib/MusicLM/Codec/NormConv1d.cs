using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec;

/// <summary>A <see cref="Conv1d"/> with its normalisation (EnCodec's <c>NormConv1d</c>): weight norm lives in the conv's <c>weight_g</c>/<c>weight_v</c>.</summary>
public sealed class NormConv1d : Module<Tensor, Tensor>
{
    public readonly Conv1d conv;

    public NormConv1d(long inChannels, long outChannels, long kernelSize, long stride, long dilation, string norm) =>
        conv = new Conv1d(inChannels, outChannels, kernelSize, stride: stride, dilation: dilation, weight_norm: norm == "weight_norm");

    public override Tensor forward(Tensor x) => conv.forward(x); // (B, C_in, T) -> (B, C_out, T')
}
