namespace MusicLM.Audio;

/// <summary>How a WAV file stores its samples.</summary>
public enum WavSampleFormat
{
    /// <summary>Integer PCM (8-bit unsigned; 16, 24, 32-bit signed).</summary>
    Pcm,
    /// <summary>IEEE float (32 or 64-bit).</summary>
    Float,
}
