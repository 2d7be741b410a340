using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>
/// y = x Wᵀ + b. Parameters <c>weight</c> (out, in) and <c>bias</c> (out) as in PyTorch, both initialised
/// U(±1/√in). With <c>weight_norm: true</c>, <c>weight</c> is replaced by <c>weight_g</c> (out, 1) and
/// <c>weight_v</c> (out, in), as after <c>torch.nn.utils.weight_norm</c> (see <see cref="WeightNorm"/>).
/// </summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    // Field order is state_dict order; it matches PyTorch's with and without weight norm.
    public Parameter? weight;
    public Parameter? bias;
    public Parameter? weight_g;
    public Parameter? weight_v;

    public long in_features { get; }
    public long out_features { get; }

    public Linear(long in_features, long out_features, bool bias = true, bool weight_norm = false)
    {
        this.in_features = in_features;
        this.out_features = out_features;
        var shape = new[] { out_features, in_features };
        weight = init.DefaultWeight(shape);
        this.bias = bias ? init.DefaultBias(out_features, shape) : null;
        if (weight_norm)
        {
            (weight_g, weight_v) = WeightNorm.Split(weight);
            weight = null;
        }
    }

    public override Tensor forward(Tensor x)
    {
        var w = WeightNorm.Weight(weight, weight_g, weight_v, 0, out var owned);
        try { return F.linear(x, w, bias); } // (..., in) -> (..., out)
        finally { if (owned) w.Dispose(); }
    }

    protected override string ExtraRepr() => $"in_features={in_features}, out_features={out_features}, bias={bias is not null}" + (weight_g is null ? "" : ", weight_norm");
}
