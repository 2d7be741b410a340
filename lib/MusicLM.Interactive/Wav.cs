using System.Buffers.Binary;

namespace MusicLM.Interactive;

/// <summary>16-bit PCM WAV encoding (RIFF, little-endian, interleaved channels) for players and files.</summary>
public static class Wav
{
    /// <summary>
    /// Encodes (channels, frames) samples in [-1, 1] as a 16-bit PCM WAV file. Samples outside [-1, 1] are
    /// clipped; with <paramref name="normalize"/> the peak is scaled to 1 first (silence stays silent).
    /// </summary>
    public static byte[] Encode(float[,] samples, int sampleRate, bool normalize = false)
    {
        Validate(samples, sampleRate);
        int channels = samples.GetLength(0), frames = samples.GetLength(1);
        var scale = 1f;
        if (normalize)
        {
            var peak = 0f;
            foreach (var v in samples) peak = Math.Max(peak, Math.Abs(v));
            if (peak > 0) scale = 1f / peak;
        }
        const int bytesPerSample = 2;
        var dataBytes = (long)channels * frames * bytesPerSample;
        if (dataBytes > int.MaxValue - 44) throw new ArgumentException("audio too long for one WAV file", nameof(samples));
        var wav = new byte[44 + dataBytes];
        var s = wav.AsSpan();
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], (int)(36 + dataBytes));
        "WAVE"u8.CopyTo(s[8..]);
        "fmt "u8.CopyTo(s[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 16);                                   // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], 1);                                    // PCM
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], sampleRate * channels * bytesPerSample); // byte rate
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], (short)(channels * bytesPerSample));   // block align
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], 8 * bytesPerSample);                  // bits per sample
        "data"u8.CopyTo(s[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], (int)dataBytes);
        var o = 44;
        for (var t = 0; t < frames; t++)
            for (var c = 0; c < channels; c++, o += 2)
            {
                var v = Math.Clamp(samples[c, t] * scale, -1f, 1f);
                BinaryPrimitives.WriteInt16LittleEndian(s[o..], (short)Math.Round(v * 32767f));
            }
        return wav;
    }

    internal static void Validate(float[,] samples, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (sampleRate <= 0 || sampleRate > 768_000)
            throw new ArgumentException($"sample rate must be between 1 and 768000 Hz, got {sampleRate}", nameof(sampleRate));
        int channels = samples.GetLength(0), frames = samples.GetLength(1);
        if (channels == 0 || frames == 0)
            throw new ArgumentException($"audio is empty ({channels} channels × {frames} samples)", nameof(samples));
        if (channels > 32)
            throw new ArgumentException($"audio has {channels} channels; expected (channels, samples) with at most 32 channels — is it transposed?", nameof(samples));
        for (var c = 0; c < channels; c++)
            for (var t = 0; t < frames; t++)
                if (!float.IsFinite(samples[c, t]))
                    throw new ArgumentException($"audio contains {samples[c, t]} at channel {c}, sample {t}", nameof(samples));
    }
}
