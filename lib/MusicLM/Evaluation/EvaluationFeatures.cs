using MusicLM.Audio;
using MusicLM.Audio.Dsp;
using MusicLM.Torch;

namespace MusicLM.Evaluation;

/// <summary>
/// The evaluation's own description of a clip, independent of every model of the hierarchy (no MuLan, no codec, no
/// learned weights): the mean and spread over time of each of 64 log-mel bands, the mean size of their frame-to-frame
/// change (timbre and texture), the mean and spread of the 12 chroma bins (harmony) and the mean and spread of the onset
/// strength (rhythm): <see cref="Dimension"/> numbers. The attribute classifiers read it, and the distribution distances
/// are measured on it (standardised), as FAD measures on VGGish.
/// </summary>
public static class EvaluationFeatures
{
    public const int Bands = 64;
    /// <summary>64 band means, 64 spreads, 64 mean changes, 12 chroma means, 12 spreads, onset mean and spread.</summary>
    public const int Dimension = 3 * Bands + 24 + 2;

    /// <summary>The features of channel 0 of <paramref name="clip"/> (any rate: the analysis uses the clip's own).</summary>
    public static float[] Of(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return Of(clip.Channel(0), clip.SampleRate);
    }

    /// <summary>The features of a mono signal; it must be at least 0.25 s long.</summary>
    public static float[] Of(float[] mono, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(mono);
        if (sampleRate < 8000) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the evaluation features need audio at 8 kHz or more");
        if (mono.Length < sampleRate / 4) throw new ArgumentException($"the clip is too short to describe: {mono.Length} samples, at least {sampleRate / 4} needed", nameof(mono));
        if (mono.Any(x => !float.IsFinite(x))) throw new ArgumentException("the clip holds NaN or infinite samples", nameof(mono));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var x = torch.tensor(mono).unsqueeze(0);                                               // (1, S)
        var mel = new LogMel(new MelSpectrogramConfig(sampleRate, 1024, 256, Bands)).Forward(x)[0];   // (64, T)
        var chroma = new Chroma(new ChromaConfig(sampleRate)).Forward(x)[0];                  // (12, T')
        var onset = OnsetStrength.Compute(x, sampleRate).reshape(-1);                          // (T'')
        var f = new List<float>(Dimension);
        f.AddRange(mel.mean(1).ToArray<float>());
        f.AddRange(mel.std(1).ToArray<float>());
        var change = mel.size(1) > 1 ? (mel.narrow(1, 1, mel.size(1) - 1) - mel.narrow(1, 0, mel.size(1) - 1)).abs().mean(1) : torch.zeros(Bands);
        f.AddRange(change.ToArray<float>());
        f.AddRange(chroma.mean(1).ToArray<float>());
        f.AddRange(chroma.std(1).ToArray<float>());
        f.Add(onset.mean().item<float>());
        f.Add(onset.std().item<float>());
        return f.Select(v => float.IsFinite(v) ? v : 0).ToArray();
    }
}
