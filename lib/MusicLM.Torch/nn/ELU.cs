using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>x for x &gt; 0, α·(eˣ − 1) otherwise (Clevert et al. 2015); SEANet's activation.</summary>
public sealed class ELU : Module<Tensor, Tensor>
{
    public double alpha { get; }

    public ELU(double alpha = 1.0) => this.alpha = alpha;

    public override Tensor forward(Tensor x) => F.elu(x, alpha);

    protected override string ExtraRepr() => $"alpha={alpha}";
}
