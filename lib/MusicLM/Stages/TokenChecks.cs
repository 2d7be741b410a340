namespace MusicLM.Stages;

/// <summary>
/// Checks token streams before a layout reads them, so a wrong cache or a mismatched model fails with a message
/// naming the stream, the index and what was allowed, rather than as a silently wrong training sequence.
/// Wrong counts throw <see cref="ArgumentException"/> ("wrong number of levels"), codes outside their codebook
/// <see cref="ArgumentOutOfRangeException"/> ("codes out of range").
/// </summary>
public static class TokenChecks
{
    /// <summary>Everything of <paramref name="clip"/> that <paramref name="layout"/> reads: every code of those streams and their lengths.</summary>
    public static void Clip(ClipTokens clip, TokenLayout layout)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentNullException.ThrowIfNull(layout);
        Conditioning(clip.Conditioning, layout.ConditioningLength, layout.ConditioningCodebook);
        var read = layout.Slots.Where(s => s.Stream != LayoutStream.Conditioning).ToArray();
        if (read.Any(s => s.Stream == LayoutStream.Semantic))
            Semantic(clip.Semantic, (int)layout.Vocabulary.Range("semantic").Size);
        var acoustic = read.Where(s => s.Stream == LayoutStream.Acoustic).ToArray();
        if (acoustic.Length > 0)
            Acoustic(clip.Acoustic, acoustic.Max(s => s.Level) + 1, (int)acoustic[0].Range.Size, exactLevels: false);
        layout.CheckLengths(clip);
    }

    /// <summary>One MuLan token per level, each in [0, <paramref name="codebook"/>).</summary>
    public static void Conditioning(IReadOnlyList<long> tokens, int levels, int codebook)
    {
        ArgumentNullException.ThrowIfNull(tokens, "conditioning");
        if (tokens.Count != levels)
            throw new ArgumentException($"wrong number of levels: the conditioning has {tokens.Count} tokens, expected {levels} (one per MuLan level)", "conditioning");
        for (var l = 0; l < tokens.Count; l++)
            if (tokens[l] < 0 || tokens[l] >= codebook)
                throw new ArgumentOutOfRangeException("conditioning", tokens[l], $"codes out of range: conditioning level {l + 1} is {tokens[l]}; allowed [0, {codebook})");
    }

    /// <summary>Semantic tokens, each in [0, <paramref name="vocabulary"/>); exactly <paramref name="frames"/> of them when given.</summary>
    public static void Semantic(IReadOnlyList<long> tokens, int vocabulary, int? frames = null)
    {
        ArgumentNullException.ThrowIfNull(tokens, "semantic");
        if (frames is { } n && tokens.Count != n)
            throw new ArgumentException($"wrong length: the semantic tokens have {tokens.Count} frames, expected {n}", "semantic");
        for (var t = 0; t < tokens.Count; t++)
            if (tokens[t] < 0 || tokens[t] >= vocabulary)
                throw new ArgumentOutOfRangeException("semantic", tokens[t], $"codes out of range: semantic frame {t} is {tokens[t]}; allowed [0, {vocabulary})");
    }

    /// <summary>
    /// Codec codes <c>[level][frame]</c>: <paramref name="levels"/> levels (at least that many when not
    /// <paramref name="exactLevels"/>; only those are checked), all of one length (<paramref name="frames"/> when
    /// given), each code in [0, <paramref name="codebook"/>).
    /// </summary>
    public static void Acoustic(IReadOnlyList<long[]> codes, int levels, int codebook, int? frames = null, bool exactLevels = true)
    {
        ArgumentNullException.ThrowIfNull(codes, "acoustic");
        if (exactLevels ? codes.Count != levels : codes.Count < levels)
            throw new ArgumentException($"wrong number of levels: the codec codes have {codes.Count} levels, expected {(exactLevels ? "" : "at least ")}{levels}", "acoustic");
        var expected = frames ?? codes[0]?.Length ?? 0;
        for (var l = 0; l < levels; l++)
        {
            var row = codes[l] ?? throw new ArgumentNullException("acoustic", $"codec level {l + 1} is null");
            if (row.Length != expected)
                throw new ArgumentException($"wrong length: codec level {l + 1} has {row.Length} frames, expected {expected}", "acoustic");
            for (var f = 0; f < row.Length; f++)
                if (row[f] < 0 || row[f] >= codebook)
                    throw new ArgumentOutOfRangeException("acoustic", row[f], $"codes out of range: codec level {l + 1}, frame {f} is {row[f]}; allowed [0, {codebook})");
        }
    }
}
