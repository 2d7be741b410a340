namespace MusicLM.Audio.Dsp;

/// <summary>How each mel filter is scaled.</summary>
public enum MelNorm
{
    /// <summary>Triangles of peak 1 (torchaudio's default).</summary>
    None,
    /// <summary>Each triangle divided by half its bandwidth in Hz, 2 / (f[m+2] − f[m]): constant energy per filter (librosa's default).</summary>
    Slaney,
}
