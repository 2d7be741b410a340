using System.Buffers.Binary;
using System.Text;

namespace MusicLM.Audio;

public static partial class WavFile
{
    private const int MaxChannels = 64;

    // KSDATAFORMAT_SUBTYPE_* GUIDs share these 14 bytes after the 2-byte format tag (mmreg.h / ksmedia.h).
    private static ReadOnlySpan<byte> GuidTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>
    /// Reads a WAV file: PCM 8 (unsigned), 16, 24, 32-bit; IEEE float 32/64; WAVE_FORMAT_EXTENSIBLE; 1–64 channels.
    /// Samples come back as float32 in [-1, 1). Throws <see cref="AudioFormatException"/> for any problem.
    /// </summary>
    public static AudioClip Read(string path) => WithFile(path, (s, name) => Read(s, name));

    /// <summary>Reads a WAV file from a stream (from its current position to its end).</summary>
    public static AudioClip Read(Stream stream) => Read(stream, NameOf(stream));

    /// <summary>The header of a WAV file (format, bits, channels, rate, frames) without loading its samples.</summary>
    public static WavInfo ReadInfo(string path) => WithFile(path, (s, name) => ReadInfo(s, name).Info);

    /// <summary>The header of a WAV stream without loading its samples.</summary>
    public static WavInfo ReadInfo(Stream stream) => ReadInfo(stream, NameOf(stream)).Info;

    private static T WithFile<T>(string path, Func<Stream, string, T> read)
    {
        FileStream f;
        try
        {
            f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new AudioFormatException($"{path}: no such file", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new AudioFormatException($"{path}: cannot open the file: {e.Message}", e);
        }
        using (f) return read(f, path);
    }

    private static string NameOf(Stream s) => s is FileStream fs ? fs.Name : "WAV stream";

    private static AudioClip Read(Stream stream, string name)
    {
        try
        {
            stream = Seekable(stream);
            var (info, start, dataOffset, dataBytes) = ReadInfo(stream, name);
            return Decode(stream, name, info, start + dataOffset);
        }
        catch (Exception e) when (e is IOException and not AudioFormatException or NotSupportedException or ObjectDisposedException)
        {
            throw new AudioFormatException($"{name}: cannot read: {e.Message}", e);
        }
    }

    private static (WavInfo Info, long Start, long DataOffset, long DataBytes) ReadInfo(Stream stream, string name)
    {
        try
        {
            stream = Seekable(stream);
            return ParseHeader(stream, name);
        }
        catch (Exception e) when (e is IOException and not AudioFormatException or NotSupportedException or ObjectDisposedException)
        {
            throw new AudioFormatException($"{name}: cannot read: {e.Message}", e);
        }
    }

    /// <summary>A pipe or network stream is copied to memory first; its size is then what was actually received.</summary>
    private static Stream Seekable(Stream s)
    {
        if (s.CanSeek) return s;
        var m = new MemoryStream();
        s.CopyTo(m);
        m.Position = 0;
        return m;
    }

    private static (WavInfo, long, long, long) ParseHeader(Stream s, string name)
    {
        long start = s.Position;
        long length = s.Length - start;   // every size below is checked against the bytes really present
        if (length < 12) throw Bad(name, $"too short to be a WAV file ({length} bytes)");
        Span<byte> h = stackalloc byte[40];
        ReadAt(s, start, h[..12], name);
        var magic = Encoding.ASCII.GetString(h[..4]);
        if (magic == "RIFX") throw Bad(name, "big-endian WAV (RIFX) is not supported");
        if (magic is not ("RIFF" or "RF64")) throw Bad(name, $"not a WAV file (it starts with {Printable(h[..4])}, not RIFF)");
        if (!h.Slice(8, 4).SequenceEqual("WAVE"u8)) throw Bad(name, $"a RIFF file of type {Printable(h.Slice(8, 4))}, not WAVE");

        Fmt? fmt = null;
        long dataOffset = -1, dataBytes = 0;
        long pos = 12;
        while (pos + 8 <= length)
        {
            ReadAt(s, start + pos, h[..8], name);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(h[4..8]);
            long body = pos + 8, available = length - body;
            if (h[..4].SequenceEqual("fmt "u8) && fmt is null)
            {
                if (size < 16) throw Bad(name, $"the fmt chunk is {size} bytes, a WAV format needs at least 16");
                if (size > available) throw Bad(name, $"the file is truncated inside the fmt chunk ({available} of {size} bytes present)");
                int n = (int)Math.Min(size, 40);
                ReadAt(s, start + body, h[..n], name);
                fmt = ParseFmt(h[..n], name);
                if (dataOffset >= 0) break;
            }
            else if (h[..4].SequenceEqual("data"u8) && dataOffset < 0)
            {
                dataOffset = body;
                // 0 and 0xFFFFFFFF are what streaming writers leave when they cannot seek back (and RF64's
                // placeholder); a size past the end is a truncated file. All three mean "to the end".
                dataBytes = size == 0 || size == uint.MaxValue || size > available ? available : size;
                if (fmt is not null) break;
            }
            pos = body + size + (size & 1);   // chunks are padded to an even size
        }
        if (fmt is null) throw Bad(name, dataOffset < 0 ? "no fmt chunk and no data chunk found" : "no fmt chunk found before the end of the file");
        if (dataOffset < 0) throw Bad(name, "no data chunk found");
        var f = fmt.Value;
        long frames = dataBytes / f.BlockAlign;
        var info = new WavInfo(f.Format, f.ValidBits, 8 * f.ContainerBytes, f.Channels, f.SampleRate, frames);
        return (info, start, dataOffset, dataBytes);
    }

    private readonly record struct Fmt(WavSampleFormat Format, int Channels, int SampleRate, int ContainerBytes, int ValidBits, int BlockAlign);

    private static Fmt ParseFmt(ReadOnlySpan<byte> b, string name)
    {
        int tag = BinaryPrimitives.ReadUInt16LittleEndian(b);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(b[2..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(b[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(b[14..]);
        int validBits = bits;
        if (tag == 0xFFFE)
        {
            if (b.Length < 40) throw Bad(name, $"WAVE_FORMAT_EXTENSIBLE needs a 40-byte fmt chunk, this one has {b.Length}");
            int valid = BinaryPrimitives.ReadUInt16LittleEndian(b[18..]);
            if (valid != 0) validBits = valid;
            if (!b.Slice(26, 14).SequenceEqual(GuidTail)) throw Bad(name, "WAVE_FORMAT_EXTENSIBLE with a sub-format GUID that is not a standard audio format");
            tag = BinaryPrimitives.ReadUInt16LittleEndian(b[24..]);
        }
        var format = tag switch
        {
            1 => WavSampleFormat.Pcm,
            3 => WavSampleFormat.Float,
            _ => throw Bad(name, $"unsupported sample format 0x{tag:X4}{TagName(tag)}; convert it to PCM or float WAV (e.g. with ffmpeg)"),
        };
        if (channels < 1 || channels > MaxChannels) throw Bad(name, $"{channels} channels (1 to {MaxChannels} are supported)");
        if (rate == 0 || rate > int.MaxValue) throw Bad(name, $"invalid sample rate {rate} Hz");
        if (bits == 0) throw Bad(name, "0 bits per sample");
        int container = (bits + 7) / 8;
        if (blockAlign == 0) blockAlign = channels * container;   // some writers leave it blank
        if (blockAlign != channels * container)
        {
            // The WAVE spec allows wider containers than the bits need (e.g. 20 bits in 3 bytes): trust
            // block align when it divides into equal, large-enough containers.
            if (blockAlign % channels != 0 || blockAlign / channels < container)
                throw Bad(name, $"block align {blockAlign} does not match {channels} channel(s) × {bits} bits");
            container = blockAlign / channels;
        }
        if (validBits > 8 * container) throw Bad(name, $"{validBits} valid bits do not fit in {8 * container}-bit samples");
        if (format == WavSampleFormat.Pcm && container > 4) throw Bad(name, $"{8 * container}-bit PCM is not supported (8, 16, 24 and 32 are)");
        if (format == WavSampleFormat.Float && (container != 4 && container != 8 || bits != 8 * container))
            throw Bad(name, $"{bits}-bit float samples are not supported (32 and 64 are)");
        return new Fmt(format, channels, (int)rate, container, validBits, blockAlign);
    }

    private static AudioClip Decode(Stream s, string name, WavInfo info, long dataStart)
    {
        int channels = info.Channels, bytes = info.ContainerBits / 8, blockAlign = channels * bytes;
        // the clip needs 4 bytes per sample and the file holds at least 1: memory stays within 4× the file
        if (info.Frames > int.MaxValue || info.Frames * channels > Array.MaxLength)
            throw Bad(name, $"{info.Frames} frames × {channels} channels is too long to load into memory at once");
        int frames = (int)info.Frames;
        var samples = new float[channels, frames];
        var buf = new byte[Math.Max(blockAlign, (int)Math.Min(65536L / blockAlign, frames) * blockAlign)];
        int framesPerBuf = buf.Length / blockAlign;
        s.Position = dataStart;
        bool isFloat = info.Format == WavSampleFormat.Float;
        for (int f0 = 0; f0 < frames; f0 += framesPerBuf)
        {
            int n = Math.Min(framesPerBuf, frames - f0);
            var span = buf.AsSpan(0, n * blockAlign);
            try { s.ReadExactly(span); }
            catch (EndOfStreamException e) { throw new AudioFormatException($"{name}: the file ended while reading samples", e); }
            int p = 0;
            for (int i = 0; i < n; i++)
                for (int c = 0; c < channels; c++, p += bytes)
                    samples[c, f0 + i] = isFloat ? FloatSample(span.Slice(p, bytes)) : PcmSample(span.Slice(p, bytes));
        }
        return new AudioClip(samples, info.SampleRate);
    }

    private static float FloatSample(ReadOnlySpan<byte> b) =>
        b.Length == 4 ? BinaryPrimitives.ReadSingleLittleEndian(b) : (float)BinaryPrimitives.ReadDoubleLittleEndian(b);

    /// <summary>Integer PCM scaled by its container's full scale (valid bits are left-justified, so this is exact).</summary>
    private static float PcmSample(ReadOnlySpan<byte> b) => b.Length switch
    {
        1 => (b[0] - 128) / 128f,                                                   // 8-bit WAV is unsigned
        2 => BinaryPrimitives.ReadInt16LittleEndian(b) / 32768f,
        3 => ((b[0] << 8 | b[1] << 16 | b[2] << 24) >> 8) / 8388608f,
        _ => (float)(BinaryPrimitives.ReadInt32LittleEndian(b) / 2147483648.0),
    };

    private static void ReadAt(Stream s, long offset, Span<byte> into, string name)
    {
        s.Position = offset;
        try { s.ReadExactly(into); }
        catch (EndOfStreamException e) { throw new AudioFormatException($"{name}: the file is truncated", e); }
    }

    private static AudioFormatException Bad(string name, string problem) => new($"{name}: {problem}");

    private static string Printable(ReadOnlySpan<byte> b)
    {
        var sb = new StringBuilder("'");
        foreach (var x in b) sb.Append(x is >= 32 and < 127 ? (char)x : '?');
        return sb.Append('\'').ToString();
    }

    private static string TagName(int tag) => tag switch
    {
        2 => " (Microsoft ADPCM)",
        6 => " (A-law)",
        7 => " (µ-law)",
        0x11 => " (IMA ADPCM)",
        0x55 => " (MP3 in WAV)",
        _ => "",
    };
}
