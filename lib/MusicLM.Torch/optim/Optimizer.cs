using MusicLM.Torch.nn;
using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch.optim;

/// <summary>
/// Base of the optimizers: one group of parameters, a learning rate that schedules may change between
/// steps, per-parameter state tensors (created at the first step, owned by the optimizer, released by
/// <see cref="Dispose"/>), and a state dictionary for checkpoints:
/// <c>state.{i}.{name}</c> for parameter i's state (e.g. <c>state.0.exp_avg</c>), and 0-d float64 tensors
/// for <c>step</c> and every hyper-parameter (<c>lr</c>, <c>beta1</c>, …).
/// </summary>
public abstract unsafe class Optimizer : IDisposable
{
    private readonly Parameter[] ps;
    private double _lr;

    /// <summary>Parameter i's state tensors by name; empty until the first step.</summary>
    protected readonly Dictionary<string, Tensor>[] state;

    protected Optimizer(IEnumerable<Parameter> parameters, double lr)
    {
        ps = parameters.ToArray();
        if (ps.Length == 0) throw new ArgumentException("the optimizer got no parameters", nameof(parameters));
        if (ps.Distinct().Count() != ps.Length) throw new ArgumentException("a parameter appears more than once", nameof(parameters));
        this.lr = lr;
        state = ps.Select(_ => new Dictionary<string, Tensor>()).ToArray();
    }

    public IReadOnlyList<Parameter> parameters => ps;

    /// <summary>The learning rate of the next step.</summary>
    public double lr
    {
        get => _lr;
        set => _lr = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(lr), value, "the learning rate must be non-negative");
    }

    /// <summary>Number of steps taken.</summary>
    public long step_count { get; protected set; }

    /// <summary>Updates every parameter that has a gradient.</summary>
    public abstract void step();

    /// <summary>
    /// Clears every parameter's gradient: drops it (<paramref name="set_to_none"/>, PyTorch 2's default) or
    /// zeroes it in place (PyTorch 1's default), which keeps the gradient memory between steps.
    /// </summary>
    public void zero_grad(bool set_to_none = true)
    {
        var hs = ParameterHandles();
        fixed (IntPtr* p = hs) Check(mlt_zero_grad(p, hs.Length, set_to_none ? 1 : 0));
    }

    /// <summary>Names of the state tensors each parameter gets (e.g. exp_avg, exp_avg_sq).</summary>
    protected abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>The hyper-parameters saved with the state, other than <c>lr</c>.</summary>
    protected abstract IEnumerable<(string name, double value)> HyperParameters();

    /// <summary>Restores one hyper-parameter from a state dict.</summary>
    protected abstract void SetHyperParameter(string name, double value);

    protected IntPtr[] ParameterHandles()
    {
        var hs = new IntPtr[ps.Length];
        for (int i = 0; i < hs.Length; i++) hs[i] = ps[i].Handle;
        return hs;
    }

    /// <summary>
    /// Creates zero state tensors shaped like each parameter where missing (at the first step), and moves
    /// existing ones to the parameter's device and dtype if the model was moved since.
    /// </summary>
    protected void EnsureState()
    {
        using var _ = torch.no_grad();
        for (int i = 0; i < ps.Length; i++)
            foreach (var n in StateNames)
            {
                if (!state[i].TryGetValue(n, out var s))
                    state[i][n] = torch.zeros_like(ps[i]).DetachFromDisposeScope();
                else if (s.dtype != ps[i].dtype || s.device != ps[i].device)
                {
                    state[i][n] = s.to(ps[i].device, ps[i].dtype).DetachFromDisposeScope();
                    s.Dispose();
                }
            }
    }

    /// <summary>Handles of state <paramref name="name"/> for every parameter, in order.</summary>
    protected IntPtr[] StateHandles(string name)
    {
        var hs = new IntPtr[ps.Length];
        for (int i = 0; i < hs.Length; i++) hs[i] = state[i][name].Handle;
        return hs;
    }

    /// <summary>
    /// The optimizer's state for a checkpoint. Every value is a new handle the caller owns (inside a dispose
    /// scope the scope releases it): state tensors are aliases of the live ones (no copy), the step count and
    /// hyper-parameters are new 0-d float64 tensors.
    /// </summary>
    public Dictionary<string, Tensor> state_dict()
    {
        var d = new Dictionary<string, Tensor>
        {
            ["step"] = torch.scalar_tensor(step_count, ScalarType.Float64),
            ["lr"] = torch.scalar_tensor(lr, ScalarType.Float64),
        };
        foreach (var (n, v) in HyperParameters()) d[n] = torch.scalar_tensor(v, ScalarType.Float64);
        for (int i = 0; i < ps.Length; i++)
            foreach (var (n, t) in state[i]) d[$"state.{i}.{n}"] = t.alias();
        return d;
    }

    /// <summary>
    /// Restores a <see cref="state_dict"/>: the step count, hyper-parameters and state tensors (copied, and
    /// converted to each parameter's device and dtype). Every name and shape is checked first; on an error
    /// nothing is changed.
    /// </summary>
    public void load_state_dict(IReadOnlyDictionary<string, Tensor> dict)
    {
        var scalars = new[] { "step", "lr" }.Concat(HyperParameters().Select(h => h.name)).ToList();
        var errors = new List<string>();
        foreach (var s in scalars)
            if (!dict.TryGetValue(s, out var t)) errors.Add($"missing '{s}'");
            else if (t.numel() != 1) errors.Add($"'{s}' must hold one value, it has shape [{string.Join(", ", t.shape)}]");
        var loaded = new Dictionary<(int, string), Tensor>();
        foreach (var (key, t) in dict)
        {
            if (scalars.Contains(key)) continue;
            var parts = key.Split('.');
            if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], out var i))
            {
                errors.Add($"unexpected key '{key}'");
                continue;
            }
            if (i < 0 || i >= ps.Length) errors.Add($"'{key}' is for parameter {i}, but this optimizer has {ps.Length} parameters");
            else if (!StateNames.Contains(parts[2])) errors.Add($"'{key}': {GetType().Name} has no state '{parts[2]}' (it keeps [{string.Join(", ", StateNames)}])");
            else if (!t.shape.SequenceEqual(ps[i].shape)) errors.Add($"'{key}' has shape [{string.Join(", ", t.shape)}] but parameter {i} has shape [{string.Join(", ", ps[i].shape)}]");
            else loaded[(i, parts[2])] = t;
        }
        for (int i = 0; i < ps.Length; i++)
        {
            var have = StateNames.Count(n => loaded.ContainsKey((i, n)));
            if (have != 0 && have != StateNames.Count) errors.Add($"parameter {i} has only part of its state ([{string.Join(", ", StateNames.Where(n => loaded.ContainsKey((i, n))))}] of [{string.Join(", ", StateNames)}])");
        }
        if (errors.Count > 0) throw new ArgumentException($"cannot load the {GetType().Name} state: {string.Join("; ", errors)}", nameof(dict));

        step_count = (long)dict["step"].item();
        lr = dict["lr"].item();
        foreach (var (n, _) in HyperParameters().ToList()) SetHyperParameter(n, dict[n].item());
        ClearState();
        using (torch.no_grad())
            foreach (var ((i, n), t) in loaded)
            {
                using var moved = t.to(ps[i].device, ps[i].dtype);
                state[i][n] = moved.clone().DetachFromDisposeScope();
            }
    }

    private void ClearState()
    {
        foreach (var s in state)
        {
            foreach (var t in s.Values) t.Dispose();
            s.Clear();
        }
    }

    /// <summary>Releases the state tensors (not the parameters).</summary>
    public void Dispose()
    {
        ClearState();
        GC.SuppressFinalize(this);
    }
}
