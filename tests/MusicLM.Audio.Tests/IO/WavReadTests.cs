using System.Buffers.Binary;
using System.Text.Json;

namespace MusicLM.Audio.Tests.IO;

/// <summary>Files written by Python's <c>wave</c> module and libsndfile (via <c>soundfile</c>) in every format.</summary>
public sealed class ReferenceWavs : IDisposable
{
    public string Dir { get; } = Tools.TempDir("wavref-");

    // Each file is written by an independent implementation; soundfile's float32 reading of it is the expected value.
    private const string Script = """
        import json, os, struct, sys, wave
        import numpy as np, soundfile as sf
        d = sys.argv[1]
        rng = np.random.default_rng(0)
        def sig(n, ch):
            t = np.arange(n) / 8000
            x = np.stack([0.8 * np.sin(2 * np.pi * (220 + 110 * c) * t) for c in range(ch)], 1)
            x[:8] = rng.uniform(-1, 1, (8, ch)); x[8, 0] = -1.0
            return x
        def with_wave(name, width, ch, n=1001, rate=8000):
            x = sig(n, ch)
            if width == 1: raw = np.clip(np.round(x * 127 + 128), 0, 255).astype(np.uint8).tobytes()
            elif width == 3:
                v = np.clip(np.round(x * 8388607), -8388608, 8388607).astype(np.int32).reshape(-1)
                raw = b''.join(struct.pack('<i', int(s))[:3] for s in v)
            else:
                dt = {2: '<i2', 4: '<i4'}[width]; full = 2 ** (8 * width - 1)
                raw = np.clip(np.round(x * (full - 1)), -full, full - 1).astype(dt).tobytes()
            with wave.open(os.path.join(d, name), 'wb') as w:
                w.setnchannels(ch); w.setsampwidth(width); w.setframerate(rate); w.writeframes(raw)
        def with_sf(name, subtype, ch, fmt='WAV', n=777, rate=44100):
            sf.write(os.path.join(d, name), sig(n, ch), rate, subtype=subtype, format=fmt)
        with_wave('pcm8.wav', 1, 1)
        with_wave('pcm16.wav', 2, 2)
        with_wave('pcm24.wav', 3, 3)
        with_wave('pcm32.wav', 4, 1)
        with_wave('pcm16_64ch.wav', 2, 64, n=50)
        with_sf('float32.wav', 'FLOAT', 2)
        with_sf('float64.wav', 'DOUBLE', 1)
        with_sf('ext_pcm24_6ch.wav', 'PCM_24', 6, 'WAVEX')
        with_sf('ext_float_4ch.wav', 'FLOAT', 4, 'WAVEX')
        with_sf('ext_pcm16.wav', 'PCM_16', 2, 'WAVEX')
        # A LIST/INFO chunk and an odd-sized unknown chunk (with its pad byte) before the data.
        b = open(os.path.join(d, 'pcm16.wav'), 'rb').read()
        i = b.index(b'data')
        info = b'INFOINAM' + struct.pack('<I', 6) + b'Title\x00'
        odd = b'odd ' + struct.pack('<I', 5) + b'abcde' + b'\x00'
        fact = b'fact' + struct.pack('<I', 4) + struct.pack('<I', 1001)
        extra = b'LIST' + struct.pack('<I', len(info)) + info + odd + fact
        body = b[12:i] + extra + b[i:]
        open(os.path.join(d, 'chunks.wav'), 'wb').write(b'RIFF' + struct.pack('<I', 4 + len(body)) + b'WAVE' + body)
        # Streamed: RIFF and data sizes left as 0xFFFFFFFF / 0 by a writer that could not seek back.
        b = bytearray(open(os.path.join(d, 'pcm24.wav'), 'rb').read())
        b[4:8] = b'\xff\xff\xff\xff'; j = b.index(b'data'); b[j + 4:j + 8] = b'\xff\xff\xff\xff'
        open(os.path.join(d, 'streamed_ffff.wav'), 'wb').write(b)
        b[j + 4:j + 8] = b'\x00\x00\x00\x00'; b[4:8] = b'\x00\x00\x00\x00'
        open(os.path.join(d, 'streamed_zero.wav'), 'wb').write(b)
        meta = {}
        for f in sorted(os.listdir(d)):
            if not f.endswith('.wav'): continue
            # libsndfile reads a data size of 0 as empty; a streamed file holds the samples of its source
            src = {'streamed_ffff.wav': 'pcm24.wav', 'streamed_zero.wav': 'pcm24.wav'}.get(f, f)
            x, rate = sf.read(os.path.join(d, src), dtype='float32', always_2d=True)
            np.ascontiguousarray(x.T).astype('<f4').tofile(os.path.join(d, f + '.f32'))
            info = sf.info(os.path.join(d, f))
            meta[f] = {'rate': rate, 'channels': x.shape[1], 'frames': x.shape[0], 'subtype': info.subtype}
        json.dump(meta, open(os.path.join(d, 'meta.json'), 'w'))
        """;

    public ReferenceWavs() => Tools.Run(Tools.Python, "-c", Script, Dir);

    public sealed record Meta(int rate, int channels, int frames, string subtype);

    public Dictionary<string, Meta> Files =>
        JsonSerializer.Deserialize<Dictionary<string, Meta>>(File.ReadAllText(Path.Combine(Dir, "meta.json")))!;

    public float[] Expected(string name)
    {
        var b = File.ReadAllBytes(Path.Combine(Dir, name + ".f32"));
        var f = new float[b.Length / 4];
        Buffer.BlockCopy(b, 0, f, 0, b.Length);
        return f;
    }

    public void Dispose() => Directory.Delete(Dir, true);
}

public class WavReadTests(ReferenceWavs refs) : IClassFixture<ReferenceWavs>
{
    public static TheoryData<string, string, int> Cases => new()
    {
        { "pcm8.wav", "Pcm", 8 }, { "pcm16.wav", "Pcm", 16 }, { "pcm24.wav", "Pcm", 24 }, { "pcm32.wav", "Pcm", 32 },
        { "pcm16_64ch.wav", "Pcm", 16 }, { "float32.wav", "Float", 32 }, { "float64.wav", "Float", 64 },
        { "ext_pcm24_6ch.wav", "Pcm", 24 }, { "ext_float_4ch.wav", "Float", 32 }, { "ext_pcm16.wav", "Pcm", 16 },
        { "chunks.wav", "Pcm", 16 }, { "streamed_ffff.wav", "Pcm", 24 }, { "streamed_zero.wav", "Pcm", 24 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads_the_same_samples_as_libsndfile(string name, string format, int bits)
    {
        var meta = refs.Files[name];
        var path = Path.Combine(refs.Dir, name);
        var clip = WavFile.Read(path);
        Assert.Equal(meta.rate, clip.SampleRate);
        Assert.Equal(meta.channels, clip.Channels);
        Assert.Equal(meta.frames, clip.Frames);
        var want = refs.Expected(name);
        for (int c = 0; c < clip.Channels; c++)
            for (int i = 0; i < clip.Frames; i++)
                Assert.True(Math.Abs(want[c * clip.Frames + i] - clip.Samples[c, i]) <= 1e-7f,
                    $"{name} channel {c} frame {i}: libsndfile {want[c * clip.Frames + i]}, ours {clip.Samples[c, i]}");

        var info = WavFile.ReadInfo(path);
        Assert.Equal(Enum.Parse<WavSampleFormat>(format), info.Format);
        Assert.Equal(bits, info.Bits);
        Assert.Equal((meta.channels, meta.rate, (long)meta.frames), (info.Channels, info.SampleRate, info.Frames));
    }

    [Fact]
    public void Pcm8_is_unsigned_and_24_bit_is_sign_extended_at_full_scale()
    {
        var pcm8 = WavFile.Read(new MemoryStream(Wav(1, 8, 1, [0, 128, 255])));
        Assert.Equal(new[] { -1f, 0f, 127 / 128f }, pcm8.Channel(0));
        var pcm24 = WavFile.Read(new MemoryStream(Wav(1, 24, 1, [0x00, 0x00, 0x80, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF])));
        Assert.Equal(new[] { -1f, 8388607 / 8388608f, -1 / 8388608f }, pcm24.Channel(0));
    }

    /// <summary>A canonical WAV around raw sample bytes.</summary>
    internal static byte[] Wav(int tag, int bits, int channels, byte[] data, int rate = 8000)
    {
        var b = new byte[44 + data.Length];
        "RIFF"u8.CopyTo(b);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)(36 + data.Length));
        "WAVEfmt "u8.CopyTo(b.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(20), (ushort)tag);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(24), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(28), (uint)(rate * channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(32), (ushort)(channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(34), (ushort)bits);
        "data"u8.CopyTo(b.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(40), (uint)data.Length);
        data.CopyTo(b, 44);
        return b;
    }

    [Theory]
    [InlineData(WavEncoding.Pcm16, 2.0 / 32767)]   // written ×32767, read ÷32768
    [InlineData(WavEncoding.Float32, 0.0)]
    public void Round_trip_through_Write_keeps_the_samples(WavEncoding encoding, double tolerance)
    {
        var rng = new Random(1);
        var s = new float[3, 500];
        for (int c = 0; c < 3; c++) for (int i = 0; i < 500; i++) s[c, i] = (float)(rng.NextDouble() * 2 - 1);
        var clip = new AudioClip(s, 22050);
        using var ms = new MemoryStream();
        WavFile.Write(ms, clip, encoding);
        ms.Position = 0;
        var back = WavFile.Read(ms);
        Assert.Equal((3, 500, 22050), (back.Channels, back.Frames, back.SampleRate));
        for (int c = 0; c < 3; c++) for (int i = 0; i < 500; i++)
            Assert.True(Math.Abs(s[c, i] - back.Samples[c, i]) <= tolerance + 1e-7, $"{s[c, i]} vs {back.Samples[c, i]}");
    }

    [Fact]
    public void A_header_claiming_4_GB_in_a_small_file_reads_what_is_there_without_a_huge_allocation()
    {
        var b = File.ReadAllBytes(Path.Combine(refs.Dir, "pcm16.wav"));
        int j = IndexOf(b, "data"u8);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(j + 4), 0xFFFFFFF0);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 0xFFFFFFF8);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clip = WavFile.Read(new MemoryStream(b));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1001, clip.Frames);
        Assert.True(allocated < 8 * b.Length + 100_000, $"allocated {allocated} bytes for a {b.Length}-byte file");
    }

    [Theory]
    [InlineData("missing", "no such file")]
    [InlineData("empty", "too short")]
    [InlineData("text", "not a WAV file")]
    [InlineData("nodata", "no data chunk")]
    [InlineData("alaw", "unsupported sample format 0x0006")]
    [InlineData("channels0", "0 channels")]
    [InlineData("bits40", "40-bit PCM")]
    public void Every_problem_is_an_AudioFormatException_naming_the_file_and_the_problem(string kind, string message)
    {
        var dir = Tools.TempDir("wavbad-");
        try
        {
            var path = Path.Combine(dir, kind + ".wav");
            var good = File.ReadAllBytes(Path.Combine(refs.Dir, "pcm16.wav"));
            int fmt = IndexOf(good, "fmt "u8);
            byte[]? bytes = kind switch
            {
                "missing" => null,
                "empty" => [],
                "text" => "hello, this is not audio at all"u8.ToArray(),
                "nodata" => good[..IndexOf(good, "data"u8)],
                "alaw" => Patch(good, fmt + 8, 6),
                "channels0" => Patch(good, fmt + 10, 0),
                "bits40" => Patch(Patch(good, fmt + 22, 40), fmt + 20, 10),
                _ => throw new ArgumentException(kind),
            };
            if (bytes is not null) File.WriteAllBytes(path, bytes);
            var e = Assert.ThrowsAny<AudioFormatException>(() => WavFile.Read(path));
            Assert.Contains(path, e.Message);
            Assert.Contains(message, e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static byte[] Patch(byte[] b, int at, ushort v)
    {
        var c = (byte[])b.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(at), v);
        return c;
    }

    internal static int IndexOf(byte[] b, ReadOnlySpan<byte> what) => b.AsSpan().IndexOf(what);
}
