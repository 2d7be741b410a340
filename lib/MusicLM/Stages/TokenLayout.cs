using MusicLM.Interactive;

namespace MusicLM.Stages;

/// <summary>
/// How one MusicLM stage (§3.2) lays its streams out in a single flat sequence for a decoder-only transformer,
/// as an object (audiocraft's codebooks_patterns <c>Pattern</c>): [conditioning | context | target]. It builds
/// training windows from a clip's tokens (<see cref="Build"/>), gives the prefix for generation (each layout's
/// <c>Prefix</c>), says which ids are legal at each target index (<see cref="TargetRange"/>, for masking the
/// head) and turns a generated target back into codes (<see cref="Revert"/>).
/// <para>
/// Positions are time-aligned by default: conditioning at 0…C−1, then C + the token's time in frames of the
/// layout's finest stream, so a coarse code sits at rotary distance 0 from the semantic token of the same moment
/// and every codec level of a frame shares one position. <c>timeAlignedPositions: false</c> gives plain
/// 0…Length−1 instead, kept so the two choices can be compared by training both.
/// </para>
/// </summary>
public abstract class TokenLayout
{
    private readonly LayoutSlot[] slots;
    private readonly long[] positions;
    private readonly int[] targetRow;
    private readonly int[] rowFrames;

    private protected TokenLayout(StageKind kind, LayoutPlan plan, bool timeAlignedPositions)
    {
        if (plan.PrefixLength < plan.ConditioningLevels || plan.PrefixLength >= plan.Slots.Count)
            throw new InvalidOperationException("a layout needs a prefix that starts with the conditioning and a non-empty target");
        Kind = kind;
        Vocabulary = plan.Vocabulary;
        ConditioningLength = plan.ConditioningLevels;
        ConditioningCodebook = plan.ConditioningCodebook;
        PrefixLength = plan.PrefixLength;
        TimeAlignedPositions = timeAlignedPositions;
        slots = plan.Slots.ToArray();
        positions = new long[slots.Length];
        for (var i = 0; i < slots.Length; i++)
            positions[i] = !timeAlignedPositions ? i
                : slots[i].Stream == LayoutStream.Conditioning ? slots[i].Level : ConditioningLength + slots[i].Time;

        // Revert's rows: one per target (stream, level), in order of first appearance; columns are frames.
        var rows = new List<(LayoutStream, int)>();
        var frames = new List<int>();
        targetRow = new int[TargetLength];
        for (var i = 0; i < TargetLength; i++)
        {
            var s = slots[PrefixLength + i];
            var r = rows.IndexOf((s.Stream, s.Level));
            if (r < 0) { r = rows.Count; rows.Add((s.Stream, s.Level)); frames.Add(0); }
            targetRow[i] = r;
            frames[r] = Math.Max(frames[r], s.Frame + 1);
        }
        rowFrames = frames.ToArray();
    }

    /// <summary>Which stage this layout feeds.</summary>
    public StageKind Kind { get; }

    /// <summary>The ids of this stage: one range per stream and level, then "null".</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>C: conditioning tokens at the start of every sequence (one per MuLan level).</summary>
    public int ConditioningLength { get; }

    /// <summary>M: codes per MuLan level.</summary>
    public int ConditioningCodebook { get; }

    /// <summary>Indices given before generation starts (conditioning and context).</summary>
    public int PrefixLength { get; }

    /// <summary>Indices the stage generates.</summary>
    public int TargetLength => slots.Length - PrefixLength;

    /// <summary>The streams a target reverts to (<see cref="Revert"/>'s rows): 1 semantic stream, or one per codec level.</summary>
    public int TargetStreams => rowFrames.Length;

    /// <summary>The whole sequence.</summary>
    public int Length => slots.Length;

    /// <summary>Whether <see cref="Positions"/> are time-aligned (default) or plain indices.</summary>
    public bool TimeAlignedPositions { get; }

    /// <summary>The rotary position of every index (a fresh copy, Length long).</summary>
    public long[] Positions => (long[])positions.Clone();

    /// <summary>The unit of <see cref="Build"/>'s start: "semantic frames" or "acoustic frames".</summary>
    public abstract string StartUnit { get; }

    internal IReadOnlyList<LayoutSlot> Slots => slots;

    /// <summary>The only legal range at target index <paramref name="i"/> ∈ [0, TargetLength).</summary>
    public TokenRange TargetRange(int i)
    {
        if (i < 0 || i >= TargetLength) throw new ArgumentOutOfRangeException(nameof(i), i, $"target index must be in [0, {TargetLength}), got {i}");
        return slots[PrefixLength + i].Range;
    }

    /// <summary>The largest valid start of a window in <paramref name="clip"/> (in <see cref="StartUnit"/>); throws if the clip is shorter than a window.</summary>
    public abstract int MaxStart(ClipTokens clip);

    /// <summary>Maps a start (in <see cref="StartUnit"/>) to the first semantic and first acoustic frame of the window.</summary>
    private protected abstract (int Semantic, int Acoustic) WindowStart(int start);

    /// <summary>Checks that <paramref name="clip"/> has what this layout reads (see <see cref="TokenChecks.Clip"/>).</summary>
    public void Check(ClipTokens clip) => TokenChecks.Clip(clip, this);

    /// <summary>Lengths a layout needs beyond the window (the coarse layout: acoustic = R × semantic frames).</summary>
    internal virtual void CheckLengths(ClipTokens clip) { }

    /// <summary>The training window of <paramref name="clip"/> that starts at <paramref name="start"/> (in <see cref="StartUnit"/>).</summary>
    public LayoutSequence Build(ClipTokens clip, int start)
    {
        Check(clip);
        var max = MaxStart(clip);
        if (start < 0 || start > max)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"start must be in [0, {max}] {StartUnit} for clip {clip.Seed}, got {start}");
        var (s0, a0) = WindowStart(start);
        var tokens = Fill(Length, s => s.Stream switch
        {
            LayoutStream.Conditioning => clip.Conditioning[s.Level],
            LayoutStream.Semantic => clip.Semantic[s0 + s.Frame],
            _ => clip.Acoustic[s.Level][a0 + s.Frame],
        });
        return new LayoutSequence(tokens, Positions, PrefixLength);
    }

    /// <summary>Ids of the first <paramref name="count"/> indices, each from the code its slot reads.</summary>
    private protected long[] Fill(int count, Func<LayoutSlot, long> code)
    {
        var tokens = new long[count];
        for (var i = 0; i < count; i++) tokens[i] = slots[i].Range.Id(code(slots[i]));
        return tokens;
    }

    /// <summary>
    /// A generated target (TargetLength ids) back into codes: one row per target stream (the semantic tokens, or
    /// one per codec level in level order), each as many frames as the window. Throws on an id outside the range
    /// legal at its index.
    /// </summary>
    public long[][] Revert(ReadOnlySpan<long> target)
    {
        if (target.Length != TargetLength) throw new ArgumentException($"a {Kind} target has {TargetLength} tokens, got {target.Length}", nameof(target));
        var rows = rowFrames.Select(n => new long[n]).ToArray();
        for (var i = 0; i < target.Length; i++)
        {
            var s = slots[PrefixLength + i];
            if (!s.Range.Contains(target[i]))
                throw new ArgumentOutOfRangeException(nameof(target), target[i],
                    $"target index {i} ({s.Head}) holds {Vocabulary.NameOf(target[i])} (id {target[i]}); only {s.Range} is legal there");
            rows[targetRow[i]][s.Frame] = s.Range.Code(target[i]);
        }
        return rows;
    }

    /// <summary>A copy of <paramref name="sequence"/> with the first C tokens replaced by <see cref="Vocabulary.Null"/> (the unconditional input of classifier-free guidance).</summary>
    public long[] WithNullConditioning(long[] sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (sequence.Length < ConditioningLength)
            throw new ArgumentException($"a sequence starts with {ConditioningLength} conditioning tokens, got only {sequence.Length} tokens", nameof(sequence));
        var copy = (long[])sequence.Clone();
        Array.Fill(copy, Vocabulary.Null, 0, ConditioningLength);
        return copy;
    }

    /// <summary>A short label for attention-map axes: "c3:17" (MuLan level 3), "s40:201" (semantic frame 40), "a2@f80:5" (codec level 2, frame 80).</summary>
    public string Label(int index, long token)
    {
        if (index < 0 || index >= Length) throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be in [0, {Length}), got {index}");
        var s = slots[index];
        return $"{s.Head}:{(s.Range.Contains(token) ? s.Range.Code(token).ToString() : Vocabulary.NameOf(token))}";
    }

    /// <summary>Labels of a (prefix of a) sequence, for <c>Plot.Attention</c>'s query and key labels.</summary>
    public IReadOnlyList<string> Labels(ReadOnlySpan<long> tokens)
    {
        if (tokens.Length > Length) throw new ArgumentException($"a {Kind} sequence has at most {Length} tokens, got {tokens.Length}", nameof(tokens));
        var labels = new string[tokens.Length];
        for (var i = 0; i < tokens.Length; i++) labels[i] = Label(i, tokens[i]);
        return labels;
    }

    /// <summary>The layout's segments, for <c>Table.Of(layout.Describe())</c>.</summary>
    public IReadOnlyList<LayoutSegment> Describe()
    {
        var segments = new List<LayoutSegment>();
        for (var first = 0; first < Length;)
        {
            var last = first;
            while (last + 1 < Length && slots[last + 1].Segment == slots[first].Segment && (last + 1 != PrefixLength)) last++;
            var run = slots[first..(last + 1)];
            var ranges = run.Select(s => s.Range).Distinct().OrderBy(r => r.Offset).ToArray();
            var vocabulary = ranges.Length == 1 ? ranges[0].ToString()
                : $"'{ranges[0].Name}'…'{ranges[^1].Name}' [{ranges[0].Offset}, {ranges[^1].End}), {ranges[0].Size} each";
            var time = run[0].Stream switch
            {
                LayoutStream.Conditioning => "the whole clip (MuLan embedding)",
                LayoutStream.Semantic => $"semantic frames {run.Min(s => s.Frame)}–{run.Max(s => s.Frame)}",
                _ => $"acoustic frames {run.Min(s => s.Frame)}–{run.Max(s => s.Frame)} × {ranges.Length} level{(ranges.Length == 1 ? "" : "s")}",
            };
            segments.Add(new LayoutSegment(slots[first].Segment, first < PrefixLength ? "prefix" : "target", first, last, last - first + 1,
                vocabulary, $"{positions[first..(last + 1)].Min()}–{positions[first..(last + 1)].Max()}", time));
            first = last + 1;
        }
        return segments;
    }

    /// <summary>
    /// The layout as a strip: sequence index across, one row per stream (conditioning, semantic, each codec
    /// level), coloured by segment, with a line where the target starts. Shows indices [first, first+count);
    /// with a <paramref name="sequence"/>, hovering shows its tokens.
    /// </summary>
    public Figure Draw(LayoutSequence? sequence = null, int first = 0, int count = 400, string? title = null) =>
        LayoutPicture.Draw(this, sequence, first, count, title);

    /// <summary>"CoarseLayout: 12 conditioning + 150 semantic | 900 coarse = 1062 tokens, vocabulary 1805, time-aligned positions".</summary>
    public override string ToString()
    {
        var parts = Describe();
        string Join(string role) => string.Join(" + ", parts.Where(p => p.Role == role).Select(p => $"{p.Tokens} {p.Segment}"));
        return $"{GetType().Name}: {Join("prefix")} | {Join("target")} = {Length} tokens, vocabulary {Vocabulary.Size}, "
            + (TimeAlignedPositions ? "time-aligned positions" : "positions 0…Length−1");
    }
}
