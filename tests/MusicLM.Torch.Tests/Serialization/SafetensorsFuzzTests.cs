using System.Text;
using MusicLM.Torch.Serialization;

namespace MusicLM.Torch.Tests.Serialization;

/// <summary>
/// Hostile and damaged files: the reader may only succeed or throw <see cref="CheckpointFormatException"/>,
/// and may never allocate much more than the file's own size.
/// </summary>
public class SafetensorsFuzzTests
{
    private static byte[] ValidFile(string dir)
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(dir, "valid.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor>
        {
            ["w"] = torch.randn(3, 4),
            ["b"] = torch.tensor(new long[] { 1, 2, 3 }),
            ["h"] = torch.ones(new long[] { 2 }, ScalarType.Float16),
            ["s"] = torch.tensor(1.0),
            ["e"] = torch.zeros(new long[] { 0, 5 }, ScalarType.Int8),
            ["m"] = torch.tensor(new bool[] { true, false, true }),
        }, new Dictionary<string, string> { ["k"] = "v" });
        return File.ReadAllBytes(path);
    }

    /// <summary>Loads <paramref name="bytes"/>; returns whether it was rejected. Any other exception fails the test.</summary>
    private static bool Attempt(string path, byte[] bytes, string what)
    {
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool rejected;
        try
        {
            using var f = Safetensors.Load(path);
            rejected = false;
        }
        catch (CheckpointFormatException e)
        {
            Assert.Contains(path, e.Message);
            rejected = true;
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what}: {e.GetType().Name} instead of CheckpointFormatException: {e}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 16L * bytes.Length + (256 << 10), $"{what}: allocated {allocated} bytes reading a {bytes.Length}-byte file");
        return rejected;
    }

    [Fact]
    public void Random_byte_flips_either_load_or_give_a_format_error()
    {
        using var dir = new TempDir();
        var valid = ValidFile(dir.Path);
        var path = dir.File("fuzz.safetensors");
        var rng = new Random(12345);
        int rejected = 0;
        for (int i = 0; i < 200; i++)
        {
            var b = (byte[])valid.Clone();
            int flips = 1 + rng.Next(6);
            // Half the cases hit the header (where it matters), the rest anywhere.
            int end = i % 2 == 0 ? Math.Min(b.Length, 8 + BitConverter.ToInt32(b, 0)) : b.Length;
            for (int k = 0; k < flips; k++) b[rng.Next(end)] = (byte)rng.Next(256);
            if (Attempt(path, b, $"flip case {i}")) rejected++;
        }
        Assert.True(rejected > 50, $"only {rejected} of 200 damaged files were rejected");
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        using var dir = new TempDir();
        var valid = ValidFile(dir.Path);
        var path = dir.File("trunc.safetensors");
        for (int n = 0; n < valid.Length; n++)
            Assert.True(Attempt(path, valid[..n], $"truncated to {n}"), $"truncated to {n} bytes of {valid.Length} was accepted");
        // Extra bytes after the last tensor are rejected too, as by the Python library.
        Assert.True(Attempt(path, valid.Concat(new byte[] { 0 }).ToArray(), "one trailing byte"));
    }

    [Theory]
    [InlineData(1UL << 62)]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    [InlineData(100_000_001UL)]
    [InlineData(9_000_000_000_000_000_000UL)]
    [InlineData(0x7FFF_FFFF_FFFF_FFF8UL)]
    public void Huge_header_lengths_are_rejected_before_allocating(ulong length)
    {
        using var dir = new TempDir();
        var bytes = SafetensorsTests.Build("{}", 0, length);
        Assert.True(Attempt(dir.File("huge.safetensors"), bytes, $"header length {length}"));
    }

    public static TheoryData<string, int> HostileHeaders() => new()
    {
        { "", 0 },
        { "   ", 0 },
        { "{", 0 },
        { "[]", 0 },
        { "null", 0 },
        { "\"text\"", 0 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} trailing", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,0]}}", 0 },
        { "{\"a\":{\"dtype\":\"F64\",\"shape\":[2305843009213693952],\"data_offsets\":[0,0]}}", 0 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551615]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8 },
        { "{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8 },
        { "{\"a\":{\"dtype\":\"float32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4 },
        { "{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4 },
        { "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4 },
        { "{\"a\":[1,2,3]}", 0 },
        { "{\"__metadata__\":{\"k\":1}}", 0 },
        { "{\"__metadata__\":[\"k\"]}", 0 },
        { "{\"__metadata__\":{\"k\":\"v\"},\"__metadata__\":{}}", 0 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 0 },
        { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 5 },
        { "{\"a\":" + new string('[', 200) + new string(']', 200) + "}", 0 },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void Hostile_headers_are_rejected(string json, int dataBytes)
    {
        using var dir = new TempDir();
        Assert.True(Attempt(dir.File("hostile.safetensors"), SafetensorsTests.Build(json, dataBytes), json));
    }

    [Fact]
    public void Invalid_utf8_in_the_header_is_rejected()
    {
        using var dir = new TempDir();
        var b = SafetensorsTests.Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        b[10] = 0xFF; // inside the name "a"
        Assert.True(Attempt(dir.File("utf8.safetensors"), b, "invalid utf-8"));
    }

    [Fact]
    public void An_empty_tensor_with_a_huge_dimension_is_valid()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.safetensors");
        Assert.False(Attempt(path, SafetensorsTests.Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[0,4611686018427387904],\"data_offsets\":[0,0]}}", 0), "empty"));
    }

    [Fact]
    public void Random_headers_built_from_fragments_only_give_format_errors()
    {
        using var dir = new TempDir();
        var path = dir.File("gen.safetensors");
        var rng = new Random(7);
        string[] dtypes = { "F32", "F16", "I64", "BOOL", "U8", "X", "" };
        long[] numbers = { 0, 1, 2, 3, 4, 8, -1, long.MaxValue, long.MinValue, 1L << 62, 1L << 32, 4096 };
        for (int i = 0; i < 120; i++)
        {
            var sb = new StringBuilder("{");
            int n = rng.Next(4);
            for (int k = 0; k < n; k++)
            {
                if (k > 0) sb.Append(',');
                var shape = string.Join(",", Enumerable.Range(0, rng.Next(4)).Select(_ => numbers[rng.Next(numbers.Length)]));
                sb.Append($"\"t{k}\":{{\"dtype\":\"{dtypes[rng.Next(dtypes.Length)]}\",\"shape\":[{shape}],\"data_offsets\":[{numbers[rng.Next(numbers.Length)]},{numbers[rng.Next(numbers.Length)]}]}}");
            }
            sb.Append('}');
            Attempt(path, SafetensorsTests.Build(sb.ToString(), rng.Next(64)), sb.ToString());
        }
    }
}
