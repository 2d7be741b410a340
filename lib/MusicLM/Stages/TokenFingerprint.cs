using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MusicLM.Audio.Synthesis;
using MusicLM.Codec;
using MusicLM.MuLan;
using MusicLM.Semantic;
using MusicLM.Torch.nn;

namespace MusicLM.Stages;

/// <summary>
/// SHA-256 digests of what a token set depends on, one per part, so a stale cache can say which part changed:
/// each model's config (JSON) and state dict (names, dtypes, shapes and value bytes, in name order), and the clips
/// (seeds, length, rate, and the synthesizer's assembly version, since its output is what gets tokenized).
/// </summary>
internal sealed record TokenFingerprint(string Codec, string Semantic, string MuLan, string Clips)
{
    /// <summary>Bump when the tokens computed from the same inputs change (trimming, padding, layout).</summary>
    public const int ComputationVersion = 1;

    /// <summary>Hex characters kept of each digest: 64 bits, plenty to tell a handful of caches apart.</summary>
    private const int HexChars = 16;

    [JsonIgnore] public string Combined => Short(SHA256.HashData(Encoding.UTF8.GetBytes($"{Codec}|{Semantic}|{MuLan}|{Clips}")));

    public static TokenFingerprint Of(CodecModel codec, SemanticTokenizer semantic, MuLanModel mulan, IReadOnlyList<int> seeds, double clipSeconds, int sampleRate) =>
        new(OfModel(codec, JsonSerializer.Serialize(codec.Config)),
            OfModel(semantic, JsonSerializer.Serialize(semantic.Config)),
            OfModel(mulan, JsonSerializer.Serialize(mulan.Config)),
            OfClips(seeds, clipSeconds, sampleRate));

    /// <summary>The digest of a codec's config and weights (the codec part of <see cref="Of"/>).</summary>
    public static string OfCodec(CodecModel codec) => OfModel(codec, JsonSerializer.Serialize(codec.Config));

    /// <summary>The parts that differ from <paramref name="other"/>, in words ("the codec", "MuLan", ...).</summary>
    public IReadOnlyList<string> Differences(TokenFingerprint other)
    {
        var list = new List<string>();
        if (Codec != other.Codec) list.Add("the codec");
        if (Semantic != other.Semantic) list.Add("the semantic tokenizer");
        if (MuLan != other.MuLan) list.Add("MuLan");
        if (Clips != other.Clips) list.Add("the clips (seeds, length or synthesizer)");
        return list;
    }

    private static string OfModel(Module model, string configJson)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendString(hash, configJson);
        foreach (var (name, t) in model.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            AppendString(hash, name);
            AppendString(hash, t.dtype.ToString());
            AppendString(hash, string.Join(",", t.shape));
            hash.AppendData(t.ToBytes());                                 // row-major bytes, copied from any device or layout
        }
        return Short(hash.GetHashAndReset());
    }

    private static string OfClips(IReadOnlyList<int> seeds, double clipSeconds, int sampleRate)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var synthesizer = typeof(SyntheticMusic).Assembly.GetName().Version?.ToString() ?? "";
        AppendString(hash, $"v{ComputationVersion};synthesizer {synthesizer};{clipSeconds:R} s;{sampleRate} Hz;{seeds.Count} seeds");
        var bytes = new byte[4 * seeds.Count];
        for (var i = 0; i < seeds.Count; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), seeds[i]);
        hash.AppendData(bytes);
        return Short(hash.GetHashAndReset());
    }

    private static void AppendString(IncrementalHash hash, string s)
    {
        hash.AppendData(Encoding.UTF8.GetBytes(s));
        hash.AppendData(new byte[] { 0 });                                  // separator: "ab"+"c" ≠ "a"+"bc"
    }

    private static string Short(byte[] digest) => Convert.ToHexString(digest)[..HexChars].ToLowerInvariant();
}
