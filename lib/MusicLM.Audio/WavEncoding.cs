namespace MusicLM.Audio;

/// <summary>Sample formats <see cref="WavFile.Write(string, AudioClip, WavEncoding)"/> can write.</summary>
public enum WavEncoding
{
    /// <summary>16-bit signed PCM (the default: small, universally readable).</summary>
    Pcm16,
    /// <summary>32-bit IEEE float (exact for float32 audio).</summary>
    Float32,
}
