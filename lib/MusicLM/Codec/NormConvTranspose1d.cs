using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec;

/// <summary>A <see cref="ConvTranspose1d"/> with its normalisation (EnCodec's <c>NormConvTranspose1d</c>).</summary>
public sealed class NormConvTranspose1d : Module<Tensor, Tensor>
{
    public readonly ConvTranspose1d convtr;

    public NormConvTranspose1d(long inChannels, long outChannels, long kernelSize, long stride, string norm) =>
        convtr = new ConvTranspose1d(inChannels, outChannels, kernelSize, stride: stride, weight_norm: norm == "weight_norm");

    public override Tensor forward(Tensor x) => convtr.forward(x); // (B, C_in, T) -> (B, C_out, (T − 1)·s + k)
}
