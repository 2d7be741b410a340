namespace MusicLM.Stages;

/// <summary>
/// Every token stream of one training clip that the three stages read (MusicLM §3.2), computed once:
/// the MuLan conditioning tokens of the clip's audio embedding (12 levels), the semantic tokens (25 Hz) and
/// the codec's codes (levels × frames, 50 Hz). <see cref="Seed"/> names the synthetic clip they came from.
/// </summary>
/// <param name="Seed">The synthetic clip's seed (or another stable identifier of the clip).</param>
/// <param name="Conditioning">MuLan tokens, one per quantizer level, each in [0, codebook size).</param>
/// <param name="Semantic">Semantic tokens (T_s), each in [0, semantic vocabulary).</param>
/// <param name="Acoustic">Codec codes, <c>Acoustic[level][frame]</c> (Q × T_a), each in [0, codebook size).</param>
public sealed record ClipTokens(int Seed, long[] Conditioning, long[] Semantic, long[][] Acoustic)
{
    /// <summary>Codec levels (Q).</summary>
    public int Levels => Acoustic.Length;
    /// <summary>Codec frames (T_a).</summary>
    public int AcousticFrames => Acoustic.Length == 0 ? 0 : Acoustic[0].Length;
    /// <summary>Semantic frames (T_s).</summary>
    public int SemanticFrames => Semantic.Length;
}
