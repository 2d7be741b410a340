using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Transformers;

/// <summary>The position-wise feed-forward: C → r·C → C with an exact GELU between (GPT-2).</summary>
public sealed class Mlp : Module
{
    public readonly Linear c_fc;
    public readonly Linear c_proj;

    public Mlp(int width, int hidden)
    {
        c_fc = new Linear(width, hidden);
        c_proj = new Linear(hidden, width);
    }

    /// <summary>x (B, T, C) → (B, T, C).</summary>
    public Tensor forward(Tensor x)
    {
        using var h = c_fc.forward(x);                                   // (B, T, r·C)
        using var g = h.gelu();
        return c_proj.forward(g);                                        // (B, T, C)
    }
}
