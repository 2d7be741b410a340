namespace MusicLM.Audio;

/// <summary>
/// Audio files of any common format. WAV is read and written natively (<see cref="WavFile"/>); everything
/// else (mp3, flac, ogg, m4a, opus, …) goes through the <c>ffmpeg</c> program (DESIGN D4), as float32
/// samples over a pipe. Every problem is an <see cref="AudioFormatException"/>; a missing ffmpeg is the
/// subtype <see cref="AudioToolMissingException"/>.
/// </summary>
public static class AudioFile
{
    /// <summary>Decodes a whole file (a WAV is recognised by its header, whatever its extension).</summary>
    public static AudioClip Read(string path)
    {
        RequireFile(path);
        return IsWav(path) || HasWavExtension(path) ? WavFile.Read(path) : Ffmpeg.Default.Decode(path);
    }

    /// <summary>Format, rate, channels, length and bit depth, without decoding the samples.</summary>
    public static AudioFileInfo Probe(string path)
    {
        RequireFile(path);
        if (!IsWav(path) && !HasWavExtension(path)) return Ffmpeg.Default.Probe(path);
        var w = WavFile.ReadInfo(path);
        return new AudioFileInfo("wav", w.SampleRate, w.Channels, w.Frames, w.DurationSeconds, w.Bits);
    }

    /// <summary>
    /// Writes atomically. A <c>.wav</c> path is written natively with <paramref name="wavEncoding"/>; any other
    /// extension is encoded by ffmpeg with its default codec for that container.
    /// </summary>
    public static void Write(string path, AudioClip clip, WavEncoding wavEncoding = WavEncoding.Pcm16)
    {
        var ext = Path.GetExtension(path);
        if (HasWavExtension(path))
        {
            WavFile.Write(path, clip, wavEncoding);
            return;
        }
        if (ext.Length == 0) throw new AudioFormatException($"{path}: the path has no extension to choose a format by (.wav, .flac, .mp3, .ogg, …)");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(path)}.{Guid.NewGuid():N}.tmp{ext}");
        try
        {
            Ffmpeg.Default.Encode(clip, tmp);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    private static bool HasWavExtension(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".wav" or ".wave";

    private static void RequireFile(string path)
    {
        if (!File.Exists(path)) throw new AudioFormatException($"{path}: no such file");
    }

    private static bool IsWav(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            Span<byte> h = stackalloc byte[12];
            int n = f.ReadAtLeast(h, 12, throwOnEndOfStream: false);
            return n == 12 && (h[..4].SequenceEqual("RIFF"u8) || h[..4].SequenceEqual("RF64"u8)) && h[8..12].SequenceEqual("WAVE"u8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException($"{path}: cannot open the file: {e.Message}", e);
        }
    }
}
