using MusicLM.Torch;

namespace MusicLM.Audio;

/// <summary>Clips to and from engine tensors of shape (channels, frames), float32, on the CPU.</summary>
public static class AudioTensor
{
    /// <summary>A new (channels, frames) float32 CPU tensor holding a copy of the samples.</summary>
    public static Tensor ToTensor(this AudioClip clip) => torch.tensor(clip.Samples);

    /// <summary>
    /// A clip from a (channels, frames) or (frames) tensor of any floating dtype on any device
    /// (converted to float32 and copied to the CPU).
    /// </summary>
    public static AudioClip FromTensor(Tensor samples, int sampleRate)
    {
        var shape = samples.shape;
        if (shape.Length is not (1 or 2))
            throw new ArgumentException($"audio tensors are (channels, frames) or (frames); this one is [{string.Join(", ", shape)}]", nameof(samples));
        long channels = shape.Length == 1 ? 1 : shape[0], frames = shape[^1];
        if (channels < 1) throw new ArgumentException("an audio tensor needs at least one channel", nameof(samples));
        float[] flat;
        if (samples.dtype == ScalarType.Float32) flat = samples.ToArray<float>();
        else
        {
            using var f = samples.to(ScalarType.Float32);
            flat = f.ToArray<float>();
        }
        var s = new float[channels, frames];
        Buffer.BlockCopy(flat, 0, s, 0, flat.Length * sizeof(float));
        return new AudioClip(s, sampleRate);
    }
}
