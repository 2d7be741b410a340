namespace MusicLM.MuLan;

/// <summary>Which (caption, clip) pairs of a batch count as positives in <see cref="ContrastiveLoss"/>.</summary>
public enum PositiveRule
{
    /// <summary>Only each caption with its own clip (plain CLIP).</summary>
    Diagonal,
    /// <summary>Also pairs with identical captions.</summary>
    EqualCaptions,
    /// <summary>Also every clip that has all the attributes a caption names (needs ground-truth attributes).</summary>
    ConsistentAttributes,
}
