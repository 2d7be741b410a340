using System.Buffers.Binary;

namespace MusicLM.Audio;

/// <summary>WAV files (RIFF/WAVE). Writing here; reading every common variant is in <c>Read</c>.</summary>
public static partial class WavFile
{
    /// <summary>Writes <paramref name="clip"/> atomically (a temp file renamed over the target).</summary>
    public static void Write(string path, AudioClip clip, WavEncoding encoding = WavEncoding.Pcm16)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var f = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
                Write(f, clip, encoding);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Writes a canonical 44-byte-header WAV to <paramref name="stream"/>; channels are interleaved, PCM is clipped to [-1, 1].</summary>
    public static void Write(Stream stream, AudioClip clip, WavEncoding encoding = WavEncoding.Pcm16)
    {
        int channels = clip.Channels, frames = clip.Frames;
        int bytesPerSample = encoding == WavEncoding.Pcm16 ? 2 : 4;
        long dataBytes = (long)frames * channels * bytesPerSample;
        if (dataBytes > uint.MaxValue - 36) throw new ArgumentException($"{clip.DurationSeconds:F0} s of audio does not fit in a WAV file (4 GiB)", nameof(clip));
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(36 + dataBytes));
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), (ushort)(encoding == WavEncoding.Pcm16 ? 1 : 3));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), (uint)clip.SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), (uint)(clip.SampleRate * channels * bytesPerSample));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), (ushort)(channels * bytesPerSample));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), (ushort)(8 * bytesPerSample));
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), (uint)dataBytes);
        stream.Write(header);

        var s = clip.Samples;
        var buf = new byte[Math.Min(65536, Math.Max(bytesPerSample * channels, (int)Math.Min(dataBytes, 65536))) / (bytesPerSample * channels) * (bytesPerSample * channels)];
        int pos = 0;
        for (int i = 0; i < frames; i++)
            for (int c = 0; c < channels; c++)
            {
                float v = s[c, i];
                if (encoding == WavEncoding.Pcm16)
                {
                    float x = float.IsNaN(v) ? 0 : Math.Clamp(v, -1f, 1f);
                    BinaryPrimitives.WriteInt16LittleEndian(buf.AsSpan(pos), (short)MathF.Round(x * 32767f));
                }
                else BinaryPrimitives.WriteSingleLittleEndian(buf.AsSpan(pos), v);
                pos += bytesPerSample;
                if (pos == buf.Length)
                {
                    stream.Write(buf, 0, pos);
                    pos = 0;
                }
            }
        if (pos > 0) stream.Write(buf, 0, pos);
    }
}
