using MusicLM.Audio.Synthesis;
using MusicLM.Torch;

namespace MusicLM.MuLan;

/// <summary>A clip's log-mel (M, T) computed once (<see cref="MuLanModel.Features"/>), with its caption and ground truth: what training crops from.</summary>
public sealed record MuLanFeatures(Tensor Mel, string Caption, ClipAttributes? Attributes = null)
{
    /// <summary>Features of examples, computed by <paramref name="model"/>; the tensors belong to the caller (outside any dispose scope).</summary>
    public static IReadOnlyList<MuLanFeatures> Compute(MuLanModel model, IReadOnlyList<MuLanExample> examples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        return examples.Select(e => new MuLanFeatures(model.Features(e.Audio).DetachFromDisposeScope(), e.Caption, e.Attributes)).ToList();
    }

    /// <summary>Frames of the log-mel.</summary>
    public long Frames => Mel.size(1);
}
