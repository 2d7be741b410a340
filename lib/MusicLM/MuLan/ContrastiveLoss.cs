using MusicLM.Audio.Synthesis;
using MusicLM.Torch;

namespace MusicLM.MuLan;

/// <summary>
/// Symmetric InfoNCE (CLIP, Radford et al. 2021; MuLan §3.3) over a batch of B (text, audio) pairs with a
/// learnt temperature, and the positive pairs it trains on. A synthetic batch often holds captions that fit
/// several of its clips ("a jazz tune with piano and bass"): plain InfoNCE would push those apart as negatives,
/// so here each row's target is spread evenly over every clip the caption fits (multi-positive targets,
/// as in SupCon, Khosla et al. 2020).
/// </summary>
public static class ContrastiveLoss
{
    /// <summary>
    /// The loss for text embeddings (B, E) and audio embeddings (B, E), both L2-normalised, a logit scale
    /// (scalar, 1/τ) and positives (B, B) bool, true where caption i fits clip j (the diagonal must be true):
    /// ½ [CE over clips for each text + CE over texts for each clip]. At chance it is ln B for distinct captions.
    /// </summary>
    public static Tensor Forward(Tensor text, Tensor audio, Tensor logitScale, Tensor positives)
    {
        if (text.dim() != 2 || !text.shape.SequenceEqual(audio.shape))
            throw new ArgumentException($"text and audio embeddings must both be (B, E), got [{string.Join(", ", text.shape)}] and [{string.Join(", ", audio.shape)}]");
        long b = text.size(0);
        if (!positives.shape.SequenceEqual(new[] { b, b })) throw new ArgumentException($"positives must be ({b}, {b}), got [{string.Join(", ", positives.shape)}]", nameof(positives));
        using var scope = torch.NewDisposeScope();
        var logits = logitScale * text.matmul(audio.t());                   // (B_text, B_audio)
        var p = positives.to(logits.device, logits.dtype);                  // (B, B), built on the CPU
        var toAudio = p / p.sum(1, keepdim: true);                          // each text's targets over clips
        var toText = p.t() / p.t().sum(1, keepdim: true);                   // each clip's targets over texts
        var t2a = -(toAudio * logits.log_softmax(1)).sum(1).mean();
        var a2t = -(toText * logits.t().log_softmax(1)).sum(1).mean();
        return ((t2a + a2t) * 0.5).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Positives (B, B) bool: the diagonal, pairs whose captions are equal (ignoring case and outer white space),
    /// and with <paramref name="attributes"/> and <paramref name="rule"/> = <see cref="PositiveRule.ConsistentAttributes"/>
    /// every clip j that has all that caption i names (<see cref="CaptionAttributes.IsSatisfiedBy"/>).
    /// </summary>
    public static Tensor Positives(IReadOnlyList<string> captions, IReadOnlyList<ClipAttributes?>? attributes = null,
                                   PositiveRule rule = PositiveRule.ConsistentAttributes)
    {
        var b = captions.Count;
        if (attributes is not null && attributes.Count != b) throw new ArgumentException($"{b} captions but {attributes.Count} attribute records", nameof(attributes));
        var named = rule == PositiveRule.ConsistentAttributes && attributes is not null ? captions.Select(CaptionAttributes.Parse).ToList() : null;
        var norm = captions.Select(c => c.Trim().ToLowerInvariant()).ToList();
        var data = new bool[b * b];
        for (var i = 0; i < b; i++)
            for (var j = 0; j < b; j++)
                data[i * b + j] = i == j
                    || (rule != PositiveRule.Diagonal && norm[i] == norm[j])
                    || (named is not null && attributes![j] is { } aj && attributes[i] is not null && named[i].IsSatisfiedBy(aj));
        return torch.tensor(data, b, b);
    }
}
