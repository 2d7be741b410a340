using MusicLM.Torch;

namespace MusicLM.Codec;

/// <summary>The codec's training pass: the reconstruction (B, C, T), the commitment loss (scalar) and the codes (B, n_q, frames).</summary>
public sealed record CodecOutput(Tensor Reconstruction, Tensor CommitmentLoss, Tensor Codes) : IDisposable
{
    public void Dispose()
    {
        Reconstruction.Dispose();
        CommitmentLoss.Dispose();
        Codes.Dispose();
    }
}
