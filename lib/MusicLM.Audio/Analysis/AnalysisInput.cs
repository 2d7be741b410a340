using MusicLM.Torch;

namespace MusicLM.Audio.Analysis;

/// <summary>Turns the inputs the estimators accept into one mono float32 CPU tensor (T).</summary>
internal static class AnalysisInput
{
    public static float[] Mono(AudioClip clip)
    {
        if (clip.Channels == 1) return clip.Channel(0);
        var m = new float[clip.Frames];
        for (int c = 0; c < clip.Channels; c++)
            for (int i = 0; i < m.Length; i++) m[i] += clip.Samples[c, i] / clip.Channels;
        return m;
    }

    /// <summary>(T), (1, T) or (C, T) → a float32 CPU (T), channels averaged.</summary>
    public static Tensor Mono(Tensor waveform)
    {
        using var scope = torch.NewDisposeScope();
        var x = waveform.detach().to(Device.CPU, ScalarType.Float32);
        var m = x.dim() switch
        {
            1 => x,
            2 => x.mean(0),
            _ => throw new ArgumentException($"expected a waveform (T) or (channels, T), got shape [{string.Join(", ", waveform.shape)}]", nameof(waveform)),
        };
        return m.contiguous().MoveToOuterDisposeScope();
    }
}
