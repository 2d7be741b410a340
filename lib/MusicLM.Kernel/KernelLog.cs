namespace MusicLM.Kernel;

/// <summary>The kernel's own diagnostics: to the process's real stderr (the terminal running Jupyter), never into a notebook.</summary>
internal static class KernelLog
{
    private static readonly TextWriter Error = TextWriter.Synchronized(
        new StreamWriter(Console.OpenStandardError()) { AutoFlush = true });

    public static void Write(string message) => Error.WriteLine($"[musiclm-kernel] {message}");
}
