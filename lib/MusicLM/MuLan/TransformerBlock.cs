using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.MuLan;

/// <summary>
/// A pre-norm transformer encoder block (as in GPT-2 and nanoGPT, without the causal mask):
/// x + Attn(LN(x)), then x + MLP(LN(x)) with a 4× GELU MLP.
/// </summary>
public sealed class TransformerBlock : Module
{
    public readonly LayerNorm ln_1;
    public readonly MultiheadAttention attn;
    public readonly LayerNorm ln_2;
    public readonly Linear fc;
    public readonly Linear proj;
    private readonly double dropout;

    public TransformerBlock(int width, int heads, double dropout = 0)
    {
        ln_1 = new LayerNorm(width);
        attn = new MultiheadAttention(width, heads, dropout);
        ln_2 = new LayerNorm(width);
        fc = new Linear(width, 4 * width);
        proj = new Linear(4 * width, width);
        this.dropout = dropout;
    }

    /// <summary>x (B, T, C) → (B, T, C); <paramref name="paddingMask"/> (B, T) is true at keys to ignore.</summary>
    public Tensor forward(Tensor x, Tensor? paddingMask = null)
    {
        using var scope = torch.NewDisposeScope();
        var h = x + F.dropout(attn.forward(ln_1.forward(x), key_padding_mask: paddingMask), dropout, training && dropout > 0); // (B, T, C)
        var m = proj.forward(fc.forward(ln_2.forward(h)).gelu());                                                             // (B, T, C)
        return (h + F.dropout(m, dropout, training && dropout > 0)).MoveToOuterDisposeScope();
    }
}
