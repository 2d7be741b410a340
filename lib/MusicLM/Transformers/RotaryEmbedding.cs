using MusicLM.Torch;

namespace MusicLM.Transformers;

/// <summary>
/// Rotary position embedding (RoPE; Su et al. 2021, RoFormer §3.4): each pair of query/key channels (i, i + d/2)
/// is rotated by the angle position · base^(−2i/d), so the dot product of a query at position m and a key at n
/// depends on m − n only. Chosen over learned and sinusoidal absolute positions because a stage's layout can
/// then give tokens their *time* as position (MusicLM's streams run at 25 and 50 Hz, several levels per frame):
/// a coarse token is at relative distance 0 from the semantic token of the same moment, whatever the index
/// arithmetic of the flat sequence; positions need not be unique or contiguous, and nothing is learned per position.
/// </summary>
public static class RotaryEmbedding
{
    /// <summary>cos and sin of the angles (T, d/2) for positions (T) and head dimension d.</summary>
    public static (Tensor cos, Tensor sin) Angles(Tensor positions, int headDim, double rotaryBase, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var half = headDim / 2;
        var inv = (torch.arange(0.0, half, 1.0) * (-2.0 * Math.Log(rotaryBase) / headDim)).exp();   // (d/2)
        var angles = positions.to(ScalarType.Float32).view(-1, 1) * inv.view(1, half);             // (T, d/2)
        var cos = angles.cos().to(device);
        var sin = angles.sin().to(device);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>Rotates x (B, H, T, d) by the angles (T, d/2): (x₁, x₂) → (x₁cos − x₂sin, x₁sin + x₂cos).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = torch.NewDisposeScope();
        var half = x.size(-1) / 2;
        var x1 = x.narrow(-1, 0, half);                                   // (B, H, T, d/2)
        var x2 = x.narrow(-1, half, half);
        var y = torch.cat(new[] { x1 * cos - x2 * sin, x1 * sin + x2 * cos }, -1);   // (B, H, T, d)
        return y.MoveToOuterDisposeScope();
    }
}
