using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>
/// Normalises over the last dims to zero mean and unit variance, then scales by <c>weight</c> (init 1)
/// and shifts by <c>bias</c> (init 0), both of <c>normalized_shape</c> (Ba et al. 2016).
/// </summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    public Parameter? weight;
    public Parameter? bias;

    public long[] normalized_shape { get; }
    public double eps { get; }

    public LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true)
    {
        this.normalized_shape = (long[])normalized_shape.Clone();
        this.eps = eps;
        if (!elementwise_affine) return;
        weight = init.Constant(this.normalized_shape, 1);
        bias = init.Constant(this.normalized_shape, 0);
    }

    public LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true)
        : this(new[] { normalized_shape }, eps, elementwise_affine) { }

    // (..., *normalized_shape) -> same shape
    public override Tensor forward(Tensor x) => F.layer_norm(x, normalized_shape, weight, bias, eps);

    protected override string ExtraRepr() => $"({string.Join(", ", normalized_shape)}), eps={eps}, elementwise_affine={weight is not null}";
}
