using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec.Training;

/// <summary>
/// An exponential moving average of a model's weights, θ̄ ← d θ̄ + (1 − d) θ after every optimizer step, which
/// usually decodes a little cleaner than the last weights. Buffers (the codebooks, already moving averages) are
/// copied as they are. <see cref="CopyTo"/> puts the average into a model of the same architecture.
/// </summary>
public sealed class WeightEma : IDisposable
{
    private readonly Dictionary<string, Tensor> shadow = new();
    private readonly HashSet<string> parameters;

    public WeightEma(Module model, double decay)
    {
        if (decay is <= 0 or >= 1) throw new ArgumentException($"decay must be in (0, 1), got {decay}", nameof(decay));
        Decay = decay;
        parameters = model.named_parameters().Select(p => p.name).ToHashSet();
        using var _ = torch.no_grad();
        foreach (var (k, v) in model.state_dict()) shadow[k] = v.detach().clone().DetachFromDisposeScope();
    }

    public double Decay { get; }

    /// <summary>The averaged state dict (live tensors owned by this object).</summary>
    public IReadOnlyDictionary<string, Tensor> State => shadow;

    /// <summary>θ̄ ← d θ̄ + (1 − d) θ for parameters; buffers copied.</summary>
    public void Update(Module model)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        foreach (var (k, v) in model.state_dict())
        {
            if (!shadow.TryGetValue(k, out var s)) throw new ArgumentException($"the model has '{k}', which the average does not");
            if (parameters.Contains(k) && v.is_floating_point()) s.mul_(Decay).add_(v, 1 - Decay);
            else s.copy_(v);
        }
    }

    /// <summary>Loads the averaged weights into <paramref name="model"/>.</summary>
    public void CopyTo(Module model) => model.load_state_dict(shadow);

    /// <summary>Replaces the average with a saved one (same keys and shapes).</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> state)
    {
        using var _ = torch.no_grad();
        foreach (var (k, s) in shadow)
        {
            if (!state.TryGetValue(k, out var v)) throw new ArgumentException($"the saved average lacks '{k}'");
            s.copy_(v);
        }
    }

    public void Dispose()
    {
        foreach (var t in shadow.Values) t.Dispose();
        shadow.Clear();
    }
}
