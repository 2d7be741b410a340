namespace MusicLM.Audio.Dsp;

/// <summary>How <see cref="LogMel"/> compresses mel energies.</summary>
public enum LogScaling
{
    /// <summary>ln(mel + eps): the usual input of neural audio models.</summary>
    Natural,
    /// <summary>10 · log10(max(mel, amin)), floored at max − top_db per example (librosa's <c>power_to_db</c>, torchaudio's <c>AmplitudeToDB</c>).</summary>
    Decibels,
}
