namespace MusicLM.Kernel.Execution;

/// <summary>
/// The interrupt flag of the cell now running. The kernel rewrites every cell so that loop bodies,
/// method and lambda bodies and statements after an <c>await</c> call <see cref="Check"/>; an
/// interrupt (interrupt_request or SIGINT) then stops even <c>while (true) {}</c> with an
/// <see cref="OperationCanceledException"/>, reported to the notebook as ename "Interrupted".
/// </summary>
public static class CellInterrupt
{
    private static readonly CancellationTokenSource Idle = new();
    private static CancellationTokenSource _current = Idle;

    /// <summary>The running cell's token; a never-cancelled token between cells.</summary>
    public static CancellationToken Token => Volatile.Read(ref _current).Token;

    /// <summary>Throws when the running cell has been interrupted. Called by rewritten cell code.</summary>
    public static void Check()
    {
        var cts = Volatile.Read(ref _current);
        if (cts.IsCancellationRequested) throw new OperationCanceledException("The cell was interrupted.", cts.Token);
    }

    internal static CancellationTokenSource BeginCell()
    {
        var cts = new CancellationTokenSource();
        Volatile.Write(ref _current, cts);
        return cts;
    }

    internal static void EndCell(CancellationTokenSource cts)
    {
        Interlocked.CompareExchange(ref _current, Idle, cts);
        cts.Dispose();
    }

    /// <summary>Cancels the running cell; does nothing between cells.</summary>
    internal static void Interrupt()
    {
        var cts = Volatile.Read(ref _current);
        if (ReferenceEquals(cts, Idle)) return;
        try { cts.Cancel(); } catch (ObjectDisposedException) { }
    }
}
