using MusicLM.Torch;

namespace MusicLM.Semantic;

/// <summary>
/// HuBERT's span masking (Hsu et al. 2021 §III-B, after wav2vec 2.0 §3.1): every frame starts a masked span of
/// <see cref="SpanLength"/> frames with probability <see cref="StartProbability"/>; spans may overlap. HuBERT uses
/// p = 8 % and spans of 10 frames at 50 Hz (200 ms), which masks about 1 − (1 − p)^l ≈ 57 % of the frames. At 25 Hz
/// the course keeps the 200 ms (5 frames) and the masked fraction (p = 16 %: 1 − 0.84⁵ ≈ 58 %).
/// A small object so a notebook can print and draw a mask.
/// </summary>
public sealed record SpanMask(double StartProbability = 0.16, int SpanLength = 5)
{
    /// <summary>The expected fraction of frames masked far from the ends: 1 − (1 − p)^l.</summary>
    public double ExpectedMaskedFraction => 1 - Math.Pow(1 - StartProbability, SpanLength);

    /// <summary>
    /// A mask for <paramref name="batch"/> sequences of <paramref name="frames"/> frames: (B, T) bool, true where masked.
    /// Every sequence gets at least one span, so every step has a loss.
    /// </summary>
    public Tensor Sample(int batch, int frames, Random rng)
    {
        Validate();
        if (batch < 1 || frames < 1) throw new ArgumentException($"a mask needs a batch and frames, got B = {batch}, T = {frames}");
        var mask = new bool[batch * frames];
        for (int b = 0; b < batch; b++)
        {
            var any = false;
            for (int t = 0; t < frames; t++)
                if (rng.NextDouble() < StartProbability) { Mark(mask, b, frames, t); any = true; }
            if (!any) Mark(mask, b, frames, rng.Next(Math.Max(1, frames - SpanLength + 1)));
        }
        return torch.tensor(mask, batch, frames);
    }

    private void Mark(bool[] mask, int b, int frames, int start)
    {
        for (int t = start; t < Math.Min(frames, start + SpanLength); t++) mask[b * frames + t] = true;
    }

    internal void Validate()
    {
        if (!(StartProbability > 0 && StartProbability <= 1)) throw new ArgumentException($"StartProbability must be in (0, 1], got {StartProbability}");
        if (SpanLength < 1) throw new ArgumentException($"SpanLength must be at least 1, got {SpanLength}");
    }
}
