namespace MusicLM.Audio.Dsp;

/// <summary>
/// Parameters of an STFT chroma: a long window (n_fft) so low notes are a semitone apart in bins,
/// the tuning reference A4 in Hz, and the octave weighting — a Gaussian over log-frequency centred
/// at <see cref="CenterOctave"/> octaves above A0 (5 → A5 = 880 Hz) with standard deviation
/// <see cref="OctaveWidth"/> octaves (null: every octave weighs the same). The defaults are librosa's
/// <c>chroma_stft</c> (ctroct 5, octwidth 2).
/// </summary>
public sealed record ChromaConfig(
    int SampleRate,
    int NFft = 4096,
    int HopLength = 1024,
    double A4 = 440.0,
    double CenterOctave = 5.0,
    double? OctaveWidth = 2.0)
{
    public StftConfig Stft => new(NFft, HopLength);
    public double FrameRate => (double)SampleRate / HopLength;
}
