namespace MusicLM.Stages;

/// <summary>The three stages of MusicLM's hierarchy (§3.2).</summary>
public enum StageKind
{
    /// <summary>Conditioning tokens → semantic tokens.</summary>
    Semantic,
    /// <summary>Conditioning and semantic tokens → the first (coarse) codec levels.</summary>
    Coarse,
    /// <summary>Conditioning and coarse codes → the remaining (fine) codec levels.</summary>
    Fine,
}
