using MusicLM.Torch.nn;

namespace MusicLM.Torch.optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter 2019): Adam whose weight decay shrinks the parameters directly,
/// θ ← θ·(1 − lr·weight_decay), instead of being added to the gradient — the usual choice for transformers.
/// </summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0.01)
        : base(parameters, lr, beta1, beta2, eps, weight_decay, decoupled: true) { }
}
