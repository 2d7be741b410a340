using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// The interrupt flag of the cell now running, and the stack guard of cell code. The kernel
/// rewrites every cell so that loop bodies and statements after an <c>await</c> call
/// <see cref="Check"/>, and every method, local function, accessor and block lambda the cell
/// declares starts with <see cref="Enter"/>. An interrupt (interrupt_request or SIGINT) then stops
/// even <c>while (true) {}</c> with an <see cref="OperationCanceledException"/>, reported to the
/// notebook as ename "Interrupted"; a runaway recursion ends as an
/// <see cref="InsufficientExecutionStackException"/> instead of a stack overflow, which .NET
/// cannot catch and which would end the kernel with all its state.
/// </summary>
public static partial class CellInterrupt
{
    /// <summary>
    /// How much of a thread's stack cell code may use: 1 MiB, the default stack of a .NET thread on
    /// Windows and of a JVM thread; about 20,000 frames of a small recursive function. The rest of
    /// the thread's stack (8 MiB on Linux) stays free for library calls made from the deepest frame
    /// and for throwing. A deeper limit would make the error slow: .NET takes ~20 µs a frame to
    /// unwind and to build the traceback.
    /// </summary>
    public const int StackBudget = 1024 * 1024;

    /// <summary>Never closer to the end of the stack than this, whatever the thread's size.</summary>
    private const int MinimumReserve = 256 * 1024;

    private static readonly CancellationTokenSource Idle = new();
    private static CancellationTokenSource _current = Idle;

    /// <summary>
    /// The lowest stack address cell code may reach on this thread: 0 until the thread's first
    /// <see cref="Enter"/>, <see cref="UnknownBounds"/> where its stack bounds are unknown (every
    /// call then asks the runtime's own check, which leaves 128 KiB).
    /// </summary>
    [ThreadStatic]
    private static nuint t_stackLimit;

    private static readonly nuint UnknownBounds = nuint.MaxValue;

    /// <summary>Non-zero while an interrupt of the running cell is pending (one read in <see cref="Enter"/>).</summary>
    private static int _interrupted;

    /// <summary>The running cell's token; a never-cancelled token between cells.</summary>
    public static CancellationToken Token => Volatile.Read(ref _current).Token;

    /// <summary>Throws when the running cell has been interrupted. Called by rewritten cell code.</summary>
    /// <remarks>
    /// Inlined into every loop body, with the throw kept out of line: the JIT would not inline it
    /// otherwise once profile-guided tiering is off (see MusicLM.Kernel.csproj), and a call per
    /// iteration made a tight loop cell 2.5 times slower.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check()
    {
        if (Volatile.Read(ref _current).IsCancellationRequested) ThrowInterrupted();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInterrupted() =>
        throw new OperationCanceledException("The cell was interrupted.", Volatile.Read(ref _current).Token);

    /// <summary>
    /// Called first in every member and block lambda of rewritten cell code: throws when the cell
    /// has used up its stack budget (a recursion without end), or when the cell has been
    /// interrupted. Inlined: one compare against a thread-static limit and one static read, so a
    /// recursive fib costs a few nanoseconds a call more, not a method call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Enter()
    {
        byte here;
        var sp = (nuint)(&here);
        var limit = t_stackLimit;
        if (sp < limit || limit == 0) StackCheckSlow(sp);
        if (Volatile.Read(ref _interrupted) != 0) Check();
    }

    /// <summary>The first call on a thread (finds its limit), the overflowing one, and threads of unknown bounds.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StackCheckSlow(nuint sp)
    {
        var limit = t_stackLimit;
        if (limit == 0) limit = t_stackLimit = StackLimit(sp);
        if (limit == UnknownBounds ? !RuntimeHelpers.TryEnsureSufficientExecutionStack() : sp < limit)
            throw new InsufficientExecutionStackException(
                "recursion too deep: the cell's code used up its stack (does a method call itself without end?). Variables defined before the cell are kept.");
    }

    /// <summary>The top of this thread's stack less the budget, from its bounds (glibc); <see cref="UnknownBounds"/> elsewhere.</summary>
    private static unsafe nuint StackLimit(nuint sp)
    {
        if (!OperatingSystem.IsLinux()) return UnknownBounds;
        try
        {
            var attr = stackalloc byte[256]; // pthread_attr_t is 56 bytes on x86-64 and 64 on arm64
            if (pthread_getattr_np(pthread_self(), attr) != 0) return UnknownBounds;
            try
            {
                if (pthread_attr_getstack(attr, out var low, out var size) != 0) return UnknownBounds;
                nuint bottom = (nuint)low, top = bottom + size;
                if (sp <= bottom || sp > top) return UnknownBounds;
                return Math.Max(top - Math.Min((nuint)StackBudget, top - bottom), bottom + MinimumReserve);
            }
            finally
            {
                pthread_attr_destroy(attr);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return UnknownBounds;
        }
    }

    [LibraryImport("libc.so.6")]
    private static partial nint pthread_self();

    [LibraryImport("libc.so.6")]
    private static unsafe partial int pthread_getattr_np(nint thread, byte* attr);

    [LibraryImport("libc.so.6")]
    private static unsafe partial int pthread_attr_getstack(byte* attr, out nint stackAddress, out nuint stackSize);

    [LibraryImport("libc.so.6")]
    private static unsafe partial int pthread_attr_destroy(byte* attr);

    internal static CancellationTokenSource BeginCell()
    {
        var cts = new CancellationTokenSource();
        Volatile.Write(ref _interrupted, 0);
        Volatile.Write(ref _current, cts);
        return cts;
    }

    internal static void EndCell(CancellationTokenSource cts)
    {
        Interlocked.CompareExchange(ref _current, Idle, cts);
        Volatile.Write(ref _interrupted, 0);
        cts.Dispose();
    }

    /// <summary>Cancels the running cell; does nothing between cells.</summary>
    internal static void Interrupt()
    {
        var cts = Volatile.Read(ref _current);
        if (ReferenceEquals(cts, Idle)) return;
        Volatile.Write(ref _interrupted, 1);
        try { cts.Cancel(); } catch (ObjectDisposedException) { }
    }
}
