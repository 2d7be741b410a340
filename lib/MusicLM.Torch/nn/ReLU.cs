using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>max(0, x).</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor x) => F.relu(x);
}
