namespace MusicLM.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: musiclm <command>");
        return 2;
    }
}
