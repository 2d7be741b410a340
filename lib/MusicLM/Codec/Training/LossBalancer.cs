using MusicLM.Torch;

namespace MusicLM.Codec.Training;

/// <summary>
/// EnCodec's loss balancer (Défossez et al. 2022 §3.4, <c>balancer.py</c>): the weights λ_i say what share of the
/// gradient each loss should have, independently of the loss's own scale. With g_i = ∂ℓ_i/∂x̂ (x̂ the decoder
/// output) and ‖g_i‖ its norm (per batch item, then averaged over the batch), the gradient sent into the model is
/// <code>
///   g = Σ_i R · (λ_i / Σ_j λ_j) · g_i / (ε + ⟨‖g_i‖⟩_β)
/// </code>
/// where ⟨‖g_i‖⟩_β is a bias-corrected exponential moving average of the norms over steps,
/// ⟨n⟩_t = (Σ_s β^(t−s) n_s) / (Σ_s β^(t−s)), and R (<see cref="TotalNorm"/>) the total norm aimed for.
/// With <see cref="Balance"/> false it is the plain weighted sum g = Σ_i λ_i g_i.
/// Losses without a weight here (the commitment loss) are back-propagated by the caller as usual.
/// </summary>
public sealed class LossBalancer
{
    private readonly Dictionary<string, double> weights;
    private readonly Dictionary<string, (double total, double count)> averages = new();

    public LossBalancer(IReadOnlyDictionary<string, double> weights, bool balance = true, double totalNorm = 1.0, double emaDecay = 0.999, double epsilon = 1e-12)
    {
        if (weights.Count == 0) throw new ArgumentException("the balancer needs at least one weighted loss", nameof(weights));
        if (weights.Values.Any(w => w < 0)) throw new ArgumentException("loss weights must be non-negative", nameof(weights));
        if (emaDecay is < 0 or >= 1) throw new ArgumentException($"emaDecay must be in [0, 1), got {emaDecay}", nameof(emaDecay));
        this.weights = new Dictionary<string, double>(weights);
        Balance = balance;
        TotalNorm = totalNorm;
        EmaDecay = emaDecay;
        Epsilon = epsilon;
    }

    public IReadOnlyDictionary<string, double> Weights => weights;
    public bool Balance { get; }
    public double TotalNorm { get; }
    public double EmaDecay { get; }
    public double Epsilon { get; }

    /// <summary>The moving average of each loss's gradient norm ⟨‖g_i‖⟩_β after the last <see cref="Backward"/>.</summary>
    public IReadOnlyDictionary<string, double> AverageNorms => averages.ToDictionary(kv => kv.Key, kv => kv.Value.total / kv.Value.count);

    /// <summary>The scale s_i each gradient got at the last <see cref="Backward"/> (g = Σ_i s_i g_i).</summary>
    public IReadOnlyDictionary<string, double> LastScales { get; private set; } = new Dictionary<string, double>();

    /// <summary>
    /// Computes the losses on a detached copy of <paramref name="output"/> (B, …), takes each loss's gradient with
    /// respect to it, combines them by the formula above and back-propagates the result through
    /// <paramref name="output"/> into the model. Returns the loss values. Gradients also reach whatever else the
    /// losses depend on (e.g. a discriminator's weights): clear those before using them.
    /// </summary>
    public IReadOnlyDictionary<string, double> Backward(Tensor output, Func<Tensor, IReadOnlyDictionary<string, Tensor>> losses)
    {
        using var scope = torch.NewDisposeScope();
        var leaf = output.detach().requires_grad_();                            // (B, …)
        var values = losses(leaf);
        var grads = new Dictionary<string, Tensor>();
        var norms = new Dictionary<string, double>();
        var names = values.Keys.ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (!weights.ContainsKey(name)) throw new ArgumentException($"loss '{name}' has no weight in this balancer (it knows {string.Join(", ", weights.Keys)})");
            leaf.grad = null;
            if (values[name].requires_grad) values[name].backward(retain_graph: true);
            var g = leaf.grad?.clone() ?? torch.zeros_like(leaf);               // (B, …)
            grads[name] = g;
            norms[name] = g.reshape(g.size(0), -1).pow(2).sum(1).sqrt().mean().item(); // per item, then mean
        }
        leaf.grad = null;

        var scales = new Dictionary<string, double>();
        var totalWeight = names.Sum(n => weights[n]);
        foreach (var name in names)
        {
            var (t, c) = averages.GetValueOrDefault(name);
            averages[name] = (t * EmaDecay + norms[name], c * EmaDecay + 1);
            var avg = averages[name].total / averages[name].count;
            scales[name] = Balance ? (totalWeight > 0 ? weights[name] / totalWeight : 0) * TotalNorm / (Epsilon + avg) : weights[name];
        }
        LastScales = scales;
        Tensor outGrad = torch.zeros_like(leaf);
        foreach (var name in names) outGrad = outGrad + grads[name] * scales[name];
        output.backward(outGrad);
        return names.ToDictionary(n => n, n => values[n].item());
    }

    /// <summary>The norm averages, for a checkpoint: name → (Σ β^(t−s) n_s, Σ β^(t−s)).</summary>
    public IReadOnlyDictionary<string, (double total, double count)> State => averages;

    /// <summary>Restores <see cref="State"/>.</summary>
    public void LoadState(IReadOnlyDictionary<string, (double total, double count)> state)
    {
        averages.Clear();
        foreach (var (k, v) in state) averages[k] = v;
    }
}
