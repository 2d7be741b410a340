namespace MusicLM.Torch.nn;

/// <summary>
/// Returns its input (a new handle on the same tensor, so disposing the output never disposes the input).
/// A placeholder where a layer is optional, e.g. no normalisation.
/// </summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    public override Tensor forward(Tensor x) => x.alias();
}
