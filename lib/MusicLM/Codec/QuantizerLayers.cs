using MusicLM.Torch.nn;

namespace MusicLM.Codec;

/// <summary>Holds the levels under the name <c>layers</c>, so keys read <c>vq.layers.0._codebook.embed</c> as in EnCodec.</summary>
internal sealed class QuantizerLayers : Module
{
    public readonly ModuleList<VectorQuantizer> layers;

    public QuantizerLayers(IEnumerable<VectorQuantizer> levels) => layers = new ModuleList<VectorQuantizer>(levels);
}
