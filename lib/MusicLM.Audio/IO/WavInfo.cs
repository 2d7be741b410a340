namespace MusicLM.Audio;

/// <summary>
/// What a WAV header says, read without loading the samples (<see cref="WavFile.ReadInfo(string)"/>).
/// <paramref name="Bits"/> are the valid bits per sample; <paramref name="ContainerBits"/> the bits each
/// sample occupies in the file (they differ in e.g. 20-bit audio stored in 24-bit containers).
/// <paramref name="Frames"/> counts the whole frames actually present in the file.
/// </summary>
public sealed record WavInfo(WavSampleFormat Format, int Bits, int ContainerBits, int Channels, int SampleRate, long Frames)
{
    public double DurationSeconds => (double)Frames / SampleRate;
}
