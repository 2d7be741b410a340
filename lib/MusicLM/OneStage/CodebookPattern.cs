using System.Text.Json.Nodes;
using MusicLM.Interactive;

namespace MusicLM.OneStage;

/// <summary>One code of a codec's output: the frame it belongs to and its quantizer level (both 0-based).</summary>
public readonly record struct PatternCell(int Time, int Level)
{
    public override string ToString() => $"level {Level + 1}, frame {Time}";
}

/// <summary>
/// How a language model walks through a codec's codes (Q levels × T frames) one step at a time (Copet et al. 2023
/// §2.2, audiocraft's <c>codebooks_patterns.py</c>): step s predicts the cells <see cref="Steps"/> lists for it, every
/// cell exactly once, at most one per level in a step, so a sequence is a Q × S matrix in which a level with no code
/// at a step holds a special token. <see cref="Build"/> turns codes into that matrix and <see cref="Revert"/> back.
/// <list type="bullet">
/// <item><see cref="ParallelPattern"/>: S = T, all levels of a frame at once (fast; levels of one frame are drawn
/// independently of each other).</item>
/// <item><see cref="DelayPattern"/>: S = T + Q − 1, level q of frame t at step t + q: each level sees the levels
/// above it of the same frame, at the cost of Q − 1 extra steps (MusicGen's choice).</item>
/// <item><see cref="FlattenedPattern"/>: S = T · Q, one code per step (exact autoregression, Q times the steps).</item>
/// <item><see cref="CoarseFinePattern"/>: MusicLM's split, the first levels flattened over the whole clip, then the
/// rest, each frame's fine codes after all the coarse ones (two stages in one sequence).</item>
/// </list>
/// </summary>
public abstract class CodebookPattern
{
    private protected CodebookPattern(int levels)
    {
        if (levels < 1) throw new ArgumentOutOfRangeException(nameof(levels), levels, "a pattern needs at least one codec level");
        Levels = levels;
    }

    /// <summary>Q: codec levels.</summary>
    public int Levels { get; }

    /// <summary>A short name: "parallel", "delay", "flattened", "coarse/fine".</summary>
    public abstract string Name { get; }

    /// <summary>S: steps for <paramref name="frames"/> frames.</summary>
    public abstract int Length(int frames);

    /// <summary>The cells of step <paramref name="step"/> of a sequence of <paramref name="frames"/> frames.</summary>
    private protected abstract IEnumerable<PatternCell> CellsAt(int step, int frames);

    /// <summary>For each step of a sequence of <paramref name="frames"/> frames, the cells it holds (in level order).</summary>
    public IReadOnlyList<PatternCell[]> Steps(int frames)
    {
        CheckFrames(frames);
        var n = Length(frames);
        var steps = new PatternCell[n][];
        for (var s = 0; s < n; s++) steps[s] = CellsAt(s, frames).OrderBy(c => c.Level).ToArray();
        return steps;
    }

    /// <summary>
    /// <c>TimeIndex(T)[q][s]</c>: the frame of level q's code at step s, or −1 where level q has none (the special
    /// token). Q × S.
    /// </summary>
    public int[][] TimeIndex(int frames)
    {
        var steps = Steps(frames);
        var index = Enumerable.Range(0, Levels).Select(_ => Enumerable.Repeat(-1, steps.Count).ToArray()).ToArray();
        for (var s = 0; s < steps.Count; s++)
            foreach (var c in steps[s]) index[c.Level][s] = c.Time;
        return index;
    }

    /// <summary>
    /// Codes (Q × T, <c>codes[level][frame]</c>) → the pattern's sequence (Q × S), <paramref name="special"/> where a
    /// level has no code at a step. Throws on a wrong number of levels or ragged rows.
    /// </summary>
    public long[][] Build(long[][] codes, long special)
    {
        var frames = CheckCodes(codes);
        var index = TimeIndex(frames);
        var seq = new long[Levels][];
        for (var q = 0; q < Levels; q++)
        {
            seq[q] = new long[index[q].Length];
            for (var s = 0; s < seq[q].Length; s++) seq[q][s] = index[q][s] < 0 ? special : codes[q][index[q][s]];
        }
        return seq;
    }

    /// <summary>
    /// A sequence (Q × S) back into codes (Q × <paramref name="frames"/>); what lies at cells the pattern leaves empty
    /// is ignored. Throws when the sequence is not Q × <see cref="Length"/>(frames).
    /// </summary>
    public long[][] Revert(long[][] sequence, int frames)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        CheckFrames(frames);
        var n = Length(frames);
        if (sequence.Length != Levels || sequence.Any(r => r is null || r.Length != n))
            throw new ArgumentException($"a {Name} sequence of {frames} frames is {Levels} levels × {n} steps, got {Shape(sequence)}", nameof(sequence));
        var index = TimeIndex(frames);
        var codes = Enumerable.Range(0, Levels).Select(_ => new long[frames]).ToArray();
        for (var q = 0; q < Levels; q++)
            for (var s = 0; s < n; s++)
                if (index[q][s] >= 0) codes[q][index[q][s]] = sequence[q][s];
        return codes;
    }

    /// <summary>
    /// The pattern as a picture: steps across, levels down, each cell coloured by the frame whose code it holds and
    /// blank where the special token stands (hover names the cell).
    /// </summary>
    public Figure Draw(int frames = 6, string? title = null)
    {
        var index = TimeIndex(frames);
        int S = index[0].Length;
        var z = new float[Levels, S];
        var text = new JsonArray();
        for (var q = 0; q < Levels; q++)
        {
            var row = new JsonArray();
            for (var s = 0; s < S; s++)
            {
                z[q, s] = index[q][s] < 0 ? float.NaN : index[q][s];
                row.Add(index[q][s] < 0 ? $"step {s}: special token" : $"step {s}: level {q + 1}, frame {index[q][s]}");
            }
            text.Add(row);
        }
        var fig = new Figure(title ?? $"{Name} pattern: {Levels} levels × {frames} frames → {S} steps");
        fig.AddHeatmap(z, Enumerable.Range(0, S).Select(i => (double)i).ToArray(), Enumerable.Range(1, Levels).Select(i => (double)i).ToArray(), "frame", "Viridis");
        var trace = (JsonObject)fig.Traces[^1]!;
        trace["text"] = text;
        trace["hoverongaps"] = false;
        trace["hovertemplate"] = "%{text}<extra></extra>";
        trace["xgap"] = 1;
        trace["ygap"] = 1;
        trace["colorbar"] = new JsonObject { ["title"] = new JsonObject { ["text"] = "frame" } };
        fig.WithAxes("step (one transformer position)", "codec level").WithSize(0, 120 + 26 * Levels);
        fig.Axis("yaxis")["autorange"] = "reversed";
        fig.Axis("yaxis")["dtick"] = 1;
        return fig;
    }

    public override string ToString() => $"{Name} pattern over {Levels} levels";

    private protected static void CheckFrames(int frames)
    {
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "a sequence needs at least one frame");
    }

    private int CheckCodes(long[][] codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Length != Levels || codes.Any(r => r is null) || codes.Select(r => r.Length).Distinct().Count() != 1 || codes[0].Length == 0)
            throw new ArgumentException($"codes must be {Levels} levels × T ≥ 1 frames, all levels as long, got {Shape(codes)}", nameof(codes));
        return codes[0].Length;
    }

    private static string Shape(long[][] rows) =>
        rows.Length == 0 ? "no levels" : $"{rows.Length} levels of {string.Join("/", rows.Select(r => r?.Length.ToString() ?? "null").Distinct())} steps";
}

/// <summary>All levels of frame t at step t (audiocraft's parallel pattern): S = T.</summary>
public sealed class ParallelPattern(int levels) : CodebookPattern(levels)
{
    public override string Name => "parallel";
    public override int Length(int frames) => frames;
    private protected override IEnumerable<PatternCell> CellsAt(int step, int frames) =>
        Enumerable.Range(0, Levels).Select(q => new PatternCell(step, q));
}

/// <summary>
/// Level q of frame t at step t + d_q (MusicGen's delay pattern; d_q = q by default): S = T + max d. At the first
/// steps the deeper levels have no code yet and at the last ones the upper levels have none: those hold the special token.
/// </summary>
public sealed class DelayPattern : CodebookPattern
{
    private readonly int[] delays;

    /// <summary>Delays d_q, one per level, non-negative, the first 0 (default 0, 1, …, Q − 1).</summary>
    public DelayPattern(int levels, IReadOnlyList<int>? delays = null) : base(levels)
    {
        this.delays = delays?.ToArray() ?? Enumerable.Range(0, levels).ToArray();
        if (this.delays.Length != levels) throw new ArgumentException($"give one delay per level ({levels}), got {this.delays.Length}", nameof(delays));
        if (this.delays.Any(d => d < 0) || this.delays[0] != 0)
            throw new ArgumentException($"delays must be ≥ 0 with the first level's 0, got [{string.Join(", ", this.delays)}]", nameof(delays));
    }

    public override string Name => "delay";
    public IReadOnlyList<int> Delays => delays;
    public override int Length(int frames) => frames + delays.Max();
    private protected override IEnumerable<PatternCell> CellsAt(int step, int frames)
    {
        for (var q = 0; q < Levels; q++)
        {
            var t = step - delays[q];
            if (t >= 0 && t < frames) yield return new PatternCell(t, q);
        }
    }
}

/// <summary>One code per step, frame by frame, level by level within a frame: S = T · Q.</summary>
public sealed class FlattenedPattern(int levels) : CodebookPattern(levels)
{
    public override string Name => "flattened";
    public override int Length(int frames) => frames * Levels;
    private protected override IEnumerable<PatternCell> CellsAt(int step, int frames)
    {
        yield return new PatternCell(step / Levels, step % Levels);
    }
}

/// <summary>
/// MusicLM's coarse/fine split (§3.2) as one sequence: the first <see cref="CoarseLevels"/> levels flattened over
/// every frame, then the remaining levels flattened frame by frame: S = T · Q, and every fine code comes after all
/// the coarse ones, as when the fine stage runs on the coarse stage's whole output.
/// </summary>
public sealed class CoarseFinePattern : CodebookPattern
{
    public CoarseFinePattern(int levels, int coarseLevels) : base(levels)
    {
        if (coarseLevels < 1 || coarseLevels >= levels)
            throw new ArgumentOutOfRangeException(nameof(coarseLevels), coarseLevels, $"the coarse levels must be in [1, {levels - 1}] to leave a fine level");
        CoarseLevels = coarseLevels;
    }

    public int CoarseLevels { get; }
    public int FineLevels => Levels - CoarseLevels;
    public override string Name => "coarse/fine";
    public override int Length(int frames) => frames * Levels;
    private protected override IEnumerable<PatternCell> CellsAt(int step, int frames)
    {
        var coarse = frames * CoarseLevels;
        yield return step < coarse
            ? new PatternCell(step / CoarseLevels, step % CoarseLevels)
            : new PatternCell((step - coarse) / FineLevels, CoarseLevels + (step - coarse) % FineLevels);
    }
}
