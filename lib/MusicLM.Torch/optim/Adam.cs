using MusicLM.Torch.nn;
using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch.optim;

/// <summary>
/// Adam (Kingma &amp; Ba 2015), PyTorch's update rule: with g the gradient (plus weight_decay·θ, L2),
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·(m / (1−β₁ᵗ)) / (√v / √(1−β₂ᵗ) + ε).
/// State per parameter: <c>exp_avg</c> (m) and <c>exp_avg_sq</c> (v). One native call per step.
/// </summary>
public class Adam : Optimizer
{
    private static readonly string[] Names = { "exp_avg", "exp_avg_sq" };
    private readonly bool decoupled;

    public double beta1 { get; private set; }
    public double beta2 { get; private set; }
    public double eps { get; private set; }
    public double weight_decay { get; private set; }

    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0)
        : this(parameters, lr, beta1, beta2, eps, weight_decay, decoupled: false) { }

    private protected Adam(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weight_decay, bool decoupled) : base(parameters, lr)
    {
        if (beta1 < 0 || beta1 >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1)");
        if (beta2 < 0 || beta2 >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1)");
        if (eps < 0) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be non-negative");
        if (weight_decay < 0) throw new ArgumentOutOfRangeException(nameof(weight_decay), weight_decay, "weight_decay must be non-negative");
        (this.beta1, this.beta2, this.eps, this.weight_decay, this.decoupled) = (beta1, beta2, eps, weight_decay, decoupled);
    }

    protected override IReadOnlyList<string> StateNames => Names;

    protected override IEnumerable<(string name, double value)> HyperParameters() =>
        new[] { ("beta1", beta1), ("beta2", beta2), ("eps", eps), ("weight_decay", weight_decay) };

    protected override void SetHyperParameter(string name, double value)
    {
        switch (name)
        {
            case "beta1": beta1 = value; break;
            case "beta2": beta2 = value; break;
            case "eps": eps = value; break;
            case "weight_decay": weight_decay = value; break;
        }
    }

    public override unsafe void step()
    {
        EnsureState();
        step_count++;
        var p = ParameterHandles();
        var m = StateHandles("exp_avg");
        var v = StateHandles("exp_avg_sq");
        fixed (IntPtr* pp = p, pm = m, pv = v)
            Check(mlt_adam_step(pp, pm, pv, p.Length, lr, beta1, beta2, eps, weight_decay, step_count, decoupled ? 1 : 0));
    }
}
