using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Semantic;

/// <summary>
/// A pre-LN transformer block (Xiong et al. 2020; GPT-2's arrangement), bidirectional:
/// x ← x + attn(ln1(x)); x ← x + mlp(ln2(x)), with an exact-GELU feed-forward.
/// </summary>
public sealed class EncoderBlock : Module
{
    public readonly LayerNorm ln_1;
    public readonly MultiheadAttention attn;
    public readonly LayerNorm ln_2;
    public readonly Linear c_fc;
    public readonly Linear c_proj;

    public EncoderBlock(long width, long heads, long hidden)
    {
        ln_1 = new LayerNorm(width);
        attn = new MultiheadAttention(width, heads);
        ln_2 = new LayerNorm(width);
        c_fc = new Linear(width, hidden);
        c_proj = new Linear(hidden, width);
    }

    /// <summary>x (B, T, C) → (B, T, C); every frame sees every other (no causal mask).</summary>
    public Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        x = x + attn.forward(ln_1.forward(x));                                  // (B, T, C)
        x = x + c_proj.forward(c_fc.forward(ln_2.forward(x)).gelu());           // (B, T, C)
        return x.MoveToOuterDisposeScope();
    }
}
