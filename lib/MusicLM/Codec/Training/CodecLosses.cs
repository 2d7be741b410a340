using MusicLM.Torch;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Codec.Training;

/// <summary>
/// The codec's training losses (EnCodec, Défossez et al. 2022 §3.4), each averaged over the discriminator's
/// scales K. Logits and feature maps come from <see cref="MultiScaleSTFTDiscriminator"/>.
/// </summary>
public static class CodecLosses
{
    /// <summary>
    /// Discriminator hinge loss: 1/K Σ_k [ mean(relu(1 − D_k(x))) + mean(relu(1 + D_k(x̂))) ]; real logits pushed
    /// above +1, fake ones below −1, and nothing learnt from those already beyond the margin.
    /// </summary>
    public static Tensor HingeDiscriminator(IReadOnlyList<Tensor> realLogits, IReadOnlyList<Tensor> fakeLogits)
    {
        CheckScales(realLogits.Count, fakeLogits.Count);
        using var scope = torch.NewDisposeScope();
        Tensor total = torch.zeros(Array.Empty<long>(), realLogits[0].dtype, realLogits[0].device);
        for (var k = 0; k < realLogits.Count; k++)
            total = total + (1 - realLogits[k]).relu().mean() + (1 + fakeLogits[k]).relu().mean();
        return (total / realLogits.Count).MoveToOuterDisposeScope();
    }

    /// <summary>Generator hinge loss: 1/K Σ_k mean(relu(1 − D_k(x̂))) (EnCodec's ℓ_g).</summary>
    public static Tensor HingeGenerator(IReadOnlyList<Tensor> fakeLogits)
    {
        if (fakeLogits.Count == 0) throw new ArgumentException("no discriminator scales", nameof(fakeLogits));
        using var scope = torch.NewDisposeScope();
        Tensor total = torch.zeros(Array.Empty<long>(), fakeLogits[0].dtype, fakeLogits[0].device);
        foreach (var l in fakeLogits) total = total + (1 - l).relu().mean();
        return (total / fakeLogits.Count).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Feature matching (EnCodec's ℓ_feat): the mean over every scale k and layer l of
    /// ‖D_k^l(x) − D_k^l(x̂)‖₁ / mean(|D_k^l(x)|), the L1 distance relative to the real feature's size, so every
    /// layer counts about the same whatever its scale. The real features should carry no gradient.
    /// </summary>
    public static Tensor FeatureMatching(IReadOnlyList<IReadOnlyList<Tensor>> realFeatures, IReadOnlyList<IReadOnlyList<Tensor>> fakeFeatures)
    {
        CheckScales(realFeatures.Count, fakeFeatures.Count);
        using var scope = torch.NewDisposeScope();
        Tensor? total = null;
        var n = 0;
        for (var k = 0; k < realFeatures.Count; k++)
        {
            if (realFeatures[k].Count != fakeFeatures[k].Count)
                throw new ArgumentException($"scale {k}: {realFeatures[k].Count} real and {fakeFeatures[k].Count} fake feature maps");
            for (var l = 0; l < realFeatures[k].Count; l++)
            {
                var real = realFeatures[k][l];
                var term = F.l1_loss(fakeFeatures[k][l], real) / real.abs().mean().clamp_min(1e-12);
                total = total is null ? term : total + term;
                n++;
            }
        }
        if (total is null) throw new ArgumentException("no feature maps");
        return (total / n).MoveToOuterDisposeScope();
    }

    /// <summary>Time-domain reconstruction: mean |x − x̂| (EnCodec's ℓ_t).</summary>
    public static Tensor L1(Tensor reconstruction, Tensor target) => F.l1_loss(reconstruction, target);

    /// <summary>
    /// Scale-invariant signal-to-noise ratio in dB, per item and averaged: the target's projection s = (⟨x̂, x⟩ / ‖x‖²) x
    /// against the rest e = x̂ − s: 10 log10(‖s‖² / ‖e‖²). Both (B, C, T) (or (B, T)); means are removed first.
    /// </summary>
    public static double SiSnr(Tensor reconstruction, Tensor target)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var x = target.reshape(target.size(0), -1).to(ScalarType.Float64);
        var y = reconstruction.reshape(reconstruction.size(0), -1).to(ScalarType.Float64);
        x = x - x.mean(-1, keepdim: true);
        y = y - y.mean(-1, keepdim: true);
        var alpha = (y * x).sum(-1, keepdim: true) / (x.pow(2).sum(-1, keepdim: true) + 1e-12);
        var s = alpha * x;
        var e = y - s;
        var ratio = (s.pow(2).sum(-1) + 1e-12) / (e.pow(2).sum(-1) + 1e-12);
        return (10 * ratio.log10()).mean().item();
    }

    private static void CheckScales(int real, int fake)
    {
        if (real == 0) throw new ArgumentException("no discriminator scales");
        if (real != fake) throw new ArgumentException($"{real} real scales but {fake} fake ones");
    }
}
