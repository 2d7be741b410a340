using MusicLM.Cli.Commands;

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
}
