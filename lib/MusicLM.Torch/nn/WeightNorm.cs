namespace MusicLM.Torch.nn;

/// <summary>
/// Weight normalisation (Salimans &amp; Kingma 2016) as PyTorch's <c>torch.nn.utils.weight_norm</c> sets it up:
/// the weight w is replaced by a direction <c>weight_v</c> (w's shape, initialised to w) and a magnitude
/// <c>weight_g</c> (‖w‖ over every dim except <c>dim</c>, kept as size-1 dims), and forward uses
/// w = g · v / ‖v‖. Layers take it as a constructor option (<c>weight_norm: true</c>) rather than a
/// function that rewrites a module afterwards, because parameters are registered by field.
/// </summary>
internal static class WeightNorm
{
    /// <summary>Splits a freshly initialised weight into (g, v); the weight is disposed.</summary>
    internal static (Parameter g, Parameter v) Split(Parameter weight, long dim = 0)
    {
        using (weight)
        {
            var others = Enumerable.Range(0, weight.dim()).Where(d => d != dim).Select(d => (long)d).ToArray();
            using var w = weight.detach();
            using var norm = w.norm(2, others, keepdim: true);
            return (new Parameter(norm), new Parameter(w));
        }
    }

    /// <summary>The effective weight: the plain one, or g · v / ‖v‖. Dispose the result only when <paramref name="owned"/>.</summary>
    internal static Tensor Weight(Parameter? weight, Parameter? g, Parameter? v, long dim, out bool owned)
    {
        owned = weight is null;
        return weight ?? functional.weight_norm(v!, g!, dim);
    }
}
