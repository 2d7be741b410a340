using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MusicLM.Torch;

namespace MusicLM.MuLan;

/// <summary>
/// A byte-pair-encoding tokenizer (Sennrich et al. 2016) learnt on captions: text is lower-cased and split into
/// words (runs of letters, runs of digits, single other characters), each word starts as characters (the first
/// marked "▁", as in SentencePiece, so word starts are tokens of their own) and the most frequent adjacent pair
/// is merged until <see cref="VocabSize"/> symbols exist. Encoding replays the merges in order, so an unseen
/// word falls back to smaller pieces and, at worst, characters; a character never seen in training becomes
/// <see cref="UnkId"/>. Nothing throws on unusual text except an empty caption.
/// <para>
/// Why our own rather than Microsoft.ML.Tokenizers (restore works): that package encodes with a given vocabulary
/// and merges but cannot learn them, so the merges would come from this code anyway; its pretrained vocabularies
/// (GPT, Llama) need data packages and spend most of their 50k–100k rows on words the captions never use.
/// </para>
/// </summary>
public sealed class CaptionTokenizer
{
    /// <summary>Id 0 pads a batch; padded positions are masked out of attention and pooling.</summary>
    public const int PadId = 0;
    /// <summary>Id 1 stands for a character never seen in training.</summary>
    public const int UnkId = 1;
    public const string Pad = "<pad>", Unk = "<unk>";
    /// <summary>Marks the first symbol of a word.</summary>
    public const char WordStart = '▁';

    private readonly List<string> tokens;
    private readonly Dictionary<string, int> ids;
    private readonly List<(string Left, string Right)> merges;
    private readonly Dictionary<(string, string), int> mergeRank;
    private readonly Dictionary<string, int[]> cache = new();

    private CaptionTokenizer(List<string> tokens, List<(string, string)> merges, int maxLength)
    {
        if (maxLength < 1) throw new ArgumentException($"maxLength must be at least 1, got {maxLength}", nameof(maxLength));
        if (tokens.Count < 2 || tokens[PadId] != Pad || tokens[UnkId] != Unk)
            throw new InvalidDataException($"a caption vocabulary starts with {Pad} and {Unk}");
        this.tokens = tokens;
        this.merges = merges;
        MaxLength = maxLength;
        ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
            if (!ids.TryAdd(tokens[i], i)) throw new InvalidDataException($"the caption vocabulary lists '{tokens[i]}' twice");
        mergeRank = new Dictionary<(string, string), int>();
        for (var r = 0; r < merges.Count; r++)
        {
            var (a, b) = merges[r];
            if (!ids.ContainsKey(a) || !ids.ContainsKey(b) || !ids.ContainsKey(a + b))
                throw new InvalidDataException($"merge {r} ('{a}' + '{b}') uses a symbol outside the vocabulary");
            mergeRank.TryAdd((a, b), r);
        }
    }

    /// <summary>Symbols in the vocabulary, special ones included.</summary>
    public int VocabSize => tokens.Count;
    /// <summary>Captions are truncated to this many tokens (the text tower's positions).</summary>
    public int MaxLength { get; }
    public IReadOnlyList<string> Tokens => tokens;
    public IReadOnlyList<(string Left, string Right)> Merges => merges;

    /// <summary>
    /// Learns a vocabulary of at most <paramref name="vocabSize"/> symbols from <paramref name="captions"/>:
    /// the characters seen, then merges by descending pair count (ties broken by ordinal order, so the
    /// result depends on the captions only). Stops early when no pair occurs twice.
    /// </summary>
    public static CaptionTokenizer Train(IEnumerable<string> captions, int vocabSize = 512, int maxLength = 64)
    {
        ArgumentNullException.ThrowIfNull(captions);
        var wordCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in captions)
            foreach (var w in Words(c ?? ""))
                wordCounts[w] = wordCounts.GetValueOrDefault(w) + 1;
        if (wordCounts.Count == 0) throw new ArgumentException("no words to learn a vocabulary from (every caption is empty)", nameof(captions));

        var words = wordCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (Symbols: Split(kv.Key), Count: kv.Value)).ToList();
        var tokens = new List<string> { Pad, Unk };
        tokens.AddRange(words.SelectMany(w => w.Symbols).Distinct().OrderBy(s => s, StringComparer.Ordinal));
        if (vocabSize < tokens.Count)
            throw new ArgumentException($"vocabSize {vocabSize} is smaller than the {tokens.Count} characters and special tokens the captions need", nameof(vocabSize));
        var merges = new List<(string, string)>();
        var known = new HashSet<string>(tokens, StringComparer.Ordinal);
        while (tokens.Count < vocabSize)
        {
            var pairs = new Dictionary<(string, string), int>();
            foreach (var (symbols, count) in words)
                for (var i = 0; i + 1 < symbols.Count; i++)
                    pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            if (pairs.Count == 0) break;
            var best = pairs.OrderByDescending(kv => kv.Value)
                .ThenBy(kv => kv.Key.Item1, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal).First();
            if (best.Value < 2) break;
            var (a, b) = best.Key;
            merges.Add((a, b));
            if (known.Add(a + b)) tokens.Add(a + b);
            foreach (var (symbols, _) in words) MergeInPlace(symbols, a, b);
        }
        return new CaptionTokenizer(tokens, merges, maxLength);
    }

    /// <summary>
    /// Token ids of a caption, at most <see cref="MaxLength"/> (longer captions are cut at the end; the words
    /// past the limit are never looked at, so a 10,000-word caption costs what a 64-token one does).
    /// </summary>
    /// <exception cref="ArgumentException">The caption is null, empty or only white space: there is nothing to embed.</exception>
    public int[] Encode(string caption)
    {
        if (string.IsNullOrWhiteSpace(caption)) throw new ArgumentException("the caption is empty: give some text to embed", nameof(caption));
        var result = new List<int>(MaxLength);
        foreach (var w in Words(caption))
        {
            foreach (var id in EncodeWord(w))
            {
                result.Add(id);
                if (result.Count == MaxLength) return result.ToArray();
            }
        }
        // Only characters the pre-tokenizer drops (white space, control characters): one unknown token.
        if (result.Count == 0) result.Add(UnkId);
        return result.ToArray();
    }

    /// <summary>The symbols of a caption's tokens, for display ("▁ja", "zz", "▁tune").</summary>
    public IReadOnlyList<string> Pieces(string caption) => Encode(caption).Select(i => tokens[i]).ToList();

    /// <summary>
    /// A batch of captions → ids (B, L) int64, right-padded with <see cref="PadId"/>, and a padding mask (B, L)
    /// bool, true at padding; L is the longest encoded caption.
    /// </summary>
    public (Tensor Ids, Tensor PaddingMask) Batch(IReadOnlyList<string> captions)
    {
        ArgumentNullException.ThrowIfNull(captions);
        if (captions.Count == 0) throw new ArgumentException("no captions", nameof(captions));
        var encoded = captions.Select(Encode).ToList();
        var len = encoded.Max(e => e.Length);
        var idData = new long[captions.Count * len];
        var maskData = new bool[captions.Count * len];
        for (var b = 0; b < encoded.Count; b++)
            for (var t = 0; t < len; t++)
            {
                if (t < encoded[b].Length) idData[b * len + t] = encoded[b][t];
                else maskData[b * len + t] = true;
            }
        return (torch.tensor(idData, captions.Count, len), torch.tensor(maskData, captions.Count, len));
    }

    // ---- persistence: the vocabulary travels with the model ----

    private sealed record FileFormat(
        [property: JsonPropertyName("format")] int Format,
        [property: JsonPropertyName("kind")] string Kind,
        [property: JsonPropertyName("max_length")] int MaxLength,
        [property: JsonPropertyName("tokens")] List<string> Tokens,
        [property: JsonPropertyName("merges")] List<string[]> Merges);

    private const string Kind = "musiclm.caption-bpe";

    public string ToJson() => JsonSerializer.Serialize(new FileFormat(1, Kind, MaxLength, tokens, merges.Select(m => new[] { m.Left, m.Right }).ToList()),
        new JsonSerializerOptions { WriteIndented = false });

    /// <summary>Reads <see cref="ToJson"/>'s output; anything else is an <see cref="InvalidDataException"/>.</summary>
    public static CaptionTokenizer FromJson(string json)
    {
        FileFormat? f;
        try { f = JsonSerializer.Deserialize<FileFormat>(json); }
        catch (JsonException ex) { throw new InvalidDataException($"not a caption vocabulary ({ex.Message})", ex); }
        if (f is null || f.Kind != Kind || f.Tokens is null || f.Merges is null) throw new InvalidDataException($"not a caption vocabulary (expected kind '{Kind}')");
        if (f.Format != 1) throw new InvalidDataException($"caption vocabulary format {f.Format} is not supported (this library reads 1)");
        if (f.Merges.Any(m => m is null || m.Length != 2)) throw new InvalidDataException("a merge of the caption vocabulary is not a pair");
        return new CaptionTokenizer(f.Tokens, f.Merges.Select(m => (m[0], m[1])).ToList(), f.MaxLength);
    }

    public void Save(string path) => File.WriteAllText(path, ToJson() + "\n", new UTF8Encoding(false));

    public static CaptionTokenizer Load(string path) => FromJson(File.ReadAllText(path));

    // ---- internals ----

    private int[] EncodeWord(string word)
    {
        if (cache.TryGetValue(word, out var hit)) return hit;
        var symbols = Split(word);
        while (symbols.Count > 1)
        {
            int bestAt = -1, bestRank = int.MaxValue;
            for (var i = 0; i + 1 < symbols.Count; i++)
                if (mergeRank.TryGetValue((symbols[i], symbols[i + 1]), out var r) && r < bestRank) (bestRank, bestAt) = (r, i);
            if (bestAt < 0) break;
            symbols[bestAt] += symbols[bestAt + 1];
            symbols.RemoveAt(bestAt + 1);
        }
        var result = symbols.Select(s => ids.TryGetValue(s, out var id) ? id : UnkId).ToArray();
        if (cache.Count < 100_000) cache[word] = result;
        return result;
    }

    private static void MergeInPlace(List<string> symbols, string a, string b)
    {
        for (var i = 0; i + 1 < symbols.Count; i++)
            if (symbols[i] == a && symbols[i + 1] == b)
            {
                symbols[i] = a + b;
                symbols.RemoveAt(i + 1);
            }
    }

    /// <summary>A word's characters (by text element, so a surrogate pair stays whole), the first marked as a word start.</summary>
    private static List<string> Split(string word)
    {
        var list = new List<string>();
        var e = System.Globalization.StringInfo.GetTextElementEnumerator(word);
        while (e.MoveNext()) list.Add(list.Count == 0 ? WordStart + (string)e.Current : (string)e.Current);
        return list;
    }

    /// <summary>Longer runs of letters or digits are split into words of this many characters.</summary>
    public const int MaxWordChars = 48;

    /// <summary>Lower-cased words: runs of letters, runs of digits, and single other visible characters.</summary>
    internal static IEnumerable<string> Words(string text)
    {
        var sb = new StringBuilder();
        var kind = 0;                                        // 1 letters, 2 digits
        foreach (var raw in text)
        {
            var ch = char.ToLowerInvariant(raw);
            var k = char.IsLetter(ch) || char.IsSurrogate(ch) ? 1 : char.IsDigit(ch) ? 2 : 0;
            if (k != kind && sb.Length > 0)
            {
                yield return sb.ToString();
                sb.Clear();
            }
            kind = k;
            if (k != 0)
            {
                sb.Append(ch);
                if (sb.Length == MaxWordChars)            // a pathological "word" is cut, keeping the merges cheap
                {
                    yield return sb.ToString();
                    sb.Clear();
                }
            }
            else if (!char.IsWhiteSpace(ch) && !char.IsControl(ch)) yield return ch.ToString();
        }
        if (sb.Length > 0) yield return sb.ToString();
    }
}
