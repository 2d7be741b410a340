namespace MusicLM.Stages;

/// <summary>
/// The ids one stage's transformer reads and writes: ordered, non-overlapping <see cref="TokenRange"/>s from 0 up,
/// one per stream (each MuLan level, the semantic tokens, each codec level), then one-token specials. Because
/// every stream and every special has its own ids, a special can never be mistaken for a code (in
/// lucidrains/audiolm-pytorch the coarse stage's end token is the next level's code 0).
/// <code>new Vocabulary([("semantic", 256)], "null")</code>
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The special token of an absent condition (classifier-free guidance trains with it).</summary>
    public const string NullName = "null";

    private readonly TokenRange[] ranges;
    private readonly Dictionary<string, TokenRange> byName = new(StringComparer.Ordinal);
    private readonly HashSet<string> specials = new(StringComparer.Ordinal);

    /// <summary>Code ranges in order (each of its size), then one id for each special.</summary>
    public Vocabulary(IEnumerable<(string Name, long Size)> codeRanges, params string[] specialTokens)
    {
        ArgumentNullException.ThrowIfNull(codeRanges);
        ArgumentNullException.ThrowIfNull(specialTokens);
        var list = new List<TokenRange>();
        long offset = 0;
        void Add(string name, long size)
        {
            var range = new TokenRange(name, offset, size);
            if (!byName.TryAdd(name, range)) throw new ArgumentException($"the vocabulary already has a range named '{name}'", nameof(codeRanges));
            list.Add(range);
            offset = range.End;
        }
        foreach (var (name, size) in codeRanges) Add(name, size);
        foreach (var name in specialTokens)
        {
            Add(name, 1);
            specials.Add(name);
        }
        if (list.Count == 0) throw new ArgumentException("a vocabulary needs at least one range", nameof(codeRanges));
        ranges = list.ToArray();
    }

    /// <summary>Number of ids: the embedding table's and the output head's size.</summary>
    public long Size => ranges[^1].End;

    /// <summary>All ranges, by increasing offset; together they cover [0, <see cref="Size"/>).</summary>
    public IReadOnlyList<TokenRange> Ranges => ranges;

    /// <summary>The one-token special ranges.</summary>
    public IReadOnlyList<TokenRange> Specials => ranges.Where(r => specials.Contains(r.Name)).ToArray();

    /// <summary>The range named <paramref name="name"/>.</summary>
    public TokenRange Range(string name) => byName.TryGetValue(name, out var r) ? r
        : throw new ArgumentException($"no range '{name}' in this vocabulary; it has {string.Join(", ", ranges.Select(x => x.Name))}", nameof(name));

    /// <summary>Whether <paramref name="range"/> is a one-token special rather than a block of codes.</summary>
    public bool IsSpecial(TokenRange range) => specials.Contains(range.Name) && byName.TryGetValue(range.Name, out var r) && r == range;

    /// <summary>The id of the "null" conditioning token.</summary>
    public long Null => byName.TryGetValue(NullName, out var r) && specials.Contains(NullName) ? r.Offset
        : throw new InvalidOperationException("this vocabulary has no \"null\" special token");

    /// <summary>The range holding <paramref name="id"/>.</summary>
    public TokenRange RangeOf(long id)
    {
        if (id < 0 || id >= Size) throw new ArgumentOutOfRangeException(nameof(id), id, $"token {id} is outside the vocabulary [0, {Size})");
        // Binary search over offsets: ranges are sorted and contiguous.
        int lo = 0, hi = ranges.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (ranges[mid].Offset <= id) lo = mid; else hi = mid - 1;
        }
        return ranges[lo];
    }

    /// <summary>"acoustic 2 · 17" for a code, "null" for a special, "token 9999 (outside [0, 1805))" otherwise.</summary>
    public string NameOf(long id)
    {
        if (id < 0 || id >= Size) return $"token {id} (outside [0, {Size}))";
        var r = RangeOf(id);
        return specials.Contains(r.Name) ? r.Name : $"{r.Name} · {r.Code(id)}";
    }

    /// <summary>"Vocabulary of 1037: cond 1 [0, 64) … acoustic 3 [1036, 1292), null [1292]".</summary>
    public override string ToString()
    {
        var parts = ranges.Select(r => specials.Contains(r.Name) ? $"{r.Name} [{r.Offset}]" : $"{r.Name} [{r.Offset}, {r.End})").ToArray();
        var shown = parts.Length <= 6 ? parts : parts.Take(3).Append("…").Concat(parts.TakeLast(3)).ToArray();
        return $"Vocabulary of {Size}: {string.Join(", ", shown)}";
    }
}
