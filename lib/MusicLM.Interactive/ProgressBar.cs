using System.Globalization;
using System.Net;
using System.Text;

namespace MusicLM.Interactive;

/// <summary>
/// A progress bar (<see cref="Progress.Start"/>): count, rate, ETA and a few live metrics. In a notebook it
/// replaces its own output at most ~4 times a second; on a console it rewrites one line. When the kernel's
/// interrupt token is cancelled, the next <see cref="Update"/> shows "interrupted" and throws
/// <see cref="OperationCanceledException"/>, which ends the loop. Safe to update from several threads; only
/// the thread that started the bar is stopped by an interrupt (a throw on a thread-pool thread, say in a
/// <c>new Progress&lt;T&gt;</c> handler, would end the whole process), the others just see "interrupted".
/// </summary>
public sealed class ProgressBar : IDisplayable, IDisposable
{
    private static readonly TimeSpan interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan redirectedInterval = TimeSpan.FromSeconds(10);
    private readonly TimeProvider clock;
    private readonly long started;
    private readonly Throttle throttle;
    private readonly DisplayHandle? handle;
    private readonly bool console;
    private readonly bool rewriteLine;
    private readonly object gate = new();
    private readonly int owner = Environment.CurrentManagedThreadId;
    private (string Name, double Value)[] metrics = Array.Empty<(string, double)>();
    private int consoleWidth;

    internal ProgressBar(long total, string? label, TimeProvider clock)
    {
        if (total < 0) throw new ArgumentException($"total must be ≥ 0 (0: unknown), got {total}", nameof(total));
        Total = total;
        Label = label;
        this.clock = clock;
        started = clock.GetTimestamp();
        console = !KernelHooks.InKernel;
        rewriteLine = console && !Console.IsOutputRedirected;
        throttle = new Throttle(clock, console && !rewriteLine ? redirectedInterval : interval);
        throttle.Ready(); // the first interval starts now
        if (KernelHooks.InKernel || HtmlReport.Current != null) handle = Display.display(this);
        if (console) WriteConsole();
    }

    public long Total { get; }

    public string? Label { get; }

    /// <summary>Items done so far.</summary>
    public long Count { get; private set; }

    /// <summary>"running", "done", "stopped" (disposed early) or "interrupted".</summary>
    public string State { get; private set; } = "running";

    /// <summary>How many times the shown output was replaced (throttled).</summary>
    public int DisplayUpdates { get; private set; }

    public TimeSpan Elapsed => clock.GetElapsedTime(started);

    /// <summary>Items per second since the start.</summary>
    public double Rate => Elapsed.TotalSeconds > 0 ? Count / Elapsed.TotalSeconds : 0;

    /// <summary>Estimated time left, when the total and a rate are known.</summary>
    public TimeSpan? Eta => Total > 0 && Rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, Total - Count) / Rate) : null;

    /// <summary>The latest metrics passed to <see cref="Update"/>.</summary>
    public IReadOnlyList<(string Name, double Value)> Metrics => metrics;

    /// <summary>Sets the count of items done (and the live metrics); redraws when due.</summary>
    public void Update(long count, params (string Name, double Value)[] metrics)
    {
        ThrowIfInterrupted();
        lock (gate)
        {
            if (State != "running") return;
            Count = count;
            if (metrics.Length > 0) this.metrics = metrics;
            if ((Total > 0 && count >= Total) || throttle.Ready()) Redraw();
        }
    }

    /// <summary>Adds <paramref name="by"/> to the count.</summary>
    public void Advance(long by = 1, params (string Name, double Value)[] metrics)
    {
        lock (gate) Update(Count + by, metrics);
    }

    /// <summary>If the notebook's interrupt was pressed: shows "interrupted" and throws <see cref="OperationCanceledException"/>.</summary>
    public void ThrowIfInterrupted()
    {
        var token = KernelHooks.InterruptToken;
        if (!token.IsCancellationRequested) return;
        Finish("interrupted");
        if (Environment.CurrentManagedThreadId != owner) return;
        throw new OperationCanceledException($"{Label ?? "loop"} interrupted at {Count}" + (Total > 0 ? $"/{Total}" : ""), token);
    }

    private void Redraw()
    {
        if (handle != null) { handle.Update(this); DisplayUpdates++; }
        if (console) WriteConsole();
    }

    private void WriteConsole()
    {
        var line = ToString();
        if (rewriteLine)
        {
            Console.Out.Write("\r" + line.PadRight(consoleWidth));
            consoleWidth = line.Length;
            if (State != "running") Console.Out.WriteLine();
        }
        else Console.Out.WriteLine(line);
    }

    private void Finish(string state)
    {
        lock (gate)
        {
            if (State != "running") return;
            State = state;
            Redraw();
        }
    }

    /// <summary>Shows the final state ("done", or "stopped" when the loop ended early).</summary>
    public void Dispose() => Finish(Total == 0 || Count >= Total ? "done" : "stopped");

    private string CountText => Total > 0 ? $"{Count}/{Total}" : $"{Count} it";

    private string Details()
    {
        var parts = new List<string>();
        var rate = Rate;
        if (rate > 0) parts.Add(rate >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{rate:0.0} it/s") : string.Create(CultureInfo.InvariantCulture, $"{1 / rate:0.0} s/it"));
        if (State == "running" && Eta is { } eta) parts.Add("ETA " + Clock(eta));
        else if (State != "running") parts.Add(Clock(Elapsed));
        // A metric that does not apply right now (NaN: say, the discriminator's loss before it starts) is left out.
        parts.AddRange(metrics.Where(m => !double.IsNaN(m.Value)).Select(m => $"{m.Name}={Table.Format(m.Value)}"));
        if (State is "interrupted" or "stopped") parts.Add(State);
        return string.Join("  ", parts);
    }

    private static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : $"{t:mm\\:ss}";

    /// <summary>"training  37/100 [#######.............] 37%  12.3 it/s  ETA 00:05  loss=0.3"</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Label != null) sb.Append(Label).Append("  ");
        sb.Append(CountText);
        if (Total > 0)
        {
            var frac = Math.Clamp((double)Count / Total, 0, 1);
            var filled = (int)(frac * 20);
            sb.Append(" [").Append('#', filled).Append('.', 20 - filled).Append("] ").Append((int)(frac * 100)).Append('%');
        }
        var details = Details();
        if (details.Length > 0) sb.Append("  ").Append(details);
        return sb.ToString();
    }

    public string ToHtml()
    {
        var sb = new StringBuilder("<div class=\"musiclm-progress\" style=\"font-family:monospace\">");
        if (Label != null) sb.Append(WebUtility.HtmlEncode(Label)).Append(' ');
        if (Total > 0) sb.Append($"<progress value=\"{Count}\" max=\"{Total}\" style=\"width:240px;vertical-align:middle\"></progress> ");
        sb.Append(WebUtility.HtmlEncode(CountText));
        var details = Details();
        if (details.Length > 0) sb.Append(" &middot; ").Append(WebUtility.HtmlEncode(details).Replace("  ", " &middot; "));
        return sb.Append("</div>").ToString();
    }

    public IReadOnlyDictionary<string, object> ToMimeBundle() => MimeBundle.Html(ToHtml(), ToString()).Data;
}
