using System.Diagnostics;

namespace MusicLM.Torch.Tests;

/// <summary>
/// Starts Debian's Python, which has PyTorch 1.13 (the pyenv `python3` on PATH has no torch, hence the
/// absolute path), as an independent reference for expected values.
/// </summary>
internal static class ReferencePython
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs a script file; returns its stdout, fails the test on a non-zero exit or after 120 s.</summary>
    public static string RunFile(string path, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(path);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Python}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("the PyTorch reference script did not finish in 120 s");
        }
        if (p.ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"the PyTorch reference script failed (exit {p.ExitCode}):\n{stderr.Result}\n{stdout}");
        return stdout;
    }
}
