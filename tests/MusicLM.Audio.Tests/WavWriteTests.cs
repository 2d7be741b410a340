using System.Buffers.Binary;

namespace MusicLM.Audio.Tests;

public class WavWriteTests
{
    [Fact]
    public void Pcm16_stereo_has_a_canonical_header_and_interleaved_clipped_samples()
    {
        var clip = new AudioClip(new float[,] { { 0f, 0.5f, 2f }, { -1f, -0.25f, float.NaN } }, 8000);
        using var ms = new MemoryStream();
        WavFile.Write(ms, clip);
        var b = ms.ToArray();
        Assert.Equal(44 + 3 * 2 * 2, b.Length);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(b, 0, 4));
        Assert.Equal((uint)(b.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(20)));       // PCM
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(22)));       // channels
        Assert.Equal(8000u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(24)));
        Assert.Equal(32000u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(28)));  // byte rate
        short S(int i) => BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(44 + 2 * i));
        Assert.Equal(new short[] { 0, -32767, 16384, -8192, 32767, 0 }, Enumerable.Range(0, 6).Select(S).ToArray());
    }

    [Fact]
    public void Float32_keeps_values_exactly_and_writing_is_atomic()
    {
        var dir = Directory.CreateTempSubdirectory("wav-").FullName;
        try
        {
            var path = Path.Combine(dir, "a.wav");
            WavFile.Write(path, new AudioClip(new[] { 0.1f, -0.7f }, 22050), WavEncoding.Float32);
            var b = File.ReadAllBytes(path);
            Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(20)));
            Assert.Equal(0.1f, BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(44)));
            Assert.Equal(-0.7f, BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(48)));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }
}
