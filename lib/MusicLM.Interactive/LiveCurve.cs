using System.Text;

namespace MusicLM.Interactive;

/// <summary>
/// A line chart that grows while a loop runs (<see cref="Plot.Live"/>): <c>Add</c>
/// records points, and the shown figure is replaced in place at most ~3 times a second. Without a notebook
/// it prints the last values when disposed. Safe to call from several threads at once (a
/// <c>new Progress&lt;T&gt;</c> handler runs on the thread pool, two reports can overlap).
/// </summary>
public sealed class LiveCurve : IDisplayable, IDisposable
{
    private readonly Dictionary<string, (List<double> X, List<double> Y)> series = new();
    private readonly List<string> order = new();
    private readonly Throttle throttle;
    private readonly string title, xTitle;
    private readonly object gate = new();
    private DisplayHandle? handle;
    private bool dirty;

    internal LiveCurve(string title, string xTitle, TimeProvider clock)
    {
        this.title = title;
        this.xTitle = xTitle;
        throttle = new Throttle(clock, TimeSpan.FromSeconds(1 / 3.0));
    }

    /// <summary>Names of the series so far, in first-seen order.</summary>
    public IReadOnlyList<string> Series { get { lock (gate) return order.ToArray(); } }

    /// <summary>How many times the shown output was replaced (for tests and curiosity).</summary>
    public int DisplayUpdates { get; private set; }

    /// <summary>Adds one point to the series "loss".</summary>
    public void Add(double step, double value) => Add(step, ("loss", value));

    /// <summary>Adds one point to each named series at <paramref name="step"/>.</summary>
    public void Add(double step, params (string Series, double Value)[] values)
    {
        lock (gate) AddLocked(step, values);
    }

    private void AddLocked(double step, (string Series, double Value)[] values)
    {
        foreach (var (name, v) in values)
        {
            if (!series.TryGetValue(name, out var s))
            {
                s = (new List<double>(), new List<double>());
                series[name] = s;
                order.Add(name);
            }
            s.X.Add(step);
            s.Y.Add(v);
        }
        dirty = true;
        if (throttle.Ready()) FlushLocked();
    }

    /// <summary>Shows the current curve now (replacing the previous picture).</summary>
    public void Flush()
    {
        lock (gate) FlushLocked();
    }

    private void FlushLocked()
    {
        if (!dirty && handle != null) return;
        var live = KernelHooks.InKernel || HtmlReport.Current != null;
        if (!live) return; // the console gets one summary at the end, not a stream of figures
        if (handle == null) handle = Display.display(this);
        else { handle.Update(this); DisplayUpdates++; }
        dirty = false;
    }

    /// <summary>
    /// The curve as a static figure; the y axis is titled with the series' names. Short series also show
    /// their points as markers, so the first recorded value is visible before there is a line to draw.
    /// </summary>
    public Figure ToFigure()
    {
        lock (gate) return FigureLocked();
    }

    private Figure FigureLocked()
    {
        var fig = new Figure(title).WithAxes(xTitle, order.Count == 0 ? null : string.Join(", ", order)).WithSize(0, 320);
        foreach (var name in order)
        {
            var (x, y) = series[name];
            fig.AddLine(y, x, name);
            if (y.Count <= MarkerPoints) fig.Traces[^1]!["mode"] = "lines+markers";
        }
        return fig;
    }

    /// <summary>Series with at most this many points draw markers as well as the line.</summary>
    public const int MarkerPoints = 50;

    /// <summary>"training: loss 0.312 (step 400), val 0.4 (step 400)".</summary>
    public override string ToString()
    {
        lock (gate) return TextLocked();
    }

    private string TextLocked()
    {
        var sb = new StringBuilder(title).Append(':');
        foreach (var name in order)
        {
            var (x, y) = series[name];
            sb.Append($" {name} {Plot.Invariant(y[^1])} (step {Plot.Invariant(x[^1])}),");
        }
        return order.Count == 0 ? title + ": no points yet" : sb.ToString().TrimEnd(',');
    }

    public IReadOnlyDictionary<string, object> ToMimeBundle() => ToFigure().ToMimeBundle();

    /// <summary>Draws the final curve (or prints its last values on a console).</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (KernelHooks.InKernel || HtmlReport.Current != null) { dirty = true; FlushLocked(); }
            else if (order.Count > 0) Console.Out.WriteLine(TextLocked());
        }
    }
}
