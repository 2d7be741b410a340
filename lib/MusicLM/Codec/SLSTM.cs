using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec;

/// <summary>An LSTM over the time axis of (B, C, T) with a skip connection (EnCodec's <c>SLSTM</c>).</summary>
public sealed class SLSTM : Module<Tensor, Tensor>
{
    public readonly LSTM lstm;
    [Transient] private readonly bool skip;

    public SLSTM(long dimension, long numLayers = 2, bool skip = true)
    {
        lstm = new LSTM(dimension, dimension, numLayers, batch_first: true);
        this.skip = skip;
    }

    public override Tensor forward(Tensor x)
    {
        using var xt = x.permute(0, 2, 1);          // (B, C, T) -> (B, T, C)
        var (y, (h, c)) = lstm.forward(xt);         // (B, T, C)
        h.Dispose(); c.Dispose();
        using (y)
        {
            using var sum = skip ? y + xt : y.alias();
            return sum.permute(0, 2, 1).contiguous(); // (B, C, T)
        }
    }
}
