using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>
/// Zeroes each element with probability p and scales the rest by 1/(1 − p) in training mode; the identity
/// in eval mode (Srivastava et al. 2014).
/// </summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    public double p { get; }

    public Dropout(double p = 0.5)
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        this.p = p;
    }

    public override Tensor forward(Tensor x) => F.dropout(x, p, training);

    protected override string ExtraRepr() => $"p={p}";
}
