using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MusicLM.Interactive.Tests;

/// <summary>Tests that touch process-wide state (AppContext kernel hooks, console, plotly's once-per-process flag) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessState
{
    public const string Name = "process-wide display state";
}

/// <summary>Debian's python (not pyenv's) with PIL and wave: an independent decoder.</summary>
internal static class Python
{
    public static string Run(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python failed: {stderr}");
        return stdout.Result.Trim();
    }
}

/// <summary>A stand-in for the C# kernel: registers the AppContext hooks and records what is published.</summary>
internal sealed class FakeKernel : IDisposable
{
    public readonly List<(IReadOnlyDictionary<string, object> Data, string? Id, bool Update)> Published = new();
    public readonly CancellationTokenSource Interrupt = new();

    public FakeKernel()
    {
        Action<IReadOnlyDictionary<string, object>, IReadOnlyDictionary<string, object>?, string?, bool> publish =
            (data, _, id, update) => Published.Add((new Dictionary<string, object>(data), id, update));
        Func<CancellationToken> token = () => Interrupt.Token;
        AppContext.SetData("jupyter.kernel.publish_display", publish);
        AppContext.SetData("jupyter.kernel.interrupt_token", token);
    }

    public string Text(int i) => (string)Published[i].Data["text/plain"];

    public void Dispose()
    {
        AppContext.SetData("jupyter.kernel.publish_display", null);
        AppContext.SetData("jupyter.kernel.interrupt_token", null);
        Interrupt.Dispose();
    }
}

/// <summary>A clock that moves only when told to.</summary>
internal sealed class FakeClock : TimeProvider
{
    private long ticks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => ticks;
    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(ticks);
    public void Advance(TimeSpan by) => ticks += by.Ticks;
}

internal static class JsonOf
{
    /// <summary>The figure JSON a figure's notebook HTML carries (between the loader's markers).</summary>
    public static JsonObject Figure(Figure f) => InHtml((string)f.ToMimeBundle()["text/html"]);

    public static JsonObject InHtml(string html)
    {
        const string start = "/*musiclm-figure*/", end = "/*end-figure*/";
        var i = html.IndexOf(start, StringComparison.Ordinal);
        Assert.True(i >= 0, "no figure JSON in the HTML");
        var j = html.IndexOf(end, i, StringComparison.Ordinal);
        Assert.True(j > i, "figure JSON is not closed");
        Assert.True(html.IndexOf(start, j, StringComparison.Ordinal) < 0, "the HTML holds more than one figure");
        return (JsonObject)JsonNode.Parse(html[(i + start.Length)..j])!;
    }

    public static int Occurrences(string text, string what) => text.Split(what).Length - 1;
}
