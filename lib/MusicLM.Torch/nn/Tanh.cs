using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>tanh(x).</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor x) => F.tanh(x);
}
