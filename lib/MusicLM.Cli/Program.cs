namespace MusicLM.Cli;

/// <summary>The <c>musiclm</c> command (see <see cref="Cli"/> for its tree and conventions).</summary>
public static class Program
{
    public static int Main(string[] args) => Cli.Run(args, CliContext.FromConsole());
}
