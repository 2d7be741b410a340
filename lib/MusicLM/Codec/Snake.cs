using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Codec;

/// <summary>
/// The Snake activation (Ziyin et al. 2020; used by BigVGAN and the Descript Audio Codec in place of ELU):
/// y = x + sin²(α x) / α, with a learnable frequency α per channel (shape (1, C, 1), initialised to 1). Its
/// periodic part gives the network a bias towards periodic signals — tones and their harmonics — which a
/// ReLU-like activation must build out of many pieces. Input and output are (B, C, T). It runs as one fused native
/// function (<see cref="functional.snake"/>).
/// </summary>
public sealed class Snake : Module<Tensor, Tensor>
{
    public Parameter alpha;

    public Snake(long channels)
    {
        if (channels < 1) throw new ArgumentException($"channels must be positive, got {channels}", nameof(channels));
        using var ones = torch.ones(1, channels, 1);
        alpha = new Parameter(ones);
    }

    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 3 || x.size(1) != alpha.size(1))
            throw new ArgumentException($"Snake expects (B, {alpha.size(1)}, T), got [{string.Join(", ", x.shape)}]", nameof(x));
        return F.snake(x, alpha);
    }

    protected override string ExtraRepr() => $"channels={alpha.size(1)}";
}
