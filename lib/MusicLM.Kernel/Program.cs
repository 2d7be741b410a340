using MusicLM.Kernel.Protocol;
using MusicLM.Kernel.Zmq;

namespace MusicLM.Kernel;

/// <summary>
/// <c>musiclm-kernel -f CONNECTION_FILE [--cwd DIR]</c>: a Jupyter kernel for C#. The working
/// directory (where relative <c>#r</c> paths resolve) is --cwd, else $MUSICLM_KERNEL_CWD, else the
/// directory Jupyter started the kernel in (the notebook's folder).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string? connectionFile = null, cwd = Environment.GetEnvironmentVariable("MUSICLM_KERNEL_CWD");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-f" or "--connection-file" when i + 1 < args.Length: connectionFile = args[++i]; break;
                case "--cwd" when i + 1 < args.Length: cwd = args[++i]; break;
                case "-h" or "--help":
                    Console.WriteLine("usage: musiclm-kernel -f CONNECTION_FILE [--cwd DIR]");
                    return 0;
                default:
                    Console.Error.WriteLine($"musiclm-kernel: unknown argument '{args[i]}' (usage: musiclm-kernel -f CONNECTION_FILE [--cwd DIR])");
                    return 2;
            }
        }
        if (connectionFile is null)
        {
            Console.Error.WriteLine("usage: musiclm-kernel -f CONNECTION_FILE [--cwd DIR]");
            return 2;
        }

        try
        {
            if (!string.IsNullOrEmpty(cwd)) Directory.SetCurrentDirectory(cwd);
            var connection = ConnectionInfo.Load(connectionFile);
            int code;
            using (var server = new KernelServer(connection, Directory.GetCurrentDirectory()))
                code = server.Run();
            // Threads a cell started must not keep a shut-down kernel alive.
            Environment.Exit(code);
            return code;
        }
        catch (ZmqUnavailableException e)
        {
            Console.Error.WriteLine($"musiclm-kernel: {e.Message}");
            return 3;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or ZmqException or NotSupportedException or InvalidDataException)
        {
            Console.Error.WriteLine($"musiclm-kernel: {e.Message}");
            return 1;
        }
    }
}
