using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Transformers;

/// <summary>
/// Causal multi-head self-attention with rotary positions (Vaswani et al. 2017 §3.2; RoPE): position i attends
/// to the keys of positions ≤ i in the sequence. One fused projection <c>qkv</c> (C → 3C) and the output
/// projection <c>proj</c>. With a <see cref="KVCache"/> decoding is incremental: the new tokens' keys and values
/// are appended and each new query attends over everything cached.
/// </summary>
public sealed class CausalSelfAttention : Module
{
    public readonly Linear qkv;
    public readonly Linear proj;
    private readonly int heads;
    private readonly double dropout;

    public CausalSelfAttention(int width, int heads, double dropout)
    {
        qkv = new Linear(width, 3 * width);
        proj = new Linear(width, width);
        (this.heads, this.dropout) = (heads, dropout);
    }

    /// <summary>
    /// x (B, T, C) with the rotary angles of its T positions → (B, T, C), and the attention weights (B, H, T, S)
    /// when <paramref name="keepWeights"/> (S = keys attended to: cached + new).
    /// </summary>
    public (Tensor output, Tensor? weights) forward(Tensor x, Tensor cos, Tensor sin, KVCache? cache = null, bool keepWeights = false)
    {
        using var scope = torch.NewDisposeScope();
        long B = x.size(0), T = x.size(1), C = x.size(2), hd = C / heads;
        var parts = qkv.forward(x).view(B, T, 3, heads, hd).permute(2, 0, 3, 1, 4);   // (3, B, H, T, hd)
        var q = RotaryEmbedding.Apply(parts[0], cos, sin);                               // (B, H, T, hd)
        var k = RotaryEmbedding.Apply(parts[1], cos, sin);
        var v = parts[2];
        if (cache is not null) (k, v) = cache.Append(k, v);                               // (B, H, S, hd)
        long S = k.size(2), past = S - T;
        var att = q.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(hd));                 // (B, H, T, S)
        if (T > 1)
        {
            var future = torch.ones(new[] { T, S }, ScalarType.Bool, x.device).triu(past + 1);   // key j > past + i
            att = att.masked_fill(future, double.NegativeInfinity);
        }
        var weights = att.softmax(-1);                                                    // (B, H, T, S)
        var y = F.dropout(weights, dropout, training && dropout > 0).matmul(v);           // (B, H, T, hd)
        var output = proj.forward(y.transpose(1, 2).reshape(B, T, C));                    // (B, T, C)
        output.MoveToOuterDisposeScope();
        if (!keepWeights) return (output, null);
        return (output, weights.MoveToOuterDisposeScope());
    }
}
