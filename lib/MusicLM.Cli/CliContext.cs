namespace MusicLM.Cli;

/// <summary>
/// What a command runs with: its output streams and whether standard error is a terminal (then long jobs
/// draw a <see cref="ConsoleProgress"/> line). Injected so tests can ask for a fake terminal.
/// </summary>
/// <param name="Out">Results (standard output).</param>
/// <param name="Error">Errors and the progress line (standard error).</param>
/// <param name="Terminal">Whether <paramref name="Error"/> is a terminal.</param>
public sealed record CliContext(TextWriter Out, TextWriter Error, bool Terminal)
{
    /// <summary>A progress line for a long job, drawn on <see cref="Error"/> only on a terminal.</summary>
    public ConsoleProgress Progress(string label) => new(Error, Terminal, label);

    /// <summary>The process's console: progress is drawn when standard error is a terminal that can redraw a line.</summary>
    public static CliContext FromConsole() =>
        new(Console.Out, Console.Error, !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb");
}
