using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Transformers;

/// <summary>
/// Multi-head cross-attention (Vaswani et al. 2017 §3.2.3, the encoder–decoder attention; MusicGen's text
/// conditioning): queries from the sequence, keys and values from context states, e.g. a text encoder's token
/// states. No positions: the context is a set to look things up in. <c>q</c> (C → C), <c>kv</c> (Cx → 2C), <c>proj</c>.
/// </summary>
public sealed class CrossAttention : Module
{
    public readonly Linear q;
    public readonly Linear kv;
    public readonly Linear proj;
    private readonly int heads;
    private readonly double dropout;

    public CrossAttention(int width, int contextWidth, int heads, double dropout)
    {
        q = new Linear(width, width);
        kv = new Linear(contextWidth, 2 * width);
        proj = new Linear(width, width);
        (this.heads, this.dropout) = (heads, dropout);
    }

    /// <summary>The context's keys and values (B, H, S, hd) each, computed once per sequence for decoding.</summary>
    public (Tensor keys, Tensor values) KeysValues(Tensor context)
    {
        using var scope = torch.NewDisposeScope();
        long B = context.size(0), S = context.size(1), C = q.out_features, hd = C / heads;
        var parts = kv.forward(context).view(B, S, 2, heads, hd).permute(2, 0, 3, 1, 4);   // (2, B, H, S, hd)
        return (parts[0].contiguous().MoveToOuterDisposeScope(), parts[1].contiguous().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// x (B, T, C) attending to the context's keys/values (B, H, S, hd) → (B, T, C); <paramref name="contextMask"/>
    /// (B, S) is true at context positions to ignore (padding).
    /// </summary>
    public Tensor forward(Tensor x, (Tensor keys, Tensor values) context, Tensor? contextMask = null)
    {
        using var scope = torch.NewDisposeScope();
        long B = x.size(0), T = x.size(1), C = x.size(2), hd = C / heads;
        var (k, v) = context;
        long S = k.size(2);
        var qh = q.forward(x).view(B, T, heads, hd).transpose(1, 2);                      // (B, H, T, hd)
        var att = qh.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(hd));                // (B, H, T, S)
        if (contextMask is not null) att = att.masked_fill(contextMask.view(B, 1, 1, S), double.NegativeInfinity);
        var y = F.dropout(att.softmax(-1), dropout, training && dropout > 0).matmul(v);   // (B, H, T, hd)
        return proj.forward(y.transpose(1, 2).reshape(B, T, C)).MoveToOuterDisposeScope(); // (B, T, C)
    }
}
