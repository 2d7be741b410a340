using System.Diagnostics;
using System.Globalization;
using MusicLM.Torch;

namespace MusicLM.Cli.Bench;

/// <summary>What the benchmarks share: invariant formatting, median timing, and running a PyTorch twin script.</summary>
internal static class BenchTools
{
    public static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Median seconds of <paramref name="n"/> runs after <paramref name="warm"/> untimed ones; each run in its own dispose scope.</summary>
    public static double Time(Action run, int warm, int n)
    {
        for (int i = 0; i < warm; i++)
        {
            using var s = torch.NewDisposeScope();
            run();
        }
        var times = new double[n];
        for (int i = 0; i < n; i++)
        {
            using var s = torch.NewDisposeScope();
            var sw = Stopwatch.StartNew();
            run();
            times[i] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    }

    /// <summary>Runs a twin script with Debian's Python (torch lives there); its trimmed output, or null if it could not run.</summary>
    public static string? RunPython(string script, params string[] args)
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var psi = new ProcessStartInfo(python, new[] { script }.Concat(args)) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? stdout.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
