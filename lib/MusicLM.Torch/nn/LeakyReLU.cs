using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>x for x ≥ 0, negative_slope·x otherwise; the usual activation of GAN discriminators.</summary>
public sealed class LeakyReLU : Module<Tensor, Tensor>
{
    public double negative_slope { get; }

    public LeakyReLU(double negative_slope = 0.01) => this.negative_slope = negative_slope;

    public override Tensor forward(Tensor x) => F.leaky_relu(x, negative_slope);

    protected override string ExtraRepr() => $"negative_slope={negative_slope}";
}
