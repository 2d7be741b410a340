using MusicLM.Cli.Commands;

namespace MusicLM.Cli.Tests;

public sealed class ProgressTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cli-progress-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class FakeClock : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
        public void Advance(double seconds) => Ticks += (long)(seconds * TimeSpan.TicksPerSecond);
    }

    [Fact]
    public void On_a_terminal_one_line_is_redrawn_with_percent_and_eta_then_cleared()
    {
        var clock = new FakeClock();
        var w = new StringWriter();
        using (var bar = new ConsoleProgress(w, terminal: true, "job", clock, maxWidth: 200))
        {
            clock.Advance(10);
            bar.Report(1, 4, detail: "a");                      // first report: drawn
            clock.Advance(0.05);
            bar.Report(2, 4, detail: "b");                      // 50 ms later: throttled
            clock.Advance(10);
            bar.Report(2, 4, detail: "c");                      // 20 s for half: 20 s left
            Assert.Equal("job  2/4 [##########..........]  50%  ETA 00:20  c", bar.Line());
        }
        var s = w.ToString();
        Assert.DoesNotContain("\n", s);
        Assert.Contains("\rjob  1/4 [#####...............]  25%  ETA 00:30  a", s);
        Assert.DoesNotContain("  b", s);
        Assert.Contains("\rjob  2/4 [##########..........]  50%  ETA 00:20  c", s);
        Assert.EndsWith("\r", s);                         // cleared: the summary starts on a clean line
        Assert.Equal(2, s.Split("ETA").Length - 1);
    }

    [Fact]
    public void Lines_printed_while_the_bar_shows_clear_it_and_redraw_it()
    {
        var w = new StringWriter();
        using var bar = new ConsoleProgress(w, terminal: true, "job", new FakeClock(), maxWidth: 200);
        bar.Report(1, 2);
        bar.WriteLine(w, "a log line");
        var s = w.ToString();
        var line = s.IndexOf("a log line", StringComparison.Ordinal);
        Assert.True(line > 0);
        Assert.Matches(@"\r +\ra log line", s);           // the bar was blanked before the line
        Assert.Contains("job  1/2", s[line..]);          // and drawn again after it
    }

    [Fact]
    public void A_long_line_is_cut_to_the_terminal_width()
    {
        var w = new StringWriter();
        using var bar = new ConsoleProgress(w, terminal: true, new string('x', 300), new FakeClock(), maxWidth: 80);
        bar.Report(1, 2);
        Assert.Equal(80, w.ToString().Length);            // "\r" + 79 characters: never wraps
    }

    [Fact]
    public void When_redirected_nothing_is_drawn()
    {
        var w = new StringWriter();
        using (var bar = new ConsoleProgress(w, terminal: false, "job", new FakeClock()))
        {
            bar.Report(1, 2);
            bar.Report(2, 2);
            bar.WriteLine(w, "plain");
        }
        Assert.Equal("plain" + Environment.NewLine, w.ToString());
    }

    private (int Code, string Out, string Err) Synth(bool terminal)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = Cli.Run(["dataset", "synth", "--out", dir, "--count", "3", "--seed", "4", "--sample-rate", "8000", "--duration", "0.5"], o, e, terminal);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Dataset_synth_draws_progress_on_a_fake_terminal_and_prints_plain_lines_when_redirected()
    {
        var (code, output, err) = Synth(terminal: true);
        Assert.True(code == 0, err);
        Assert.Contains("\rdataset synth  3/3 clips [####################] 100%", err);
        Assert.DoesNotContain("3/3 clips  ", output);     // the bar replaces the plain lines
        Assert.Contains("done: 3 clips", output);
        Assert.DoesNotContain("\r", output);

        Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        (code, output, err) = Synth(terminal: false);
        Assert.True(code == 0, err);
        Assert.Equal("", err);
        Assert.Contains("3/3 clips", output);
        Assert.DoesNotContain("\r", output);
    }
}
