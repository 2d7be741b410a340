using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Transformers;

/// <summary>
/// A pre-LayerNorm decoder block (GPT-2; Xiong et al. 2020): x ← x + attn(ln_1(x)); with a context,
/// x ← x + cross(ln_x(x), context); then x ← x + mlp(ln_2(x)). Dropout on each residual branch in training.
/// </summary>
public sealed class DecoderBlock : Module
{
    public readonly LayerNorm ln_1;
    public readonly CausalSelfAttention attn;
    public readonly LayerNorm? ln_x;
    public readonly CrossAttention? cross;
    public readonly LayerNorm ln_2;
    public readonly Mlp mlp;
    private readonly double dropout;

    public DecoderBlock(TransformerConfig config)
    {
        ln_1 = new LayerNorm(config.Width);
        attn = new CausalSelfAttention(config.Width, config.Heads, config.Dropout);
        if (config.ContextWidth is { } cx)
        {
            ln_x = new LayerNorm(config.Width);
            cross = new CrossAttention(config.Width, cx, config.Heads, config.Dropout);
        }
        ln_2 = new LayerNorm(config.Width);
        mlp = new Mlp(config.Width, config.MlpWidth);
        dropout = config.Dropout;
    }

    /// <summary>x (B, T, C) → (B, T, C), and this block's self-attention weights (B, H, T, S) if asked for.</summary>
    public (Tensor output, Tensor? weights) forward(Tensor x, Tensor cos, Tensor sin, KVCache? cache,
                                                     (Tensor keys, Tensor values)? context, Tensor? contextMask, bool keepWeights)
    {
        using var scope = torch.NewDisposeScope();
        var drop = training && dropout > 0;
        var (a, w) = attn.forward(ln_1.forward(x), cos, sin, cache, keepWeights);
        x = x + F.dropout(a, dropout, drop);                                               // (B, T, C)
        if (cross is not null)
        {
            if (context is not { } kv) throw new ArgumentException("this model cross-attends: give the context states");
            x = x + F.dropout(cross.forward(ln_x!.forward(x), kv, contextMask), dropout, drop);
        }
        x = x + F.dropout(mlp.forward(ln_2.forward(x)), dropout, drop);                    // (B, T, C)
        x.MoveToOuterDisposeScope();
        w?.MoveToOuterDisposeScope();
        return (x, w);
    }
}
