namespace MusicLM.Audio.Dsp;

/// <summary>Which Hz ↔ mel formula to use; see <see cref="MelScale"/>.</summary>
public enum MelScaleKind
{
    /// <summary>mel = 2595 · log10(1 + f / 700) (the HTK toolkit; torchaudio's default).</summary>
    Htk,
    /// <summary>Linear below 1 kHz (200/3 Hz per mel), logarithmic above (Slaney's Auditory Toolbox; librosa's default).</summary>
    Slaney,
}
