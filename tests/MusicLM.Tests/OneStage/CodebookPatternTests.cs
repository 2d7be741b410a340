using MusicLM.OneStage;

namespace MusicLM.Tests.OneStage;

public class CodebookPatternTests
{
    private const long Special = 99;

    public static TheoryData<string> Names => new() { "parallel", "delay", "flattened", "coarse/fine" };

    private static CodebookPattern Make(string name, int levels = 4) => name switch
    {
        "parallel" => new ParallelPattern(levels),
        "delay" => new DelayPattern(levels),
        "flattened" => new FlattenedPattern(levels),
        _ => new CoarseFinePattern(levels, 2),
    };

    private static long[][] RandomCodes(int levels, int frames, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, levels).Select(_ => Enumerable.Range(0, frames).Select(_ => (long)rng.Next(64)).ToArray()).ToArray();
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_pattern_round_trips_and_holds_every_code_exactly_once(string name)
    {
        var pattern = Make(name);
        foreach (var frames in new[] { 1, 2, 7 })
        {
            var codes = RandomCodes(4, frames, frames);
            var seq = pattern.Build(codes, Special);
            Assert.Equal(4, seq.Length);
            Assert.All(seq, row => Assert.Equal(pattern.Length(frames), row.Length));
            Assert.Equal(codes, pattern.Revert(seq, frames));
            var cells = pattern.Steps(frames).SelectMany(s => s).ToList();
            Assert.Equal(4 * frames, cells.Count);
            Assert.Equal(cells.Count, cells.Distinct().Count());
            Assert.Equal(4 * frames, seq.Sum(r => r.Count(v => v != Special)));
            Assert.All(pattern.Steps(frames), step => Assert.Equal(step.Length, step.Select(c => c.Level).Distinct().Count()));
        }
    }

    [Fact]
    public void Lengths_are_those_of_the_papers()
    {
        Assert.Equal(10, new ParallelPattern(8).Length(10));
        Assert.Equal(17, new DelayPattern(8).Length(10));
        Assert.Equal(80, new FlattenedPattern(8).Length(10));
        Assert.Equal(80, new CoarseFinePattern(8, 3).Length(10));
        Assert.Equal(12, new DelayPattern(3, [0, 2, 2]).Length(10));
    }

    [Fact]
    public void The_delay_pattern_holds_the_special_token_where_no_code_exists_yet_and_none_is_left()
    {
        var codes = RandomCodes(4, 5, 3);
        var seq = new DelayPattern(4).Build(codes, Special);
        for (var q = 0; q < 4; q++)
            for (var s = 0; s < 8; s++)
            {
                var t = s - q;
                Assert.Equal(t >= 0 && t < 5 ? codes[q][t] : Special, seq[q][s]);
            }
        // Step 0 holds only the first level's first code; the last step only the last level's last code.
        Assert.Equal([codes[0][0], Special, Special, Special], seq.Select(r => r[0]).ToArray());
        Assert.Equal([Special, Special, Special, codes[3][4]], seq.Select(r => r[^1]).ToArray());
    }

    [Fact]
    public void The_coarse_fine_split_puts_every_fine_code_after_all_the_coarse_ones()
    {
        var steps = new CoarseFinePattern(5, 2).Steps(6);
        var lastCoarse = steps.Select((s, i) => (s, i)).Where(x => x.s.Any(c => c.Level < 2)).Max(x => x.i);
        var firstFine = steps.Select((s, i) => (s, i)).Where(x => x.s.Any(c => c.Level >= 2)).Min(x => x.i);
        Assert.Equal(11, lastCoarse);
        Assert.Equal(12, firstFine);
        Assert.Equal(new PatternCell(0, 2), steps[12][0]);
        Assert.Equal(new PatternCell(1, 2), steps[15][0]);
    }

    [Fact]
    public void The_parallel_pattern_puts_a_whole_frame_in_one_step()
    {
        var steps = new ParallelPattern(3).Steps(4);
        Assert.Equal([new PatternCell(2, 0), new PatternCell(2, 1), new PatternCell(2, 2)], steps[2]);
    }

    [Fact]
    public void The_drawing_leaves_the_special_cells_blank()
    {
        var fig = new DelayPattern(4).Draw(6);
        var json = fig.ToJson().ToJsonString();
        Assert.Contains("heatmap", json);
        var z = fig.Traces[0]!["z"]!.AsArray();
        Assert.Equal(4, z.Count);
        Assert.All(z, row => Assert.Equal(9, row!.AsArray().Count));
        var blanks = z.Sum(row => row!.AsArray().Count(v => v is null));
        Assert.Equal(4 * 9 - 4 * 6, blanks);
        Assert.Contains("delay pattern: 4 levels × 6 frames → 9 steps", fig.Title);
    }

    [Fact]
    public void Bad_input_gets_clear_errors()
    {
        var p = new DelayPattern(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelPattern(0));
        Assert.Contains("3 levels", Assert.Throws<ArgumentException>(() => p.Build(RandomCodes(2, 4, 0), Special)).Message);
        Assert.Throws<ArgumentException>(() => p.Build([[1, 2], [1, 2, 3], [1, 2]], Special));
        Assert.Throws<ArgumentException>(() => p.Build([[], [], []], Special));
        Assert.Contains("3 levels × 6 steps", Assert.Throws<ArgumentException>(() => p.Revert(RandomCodes(3, 5, 0), 4)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Steps(0));
        Assert.Throws<ArgumentException>(() => new DelayPattern(3, [1, 2, 3]));
        Assert.Throws<ArgumentException>(() => new DelayPattern(3, [0, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CoarseFinePattern(3, 3));
    }
}
