namespace MusicLM.Interactive;

/// <summary>
/// Progress bars for long loops, updated in place at most ~4 times a second, stopping cleanly when the
/// notebook's interrupt button is pressed:
/// <code>
/// foreach (var step in Progress.Range(1000, "training")) { … }
/// foreach (var clip in Progress.Over(clips)) { … }
/// using var bar = Progress.Start(steps, "training");
/// for (var s = 0; s &lt; steps; s++) { …; bar.Update(s + 1, ("loss", loss)); }
/// </code>
/// </summary>
public static class Progress
{
    /// <summary>0, 1, …, n − 1 with a progress bar.</summary>
    public static IEnumerable<int> Range(int n, string? label = null)
    {
        if (n < 0) throw new ArgumentException($"n must be ≥ 0, got {n}", nameof(n));
        return Over(Enumerable.Range(0, n), n, label);
    }

    /// <summary>The items with a progress bar; <paramref name="total"/> defaults to the collection's count when it has one.</summary>
    public static IEnumerable<T> Over<T>(IEnumerable<T> items, long? total = null, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        total ??= items switch
        {
            ICollection<T> c => c.Count,
            IReadOnlyCollection<T> r => r.Count,
            _ => null,
        };
        return Iterate(items, total ?? 0, label);
    }

    private static IEnumerable<T> Iterate<T>(IEnumerable<T> items, long total, string? label)
    {
        using var bar = Start(total, label);
        long done = 0;
        foreach (var item in items)
        {
            bar.ThrowIfInterrupted();
            yield return item;
            bar.Update(++done);
        }
    }

    /// <summary>
    /// A bar you advance yourself with <see cref="ProgressBar.Update"/>; dispose it to show the final state.
    /// <paramref name="total"/> 0 means unknown. <paramref name="clock"/> is for tests.
    /// </summary>
    public static ProgressBar Start(long total, string? label = null, TimeProvider? clock = null) =>
        new(total, label, clock ?? TimeProvider.System);

    /// <summary>
    /// An <see cref="IProgress{T}"/> that calls <paramref name="handler"/> at once, on the thread that
    /// reports, in the order of the reports: pass it where a library call takes a progress argument.
    /// <c>new Progress&lt;T&gt;(handler)</c> instead posts each report to the thread pool, so in a
    /// notebook the handler runs late, out of order and on several threads at once, it may still run
    /// after the call has returned, and an exception it throws ends the process instead of the cell.
    /// </summary>
    public static IProgress<T> Inline<T>(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new InlineProgress<T>(handler);
    }

    private sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}
