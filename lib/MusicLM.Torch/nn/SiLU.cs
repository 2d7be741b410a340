using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>x · σ(x) (swish).</summary>
public sealed class SiLU : Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor x) => F.silu(x);
}
