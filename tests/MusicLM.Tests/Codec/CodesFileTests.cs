using System.Buffers.Binary;
using MusicLM.Codec;
using MusicLM.Torch;

namespace MusicLM.Tests.Codec;

public class CodesFileTests
{
    private static CodesFile Sample()
    {
        var codes = new short[3, 5];
        for (var q = 0; q < 3; q++) for (var t = 0; t < 5; t++) codes[q, t] = (short)((q * 7 + t * 3) % 256);
        return new CodesFile(codes, 16000, 320, 256, 1550, "course", CodesFile.HashOf(CodecConfig.Course));
    }

    private static byte[] Bytes(CodesFile f)
    {
        using var ms = new MemoryStream();
        f.Write(ms);
        return ms.ToArray();
    }

    [Fact]
    public void Write_then_read_gives_the_same_header_and_codes()
    {
        var f = Sample();
        var path = Path.Combine(Path.GetTempPath(), $"codes-{Guid.NewGuid():N}.codes");
        try
        {
            f.Write(path);
            var g = CodesFile.Read(path);
            Assert.Equal((16000, 320, 256, 1550L, 3, 5L, "course"), (g.SampleRate, g.HopLength, g.CodebookSize, g.OriginalSamples, g.Levels, g.Frames, g.CodecName));
            Assert.Equal(f.ConfigHash, g.ConfigHash);
            Assert.Equal(f.Codes, g.Codes);
            Assert.Equal(50.0, g.FrameRate);
            Assert.Equal(48 + BitConverter.ToInt32(File.ReadAllBytes(path), 44) + 2 * 15, new FileInfo(path).Length);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Layout_is_little_endian_and_level_major()
    {
        var b = Bytes(Sample());
        Assert.Equal("MLMCODES", System.Text.Encoding.ASCII.GetString(b, 0, 8));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8)));
        Assert.Equal(16000, BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(12)));
        Assert.Equal(5L, BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(28)));
        var n = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(44));
        Assert.Contains("\"codec\":\"course\"", System.Text.Encoding.UTF8.GetString(b, 48, n));
        // level 1, frame 2 is the 5 + 2 = 7th code: (7 + 6) % 256 = 13
        Assert.Equal(13, BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(48 + n + 2 * 7)));
    }

    [Fact]
    public void Tensor_round_trip_keeps_codes_and_shape()
    {
        using var scope = torch.NewDisposeScope();
        using var model = CodecModel.Course();
        var codes = torch.randint(0, 256, new long[] { 1, 4, 9 });
        var f = CodesFile.FromTensor(codes, model, 9 * 320 - 17);
        Assert.Equal("course", f.CodecName);
        f.CheckCompatible(model);
        var back = f.ToTensor();
        Assert.Equal(new long[] { 1, 4, 9 }, back.shape);
        Assert.Equal(ScalarType.Int64, back.dtype);
        Assert.Equal(0, back.ne(codes).sum().item());
        using var other = CodecModel.SoundStream();
        var e = Assert.Throws<ArgumentException>(() => f.CheckCompatible(other));
        Assert.Contains("sample rate", e.Message);
    }

    [Theory]
    [InlineData("magic", "does not start with \"MLMCODES\"")]
    [InlineData("version", "version 2 is not supported")]
    [InlineData("truncated", "truncated")]
    [InlineData("short", "too short")]
    [InlineData("code", "outside [0, 256)")]
    [InlineData("metadata", "metadata length")]
    [InlineData("json", "not a valid JSON")]
    [InlineData("levels", "levels (0)")]
    public void Malformed_files_give_clear_errors(string damage, string expected)
    {
        var b = Bytes(Sample());
        var n = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(44));
        switch (damage)
        {
            case "magic": b[0] = (byte)'X'; break;
            case "version": BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 2); break;
            case "truncated": b = b[..^3]; break;
            case "short": b = b[..20]; break;
            case "code": BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(48 + n + 4), 300); break;
            case "metadata": BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(44), 1 << 20); break;
            case "json": b[48] = (byte)'#'; break;
            case "levels": BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(20), 0); break;
        }
        var e = Assert.Throws<CodesFormatException>(() => CodesFile.Read(b, "bad.codes"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("bad.codes: ", e.Message);
    }
}
