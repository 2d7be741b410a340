using MusicLM.Transformers;

namespace MusicLM.Stages;

/// <summary>
/// Sequences longer than a stage's window, by sliding-window continuation (AudioLM §4.2; MusicLM §4.2): the first
/// window is sampled whole; each later window starts <c>window − overlap</c> after the previous one, is given the
/// overlap's already generated tokens as its target's beginning, and samples only the rest. So every token after
/// the first window is sampled with <c>overlap</c> units of its own past in view. The last window is moved back to
/// end at the sequence's end (it then overlaps more). Context streams (semantic tokens for the coarse stage, coarse
/// codes for the fine stage) are read at the same times as the window. A sequence shorter than a window is tiled
/// to the window's length and cut back.
/// <para>
/// Each window after the first samples with the seed <c>Seed + w</c> (w = 0, 1, …), so windows do not repeat each
/// other's draws. A <c>start</c> continues a prompt: its tokens are the sequence's first frames, kept as they are, and
/// sampling begins after them (AudioLM's audio continuation).
/// </para>
/// </summary>
public static class Continuation
{
    /// <summary>Semantic tokens (B × frames) for each row's conditioning (B × C).</summary>
    public static long[][] Semantic(StageModel stage, IReadOnlyList<long[]> conditioning, int frames, int overlap,
                                    SamplingConfig? sampling = null, IProgress<GenerationProgress>? progress = null, CancellationToken cancellation = default,
                                    IReadOnlyList<long[]>? start = null)
    {
        if (stage.Layout is not SemanticLayout layout) throw new ArgumentException($"expected the semantic stage, got the {stage.Kind} stage", nameof(stage));
        var given = start?.Select(s => new[] { s }).ToArray();
        var rows = Slide(stage, conditioning.Count, frames, layout.SemanticFrames, overlap, 1,
            (b, start) => layout.Prefix(conditioning[b]), sampling, progress, cancellation, given);
        return rows.Select(r => r[0]).ToArray();
    }

    /// <summary>Coarse codes (B × coarse levels × R·T_s) for each row's conditioning and semantic tokens (B × T_s).</summary>
    public static long[][][] Coarse(StageModel stage, IReadOnlyList<long[]> conditioning, IReadOnlyList<long[]> semantic, int overlap,
                                    SamplingConfig? sampling = null, IProgress<GenerationProgress>? progress = null, CancellationToken cancellation = default,
                                    IReadOnlyList<long[][]>? start = null)
    {
        if (stage.Layout is not CoarseLayout layout) throw new ArgumentException($"expected the coarse stage, got the {stage.Kind} stage", nameof(stage));
        SameCount(conditioning, semantic.Count, "semantic sequences");
        var frames = semantic[0].Length;
        if (semantic.Any(s => s.Length != frames)) throw new ArgumentException("every row's semantic tokens must have the same length", nameof(semantic));
        var W = layout.SemanticFrames;
        var tiled = semantic.Select(s => Tile(s, Math.Max(frames, W))).ToArray();
        return Slide(stage, conditioning.Count, frames, W, overlap, stage.Config.FrameRatio,
            (b, start) => layout.Prefix(conditioning[b], tiled[b][start..(start + W)]), sampling, progress, cancellation, start);
    }

    /// <summary>Fine codes (B × fine levels × T_a) for each row's conditioning and coarse codes (B × coarse levels × T_a).</summary>
    public static long[][][] Fine(StageModel stage, IReadOnlyList<long[]> conditioning, IReadOnlyList<long[][]> coarse, int overlap,
                                  SamplingConfig? sampling = null, IProgress<GenerationProgress>? progress = null, CancellationToken cancellation = default,
                                  IReadOnlyList<long[][]>? start = null)
    {
        if (stage.Layout is not FineLayout layout) throw new ArgumentException($"expected the fine stage, got the {stage.Kind} stage", nameof(stage));
        SameCount(conditioning, coarse.Count, "coarse code sets");
        var frames = coarse[0][0].Length;
        if (coarse.Any(c => c.Length != stage.Config.CoarseLevels || c.Any(l => l.Length != frames)))
            throw new ArgumentException($"every row needs {stage.Config.CoarseLevels} coarse levels of {frames} frames", nameof(coarse));
        var W = layout.AcousticFrames;
        var tiled = coarse.Select(c => c.Select(l => Tile(l, Math.Max(frames, W))).ToArray()).ToArray();
        return Slide(stage, conditioning.Count, frames, W, overlap, 1,
            (b, start) => layout.Prefix(conditioning[b], tiled[b].Select(l => l[start..(start + W)]).ToArray()), sampling, progress, cancellation, start);
    }

    /// <summary>
    /// The sliding loop over a timeline of <paramref name="units"/> start units (semantic frames, or codec frames for
    /// the fine stage), windows of <paramref name="window"/> units, each unit holding <paramref name="framesPerUnit"/>
    /// target frames. Returns B × target rows × (units · framesPerUnit).
    /// </summary>
    private static long[][][] Slide(StageModel stage, int batch, int units, int window, int overlap, int framesPerUnit,
                                    Func<int, int, long[]> prefix, SamplingConfig? sampling, IProgress<GenerationProgress>? progress, CancellationToken cancellation,
                                    IReadOnlyList<long[][]>? given = null)
    {
        if (batch == 0) throw new ArgumentException("give at least one row");
        if (units < 1) throw new ArgumentException($"the sequence must be at least one frame long, got {units}");
        if (overlap < 0 || overlap >= window) throw new ArgumentOutOfRangeException(nameof(overlap), overlap, $"the overlap must be in [0, {window}) frames (the window)");
        var layout = stage.Layout;
        var cfg = sampling ?? stage.Config.Sampling;
        long[][][]? output = null;
        var done = 0;                                                  // units generated (or given) so far
        if (given is not null)
        {
            if (given.Count != batch) throw new ArgumentException($"give one start per row ({batch}), got {given.Count}", nameof(given));
            var rowCount = layout.TargetStreams;
            var frames = given[0].Length == rowCount ? given[0][0].Length : -1;
            if (frames < 0 || given.Any(g => g.Length != rowCount || g.Any(r => r.Length != frames)))
                throw new ArgumentException($"each row's start needs {rowCount} streams of the same length", nameof(given));
            if (frames % framesPerUnit != 0) throw new ArgumentException($"a start must be a whole number of {framesPerUnit}-frame units, got {frames} frames", nameof(given));
            if (frames / framesPerUnit >= units) throw new ArgumentException($"the start ({frames / framesPerUnit} units) must be shorter than the sequence ({units})", nameof(given));
            done = frames / framesPerUnit;
            output = given.Select(g => g.Select(r => { var o = new long[units * framesPerUnit]; Array.Copy(r, o, r.Length); return o; }).ToArray()).ToArray();
        }
        if (overlap == 0 && output is null && units > window)
            return Independent(stage, batch, units, window, framesPerUnit, prefix, cfg, progress, cancellation);
        var windows = WindowCount(units, window, overlap, done);
        var w = 0;
        while (done < units)
        {
            var start = done == 0 ? 0 : Math.Max(0, Math.Min(done - overlap, units - window));
            var known = (done - start) * framesPerUnit;                // target frames given from earlier windows
            var prefixes = Enumerable.Range(0, batch).Select(b => prefix(b, start)).ToList();
            var starts = output is null ? null : Enumerable.Range(0, batch).Select(b => TargetStart(layout, output[b], start * framesPerUnit, known)).ToList();
            var offset = w;
            var inner = progress is null ? null : new Training.RelayProgress<GenerationProgress>(p => progress.Report(p with { Tokens = offset * layout.TargetLength + p.Tokens, Total = windows * layout.TargetLength }));
            var targets = stage.Generate(prefixes, cfg with { Seed = cfg.Seed + (ulong)w }, starts, inner, cancellation);
            var reverted = targets.Select(t => layout.Revert(t)).ToArray();    // B × rows × window frames
            output ??= reverted.Select(r => r.Select(_ => new long[units * framesPerUnit]).ToArray()).ToArray();
            var end = Math.Min(units, start + window);
            for (var b = 0; b < batch; b++)
                for (var r = 0; r < reverted[b].Length; r++)
                    Array.Copy(reverted[b][r], known, output[b][r], start * framesPerUnit + known, (end - done) * framesPerUnit);
            done = end;
            w++;
        }
        return output!;
    }

    /// <summary>Rows sampled together when the windows are independent: enough to fill both cores, few enough for a small key/value cache.</summary>
    private const int IndependentRows = 64;

    /// <summary>
    /// Without overlap no window waits for the one before it (AudioLM's fine stage works on non-overlapping chunks the
    /// same way), so every window of every row is sampled in one batch (chunks of <see cref="IndependentRows"/> rows):
    /// one token step for all of them instead of one per window. The last window ends at the end and may start
    /// before the previous one ends; only its new frames are kept.
    /// </summary>
    private static long[][][] Independent(StageModel stage, int batch, int units, int window, int framesPerUnit,
                                          Func<int, int, long[]> prefix, SamplingConfig cfg, IProgress<GenerationProgress>? progress, CancellationToken cancellation)
    {
        var layout = stage.Layout;
        var starts = new List<int>();
        for (var done = 0; done < units; done = Math.Min(units, starts[^1] + window)) starts.Add(Math.Min(done, units - window));
        var jobs = (from b in Enumerable.Range(0, batch) from k in Enumerable.Range(0, starts.Count) select (Row: b, Window: k)).ToList();
        var chunks = jobs.Chunk(IndependentRows).ToList();
        var output = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, layout.TargetStreams).Select(_ => new long[units * framesPerUnit]).ToArray()).ToArray();
        for (var c = 0; c < chunks.Count; c++)
        {
            var chunk = chunks[c];
            var offset = c;
            var inner = progress is null ? null : new Training.RelayProgress<GenerationProgress>(p => progress.Report(p with { Tokens = offset * layout.TargetLength + p.Tokens, Total = chunks.Count * layout.TargetLength }));
            var targets = stage.Generate(chunk.Select(j => prefix(j.Row, starts[j.Window])).ToList(), cfg with { Seed = cfg.Seed + (ulong)c }, null, inner, cancellation);
            for (var i = 0; i < chunk.Length; i++)
            {
                var reverted = layout.Revert(targets[i]);                                  // rows × window frames
                var (b, k) = chunk[i];
                var from = k == 0 ? 0 : starts[k - 1] + window;                            // the first frame no earlier window wrote
                var skip = (from - starts[k]) * framesPerUnit;
                var end = Math.Min(units, starts[k] + window);
                for (var r = 0; r < reverted.Length; r++)
                    Array.Copy(reverted[r], skip, output[b][r], from * framesPerUnit, (end - from) * framesPerUnit);
            }
        }
        return output;
    }

    /// <summary>Windows needed for <paramref name="units"/> with the given window and overlap.</summary>
    public static int WindowCount(int units, int window, int overlap) => WindowCount(units, window, overlap, 0);

    /// <summary>Windows needed for <paramref name="units"/> when the first <paramref name="given"/> units are given (a prompt).</summary>
    public static int WindowCount(int units, int window, int overlap, int given)
    {
        if (given == 0) return units <= window ? 1 : 1 + (int)Math.Ceiling((units - window) / (double)(window - overlap));
        var n = 0;
        for (var done = given; done < units; n++) done = Math.Min(units, Math.Max(0, Math.Min(done - overlap, units - window)) + window);
        return n;
    }

    /// <summary>The first <paramref name="frames"/> target frames of a window starting at target frame <paramref name="from"/>, as target ids.</summary>
    private static long[] TargetStart(TokenLayout layout, long[][] rows, int from, int frames)
    {
        var tokens = new List<long>();
        var target = layout.Slots.Skip(layout.PrefixLength).ToList();
        var rowOf = new Dictionary<(LayoutStream, int), int>();
        foreach (var s in target)
        {
            if (s.Frame >= frames) break;                              // slots are frame-major
            if (!rowOf.TryGetValue((s.Stream, s.Level), out var r)) rowOf[(s.Stream, s.Level)] = r = rowOf.Count;
            tokens.Add(s.Range.Id(rows[r][from + s.Frame]));
        }
        return tokens.ToArray();
    }

    private static long[] Tile(long[] s, int length)
    {
        if (s.Length == 0) throw new ArgumentException("a context stream is empty");
        var t = new long[length];
        for (var i = 0; i < length; i++) t[i] = s[i % s.Length];
        return t;
    }

    private static void SameCount(IReadOnlyList<long[]> conditioning, int count, string what)
    {
        if (conditioning.Count != count) throw new ArgumentException($"give one conditioning row per row of {what}: {conditioning.Count} and {count}");
    }
}
