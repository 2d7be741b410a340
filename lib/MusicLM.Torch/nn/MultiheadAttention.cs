using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>
/// Multi-head scaled dot-product self-attention (Vaswani et al. 2017, §3.2):
/// softmax(Q Kᵀ / √d_head) V per head, heads concatenated and projected. One fused projection
/// <c>qkv</c> (C → 3C; q, k, v in that order, like PyTorch's <c>in_proj_weight</c>) and the output
/// projection <c>proj</c> (C → C). <c>causal</c> lets position i see keys ≤ i only; a <see cref="KVCache"/>
/// makes decoding incremental (positions count from the start of the cache).
/// </summary>
public sealed class MultiheadAttention : Module
{
    public Linear qkv;
    public Linear proj;

    public long embed_dim { get; }
    public long num_heads { get; }
    public long head_dim { get; }
    /// <summary>Dropout on the attention weights, in training mode.</summary>
    public double dropout { get; }

    public MultiheadAttention(long embed_dim, long num_heads, double dropout = 0, bool bias = true)
    {
        if (embed_dim % num_heads != 0) throw new ArgumentException($"embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})");
        (this.embed_dim, this.num_heads, this.head_dim, this.dropout) = (embed_dim, num_heads, embed_dim / num_heads, dropout);
        qkv = new Linear(embed_dim, 3 * embed_dim, bias);
        proj = new Linear(embed_dim, embed_dim, bias);
    }

    /// <summary>
    /// Self-attention over x (B, T, C) → (B, T, C). <paramref name="key_padding_mask"/> (B, S) is true at keys
    /// to ignore, S being every key attended to (with a cache: cached + new). With a cache, the new keys and
    /// values are appended to it first.
    /// </summary>
    public Tensor forward(Tensor x, bool causal = false, Tensor? key_padding_mask = null, KVCache? cache = null) =>
        Attend(x, causal, key_padding_mask, cache, keepWeights: false).output;

    /// <summary>As <see cref="forward"/>, also returning the attention weights (B, H, T, S) for display.</summary>
    public (Tensor output, Tensor weights) forward_with_weights(Tensor x, bool causal = false, Tensor? key_padding_mask = null, KVCache? cache = null)
    {
        var (y, w) = Attend(x, causal, key_padding_mask, cache, keepWeights: true);
        return (y, w!);
    }

    private (Tensor output, Tensor? weights) Attend(Tensor x, bool causal, Tensor? key_padding_mask, KVCache? cache, bool keepWeights)
    {
        if (x.dim() != 3 || x.size(2) != embed_dim) throw new ArgumentException($"expected x of shape (B, T, {embed_dim}), got [{string.Join(", ", x.shape)}]", nameof(x));
        using var scope = torch.NewDisposeScope();
        long B = x.size(0), T = x.size(1), H = num_heads;
        var qkv3 = qkv.forward(x).view(B, T, 3, H, head_dim).permute(2, 0, 3, 1, 4);   // (3, B, H, T, hd)
        Tensor q = qkv3[0], k = qkv3[1], v = qkv3[2];                                    // (B, H, T, hd)
        if (cache is not null) (k, v) = cache.Append(k, v);                               // (B, H, S, hd)
        long S = k.size(2), past = S - T;
        var att = q.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(head_dim));           // (B, H, T, S)
        if (causal && T > 1)                                                              // one query (decoding) sees every key
        {
            var future = torch.ones(new[] { T, S }, ScalarType.Bool, x.device).triu(past + 1); // key j > past + i
            att = att.masked_fill(future, double.NegativeInfinity);
        }
        if (key_padding_mask is not null)
        {
            if (!key_padding_mask.shape.SequenceEqual(new[] { B, S }))
                throw new ArgumentException($"key_padding_mask must be (B, S) = ({B}, {S}), got [{string.Join(", ", key_padding_mask.shape)}]", nameof(key_padding_mask));
            att = att.masked_fill(key_padding_mask.view(B, 1, 1, S), double.NegativeInfinity);
        }
        var weights = att.softmax(-1);                                                    // (B, H, T, S)
        var y = F.dropout(weights, dropout, training && dropout > 0).matmul(v);           // (B, H, T, hd)
        var output = proj.forward(y.transpose(1, 2).reshape(B, T, embed_dim));            // (B, T, C)
        output.MoveToOuterDisposeScope();
        if (keepWeights) weights.MoveToOuterDisposeScope();
        return (output, keepWeights ? weights : null);
    }

    protected override string ExtraRepr() => $"embed_dim={embed_dim}, num_heads={num_heads}" + (dropout > 0 ? $", dropout={dropout}" : "");
}
