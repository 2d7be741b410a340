using System.Globalization;
using System.Text;

namespace MusicLM.Cli;

/// <summary>
/// Progress of a long job on a terminal: one line, redrawn in place at most five times a second, with a bar,
/// percent, ETA and a short detail ("codec train  37/100 [#######.............]  37%  ETA 00:05  mel 1.23").
/// When the stream is not a terminal nothing is drawn, so logs, pipes and tests stay clean (the commands
/// print their own occasional plain lines there). Lines a command prints while the bar shows go through
/// <see cref="WriteLine"/>, which clears the bar first and redraws it after.
/// </summary>
/// <remarks>
/// MusicLM.Interactive's ProgressBar is for notebooks: it writes to standard output, decides on a terminal
/// by itself and prints a line every 10 s when redirected. The command keeps results on stdout and wants the
/// terminal decision injectable (see <see cref="CliContext.Terminal"/>), hence this small one.
/// </remarks>
public sealed class ConsoleProgress : IDisposable
{
    private static readonly TimeSpan interval = TimeSpan.FromMilliseconds(200);
    private readonly TextWriter writer;
    private readonly string label;
    private readonly TimeProvider clock;
    private readonly long started;
    private readonly int maxWidth;
    private long lastDraw;
    private bool visible;
    private int shownWidth;
    private double fraction = double.NaN;
    private string count = "";
    private string detail = "";

    /// <param name="writer">Where the line is drawn (the command's standard error).</param>
    /// <param name="terminal">Whether <paramref name="writer"/> is a terminal; if not, nothing is drawn.</param>
    /// <param name="label">What is running, first on the line.</param>
    /// <param name="clock">The clock for throttling and the ETA (tests pass a fake one).</param>
    /// <param name="maxWidth">Longest line drawn (a wrapped line could not be redrawn in place); 0: the terminal's width.</param>
    public ConsoleProgress(TextWriter writer, bool terminal, string label, TimeProvider? clock = null, int maxWidth = 0)
    {
        this.writer = writer;
        Drawing = terminal;
        this.label = label;
        this.clock = clock ?? TimeProvider.System;
        started = this.clock.GetTimestamp();
        lastDraw = started;
        this.maxWidth = maxWidth > 0 ? maxWidth : terminal ? TerminalWidth() : 100;
    }

    /// <summary>Whether the line is drawn (the stream is a terminal).</summary>
    public bool Drawing { get; }

    /// <summary>Elapsed time since the job started.</summary>
    public TimeSpan Elapsed => clock.GetElapsedTime(started);

    /// <summary><paramref name="done"/> of <paramref name="total"/> <paramref name="unit"/> (total ≤ 0: unknown).</summary>
    public void Report(long done, long total, string? unit = null, string? detail = null) =>
        Report(total > 0 ? (double)done / total : double.NaN, (total > 0 ? $"{done}/{total}" : $"{done}") + (unit is null ? "" : " " + unit), detail);

    /// <summary>A fraction in [0, 1] (NaN: unknown), the count to show and a short detail.</summary>
    public void Report(double fraction, string count, string? detail = null)
    {
        this.fraction = fraction;
        this.count = count;
        this.detail = detail ?? "";
        if (!Drawing) return;
        var now = clock.GetTimestamp();
        if (!visible || fraction >= 1 || clock.GetElapsedTime(lastDraw, now) >= interval)
        {
            lastDraw = now;
            Draw();
        }
    }

    /// <summary>Writes a line to <paramref name="to"/> (stdout or stderr) without tearing the bar.</summary>
    public void WriteLine(TextWriter to, string line)
    {
        var redraw = visible;
        if (visible) Clear();
        to.WriteLine(line);
        to.Flush();
        if (redraw) Draw();
    }

    /// <summary>Removes the line, so the command's summary starts on a clean line.</summary>
    public void Dispose()
    {
        if (visible) Clear();
    }

    /// <summary>The line as drawn: "label  3/10 [######..............]  30%  ETA 00:07  detail".</summary>
    public string Line()
    {
        var sb = new StringBuilder(label);
        if (count.Length > 0) sb.Append("  ").Append(count);
        if (!double.IsNaN(fraction))
        {
            var f = Math.Clamp(fraction, 0, 1);
            var filled = (int)(f * 20);
            sb.Append(" [").Append('#', filled).Append('.', 20 - filled).Append(']');
            sb.Append(string.Create(CultureInfo.InvariantCulture, $" {f * 100,3:0}%"));
            var elapsed = Elapsed;
            if (f > 0 && f < 1) sb.Append("  ETA ").Append(Clock(elapsed * ((1 - f) / f)));
            else sb.Append("  ").Append(Clock(elapsed));
        }
        else sb.Append("  ").Append(Clock(Elapsed));
        if (detail.Length > 0) sb.Append("  ").Append(detail);
        return sb.ToString();
    }

    private void Draw()
    {
        var line = Line();
        if (line.Length > maxWidth - 1) line = line[..(maxWidth - 1)];
        writer.Write("\r" + line.PadRight(shownWidth));
        writer.Flush();
        shownWidth = line.Length;
        visible = true;
    }

    private void Clear()
    {
        writer.Write("\r" + new string(' ', shownWidth) + "\r");
        writer.Flush();
        visible = false;
        shownWidth = 0;
    }

    private static string Clock(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : $"{t:mm\\:ss}";

    private static int TerminalWidth()
    {
        try
        {
            var w = Console.WindowWidth;
            return w >= 20 ? w : 100;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or PlatformNotSupportedException)
        {
            return 100;
        }
    }
}
