using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>x · Φ(x) (Hendrycks &amp; Gimpel 2016); <c>approximate: "tanh"</c> uses the tanh approximation.</summary>
public sealed class GELU : Module<Tensor, Tensor>
{
    public string approximate { get; }

    public GELU(string approximate = "none")
    {
        if (approximate != "none" && approximate != "tanh") throw new ArgumentException($"approximate must be \"none\" or \"tanh\", got \"{approximate}\"", nameof(approximate));
        this.approximate = approximate;
    }

    public override Tensor forward(Tensor x) => F.gelu(x, approximate);

    protected override string ExtraRepr() => $"approximate='{approximate}'";
}
