using MusicLM.Torch;

namespace MusicLM.Transformers;

/// <summary>
/// Turning logits into tokens: classifier-free guidance, temperature, top-k, top-p, and the draw. Each step is
/// its own function so a notebook (and a test) can look at the distribution before the draw.
/// </summary>
public static class Sampler
{
    /// <summary>
    /// Classifier-free guidance on log-probabilities (B, V): log p_u + s · (log p_c − log p_u). Scale 1 gives the
    /// conditional log-probabilities exactly; the result is renormalised.
    /// </summary>
    public static Tensor Guide(Tensor conditional, Tensor unconditional, double scale)
    {
        if (!conditional.shape.SequenceEqual(unconditional.shape))
            throw new ArgumentException($"conditional and unconditional logits differ in shape: [{string.Join(", ", conditional.shape)}] and [{string.Join(", ", unconditional.shape)}]");
        using var scope = torch.NewDisposeScope();
        var c = conditional.log_softmax(-1);
        var u = unconditional.log_softmax(-1);
        var mixed = u + (c - u) * scale;
        return mixed.log_softmax(-1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The distribution a token is drawn from (B, V): softmax(logits / T), restricted to the top k and to the
    /// nucleus of probability p, renormalised. Temperature 0 puts all mass on the most likely token.
    /// </summary>
    public static Tensor Probabilities(Tensor logits, SamplingConfig config)
    {
        config.Validate();
        if (logits.dim() != 2) throw new ArgumentException($"logits must be (B, V), got [{string.Join(", ", logits.shape)}]", nameof(logits));
        using var scope = torch.NewDisposeScope();
        long V = logits.size(1);
        var x = logits.to(ScalarType.Float32);
        if (config.Temperature == 0)
        {
            var best = x.argmax(-1, keepdim: true);                                          // (B, 1)
            return torch.zeros_like(x).scatter(1, best, torch.ones_like(x)).MoveToOuterDisposeScope();
        }
        x = x / config.Temperature;
        if (config.TopK > 0 && config.TopK < V)
        {
            var (kth, _) = x.topk(config.TopK, -1);                                          // (B, k), descending
            var threshold = kth.narrow(1, config.TopK - 1, 1);                               // (B, 1)
            x = x.masked_fill(x.lt(threshold), double.NegativeInfinity);
        }
        var p = x.softmax(-1);                                                               // (B, V)
        if (config.TopP < 1)
        {
            var (sorted, order) = p.sort(-1, descending: true);                              // (B, V)
            var before = sorted.cumsum(-1) - sorted;                                         // mass strictly above each token
            var drop = before.ge(config.TopP);                                               // the most likely token is always kept
            var dropped = torch.zeros_like(drop).scatter(1, order, drop);                    // back to vocabulary order
            p = p.masked_fill(dropped, 0.0);
            p = p / p.sum(-1, keepdim: true);
        }
        return p.MoveToOuterDisposeScope();
    }

    /// <summary>One token per row (B) drawn from <see cref="Probabilities"/> with the global generator.</summary>
    public static Tensor Sample(Tensor logits, SamplingConfig config)
    {
        using var p = Probabilities(logits, config);
        using var drawn = p.multinomial(1);                                                  // (B, 1)
        return drawn.squeeze(1);                                                             // (B)
    }
}
