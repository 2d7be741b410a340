using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec;

/// <summary>
/// SEANet encoder (EnCodec's <c>SEANetEncoder</c>): audio (B, C, T) → latent frames (B, D, ceil(T / hop)).
/// <c>model</c> = conv(k) → [residual blocks → act → strided conv (2·r, stride r, channels ×2)] per ratio,
/// smallest ratio first → LSTM → act → conv(last_k → D) (act: ELU, or Snake). Its items are numbered as in EnCodec, so
/// state-dict keys read <c>model.0.conv.conv.weight_g</c>, <c>model.1.block.1.conv.conv.weight_v</c>, <c>model.13.lstm.weight_ih_l0</c>.
/// </summary>
public sealed class SeanetEncoder : Module<Tensor, Tensor>
{
    public readonly Sequential model;

    public SeanetEncoder(SeanetConfig c)
    {
        c.Validate();
        var layers = new List<Module<Tensor, Tensor>>();
        long mult = 1;
        layers.Add(new SConv1d(c.Channels, mult * c.NFilters, c.KernelSize, causal: c.Causal, norm: c.Norm, padMode: c.PadMode));
        foreach (var ratio in c.Ratios.Reverse())
        {
            for (var j = 0; j < c.NResidualLayers; j++)
                layers.Add(new SEANetResnetBlock(mult * c.NFilters, c.ResidualKernelSize, (long)Math.Pow(c.DilationBase, j), c));
            layers.Add(c.NewActivation(mult * c.NFilters));
            layers.Add(new SConv1d(mult * c.NFilters, mult * c.NFilters * 2, 2 * ratio, stride: ratio, causal: c.Causal, norm: c.Norm, padMode: c.PadMode));
            mult *= 2;
        }
        if (c.Lstm > 0) layers.Add(new SLSTM(mult * c.NFilters, c.Lstm));
        layers.Add(c.NewActivation(mult * c.NFilters));
        layers.Add(new SConv1d(mult * c.NFilters, c.Dimension, c.LastKernelSize, causal: c.Causal, norm: c.Norm, padMode: c.PadMode));
        model = new Sequential(layers);
    }

    public override Tensor forward(Tensor x) => model.forward(x); // (B, C, T) -> (B, D, ceil(T / hop))

    /// <summary>
    /// Input samples that one output frame depends on through the convolutions: walking back from the last
    /// layer, rf ← (rf − 1)·stride + k_eff. An LSTM adds unbounded memory of the past on top of this.
    /// </summary>
    public long ReceptiveField
    {
        get
        {
            long rf = 1;
            foreach (var m in model.Reverse())
            {
                var (k, s) = m switch
                {
                    SConv1d conv => (conv.EffectiveKernelSize, conv.Stride),
                    SEANetResnetBlock block => (block.block.OfType<SConv1d>().Sum(cv => cv.EffectiveKernelSize - 1) + 1, 1L),
                    _ => (1L, 1L),
                };
                rf = (rf - 1) * s + k;
            }
            return rf;
        }
    }
}
