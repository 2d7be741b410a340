using System.Diagnostics;

namespace MusicLM.TestSupport;

/// <summary>
/// Runs Debian's Python (/usr/bin/python3, which has PyTorch 1.13; the python3 on PATH may not) for
/// independent reference values and for the data scripts. Shared by the test projects (linked, not copied).
/// </summary>
internal static class ReferencePython
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs a script; returns (exit code, stdout, stderr); fails the test after 120 s.</summary>
    public static (int exitCode, string stdout, string stderr) Run(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Python}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish in 120 s");
        }
        return (p.ExitCode, stdout, stderr.Result);
    }

    /// <summary>Runs a script that must succeed; returns its stdout.</summary>
    public static string RunOk(string script, params string[] args)
    {
        var (code, stdout, stderr) = Run(script, args);
        if (code != 0) throw new Xunit.Sdk.XunitException($"{script} failed (exit {code}):\n{stderr}\n{stdout}");
        return stdout;
    }

    /// <summary>A file copied next to the test assembly (e.g. "Codec/encodec_reference.py").</summary>
    public static string TestFile(string relative) => Path.Combine(AppContext.BaseDirectory, relative);
}
