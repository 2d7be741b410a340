using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec;

/// <summary>
/// SEANet decoder (EnCodec's <c>SEANetDecoder</c>), the encoder's mirror: latent frames (B, D, F) →
/// audio (B, C, F · hop). <c>model</c> = conv(k, D → channels) → LSTM → [act → transposed conv (2·r, stride r,
/// channels ÷2) → residual blocks] per ratio, largest first → act → conv(last_k → C) (act: ELU, or Snake).
/// Keys read <c>model.3.convtr.convtr.weight_g</c>, <c>model.4.block.1.conv.conv.weight_v</c>.
/// </summary>
public sealed class SeanetDecoder : Module<Tensor, Tensor>
{
    public readonly Sequential model;

    public SeanetDecoder(SeanetConfig c)
    {
        c.Validate();
        var layers = new List<Module<Tensor, Tensor>>();
        long mult = 1L << c.Ratios.Length;
        layers.Add(new SConv1d(c.Dimension, mult * c.NFilters, c.KernelSize, causal: c.Causal, norm: c.Norm, padMode: c.PadMode));
        if (c.Lstm > 0) layers.Add(new SLSTM(mult * c.NFilters, c.Lstm));
        foreach (var ratio in c.Ratios)
        {
            layers.Add(c.NewActivation(mult * c.NFilters));
            layers.Add(new SConvTranspose1d(mult * c.NFilters, mult * c.NFilters / 2, 2 * ratio, stride: ratio, causal: c.Causal, norm: c.Norm,
                trimRightRatio: c.Causal ? c.TrimRightRatio : 1.0));
            for (var j = 0; j < c.NResidualLayers; j++)
                layers.Add(new SEANetResnetBlock(mult * c.NFilters / 2, c.ResidualKernelSize, (long)Math.Pow(c.DilationBase, j), c));
            mult /= 2;
        }
        layers.Add(c.NewActivation(c.NFilters));
        layers.Add(new SConv1d(c.NFilters, c.Channels, c.LastKernelSize, causal: c.Causal, norm: c.Norm, padMode: c.PadMode));
        model = new Sequential(layers);
    }

    public override Tensor forward(Tensor z) => model.forward(z); // (B, D, F) -> (B, C, F · hop)

    /// <summary>
    /// An upper bound on the latent frames that the samples of one output frame depend on through the
    /// convolutions (walking back from the output; a transposed conv maps n outputs to ⌈(n + k − 1) / s⌉ + 1 inputs).
    /// </summary>
    public long ReceptiveFrames
    {
        get
        {
            long span = 1;
            foreach (var m in model.Reverse())
                span = m switch
                {
                    SConv1d conv => span + conv.EffectiveKernelSize - 1,
                    SEANetResnetBlock block => span + block.block.OfType<SConv1d>().Sum(cv => cv.EffectiveKernelSize - 1),
                    SConvTranspose1d tr => (span + tr.KernelSize - 1 + tr.Stride - 1) / tr.Stride + 1,
                    _ => span,
                };
            return span;
        }
    }
}
