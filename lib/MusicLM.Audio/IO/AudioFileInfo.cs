namespace MusicLM.Audio;

/// <summary>
/// What <see cref="AudioFile.Probe(string)"/> learns about a file without decoding it. <paramref name="Format"/>
/// is the container ("wav", "mp3", "flac", "ogg", "m4a", …); <paramref name="Bits"/> the stored bit depth for
/// WAV and lossless codecs, null for lossy ones; <paramref name="Frames"/> is exact for WAV and estimated
/// from the duration otherwise.
/// </summary>
public sealed record AudioFileInfo(string Format, int SampleRate, int Channels, long Frames, double DurationSeconds, int? Bits);
