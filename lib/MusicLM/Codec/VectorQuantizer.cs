using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Codec;

/// <summary>
/// One vector-quantization level (EnCodec's <c>VectorQuantization</c>): each frame of (B, D, T) is replaced by
/// its nearest code. In training the gradient passes straight through (q̃ = x + sg(q − x)), and the
/// commitment loss ‖x − sg(q)‖² pulls the encoder towards its codes (van den Oord et al. 2017, eq. 3).
/// </summary>
public sealed class VectorQuantizer : Module
{
    public readonly Codebook _codebook;
    [Transient] private readonly double commitmentWeight;

    public VectorQuantizer(RvqConfig config)
    {
        _codebook = new Codebook(config);
        commitmentWeight = config.CommitmentWeight;
    }

    /// <summary>Codes of x (B, D, T) → (B, T).</summary>
    public Tensor Encode(Tensor x)
    {
        using var xt = x.transpose(1, 2);            // (B, T, D)
        return _codebook.Encode(xt);                // (B, T)
    }

    /// <summary>Code vectors of indices (B, T) → (B, D, T).</summary>
    public Tensor Decode(Tensor indices)
    {
        using var q = _codebook.Dequantize(indices); // (B, T, D)
        return q.transpose(1, 2).contiguous();      // (B, D, T)
    }

    /// <summary>Quantizes x (B, D, T) → (quantized (B, D, T), indices (B, T), commitment loss (scalar)).</summary>
    public (Tensor quantized, Tensor indices, Tensor loss) forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var xt = x.transpose(1, 2);                                   // (B, T, D)
        var (q, indices) = _codebook.forward(xt);                    // (B, T, D), (B, T)
        var loss = torch.zeros(new long[0], x.dtype, x.device);
        if (training)
        {
            q = xt + (q - xt).detach();                               // straight-through estimator
            if (commitmentWeight > 0) loss = F.mse_loss(xt, q.detach()) * commitmentWeight;
        }
        var quantized = q.transpose(1, 2).contiguous();               // (B, D, T)
        return (quantized.MoveToOuterDisposeScope(), indices.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope());
    }
}
