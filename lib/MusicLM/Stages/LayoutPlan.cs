namespace MusicLM.Stages;

/// <summary>
/// Builds a layout's vocabulary and its index table: the conditioning block first (one range and one index per
/// MuLan level), the stage's own streams, "null" last; then slots appended in sequence order.
/// </summary>
internal sealed class LayoutPlan
{
    public LayoutPlan(int conditioningLevels, int conditioningCodebook, IEnumerable<(string Name, long Size)> streamRanges)
    {
        Positive(conditioningLevels, nameof(conditioningLevels));
        Positive(conditioningCodebook, nameof(conditioningCodebook));
        ConditioningLevels = conditioningLevels;
        ConditioningCodebook = conditioningCodebook;
        var cond = Enumerable.Range(0, conditioningLevels).Select(l => (RangeName(LayoutStream.Conditioning, l), (long)conditioningCodebook));
        Vocabulary = new Vocabulary(cond.Concat(streamRanges), Vocabulary.NullName);
        for (var l = 0; l < conditioningLevels; l++) Add("conditioning", LayoutStream.Conditioning, l, 0, 0);
    }

    public Vocabulary Vocabulary { get; }
    public int ConditioningLevels { get; }
    public int ConditioningCodebook { get; }
    public List<LayoutSlot> Slots { get; } = new();
    public int PrefixLength { get; private set; } = -1;

    /// <summary>Appends the index that holds <paramref name="stream"/>'s level at a window frame.</summary>
    public void Add(string segment, LayoutStream stream, int level, int frame, long time) =>
        Slots.Add(new LayoutSlot(segment, stream, level, frame, time, Vocabulary.Range(RangeName(stream, level))));

    /// <summary>Marks everything added so far as the prefix; later slots are the target.</summary>
    public void EndPrefix() => PrefixLength = Slots.Count;

    /// <summary>"cond 3", "semantic", "acoustic 2": level numbers are 1-based, as the course names levels.</summary>
    public static string RangeName(LayoutStream stream, int level) => stream switch
    {
        LayoutStream.Conditioning => $"cond {level + 1}",
        LayoutStream.Semantic => "semantic",
        _ => $"acoustic {level + 1}",
    };

    public static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, got {value}");
    }
}
