using MusicLM.Torch.nn;
using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch.optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, PyTorch's rule: g ← g + weight_decay·θ;
/// b ← g at the first step, then b ← momentum·b + (1 − dampening)·g; θ ← θ − lr·(nesterov ? g + momentum·b : b).
/// State per parameter (with momentum): <c>momentum_buffer</c>. One native call per step.
/// </summary>
public sealed class SGD : Optimizer
{
    private static readonly string[] WithMomentum = { "momentum_buffer" };

    public double momentum { get; private set; }
    public double dampening { get; private set; }
    public double weight_decay { get; private set; }
    public bool nesterov { get; private set; }

    public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false) : base(parameters, lr)
    {
        if (momentum < 0) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be non-negative");
        if (weight_decay < 0) throw new ArgumentOutOfRangeException(nameof(weight_decay), weight_decay, "weight_decay must be non-negative");
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum needs momentum > 0 and dampening = 0");
        (this.momentum, this.dampening, this.weight_decay, this.nesterov) = (momentum, dampening, weight_decay, nesterov);
    }

    protected override IReadOnlyList<string> StateNames => momentum != 0 ? WithMomentum : Array.Empty<string>();

    protected override IEnumerable<(string name, double value)> HyperParameters() =>
        new[] { ("momentum", momentum), ("dampening", dampening), ("weight_decay", weight_decay), ("nesterov", nesterov ? 1.0 : 0.0) };

    protected override void SetHyperParameter(string name, double value)
    {
        switch (name)
        {
            case "momentum": momentum = value; break;
            case "dampening": dampening = value; break;
            case "weight_decay": weight_decay = value; break;
            case "nesterov": nesterov = value != 0; break;
        }
    }

    public override unsafe void step()
    {
        // The momentum buffer starts as the first gradient (PyTorch's rule), so a fresh buffer means "first".
        bool first = momentum != 0 && state[0].Count == 0;
        EnsureState();
        step_count++;
        var p = ParameterHandles();
        var b = momentum != 0 ? StateHandles("momentum_buffer") : new IntPtr[p.Length];
        fixed (IntPtr* pp = p, pb = b)
            Check(mlt_sgd_step(pp, pb, p.Length, lr, momentum, dampening, weight_decay, nesterov ? 1 : 0, first ? 1 : 0));
    }
}
