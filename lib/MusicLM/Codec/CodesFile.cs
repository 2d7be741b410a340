using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MusicLM.Torch;

namespace MusicLM.Codec;

/// <summary>
/// Codec codes on disk (<c>.codes</c>): a small header and int16 codes, so tokens can be stored, inspected and
/// decoded later (<c>musiclm codec encode | decode</c>). All integers little-endian:
/// <code>
/// offset  size  field
///  0       8    magic "MLMCODES" (ASCII)
///  8       4    uint32 format version (1)
/// 12       4    int32  sample rate of the audio, Hz
/// 16       4    int32  hop: samples per frame (frame rate = sample rate / hop)
/// 20       4    int32  Q, levels stored
/// 24       4    int32  K, codebook size (codes lie in [0, K), K ≤ 32768)
/// 28       8    int64  T, frames
/// 36       8    int64  original length of the audio in samples (decoded audio is cut to it)
/// 44       4    int32  N, length of the JSON metadata in bytes
/// 48       N    UTF-8 JSON: {"codec": preset name or "custom", "config_sha256": hash of the codec config, "channels": 1}
/// 48 + N   2·Q·T int16 codes, level-major: level 0's T codes, then level 1's, … (one item, B = 1)
/// </code>
/// Nothing follows the codes. The config hash ties the codes to a codec architecture (not to its weights).
/// </summary>
public sealed class CodesFile
{
    public const string Magic = "MLMCODES";
    public const uint Version = 1;
    private const int HeaderBytes = 48;

    public CodesFile(short[,] codes, int sampleRate, int hopLength, int codebookSize, long originalSamples, string codecName, string configHash)
    {
        if (codes.GetLength(0) < 1 || codes.GetLength(1) < 1) throw new ArgumentException("codes need at least one level and one frame", nameof(codes));
        if (sampleRate < 1 || hopLength < 1) throw new ArgumentException("sample rate and hop must be positive");
        if (codebookSize is < 2 or > 32768) throw new ArgumentException($"the codebook size must be in [2, 32768] to fit int16 codes, got {codebookSize}", nameof(codebookSize));
        if (originalSamples < 0) throw new ArgumentException("the original length must be ≥ 0", nameof(originalSamples));
        foreach (var c in codes)
            if (c < 0 || c >= codebookSize) throw new ArgumentException($"code {c} is outside [0, {codebookSize})", nameof(codes));
        (Codes, SampleRate, HopLength, CodebookSize, OriginalSamples, CodecName, ConfigHash) = (codes, sampleRate, hopLength, codebookSize, originalSamples, codecName, configHash);
    }

    /// <summary>The codes (Q, T).</summary>
    public short[,] Codes { get; }
    public int SampleRate { get; }
    public int HopLength { get; }
    public int CodebookSize { get; }
    public long OriginalSamples { get; }
    public string CodecName { get; }
    public string ConfigHash { get; }
    public int Levels => Codes.GetLength(0);
    public long Frames => Codes.GetLength(1);
    public double FrameRate => (double)SampleRate / HopLength;
    public double DurationSeconds => (double)OriginalSamples / SampleRate;

    /// <summary>Codes (1, Q, T) of <paramref name="model"/> for audio of <paramref name="originalSamples"/> samples.</summary>
    public static CodesFile FromTensor(Tensor codes, CodecModel model, long originalSamples)
    {
        if (codes.dim() != 3 || codes.size(0) != 1)
            throw new ArgumentException($"codes must be (1, Q, T), got [{string.Join(", ", codes.shape)}]", nameof(codes));
        long q = codes.size(1), t = codes.size(2);
        using var i16 = codes.to(ScalarType.Int16);
        var flat = i16.ToArray<short>();
        var grid = new short[q, t];
        Buffer.BlockCopy(flat, 0, grid, 0, flat.Length * sizeof(short));
        return new CodesFile(grid, model.SampleRate, model.HopLength, model.CodebookSize, originalSamples, NameOf(model.Config), HashOf(model.Config));
    }

    /// <summary>The codes as an int64 tensor (1, Q, T), ready for <see cref="CodecModel.Decode"/>.</summary>
    public Tensor ToTensor()
    {
        var flat = new short[Codes.Length];
        Buffer.BlockCopy(Codes, 0, flat, 0, flat.Length * sizeof(short));
        using var t = torch.tensor(flat);
        using var wide = t.to(ScalarType.Int64);
        return wide.view(1, Levels, Frames);
    }

    /// <summary>Throws when these codes were not made by a codec like <paramref name="model"/> (rate, hop, K, levels, config).</summary>
    public void CheckCompatible(CodecModel model)
    {
        var problems = new List<string>();
        if (SampleRate != model.SampleRate) problems.Add($"sample rate {SampleRate} Hz vs the codec's {model.SampleRate} Hz");
        if (HopLength != model.HopLength) problems.Add($"hop {HopLength} vs {model.HopLength}");
        if (CodebookSize != model.CodebookSize) problems.Add($"codebook size {CodebookSize} vs {model.CodebookSize}");
        if (Levels > model.Levels) problems.Add($"{Levels} levels but the codec has {model.Levels}");
        if (ConfigHash != HashOf(model.Config)) problems.Add($"codec config {CodecName} ({ConfigHash}) vs {NameOf(model.Config)} ({HashOf(model.Config)})");
        if (problems.Count > 0) throw new ArgumentException($"these codes do not belong to this codec: {string.Join("; ", problems)}");
    }

    /// <summary>SHA-256 (hex, first 16 characters) of the codec config's JSON.</summary>
    public static string HashOf(CodecConfig config)
    {
        var json = JsonSerializer.Serialize(config);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }

    /// <summary>"course", "soundstream", "encodec24k" or "custom".</summary>
    public static string NameOf(CodecConfig config)
    {
        var h = HashOf(config);
        if (h == HashOf(CodecConfig.Course)) return "course";
        if (h == HashOf(CodecConfig.SoundStream)) return "soundstream";
        if (h == HashOf(CodecConfig.Encodec24k)) return "encodec24k";
        return "custom";
    }

    public void Write(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var tmp = path + ".tmp";
        using (var s = File.Create(tmp)) Write(s);
        File.Move(tmp, path, overwrite: true);
    }

    public void Write(Stream stream)
    {
        var meta = Encoding.UTF8.GetBytes(new JsonObject { ["codec"] = CodecName, ["config_sha256"] = ConfigHash, ["channels"] = 1 }.ToJsonString());
        var header = new byte[HeaderBytes];
        Encoding.ASCII.GetBytes(Magic).CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), HopLength);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(20), Levels);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), CodebookSize);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(28), Frames);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(36), OriginalSamples);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(44), meta.Length);
        stream.Write(header);
        stream.Write(meta);
        var body = new byte[Codes.Length * 2];
        var i = 0;
        foreach (var c in Codes) { BinaryPrimitives.WriteInt16LittleEndian(body.AsSpan(i), c); i += 2; }
        stream.Write(body);
    }

    public static CodesFile Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"codes file not found: {path}", path);
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses a whole <c>.codes</c> file; <paramref name="name"/> names it in errors.</summary>
    public static CodesFile Read(byte[] bytes, string name = "<codes>")
    {
        CodesFormatException Bad(string message) => new(name, message);
        if (bytes.Length < HeaderBytes) throw Bad($"too short for a codes file ({bytes.Length} bytes; the header alone is {HeaderBytes})");
        if (Encoding.ASCII.GetString(bytes, 0, 8) != Magic) throw Bad($"not a codes file (it does not start with \"{Magic}\")");
        var span = bytes.AsSpan();
        var version = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        if (version != Version) throw Bad($"format version {version} is not supported (this library reads version {Version})");
        int sr = BinaryPrimitives.ReadInt32LittleEndian(span[12..]), hop = BinaryPrimitives.ReadInt32LittleEndian(span[16..]);
        int q = BinaryPrimitives.ReadInt32LittleEndian(span[20..]), k = BinaryPrimitives.ReadInt32LittleEndian(span[24..]);
        long t = BinaryPrimitives.ReadInt64LittleEndian(span[28..]), original = BinaryPrimitives.ReadInt64LittleEndian(span[36..]);
        int n = BinaryPrimitives.ReadInt32LittleEndian(span[44..]);
        if (sr < 1 || hop < 1) throw Bad($"sample rate ({sr}) and hop ({hop}) must be positive");
        if (q < 1 || t < 1) throw Bad($"levels ({q}) and frames ({t}) must be positive");
        if (k is < 2 or > 32768) throw Bad($"codebook size {k} is outside [2, 32768]");
        if (original < 0) throw Bad($"original length {original} is negative");
        if (n < 0 || HeaderBytes + (long)n > bytes.Length) throw Bad($"metadata length {n} runs past the end of the file ({bytes.Length} bytes)");
        var expected = HeaderBytes + (long)n + 2L * q * t;
        if (bytes.Length != expected)
            throw Bad($"the header promises {q} levels × {t} frames ({expected} bytes in all) but the file has {bytes.Length} bytes" + (bytes.Length < expected ? " (truncated?)" : ""));
        string codec, hash;
        try
        {
            var meta = JsonNode.Parse(Encoding.UTF8.GetString(bytes, HeaderBytes, n)) as JsonObject ?? throw new JsonException("not an object");
            codec = meta["codec"]?.GetValue<string>() ?? "custom";
            hash = meta["config_sha256"]?.GetValue<string>() ?? "";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw Bad($"the metadata is not a valid JSON object ({ex.Message})");
        }
        var codes = new short[q, t];
        var offset = HeaderBytes + n;
        for (var l = 0; l < q; l++)
            for (long f = 0; f < t; f++, offset += 2)
            {
                var c = BinaryPrimitives.ReadInt16LittleEndian(span[offset..]);
                if (c < 0 || c >= k) throw Bad($"code {c} at level {l}, frame {f} is outside [0, {k})");
                codes[l, f] = c;
            }
        return new CodesFile(codes, sr, hop, k, original, codec, hash);
    }
}
