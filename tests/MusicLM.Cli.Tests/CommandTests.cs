using MusicLM.Cli.Commands;
using MusicLM.TestSupport;

namespace MusicLM.Cli.Tests;

public class CommandTests
{
    [Fact]
    public void Demo_loss_falls_by_an_order_of_magnitude()
    {
        var o = new StringWriter();
        Assert.Equal(0, Demo.Run(200, o));
        var losses = o.ToString().Split('\n')
            .Where(l => l.TrimStart().StartsWith("step"))
            .Select(l => double.Parse(l.Split("loss")[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(losses.Count >= 10);
        Assert.True(losses[^1] < losses[0] / 10, $"loss went from {losses[0]} to {losses[^1]}");
    }

    [Fact]
    public void Unknown_command_exits_2()
    {
        Assert.Equal(2, Program.Main(new[] { "no-such-command" }));
    }

    [Fact]
    public void Bad_workload_name_is_a_clear_error_with_exit_1()
    {
        Assert.Equal(1, Program.Main(new[] { "bench", "engine", "B9" }));
    }

    [Fact]
    public void Bench_refuses_unknown_options_instead_of_running_and_help_prints_the_usage()
    {
        var errors = ConsoleCapture.Error(() =>
        {
            Assert.Equal(2, Program.Main(new[] { "bench", "codec", "--preset", "course" }));
            Assert.Equal(2, Program.Main(new[] { "bench", "engine", "B0", "--threads", "2" }));
        });
        Assert.Contains("unknown option '--preset' (options: --pytorch, --help)", errors);
        Assert.Contains("unknown option '--threads' (options: --pytorch, --help)", errors);
        var usage = ConsoleCapture.Out(() => Assert.Equal(0, Program.Main(new[] { "bench", "codec", "--help" })));
        Assert.Contains("bench codec", usage);
        Assert.DoesNotContain("codec-speed", usage);
    }
}
