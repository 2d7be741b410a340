using System.Buffers.Binary;
using System.Diagnostics;
using Xunit.Abstractions;

namespace MusicLM.Audio.Tests.IO;

public class WavFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 12_000;

    [Fact]
    public void Ten_thousand_mutated_wavs_give_only_AudioFormatException_in_bounded_time_and_memory()
    {
        var seeds = Seeds();
        var rng = new Random(20240601);
        int ok = 0, rejected = 0;
        var slowest = TimeSpan.Zero;
        var messages = new HashSet<string>();
        var run = Task.Run(() =>
        {
            for (int n = 0; n < Cases; n++)
            {
                var bytes = Mutate(seeds[n % seeds.Length], rng);
                var sw = Stopwatch.StartNew();
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    var clip = WavFile.Read(new MemoryStream(bytes, writable: false));
                    Assert.True(clip.Channels is >= 1 and <= 64);
                    ok++;
                }
                catch (AudioFormatException e)
                {
                    Assert.StartsWith("WAV stream: ", e.Message);
                    messages.Add(e.Message.Split(' ').Take(5).Aggregate((a, b) => a + " " + b));
                    rejected++;
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"case {n}: {e.GetType().Name}: {e.Message}\n{Convert.ToHexString(bytes.AsSpan(0, Math.Min(96, bytes.Length)))}", e);
                }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated <= 8L * bytes.Length + 256_000, $"case {n}: {allocated} bytes allocated for a {bytes.Length}-byte file");
                if (sw.Elapsed > slowest) slowest = sw.Elapsed;
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"case {n} took {sw.Elapsed}");
            }
        });
        // A bounded wait on purpose: a hang must fail the test, not block the run.
#pragma warning disable xUnit1031
        Assert.True(run.Wait(TimeSpan.FromSeconds(60)), "the fuzz run hung");
#pragma warning restore xUnit1031
        output.WriteLine($"{Cases} cases: {ok} read, {rejected} rejected with AudioFormatException; slowest {slowest.TotalMilliseconds:F1} ms; {messages.Count} distinct message openings");
        Assert.Equal(Cases, ok + rejected);
        Assert.True(ok > Cases / 20 && rejected > Cases / 20, "the mutations should produce both readable and broken files");
    }

    /// <summary>Valid files in every layout the reader supports.</summary>
    private static byte[][] Seeds()
    {
        byte[] Data(int bytes) { var d = new byte[bytes]; new Random(bytes).NextBytes(d); return d; }
        var list = new List<byte[]>
        {
            WavReadTests.Wav(1, 8, 1, Data(300)),
            WavReadTests.Wav(1, 16, 2, Data(400)),
            WavReadTests.Wav(1, 24, 3, Data(27 * 10)),
            WavReadTests.Wav(1, 32, 1, Data(256)),
            WavReadTests.Wav(3, 32, 2, Floats(64)),
            WavReadTests.Wav(3, 64, 1, Doubles(40)),
            Extensible(1, 24, 20, 6, Data(18 * 12)),
            Extensible(3, 32, 32, 2, Floats(32)),
        };
        // LIST and odd-sized chunks before the data, and a trailing chunk after it
        var withChunks = WavReadTests.Wav(1, 16, 2, Data(200));
        var extra = Chunk("LIST", "INFOINAM\u0005\0\0\0Title\0"u8.ToArray()).Concat(Chunk("odd ", [1, 2, 3])).Concat(Chunk("fact", [1, 0, 0, 0])).ToArray();
        list.Add(Splice(withChunks, 36, extra).Concat(Chunk("cue ", new byte[24])).ToArray());
        return list.ToArray();
    }

    private static byte[] Mutate(byte[] seed, Random rng)
    {
        var b = (byte[])seed.Clone();
        int kinds = 1 + rng.Next(3);
        for (int k = 0; k < kinds; k++)
        {
            switch (rng.Next(12))
            {
                case 0: for (int i = rng.Next(1, 8); i > 0; i--) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8)); break;   // bit flips
                case 1: b = b[..rng.Next(b.Length)]; break;                                                                   // truncation
                case 2: SetChunkSize(b, rng, [0u, 1u, 3u, 0xFFFFFFFFu, 0x7FFFFFFFu, 0xFFFFFFF0u, (uint)rng.Next(), (uint)rng.Next(1, 100) | 1]); break;
                case 3: Field(b, 22, rng, [0, 65535, 65, 64, 2, (ushort)rng.Next(1, 70)]); break;                             // channels
                case 4: Field(b, 34, rng, [0, 7, 40, 12, 20, 64, 8, (ushort)rng.Next(65536)]); break;                        // bits
                case 5: Field(b, 32, rng, [0, 1, 3, 5, 7, 65535, (ushort)rng.Next(65536)]); break;                           // block align
                case 6: Field(b, 20, rng, [0, 2, 6, 0xFFFE, 0x55, 3, 1]); break;                                              // format tag
                case 7: if (b.Length > 44) b = Splice(b, 12, b[12..36]); break;                                               // duplicated fmt chunk
                case 8: if (b.Length > 44) b = b[..12].Concat(b[36..]).ToArray(); break;                                      // missing fmt chunk
                case 9: if (b.Length >= 44) b = b[..36].Concat(b[36..44]).Concat(b[36..]).ToArray(); break;                  // duplicated data header
                case 10: if (b.Length > 8) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)rng.Next()); break;   // RIFF size
                default: if (b.Length > 4) b[rng.Next(4, b.Length)] = (byte)rng.Next(256); break;                            // random byte
            }
        }
        return b;
    }

    private static void SetChunkSize(byte[] b, Random rng, uint[] values)
    {
        // the size fields of the first chunks: fmt (16), and the next two headers after it
        int[] at = [16, 40, b.Length > 44 ? 36 + 8 + (int)Math.Min((uint)b.Length, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(40 % Math.Max(1, b.Length - 4)))) : 40];
        int p = at[rng.Next(at.Length)];
        if (p + 4 <= b.Length) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(p), values[rng.Next(values.Length)]);
    }

    private static void Field(byte[] b, int at, Random rng, ushort[] values)
    {
        if (at + 2 <= b.Length) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), values[rng.Next(values.Length)]);
    }

    private static byte[] Chunk(string id, byte[] body)
    {
        var c = new byte[8 + body.Length + (body.Length & 1)];
        System.Text.Encoding.ASCII.GetBytes(id).CopyTo(c, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(4), (uint)body.Length);
        body.CopyTo(c, 8);
        return c;
    }

    private static byte[] Splice(byte[] b, int at, byte[] insert) => b[..at].Concat(insert).Concat(b[at..]).ToArray();

    private static byte[] Extensible(int subTag, int containerBits, int validBits, int channels, byte[] data)
    {
        var fmt = new byte[40];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), 48000);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(48000 * channels * containerBits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)(channels * containerBits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)containerBits);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), (ushort)validBits);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), (1u << channels) - 1);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), (ushort)subTag);
        new byte[] { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 }.CopyTo(fmt, 26);
        var body = "WAVE"u8.ToArray().Concat(Chunk("fmt ", fmt)).Concat(Chunk("data", data)).ToArray();
        return "RIFF"u8.ToArray().Concat(BitConverter.GetBytes((uint)body.Length)).Concat(body).ToArray();
    }

    private static byte[] Floats(int n) => Enumerable.Range(0, n).SelectMany(i => BitConverter.GetBytes(MathF.Sin(i * 0.3f))).ToArray();
    private static byte[] Doubles(int n) => Enumerable.Range(0, n).SelectMany(i => BitConverter.GetBytes(Math.Sin(i * 0.3))).ToArray();
}
