using MusicLM.Torch;

namespace MusicLM.Codec;

/// <summary>
/// What the residual quantizer's training pass gives: the quantized latent (B, D, T) (straight-through in
/// training), the codes (B, n_q, T) of the levels used, and the commitment loss averaged over those levels.
/// </summary>
public sealed record RvqOutput(Tensor Quantized, Tensor Codes, Tensor CommitmentLoss) : IDisposable
{
    /// <summary>Levels used in this pass (random under quantizer dropout).</summary>
    public int Levels => (int)Codes.size(1);

    public void Dispose()
    {
        Quantized.Dispose();
        Codes.Dispose();
        CommitmentLoss.Dispose();
    }
}
