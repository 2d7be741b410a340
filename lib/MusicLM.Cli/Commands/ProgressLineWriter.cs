using System.Text;

namespace MusicLM.Cli.Commands;

/// <summary>
/// A writer for jobs that print one result line per finished piece (the benchmarks): each line goes out
/// through the progress bar (so the bar is not torn) and advances it by one of <c>total</c>.
/// </summary>
internal sealed class ProgressLineWriter(ConsoleProgress bar, TextWriter inner, int total) : TextWriter
{
    private readonly StringBuilder pending = new();

    /// <summary>Lines written so far.</summary>
    public int Lines { get; private set; }

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value == '\n') EndLine();
        else if (value != '\r') pending.Append(value);
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "") Write(c);
    }

    public override void WriteLine(string? value)
    {
        pending.Append(value);
        EndLine();
    }

    public override void Flush() => inner.Flush();

    private void EndLine()
    {
        bar.WriteLine(inner, pending.ToString());
        pending.Clear();
        Lines++;
        bar.Report(Lines, total);
    }
}
