namespace MusicLM.TestSupport;

/// <summary>What code writes to the console while it runs (the writer is restored afterwards). Linked into the test projects that need it.</summary>
internal static class ConsoleCapture
{
    /// <summary>Standard output written by <paramref name="run"/>.</summary>
    public static string Out(Action run) => Capture(run, Console.Out, Console.SetOut);

    /// <summary>Standard error written by <paramref name="run"/>.</summary>
    public static string Error(Action run) => Capture(run, Console.Error, Console.SetError);

    private static string Capture(Action run, TextWriter original, Action<TextWriter> set)
    {
        var captured = new StringWriter();
        set(captured);
        try { run(); }
        finally { set(original); }
        return captured.ToString();
    }
}
