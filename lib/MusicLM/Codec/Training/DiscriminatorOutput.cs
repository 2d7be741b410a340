using MusicLM.Torch;

namespace MusicLM.Codec.Training;

/// <summary>
/// What the multi-scale discriminator says about a batch: one logit map per scale (B, 1, frames, freq') and the
/// feature maps after every activation of that scale (for feature matching).
/// </summary>
public sealed record DiscriminatorOutput(IReadOnlyList<Tensor> Logits, IReadOnlyList<IReadOnlyList<Tensor>> FeatureMaps) : IDisposable
{
    public int Scales => Logits.Count;

    public void Dispose()
    {
        foreach (var t in Logits) t.Dispose();
        foreach (var fm in FeatureMaps) foreach (var t in fm) t.Dispose();
    }
}
