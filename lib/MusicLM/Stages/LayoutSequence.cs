namespace MusicLM.Stages;

/// <summary>
/// One flat sequence of a stage: prefix (conditioning and the stage's context) then target. The transformer
/// predicts <c>Tokens[i]</c> from index i−1, and the loss is taken on the target only (indices ≥
/// <see cref="PrefixLength"/>): the prefix is context, not something to learn to generate.
/// </summary>
/// <param name="Tokens">Vocabulary ids (Length).</param>
/// <param name="Positions">The rotary position of every index (Length); see <see cref="TokenLayout.Positions"/>.</param>
/// <param name="PrefixLength">Where the target starts.</param>
public sealed record LayoutSequence(long[] Tokens, long[] Positions, int PrefixLength)
{
    /// <summary>The target part, <c>Tokens[PrefixLength..]</c>.</summary>
    public ReadOnlySpan<long> Target => Tokens.AsSpan(PrefixLength);

    /// <summary>The prefix part, <c>Tokens[..PrefixLength]</c>.</summary>
    public ReadOnlySpan<long> Prefix => Tokens.AsSpan(0, PrefixLength);

    /// <summary>"LayoutSequence: 82 tokens (22 prefix + 60 target)".</summary>
    public override string ToString() => $"LayoutSequence: {Tokens.Length} tokens ({PrefixLength} prefix + {Tokens.Length - PrefixLength} target)";
}
