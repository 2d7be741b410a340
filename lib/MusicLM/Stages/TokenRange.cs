namespace MusicLM.Stages;

/// <summary>
/// One named block of a stage's vocabulary: ids [<see cref="Offset"/>, <see cref="End"/>) hold the codes
/// 0 … <see cref="Size"/>−1 of one stream (a MuLan level, the semantic tokens, one codec level) or a single
/// special token. Each stream gets its own block, so level 3's code 5 and level 1's code 5 are different ids.
/// </summary>
/// <param name="Name">The block's name, e.g. "cond 3", "semantic", "acoustic 2", "null".</param>
/// <param name="Offset">The id of code 0.</param>
/// <param name="Size">How many codes the block holds (1 for a special token).</param>
public sealed record TokenRange(string Name, long Offset, long Size)
{
    public string Name { get; init; } = string.IsNullOrWhiteSpace(Name) ? throw new ArgumentException("a token range needs a name", nameof(Name)) : Name;
    public long Offset { get; init; } = Offset >= 0 ? Offset : throw new ArgumentOutOfRangeException(nameof(Offset), Offset, $"the offset of range '{Name}' must be ≥ 0");
    public long Size { get; init; } = Size >= 1 ? Size : throw new ArgumentOutOfRangeException(nameof(Size), Size, $"range '{Name}' must hold at least one code");

    /// <summary>One past the last id.</summary>
    public long End => Offset + Size;

    /// <summary>Whether <paramref name="id"/> lies in this range.</summary>
    public bool Contains(long id) => id >= Offset && id < End;

    /// <summary>The code of vocabulary id <paramref name="id"/> (id − Offset); throws if the id is not in this range.</summary>
    public long Code(long id) => Contains(id) ? id - Offset
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"token {id} is not in range {this}");

    /// <summary>The vocabulary id of <paramref name="code"/>; throws unless 0 ≤ code &lt; Size.</summary>
    public long Id(long code) => code >= 0 && code < Size ? Offset + code
        : throw new ArgumentOutOfRangeException(nameof(code), code, $"code {code} does not fit range {this}: codes are 0…{Size - 1}");

    /// <summary>"acoustic 2 [780, 1036)".</summary>
    public override string ToString() => $"'{Name}' [{Offset}, {End})";
}
