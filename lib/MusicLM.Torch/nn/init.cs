namespace MusicLM.Torch.nn;

/// <summary>
/// Parameter initialisation as in PyTorch's <c>torch.nn.init</c>, plus the constructors layers use to
/// make their parameters with PyTorch's defaults.
/// </summary>
public static class init
{
    /// <summary>Fills <paramref name="t"/> in place with U(a, b), without recording gradients.</summary>
    public static Tensor uniform_(Tensor t, double a = 0, double b = 1)
    {
        using (torch.no_grad()) t.uniform_(a, b);
        return t;
    }

    /// <summary>Fills <paramref name="t"/> in place with N(mean, std²).</summary>
    public static Tensor normal_(Tensor t, double mean = 0, double std = 1)
    {
        using (torch.no_grad()) t.normal_(mean, std);
        return t;
    }

    public static Tensor zeros_(Tensor t)
    {
        using (torch.no_grad()) t.zero_();
        return t;
    }

    public static Tensor ones_(Tensor t)
    {
        using (torch.no_grad()) t.fill_(1);
        return t;
    }

    /// <summary>
    /// (fan_in, fan_out) of a weight: dim 1 and dim 0 sizes times the receptive field (the product of the
    /// remaining dims), PyTorch's <c>_calculate_fan_in_and_fan_out</c>.
    /// </summary>
    public static (long fan_in, long fan_out) fan_in_and_fan_out(long[] shape)
    {
        if (shape.Length < 2) throw new ArgumentException($"fan in and fan out need a weight of at least 2 dims, got [{string.Join(", ", shape)}]", nameof(shape));
        long field = 1;
        for (int i = 2; i < shape.Length; i++) field *= shape[i];
        return (shape[1] * field, shape[0] * field);
    }

    /// <summary>
    /// Kaiming (He) uniform: U(−b, b) with b = gain·√(3 / fan_in), gain = √(2 / (1 + a²)) for leaky ReLU.
    /// PyTorch's layers use a = √5, which gives b = 1/√fan_in.
    /// </summary>
    public static Tensor kaiming_uniform_(Tensor t, double a = 0)
    {
        var (fanIn, _) = fan_in_and_fan_out(t.shape);
        var bound = Math.Sqrt(2.0 / (1 + a * a)) * Math.Sqrt(3.0 / fanIn);
        return uniform_(t, -bound, bound);
    }

    /// <summary>Xavier (Glorot) uniform: U(−b, b) with b = gain·√(6 / (fan_in + fan_out)).</summary>
    public static Tensor xavier_uniform_(Tensor t, double gain = 1)
    {
        var (fanIn, fanOut) = fan_in_and_fan_out(t.shape);
        var bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return uniform_(t, -bound, bound);
    }

    // ---- parameters with PyTorch's layer defaults ----

    /// <summary>A parameter of <paramref name="shape"/> drawn from U(−bound, bound).</summary>
    internal static Parameter Uniform(long[] shape, double bound)
    {
        using var t = torch.empty(shape);
        uniform_(t, -bound, bound);
        return new Parameter(t);
    }

    /// <summary>PyTorch's default for Linear and Conv weights: kaiming_uniform(a = √5), i.e. U(±1/√fan_in).</summary>
    internal static Parameter DefaultWeight(long[] shape)
    {
        using var t = torch.empty(shape);
        kaiming_uniform_(t, Math.Sqrt(5));
        return new Parameter(t);
    }

    /// <summary>PyTorch's default for Linear and Conv biases: U(±1/√fan_in) with the weight's fan_in.</summary>
    internal static Parameter DefaultBias(long size, long[] weightShape)
    {
        var (fanIn, _) = fan_in_and_fan_out(weightShape);
        return Uniform(new[] { size }, fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0);
    }

    internal static Parameter Constant(long[] shape, double value)
    {
        using var t = torch.full(shape, value);
        return new Parameter(t);
    }
}
