using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Transformers;

/// <summary>
/// What a <see cref="TokenTransformer"/> keeps between decoding steps: one <see cref="KVCache"/> per layer, and
/// the cross-attention keys/values of the context (computed on the first call). <see cref="Length"/> is the
/// number of positions decoded so far. One cache per sequence batch; dispose it when done.
/// </summary>
public sealed class TransformerCache : IDisposable
{
    internal readonly KVCache[] Layers;
    internal (Tensor keys, Tensor values)?[] Context;

    public TransformerCache(int layers, int maxLength)
    {
        Layers = Enumerable.Range(0, layers).Select(_ => new KVCache(maxLength)).ToArray();
        Context = new (Tensor, Tensor)?[layers];
    }

    /// <summary>Positions cached so far.</summary>
    public long Length => Layers[0].Length;

    public void Dispose()
    {
        foreach (var c in Layers) c.Dispose();
        foreach (var kv in Context)
            if (kv is { } p) { p.keys.Dispose(); p.values.Dispose(); }
        Array.Clear(Context);
    }
}
