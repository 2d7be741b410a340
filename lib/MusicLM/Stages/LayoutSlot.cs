namespace MusicLM.Stages;

/// <summary>Which of a clip's token streams a sequence index reads.</summary>
internal enum LayoutStream { Conditioning, Semantic, Acoustic }

/// <summary>
/// What one index of a layout's sequence holds (audiocraft's LayoutCoord, with the stream named): the stream, its
/// level (MuLan or codec level, 0-based; 0 for semantic), the frame counted from the window start in that
/// stream's own frames, the time of that frame in frames of the layout's finest stream, and the legal range.
/// </summary>
internal readonly record struct LayoutSlot(string Segment, LayoutStream Stream, int Level, int Frame, long Time, TokenRange Range)
{
    /// <summary>"c3", "s40", "a2@f80": the index's stream, level (1-based) and frame.</summary>
    public string Head => Stream switch
    {
        LayoutStream.Conditioning => $"c{Level + 1}",
        LayoutStream.Semantic => $"s{Frame}",
        _ => $"a{Level + 1}@f{Frame}",
    };

    /// <summary>The row of a layout picture: one for conditioning, one for semantic, one per codec level.</summary>
    public string Row => Stream switch
    {
        LayoutStream.Conditioning => "conditioning",
        LayoutStream.Semantic => "semantic",
        _ => $"acoustic {Level + 1}",
    };
}
