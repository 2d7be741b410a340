using System.Runtime.InteropServices;

namespace MusicLM.Kernel.Completion;

/// <summary>
/// Lowers the CPU priority of the calling thread (Linux nice 19), so background work yields to
/// the cell a user is waiting for. .NET's Thread.Priority does nothing on Linux; setpriority with
/// a thread id does, and raising one's own niceness needs no privilege. Elsewhere, a no-op.
/// </summary>
internal static partial class ThreadNice
{
    private const int PrioProcess = 0;

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int prio);

    /// <summary>True when the thread now runs at nice 19.</summary>
    public static bool LowerCurrentThread()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return SetPriority(PrioProcess, GetTid(), 19) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
