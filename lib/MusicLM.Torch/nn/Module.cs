using System.Collections.Concurrent;
using System.Reflection;

namespace MusicLM.Torch.nn;

/// <summary>
/// Base of every layer and model. Parameters, buffers and child modules are registered by field,
/// as in PyTorch: a <see cref="Parameter"/> field is a parameter, any other <see cref="Tensor"/> field
/// a buffer (unless marked <see cref="TransientAttribute"/>), a <see cref="Module"/> field a child.
/// <c>state_dict</c> keys are the field paths (<c>blocks.0.attn.qkv.weight</c>), so checkpoints describe themselves.
/// </summary>
public abstract class Module : IDisposable
{
    private static readonly ConcurrentDictionary<Type, (string name, FieldInfo field)[]> FieldCache = new();

    /// <summary>True in training mode (dropout active, batch-norm statistics updated).</summary>
    public bool training { get; private set; } = true;

    /// <summary>Children not held in fields (e.g. the items of a <c>ModuleList</c>).</summary>
    protected virtual IEnumerable<(string name, Module module)> ExtraChildren() => Array.Empty<(string, Module)>();

    /// <summary>Parameters not held in fields, whose number depends on the configuration (e.g. an LSTM's <c>weight_ih_l{k}</c>).</summary>
    protected virtual IEnumerable<(string name, Parameter parameter)> ExtraParameters() => Array.Empty<(string, Parameter)>();

    private static (string name, FieldInfo field)[] Fields(Type type) => FieldCache.GetOrAdd(type, t =>
    {
        var chain = new List<Type>();
        for (var x = t; x != null && x != typeof(Module) && x != typeof(object); x = x.BaseType) chain.Add(x);
        chain.Reverse();
        var list = new List<(string, FieldInfo)>();
        foreach (var c in chain)
            foreach (var f in c.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (f.IsDefined(typeof(TransientAttribute), false)) continue;
                if (!typeof(Tensor).IsAssignableFrom(f.FieldType) && !typeof(Module).IsAssignableFrom(f.FieldType)) continue;
                list.Add((FieldName(f.Name), f));
            }
        return list.ToArray();
    });

    // Auto-property backing fields are named "<name>k__BackingField"; use the property's name.
    private static string FieldName(string n) => n.StartsWith('<') && n.Contains(">k__BackingField") ? n[1..n.IndexOf('>')] : n;

    /// <summary>Direct children, named.</summary>
    public IEnumerable<(string name, Module module)> named_children()
    {
        foreach (var (name, f) in Fields(GetType()))
            if (f.GetValue(this) is Module m) yield return (name, m);
        foreach (var c in ExtraChildren()) yield return c;
    }

    /// <summary>This module and every descendant, with dotted paths ("" for this one).</summary>
    public IEnumerable<(string name, Module module)> named_modules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, m) in named_children())
            foreach (var x in m.named_modules(Join(prefix, name))) yield return x;
    }

    /// <summary>Parameters of this module and its descendants, with dotted paths, in declaration order.</summary>
    public IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
    {
        foreach (var (name, f) in Fields(GetType()))
            if (f.GetValue(this) is Parameter p) yield return (name, p);
        foreach (var x in ExtraParameters()) yield return x;
        if (!recurse) yield break;
        foreach (var (cname, m) in named_children())
            foreach (var (n, p) in m.named_parameters()) yield return (Join(cname, n), p);
    }

    /// <summary>Buffers (non-learnable persistent tensors such as running statistics).</summary>
    public IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true)
    {
        foreach (var (name, f) in Fields(GetType()))
            if (f.GetValue(this) is Tensor t && t is not Parameter) yield return (name, t);
        if (!recurse) yield break;
        foreach (var (cname, m) in named_children())
            foreach (var (n, b) in m.named_buffers()) yield return (Join(cname, n), b);
    }

    public IEnumerable<Parameter> parameters() => named_parameters().Select(p => p.parameter);

    /// <summary>Number of learnable elements (or all parameter elements with <paramref name="trainable_only"/> false).</summary>
    public long num_parameters(bool trainable_only = true) =>
        parameters().Where(p => !trainable_only || p.requires_grad).Sum(p => p.numel());

    /// <summary>Parameters and buffers by path. The tensors are the live ones (no copies).</summary>
    public Dictionary<string, Tensor> state_dict()
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var (n, p) in named_parameters()) d[n] = p;
        foreach (var (n, b) in named_buffers()) d[n] = b;
        return d;
    }

    /// <summary>
    /// Copies values into parameters and buffers by path. With <paramref name="strict"/>, missing or
    /// unexpected keys are an error; a shape mismatch always is. Nothing is changed when it fails.
    /// </summary>
    public void load_state_dict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = state_dict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new ArgumentException($"state dict does not match {GetType().Name}: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]", nameof(state));
        foreach (var (k, t) in own)
        {
            if (!state.TryGetValue(k, out var src)) continue;
            if (!t.shape.SequenceEqual(src.shape))
                throw new ArgumentException($"'{k}' has shape [{string.Join(", ", src.shape)}] in the state dict but [{string.Join(", ", t.shape)}] in the module", nameof(state));
        }
        using (torch.no_grad())
            foreach (var (k, t) in own)
                if (state.TryGetValue(k, out var src))
                {
                    using var conv = src.to(t.device, t.dtype);
                    t.copy_(conv);
                }
    }

    /// <summary>Training mode on (or off) for this module and its descendants.</summary>
    public Module train(bool on = true)
    {
        foreach (var (_, m) in named_modules()) m.training = on;
        return this;
    }

    /// <summary>Evaluation mode: <c>train(false)</c>.</summary>
    public Module eval() => train(false);

    /// <summary>Moves parameters and buffers to a device and/or dtype (floating-point tensors only change dtype).</summary>
    public Module to(Device? device = null, ScalarType? dtype = null)
    {
        foreach (var (_, m) in named_modules())
            foreach (var (name, f) in Fields(m.GetType()))
            {
                if (f.GetValue(m) is not Tensor t) continue;
                var ty = dtype.HasValue && t.is_floating_point() ? dtype.Value : t.dtype;
                var dev = device ?? t.device;
                if (ty == t.dtype && dev == t.device) continue;
                using var moved = t.to(dev, ty);
                if (t is Parameter p) p.Replace(moved);
                else
                {
                    var nb = moved.alias().DetachFromDisposeScope();
                    f.SetValue(m, nb);
                    t.Dispose();
                }
            }
        foreach (var (_, m) in named_modules())
            foreach (var (_, p) in m.ExtraParameters())
            {
                var ty = dtype.HasValue && p.is_floating_point() ? dtype.Value : p.dtype;
                var dev = device ?? p.device;
                if (ty == p.dtype && dev == p.device) continue;
                using var moved = p.to(dev, ty);
                p.Replace(moved);
            }
        return this;
    }

    public Module to(ScalarType dtype) => to(null, dtype);
    public Module to(string device) => to(Device.Parse(device));

    /// <summary>Drops every parameter's gradient.</summary>
    public void zero_grad()
    {
        foreach (var p in parameters()) p.grad = null;
    }

    /// <summary>Releases every parameter and buffer.</summary>
    public void Dispose()
    {
        foreach (var (_, m) in named_modules())
            foreach (var (_, f) in Fields(m.GetType()))
                if (f.GetValue(m) is Tensor t) t.Dispose();
        foreach (var (_, m) in named_modules())
            foreach (var (_, p) in m.ExtraParameters()) p.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : a + "." + b;

    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        Describe(sb, "", 0);
        return sb.ToString();
    }

    /// <summary>One line for this module's own settings, e.g. "in_features=4, out_features=8".</summary>
    protected virtual string ExtraRepr() => "";

    private void Describe(System.Text.StringBuilder sb, string name, int depth)
    {
        var pad = new string(' ', 2 * depth);
        sb.Append(pad);
        if (name.Length > 0) sb.Append('(').Append(name).Append("): ");
        sb.Append(GetType().Name).Append('(').Append(ExtraRepr());
        var kids = named_children().ToList();
        if (kids.Count == 0) { sb.Append(")\n"); return; }
        sb.Append('\n');
        foreach (var (n, m) in kids) m.Describe(sb, n, depth + 1);
        sb.Append(pad).Append(")\n");
    }
}

/// <summary>A module with a forward function from <typeparamref name="TIn"/> to <typeparamref name="TOut"/>.</summary>
public abstract class Module<TIn, TOut> : Module
{
    public abstract TOut forward(TIn input);

    /// <summary>Runs <see cref="forward"/> (PyTorch's <c>module(x)</c>).</summary>
    public TOut call(TIn input) => forward(input);
}
